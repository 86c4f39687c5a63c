"""Import, validate and analyse every real dataset of ../shared/realdata/ (or, with --samples, the
cuts committed under sample_data/real/), and write the figures into docs/real-data.md between
``<!-- BEGIN name -->`` and ``<!-- END name -->``.

    .venv/bin/python scripts/real_data_report.py [--samples] [--no-write]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orgfriction  # noqa: E402
from orgfriction.importers import ImportResult, import_events, import_git  # noqa: E402

DOC = ROOT / "docs" / "real-data.md"


def datasets(base: Path) -> dict[str, tuple[str, Any]]:
    git, events = base / "git", base / "events"
    return {
        "dd-trace-java": (
            "`orgfriction import git gitlog.txt.gz --codeowners CODEOWNERS --merges-only`",
            lambda: import_git(
                git / "dd-trace-java" / "gitlog.txt.gz",
                codeowners=git / "dd-trace-java" / "CODEOWNERS",
                merges_only=True,
            ),
        ),
        "istio": (
            "`orgfriction import git gitlog.txt.gz --codeowners CODEOWNERS`",
            lambda: import_git(git / "istio" / "gitlog.txt.gz", codeowners=git / "istio" / "CODEOWNERS"),
        ),
        "bpic2013": (
            "`orgfriction import events bpic2013_incidents.xes.gz`",
            lambda: import_events(events / "bpic2013_incidents.xes.gz"),
        ),
        "helpdesk": (
            "`orgfriction import events helpdesk.xes.gz`",
            lambda: import_events(events / "helpdesk.xes.gz"),
        ),
    }


def section(name: str, command: str, result: ImportResult, seconds: float) -> str:
    analysis = orgfriction.analyze(result.dataset())
    summary = analysis.summary()
    counts, headline = summary["counts"], summary["headline"]
    report = result.report
    reasons = report.get("left_out", {}).items()
    left_out = ", ".join(f"{n:,} {why}" for why, n in reasons if n) or "nothing"
    lines = [
        f"Imported with {command} in {seconds:.1f} s: {counts['tickets']:,} tickets, "
        f"{counts['teams']:,} teams; "
        f"left out: {left_out}.",
        "",
        f"- simple fixes: {counts['simple_fixes']:,}, of which {counts['coordinated_simple_fixes']:,} "
        f"coordinated and {counts['blocked_simple_fixes']:,} "
        + ("blocked" if summary["blocked_basis"] == "lead_time" else "counted as blocked (no lead times)"),
    ]
    if summary["blocked_basis"] == "lead_time":
        single = headline["median_lead_time_days_simple_single_team"]
        multi = headline["median_lead_time_days_simple_multi_team"]
        lines.append(
            f"- baseline lead time {headline['baseline_days']:.1f} days; median lead time of simple fixes: "
            f"{single:.1f} days with one team, {multi:.1f} with two or more"
            if single is not None and multi is not None
            else f"- baseline lead time {headline['baseline_days']:.1f} days"
        )
    if counts.get("tickets_with_ping_pong"):
        lines.append(f"- tickets with ping-pong (A→B→A): {counts['tickets_with_ping_pong']:,}")
    lines += [
        "",
        "Top blocking clusters:",
        "",
        "| rank | teams | blocked / coordinated | quarters | p-value |",
        "|---:|---|---:|---:|---:|",
    ]
    for row in analysis.clusters.head(5).iter_rows(named=True):
        p = "–" if row["p_value"] is None else f"{row['p_value']:.2g}"
        lines.append(
            f"| {row['rank']} | {row['teams'].replace(';', ', ')} | {row['blocked_simple']:,} / "
            f"{row['coordinated_simple']:,} | {row['periods_recurring']} / {row['periods_total']} | {p} |"
        )
    if analysis.clusters.is_empty():
        lines.append("| – | none | | | |")
    lines += [
        "",
        "Top suggestions:",
        "",
        "| rank | kind | subject | target | simple fixes unblocked | days saved a year |",
        "|---:|---|---|---|---:|---:|",
    ]
    for row in analysis.suggestions.head(5).iter_rows(named=True):
        lines.append(
            f"| {row['rank']} | {row['kind']} | {row['subject'].replace(';', ', ')} | "
            f"{(row['target'] or '').replace(';', ', ')} | {row['simple_fixes_unblocked']:,} | "
            f"{row['days_saved_per_year']:,.0f} |"
        )
    if analysis.suggestions.is_empty():
        lines.append("| – | none | | | | |")
    return "\n".join(lines)


def write_section(name: str, body: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    DOC.write_text(f"{head}{begin}\n{body}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--samples", action="store_true", help="the cuts in sample_data/real/ instead")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    base = ROOT / "sample_data" / "real" if args.samples else ROOT.parent / "shared" / "realdata"
    for name, (command, run) in datasets(base).items():
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            result.write(Path(tmp) / name)  # validates, as `orgfriction validate` would
        body = section(name, command, result, seconds)
        print(f"## {name}\n{body}\n")
        if not args.no_write:
            write_section(name, body)


if __name__ == "__main__":
    main()
