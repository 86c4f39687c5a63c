"""Importer speed and memory: ``orgfriction import git`` on 30,000-commit logs and ``orgfriction
import events`` on 500,000-event logs (CSV, gzipped CSV, gzipped XES), each in a fresh process,
including validation and writing the dataset folder. Targets: under 15 s and under 30 s.

The logs are generated here with a fixed seed (pull requests merged as merge commits, 12 teams
of CODEOWNERS; cases handed between 40 support groups); when ../shared/realdata/ is present the
real istio log (26,504 commits) and BPIC 2013 log are timed too.

    .venv/bin/python benchmarks/bench_import.py [--no-write]
"""

from __future__ import annotations

import argparse
import gzip
import random
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from _harness import ROOT, machine, run_step, write_section

STEP = r"""
from pathlib import Path
from orgfriction.importers import import_events, import_git
kind, source, extra, out = sys.argv[1:5]
started = time.perf_counter()
if kind == "git":
    result = import_git(Path(source), codeowners=Path(extra))
else:
    result = import_events(Path(source))
imported = time.perf_counter()
result.write(Path(out))
done = time.perf_counter()
report({"import": imported - started, "write": done - imported, "total": done - started,
        "tickets": result.frames["tickets"].height})
"""

TEAMS = [f"team-{i:02d}" for i in range(12)]


def git_log(path: Path, commits: int, rng: random.Random) -> Path:
    """A log in the extended layout: pull requests of 1 to 4 branch commits merged into main."""
    entries: list[str] = []
    moment = datetime(2020, 1, 1)
    main_parent = ""
    made = 0
    while made < commits:
        branch = rng.randint(1, 4)
        parent = main_parent
        hashes = []
        for _ in range(branch):
            moment += timedelta(minutes=rng.randint(5, 300))
            h = f"{rng.getrandbits(160):040x}"
            files = "\n".join(
                f"{rng.randint(0, 80)}\t{rng.randint(0, 40)}\t"
                f"{rng.choice(TEAMS)}/src/file{rng.randint(0, 300)}.py"
                for _ in range(rng.randint(1, 6))
            )
            entries.append(
                f"--{h}--{parent}--{moment:%Y-%m-%dT%H:%M:%S}+00:00--{moment:%Y-%m-%dT%H:%M:%S}+00:00"
                f"--dev {rng.randint(1, 200)}--change {made}\n{files}\n"
            )
            parent, made = h, made + 1
            hashes.append(h)
        moment += timedelta(hours=rng.randint(1, 72))
        merge = f"{rng.getrandbits(160):040x}"
        entries.append(
            f"--{merge}--{main_parent + ' ' if main_parent else ''}{parent}--{moment:%Y-%m-%dT%H:%M:%S}+00:00"
            f"--{moment:%Y-%m-%dT%H:%M:%S}+00:00--dev 1--Merge pull request #{made} from dev/branch\n"
        )
        main_parent, made = merge, made + 1
    entries.reverse()  # git log: newest first
    path.write_text("\n".join(entries))
    return path


def event_rows(events: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    rows = []
    case = 0
    start = datetime(2021, 1, 1)
    while len(rows) < events:
        case += 1
        moment = start + timedelta(minutes=case * 7)
        team = f"G{rng.randint(1, 40)}"
        for step in range(rng.randint(3, 13)):
            moment += timedelta(minutes=rng.randint(1, 3000))
            if rng.random() < 0.3:
                team = f"G{rng.randint(1, 40)}"
            rows.append((f"case-{case}", f"{moment:%Y-%m-%dT%H:%M:%S}+01:00", team, f"step {step}"))
    return rows[:events]


def write_events(folder: Path, rows: list[tuple[str, str, str, str]]) -> None:
    csv_text = "case_id,timestamp,team,activity\n" + "".join(",".join(r) + "\n" for r in rows)
    plain = folder / "events.csv"
    plain.write_text(csv_text)
    zipped = folder / "events.csv.gz"
    zipped.write_bytes(gzip.compress(csv_text.encode(), compresslevel=6))
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0" xmlns="http://www.xes-standard.org/">\n'
    ]
    current = None
    for case, at, team, activity in rows:
        if case != current:
            if current is not None:
                parts.append("</trace>\n")
            parts.append(f'<trace><string key="concept:name" value="{case}"/>\n')
            current = case
        parts.append(
            f'<event><string key="concept:name" value="{activity}"/><string key="org:group" value="{team}"/>'
            f'<date key="time:timestamp" value="{at}"/></event>\n'
        )
    parts.append("</trace>\n</log>\n")
    xes = folder / "events.xes.gz"
    xes.write_bytes(gzip.compress("".join(parts).encode(), compresslevel=6))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:  # in a process of its own: Linux carries a parent's peak memory into its children
        rng = random.Random(7)
        git_log(args.generate / "gitlog.txt", 30_000, rng)
        write_events(args.generate, event_rows(500_000, rng))
        return
    rows = [
        "| input | size | tickets | import | write (validated) | total | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def record(label: str, kind: str, source: Path, extra: str, tmp: Path) -> None:
        result = run_step(STEP, kind, source, extra, tmp / f"out-{len(rows)}")
        size = source.stat().st_size / 1e6
        rows.append(
            f"| {label} | {size:,.1f} MB | {result['tickets']:,} | {result['import']:.1f} s "
            f"| {result['write']:.1f} s "
            f"| **{result['total']:.1f} s** | {result['peak_mb']:,.0f} MB |"
        )
        print(rows[-1])

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        subprocess.run([sys.executable, __file__, "--generate", str(tmp)], check=True)
        owners = tmp / "CODEOWNERS"
        owners.write_text(
            "".join(f"/{t}/ @org/{t}\n" for t in TEAMS)
            + "*.py @org/python-guild\n/team-0*/src/file1* @org/team-00\n"
        )
        record("git log, 30,000 commits (generated)", "git", tmp / "gitlog.txt", str(owners), tmp)
        real = ROOT.parent / "shared" / "realdata"
        if (real / "git" / "istio").exists():
            record(
                "git log: istio, 26,504 commits (real)",
                "git",
                real / "git" / "istio" / "gitlog.txt.gz",
                str(real / "git" / "istio" / "CODEOWNERS"),
                tmp,
            )
        for label, file in (
            ("CSV", "events.csv"),
            ("gzipped CSV", "events.csv.gz"),
            ("gzipped XES", "events.xes.gz"),
        ):
            record(f"event log, 500,000 events, {label} (generated)", "events", tmp / file, "", tmp)
        if (real / "events").exists():
            record(
                "event log: BPIC 2013, 65,533 events, gzipped XES (real)",
                "events",
                real / "events" / "bpic2013_incidents.xes.gz",
                "",
                tmp,
            )
    table = "\n".join(
        [
            f"Measured with `python benchmarks/bench_import.py` on {machine()}; each import in its own "
            "process (wall time without imports, peak RSS).",
            "",
            *rows,
        ]
    )
    print(table)
    if not args.no_write:
        write_section("import", table)


if __name__ == "__main__":
    main()
