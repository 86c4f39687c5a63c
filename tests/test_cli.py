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


# --- analyze ---------------------------------------------------------------------------------------


def test_analyze_sample(tmp_path):
    out = tmp_path / "out"
    result = run("analyze", SAMPLE_DATA, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Blocking clusters" in result.stdout
    assert "5,000 tickets" in result.stdout
    assert f"Wrote {out}." in " ".join(result.stdout.split())
    clusters = pl.read_csv(out / "clusters.csv")
    assert clusters["rank"].to_list() == list(range(1, clusters.height + 1))
    tickets = pl.read_csv(out / "tickets.csv")
    assert tickets.height == 5000
    assert tickets["is_simple"].dtype == pl.Boolean  # written true/false


@pytest.mark.parametrize("fmt", ["parquet", "json"])
def test_analyze_other_formats(tmp_path, fmt):
    out = tmp_path / "out"
    result = run("analyze", SAMPLE_DATA, "--out", out, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert (out / f"team_pairs.{fmt}").exists()
    assert (out / "summary.json").exists()


def test_analyze_with_config(tmp_path):
    config = tmp_path / "strict.toml"
    config.write_text("blocked_factor = 3\ncluster_min_blocked = 50\n")
    result = run("analyze", SAMPLE_DATA, "--out", tmp_path / "out", "--config", config)
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "out" / "summary.json").read_text()
    assert '"blocked_factor": 3' in summary
    assert pl.read_csv(tmp_path / "out" / "clusters.csv")["blocked_simple"].min() >= 50


def test_analyze_bad_config_exits_2(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("blocked_factr = 3\n")
    result = run("analyze", SAMPLE_DATA, "--out", tmp_path / "out", "--config", config)
    assert result.exit_code == 2
    assert "unknown setting(s) blocked_factr" in result.stderr
    assert not (tmp_path / "out").exists()


def test_analyze_bad_data_exits_2_and_writes_nothing(make_dataset, tmp_path):
    folder = make_dataset(tickets="ticket_id,created_at\nT1,2025-13-01\n", ticket_teams="ticket_id,team\n")
    out = tmp_path / "out"
    result = run("analyze", folder, "--out", out)
    assert result.exit_code == 2
    assert "tickets.csv, row 2, column created_at" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.glob(".out*")) == []


def test_analyze_skip_invalid_keeps_going(make_dataset, tmp_path):
    folder = make_dataset(ticket_teams="ticket_id,team\nT1,api\nT9,api\n")
    out = tmp_path / "out"
    result = run("analyze", folder, "--out", out, "--skip-invalid")
    assert result.exit_code == 0, result.output
    rejected = pl.read_csv(out / "rejected_rows.csv")
    assert rejected.select("file", "row", "column", "value").row(0) == (
        "ticket_teams.csv",
        3,
        "ticket_id",
        "T9",
    )
    summary = (out / "summary.json").read_text()
    assert '"ticket_teams.csv": 1' in summary
    assert "Left out 1 invalid rows" in result.stdout


def test_analyze_internal_error_exits_1(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("orgfriction.analysis.analyze", broken)
    result = run("analyze", SAMPLE_DATA, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# --- optimize --------------------------------------------------------------------------------------


def test_optimize_writes_a_plan(tmp_path):
    plan_file = tmp_path / "plan.csv"
    result = run("optimize", SAMPLE_DATA, "--max-moves", "3", "--out", plan_file)
    assert result.exit_code == 0, result.output
    plan = pl.read_csv(plan_file)
    assert plan["step"].to_list() == [1, 2, 3]
    assert plan["kind"][0] == "relax_signoff"
    text = " ".join(result.stdout.split())
    assert "Blocked simple fixes: 1,167 before," in text
    assert "Cost of delay per year: $" in text


def test_optimize_larger_teams_allowed(tmp_path):
    plan = tmp_path / "p.csv"
    result = run("optimize", SAMPLE_DATA, "--max-moves", "8", "--max-team-size", "25", "--out", plan)
    assert result.exit_code == 0, result.output
    assert "merge_teams" in set(pl.read_csv(tmp_path / "p.csv")["kind"])


def test_optimize_rejects_zero_moves(tmp_path):
    result = run("optimize", SAMPLE_DATA, "--max-moves", "0", "--out", tmp_path / "p.csv")
    assert result.exit_code == 2
    assert not (tmp_path / "p.csv").exists()


def test_analyze_lists_suggestions(tmp_path):
    result = run("analyze", SAMPLE_DATA, "--out", tmp_path / "out")
    assert "Suggestions (best first" in result.stdout
    suggestions = pl.read_csv(tmp_path / "out" / "suggestions.csv")
    assert suggestions["rank"][0] == 1
