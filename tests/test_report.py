"""The leadership report: its content against the analysis, data text shown as text, the CLI, and
(in a real headless chromium) that it renders offline without a single network request."""

from __future__ import annotations

import html
import json
import re
import shutil

import polars as pl
import pytest
from typer.testing import CliRunner

from orgfriction import Dataset, analyze, importers
from orgfriction.cli import app
from orgfriction.report import report_html

from .conftest import CHROMIUM_ARGS, SAMPLE_DATA

HOSTILE_TITLE = "<script>alert('x')</script><b>bold</b>"
HOSTILE_TEAM = "<i>push</i>"
runner = CliRunner()


@pytest.fixture(scope="module")
def analysis(sample_dataset):
    return analyze(sample_dataset)


@pytest.fixture(scope="module")
def report(analysis):
    return report_html(analysis)


def _text(document: str) -> str:
    """The report's visible text, roughly: tags dropped, entities decoded (scripts left out)."""
    body = re.sub(r"<script.*?</script>", " ", document, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_headline_figures_are_the_analysis_figures(analysis, report):
    text = " ".join(_text(report).split())
    summary = analysis.summary()
    counts, headline = summary["counts"], summary["headline"]
    assert f"Tickets {counts['tickets']:,} {counts['open_tickets']:,} still open" in text
    assert f"Delegable {headline['delegable_share']:.0%}" in text
    assert (
        f"Cost of delay ${headline['cost_of_delay_usd']:,.0f} of {counts['blocked_simple_fixes']:,} blocked"
        in text
    )
    single = headline["median_lead_time_days_simple_single_team"]
    assert f"Simple fix, one team {single:,.1f} days median lead time" in text


def test_the_top_clusters_have_a_sentence_and_their_evidence(analysis, report):
    text = " ".join(_text(report).split())
    first = analysis.clusters.row(0, named=True)
    teams = first["teams"].split(";")
    assert (
        f"{' and '.join(teams)} shared {first['coordinated_simple']:,} simple fixes and "
        f"{first['blocked_simple']:,} of them were blocked"
    ) in text
    assert f"in {first['periods_recurring']} of {first['periods_total']} quarters" in text
    for ticket in first["evidence_tickets"].split(";"):
        assert ticket in text
    assert report.count('class="item cluster"') == 5


def test_the_top_suggestions_show_effect_and_feasibility(analysis, report):
    text = " ".join(_text(report).split())
    top = analysis.suggestions.sort("rank").head(5)
    for row in top.iter_rows(named=True):
        assert html.unescape(row["rationale"]) in text
        assert f"{row['simple_fixes_unblocked']:,} simple fixes unblocked" in text
    infeasible = analysis.suggestions.filter(~pl.col("feasible")).sort("rank").head(1)
    assert report.count('class="item suggestion"') == 5
    if infeasible.height and infeasible["rank"].item() <= 5:
        assert "team too large" in text


def test_quality_audit_and_trend(analysis, report):
    text = " ".join(_text(report).split())
    tickets = analysis.tickets
    delegable = int(tickets["actionable"].sum())
    assert f"{delegable:,} of {tickets.height:,} tickets" in text
    no_visual = tickets.filter(~pl.col("has_visual")).height
    assert f"a clear visual {no_visual:,}" in text
    for div in ("figure-trend", "figure-tickets-per-quarter", "figure-clusters", "figure-quality"):
        assert f'id="{div}"' in report


def test_the_report_is_self_contained(report):
    assert "<script src" not in report
    markup = re.sub(r"<script.*?</script>", "", report, flags=re.S)  # plotly.js names URLs it never loads
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", markup)
    assert '<script type="text/javascript">/**\n* plotly.js v' in report  # the library itself, inlined


def test_data_text_is_shown_as_text(sample_company):
    frames = {}
    for name, frame in sample_company.frames.items():
        texts = [c for c, t in frame.schema.items() if t == pl.String]
        frames[name] = frame.with_columns(pl.col(texts).replace("notifications-push", HOSTILE_TEAM))
    worst = frames["tickets"].filter(pl.col("owner_team") == HOSTILE_TEAM)["ticket_id"]
    frames["tickets"] = frames["tickets"].with_columns(
        pl.when(pl.col("ticket_id").is_in(worst.implode()))
        .then(pl.lit(HOSTILE_TITLE))
        .otherwise("title")
        .alias("title")
    )
    document = report_html(analyze(Dataset.from_frames(frames)))
    assert HOSTILE_TITLE not in document
    assert HOSTILE_TEAM not in document
    assert html.escape(HOSTILE_TEAM) in document
    assert html.escape(HOSTILE_TITLE) in document


def test_cli_writes_the_report_and_refuses_bad_data(tmp_path, make_dataset):
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(SAMPLE_DATA), "--out", str(out), "--top", "3"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count('class="item cluster"') == 3
    bad = make_dataset(ticket_teams="ticket_id,team\nT9,api\n")
    result = runner.invoke(app, ["report", str(bad), "--out", str(tmp_path / "bad.html")])
    assert result.exit_code == 2
    assert "ticket_teams.csv, row 2" in result.stderr
    assert not (tmp_path / "bad.html").exists()


def test_cli_without_chromium_says_so_before_working(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    result = runner.invoke(
        app, ["report", str(SAMPLE_DATA), "--out", str(tmp_path / "r.html"), "--pdf", str(tmp_path / "r.pdf")]
    )
    assert result.exit_code == 2
    assert "no chromium to print the PDF" in result.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.mark.browser
def test_pdf_and_png_export(tmp_path):
    args = ["report", str(SAMPLE_DATA), "--out", str(tmp_path / "r.html")]
    result = runner.invoke(app, [*args, "--pdf", str(tmp_path / "r.pdf"), "--png", str(tmp_path / "png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "r.pdf").stat().st_size > 50_000
    pngs = sorted(p.name for p in (tmp_path / "png").iterdir())
    assert pngs == ["clusters.png", "quality.png", "tickets_per_quarter.png", "trend.png"]
    assert all((tmp_path / "png" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    yield driver
    driver.quit()


@pytest.mark.browser
def test_the_report_renders_offline_in_chromium_without_network_requests(tmp_path, analysis, browser):
    from dash.testing.wait import until

    path = tmp_path / "report.html"
    path.write_text(report_html(analysis), encoding="utf-8")
    browser.get(path.as_uri())
    until(lambda: len(browser.find_elements("css selector", ".js-plotly-plot .main-svg")) >= 4, timeout=30)
    counts = analysis.summary()["counts"]
    assert browser.find_element("css selector", "#headline-tickets .value").text == f"{counts['tickets']:,}"
    assert len(browser.find_elements("css selector", ".item.suggestion")) == 5
    # every request the page made, from chromium's own network log: the file itself and nothing else
    requests = [
        json.loads(entry["message"])["message"]["params"]["request"]["url"]
        for entry in browser.get_log("performance")
        if json.loads(entry["message"])["message"]["method"] == "Network.requestWillBeSent"
    ]
    assert requests
    assert [u for u in requests if not u.startswith(("file://", "data:", "about:", "blob:"))] == []
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []


def test_without_lead_times_the_report_claims_no_delay():
    real = SAMPLE_DATA / "real" / "git" / "istio"
    imported = importers.import_git(real / "gitlog.txt.gz", codeowners=real / "CODEOWNERS")
    analysis = analyze(imported.dataset())
    assert analysis.blocked_basis == "coordinated"
    document = report_html(analysis)
    text = " ".join(_text(document).split())
    assert "Simple fix, one team – no lead times in the data" in text
    assert "Cost of delay – needs lead times" in text
    assert 'id="figure-trend"' not in document  # a lead-time chart of zeros would mislead
    first = analysis.clusters.row(0, named=True)
    assert f"had to work together on {first['coordinated_simple']:,} simple fixes" in text
    assert "were blocked" not in text
