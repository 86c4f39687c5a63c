"""`orgfriction import git|events|jira` on the real samples committed under sample_data/real/ and
the Jira example: each imports, validates and analyses end to end; bad input exits 2 with a
located message and leaves nothing behind."""

from __future__ import annotations

import gzip
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from orgfriction import analyze, load
from orgfriction.cli import app

REAL = Path(__file__).resolve().parent.parent / "sample_data" / "real"
JIRA = Path(__file__).resolve().parent.parent / "sample_data" / "jira"
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def _merges_on_the_main_line(log: Path) -> int:
    """Merge commits reached by first parents from the newest commit, counted straight from the
    text (an independent reading of the layout)."""
    parents: dict[str, list[str]] = {}
    first = None
    for line in gzip.decompress(log.read_bytes()).decode().splitlines():
        if line.startswith("--"):
            fields = line.split("--")
            parents[fields[1]] = fields[2].split()
            first = first or fields[1]
    merges, current = 0, first
    while current in parents:
        merges += len(parents[current]) > 1
        current = parents[current][0] if parents[current] else None
    return merges


@pytest.mark.parametrize("repo", ["dd-trace-java", "istio"])
def test_git_samples_import_validate_and_analyse(tmp_path, repo):
    log, owners = REAL / "git" / repo / "gitlog.txt.gz", REAL / "git" / repo / "CODEOWNERS"
    result = run("import", "git", log, "--codeowners", owners, "--out", tmp_path / repo)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / repo / "import_report.json").read_text())
    merges = _merges_on_the_main_line(log)
    left_out = report["left_out"]["no file with an owner team"] + report["left_out"]["bot authors"]
    assert report["tickets"]["pull_requests"] <= merges <= report["tickets"]["pull_requests"] + left_out
    assert report["names"] == "pseudonymised"
    dataset = load(tmp_path / repo)
    assert dataset.tickets.height == report["rows"]["tickets"]
    summary = analyze(dataset).summary()
    if repo == "istio":  # squash merges only: no lead times, and the analysis says so
        assert merges == 0
        assert summary["blocked_basis"] == "coordinated"
    else:
        assert merges > 600
        # the single commits (lead time 0) outnumber the pull requests: the baseline is 0, and the
        # analysis falls back; with --merges-only the pull requests' lead times are used
        assert summary["blocked_basis"] == "coordinated"
        assert any("--merges-only" in w for w in report["warnings"])
        again = run("import", "git", log, "--codeowners", owners, "--merges-only", "--out", tmp_path / "prs")
        assert again.exit_code == 0, again.output
        assert analyze(load(tmp_path / "prs")).summary()["blocked_basis"] == "lead_time"


def test_event_samples_reproduce_the_published_ping_pong_shape(tmp_path):
    log = REAL / "events" / "bpic2013_incidents.xes.gz"
    result = run("import", "events", log, "--out", tmp_path / "bpic")
    assert result.exit_code == 0, result.output
    # count straight from the XES: cases whose support-group sequence crosses teams, and A→B→A
    multi = ping_pong = cases = 0
    for _, trace in ET.iterparse(gzip.open(log)):
        if not trace.tag.endswith("trace"):
            continue
        events = [{a.get("key"): a.get("value") for a in e} for e in trace if e.tag.endswith("event")]
        events.sort(key=lambda e: e["time:timestamp"])
        groups = [e["org:group"] for e in events]
        changes = [g for i, g in enumerate(groups) if i == 0 or g != groups[i - 1]]
        cases += 1
        multi += len(set(groups)) >= 2
        ping_pong += any(changes[i] == changes[i + 2] for i in range(len(changes) - 2))
        trace.clear()
    report = json.loads((tmp_path / "bpic" / "import_report.json").read_text())
    assert (report["cases"], report["cases_with_two_or_more_teams"], report["cases_with_ping_pong"]) == (
        cases,
        multi,
        ping_pong,
    )
    assert cases == 2000
    analysis = analyze(load(tmp_path / "bpic"))
    assert analysis.summary()["counts"]["tickets_with_ping_pong"] == ping_pong
    helpdesk = run("import", "events", REAL / "events" / "helpdesk.xes.gz", "--out", tmp_path / "helpdesk")
    assert helpdesk.exit_code == 0, helpdesk.output
    assert load(tmp_path / "helpdesk").tickets.height == 1500


def test_jira_example_imports(tmp_path):
    mapping = JIRA / "mapping.toml"
    result = run("import", "jira", JIRA / "export.csv", "--mapping", mapping, "--out", tmp_path / "j")
    assert result.exit_code == 0, result.output
    assert "tickets 8" in result.stdout
    assert load(tmp_path / "j").ticket_teams.filter(pl.col("ticket_id") == "SHOP-105").height == 3


def test_bad_input_exits_2_and_leaves_nothing(tmp_path):
    out = tmp_path / "out"
    bad = tmp_path / "bad.log"
    bad.write_text("--abc1234--2015-06-15--Ada\n1\t2\n")
    owners = tmp_path / "CODEOWNERS"
    owners.write_text("* @org/all\n")
    result = run("import", "git", bad, "--codeowners", owners, "--out", out)
    assert result.exit_code == 2
    assert "bad.log, row 2, column numstat" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(tmp_path.iterdir()) == sorted([bad, owners])  # no staging folder left either
    owners.write_text("* team-without-at\n")
    good_log = REAL / "git" / "istio" / "gitlog.txt.gz"
    result = run("import", "git", good_log, "--codeowners", owners, "--out", out)
    assert result.exit_code == 2
    assert "CODEOWNERS, row 1, column owners" in result.stderr
    events = tmp_path / "events.csv"
    events.write_text("case,timestamp,team\n1,29/2/2016 01:16,A\n")
    result = run("import", "events", events, "--out", out)
    assert result.exit_code == 2
    assert "events.csv, row 2, column timestamp" in result.stderr
    result = run("import", "jira", tmp_path / "missing.csv", "--out", out)
    assert result.exit_code == 2
    assert "no such Jira export" in result.stderr
    assert not out.exists()


def test_an_existing_output_is_replaced_only_by_a_complete_import(tmp_path):
    out = tmp_path / "out"
    assert run("import", "jira", JIRA / "export.csv", "--out", out).exit_code == 0
    before = sorted(p.name for p in out.iterdir())
    broken = tmp_path / "broken.csv"
    broken.write_text("Issue key,Created\nX-1,yesterday\n")
    assert run("import", "jira", broken, "--out", out).exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == before
