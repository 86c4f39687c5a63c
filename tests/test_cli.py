"""The command line: exit codes, messages, no tracebacks."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from orgfriction import __version__
from orgfriction.cli import app

from .conftest import SAMPLE_DATA

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"orgfriction {__version__}"


def test_validate_sample_ok():
    result = run("validate", SAMPLE_DATA)
    assert result.exit_code == 0, result.output
    assert "tickets" in result.stdout
    assert "5,000" in result.stdout
    assert "warning: team 'legacy-cms'" in result.stderr


def test_validate_bad_data_exits_2_with_located_message(make_dataset):
    folder = make_dataset(ticket_teams="ticket_id,team\nT1,api\nT5,api\n")
    result = run("validate", folder)
    assert result.exit_code == 2
    assert "ticket_teams.csv, row 3, column ticket_id: ticket_id 'T5' is not in tickets.csv." in result.stderr
    assert "Hint:" in result.stderr
    assert "Traceback" not in result.output


def test_validate_missing_folder_exits_2(tmp_path):
    result = run("validate", tmp_path / "missing")
    assert result.exit_code == 2
    assert "no such folder" in result.stderr


def test_validate_skip_invalid_writes_rejected_rows(make_dataset, tmp_path):
    folder = make_dataset(ticket_teams="ticket_id,team\nT1,api\nT5,api\n")
    rejected = tmp_path / "out" / "rejected.csv"
    result = run("validate", folder, "--skip-invalid", "--rejected", rejected)
    assert result.exit_code == 0, result.output
    assert "Rejected 1 rows (1 problems)" in result.stdout
    frame = pl.read_csv(rejected)
    assert frame.columns == ["file", "row", "column", "value", "reason"]
    assert frame.select("file", "row", "value").rows() == [("ticket_teams.csv", 3, "T5")]


def test_validate_skip_invalid_with_nothing_left_exits_2(make_dataset, tmp_path):
    folder = make_dataset(tickets="ticket_id,created_at\nT1,never\n", ticket_teams="ticket_id,team\n")
    result = run("validate", folder, "--skip-invalid", "--rejected", tmp_path / "r.csv")
    assert result.exit_code == 2
    assert "no valid tickets" in result.stderr


def test_sample_writes_a_valid_dataset(tmp_path):
    out = tmp_path / "company"
    result = run("sample", "--out", out, "--teams", 30, "--tickets", 600, "--seed", 5)
    assert result.exit_code == 0, result.output
    assert (out / "planted_truth.json").exists()
    assert run("validate", out).exit_code == 0


def test_sample_bad_option_exits_2_and_leaves_nothing(tmp_path):
    out = tmp_path / "company"
    result = run("sample", "--out", out, "--teams", 3)
    assert result.exit_code == 2
    assert "--teams must be at least 24" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.org"])
def test_serve_off_loopback_needs_a_password(host, monkeypatch):
    monkeypatch.delenv("ORGFRICTION_PASSWORD", raising=False)
    result = run("serve", SAMPLE_DATA, "--host", host)
    assert result.exit_code == 2
    assert "without a password" in result.stderr


def test_serve_bad_data_exits_2(make_dataset):
    result = run("serve", make_dataset(tickets=b""))
    assert result.exit_code == 2
    assert "tickets.csv: is empty." in result.stderr


def test_unknown_option_is_a_usage_error():
    assert run("validate", SAMPLE_DATA, "--frobnicate").exit_code == 2


def test_internal_error_exits_1_without_traceback(monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("orgfriction.cli.load", boom)
    result = run("validate", SAMPLE_DATA)
    assert result.exit_code == 1
    assert "internal error: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.output
