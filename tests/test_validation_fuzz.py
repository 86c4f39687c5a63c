"""Property: whatever bytes a user puts in the files, loading either succeeds or raises DataError."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgfriction import DataError, load

COLUMNS = [
    "ticket_id",
    "title",
    "created_at",
    "resolved_at",
    "owner_team",
    "effort_days",
    "impact_usd",
    "occurrences",
    "problem",
]

nasty_cells = st.one_of(
    st.text(alphabet=string.printable, max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "2025-01-01",
            "2025-13-01",
            "2025-02-30T25:00",
            "31/02/2025",
            "1e400",
            "-1",
            "NaN",
            "inf",
            "99999999999999999999999999",
            "0x10",
            '=HYPERLINK("http://x","y")',
            "+SUM(A1)",
            "@cmd",
            '"',
            '""',
            "a,b",
            "\n",
            "\r\n",
            "T1",
            "1.5",
            "3",
        ]
    ),
    st.text(max_size=6),  # any unicode, including surrogates-free exotic characters
)


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    header = draw(st.one_of(st.just(COLUMNS), st.lists(st.sampled_from([*COLUMNS, "x", ""]), max_size=10)))
    rows = draw(st.lists(st.lists(nasty_cells, min_size=0, max_size=len(header) + 2), max_size=6))
    lines = [",".join(header)] + [",".join(cells) for cells in rows]
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    data = text.encode("utf-8", errors="surrogatepass")
    return data + draw(st.sampled_from([b"", b"\xff\xfe", b"\xc3", b"\x00"]))


def _load_or_data_error(folder: Path) -> None:
    try:
        dataset = load(folder)
    except DataError as error:
        problems = error.problems
    else:
        problems = []
    if problems:
        assert all(p.file and p.message for p in problems)
        return
    assert dataset.tickets["ticket_id"].is_unique().all()
    assert dataset.tickets["ticket_id"].null_count() == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tickets=csv_bytes(), teams=st.one_of(csv_bytes(), st.just(b"ticket_id,team\nT1,web\n")))
def test_any_csv_gives_dataset_or_data_error(tmp_path: Path, tickets: bytes, teams: bytes) -> None:
    folder = tmp_path / "fuzz"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "tickets.csv").write_bytes(tickets)
    (folder / "ticket_teams.csv").write_bytes(teams)
    _load_or_data_error(folder)
    try:
        load(folder, skip_invalid=True)
    except DataError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(min_value=-(2**63), max_value=2**63 - 1),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_typed_parquet_numbers_give_dataset_or_data_error(tmp_path: Path, values: list) -> None:
    folder = tmp_path / "fuzzpq"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    n = len(values)
    pl.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(n)],
            "created_at": ["2025-01-01"] * n,
            "effort_days": pl.Series(values, dtype=pl.Float64, strict=False),
            "occurrences": pl.Series(values, dtype=pl.Float64, strict=False),
        }
    ).write_parquet(folder / "tickets.parquet")
    (folder / "ticket_teams.csv").write_text("ticket_id,team\n")
    _load_or_data_error(folder)
