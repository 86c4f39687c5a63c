"""Shared fixtures: tiny hand-written datasets, the sample company, and the headless browser."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from orgfriction import Dataset
from orgfriction.sample import SampleCompany, generate_sample

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "sample_data"

MINIMAL_TICKETS = (
    "ticket_id,title,created_at,resolved_at,owner_team,effort_days,impact_usd,occurrences\n"
    "T1,Label cut off,2025-01-01,2025-01-03,web,1,1000,4\n"
    "T2,Wrong currency,2025-01-02T09:30:00,,api,3,500,1\n"
)
MINIMAL_TICKET_TEAMS = "ticket_id,team\nT1,api\nT2,api\n"


@pytest.fixture
def make_dataset(tmp_path: Path) -> Callable[..., Path]:
    """Write a dataset folder from ``table=text`` pairs; tickets and ticket_teams default to a
    valid two-ticket dataset. Pass ``None`` to leave a table out, bytes to write raw bytes."""

    def make(**tables: str | bytes | None) -> Path:
        folder = tmp_path / "data"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        tables = {"tickets": MINIMAL_TICKETS, "ticket_teams": MINIMAL_TICKET_TEAMS, **tables}
        for name, content in tables.items():
            if content is None:
                continue
            file = folder / (name if "." in name else f"{name}.csv")
            if isinstance(content, bytes):
                file.write_bytes(content)
            else:
                file.write_text(content, encoding="utf-8")
        return folder

    return make


@pytest.fixture(scope="session")
def sample_company() -> SampleCompany:
    return generate_sample()


@pytest.fixture(scope="session")
def sample_dataset(sample_company: SampleCompany) -> Dataset:
    return Dataset.from_frames(sample_company.frames)


CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


@pytest.hookimpl(optionalhook=True)
def pytest_setup_options():  # type: ignore[no-untyped-def]
    """Chrome options for dash_duo: Debian's chromium, headless, no outside network."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    return options
