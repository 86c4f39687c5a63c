"""Whole-run timings of `orgfriction sample` and `orgfriction.load` at several sizes.

Each step runs in a fresh Python process so that wall time and peak memory (max RSS) are its own.
Results are printed and written into benchmarks/README.md between the BEGIN/END markers.

    .venv/bin/python benchmarks/bench_sample_and_load.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEAMS = {10_000: 200, 100_000: 1_000, 1_000_000: 2_000}

STEP = r"""
import json, resource, sys, time
from pathlib import Path
step, folder, teams, tickets = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
start = time.perf_counter()
if step == "sample":
    from orgfriction.sample import write_sample
    write_sample(folder, n_teams=teams, n_tickets=tickets, seed=7)
    rows = None
else:
    import orgfriction
    rows = orgfriction.load(folder).counts()["rows"]
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": rows}))
"""


def run_step(step: str, folder: Path, teams: int, tickets: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", STEP, step, str(folder), str(teams), str(tickets)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--no-write", action="store_true", help="print only; leave README.md alone")
    args = parser.parse_args()
    rows = []
    for tickets in (int(s) for s in args.sizes.split(",")):
        teams = TEAMS.get(tickets, 2_000)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "company"
            sample = run_step("sample", folder, teams, tickets)
            size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            load = run_step("load", folder, teams, tickets)
        row = (
            f"| {tickets:,} | {teams:,} | {size_mb:,.0f} MB | {sample['seconds']:.1f} s | "
            f"{sample['peak_mb']:,.0f} MB | {load['seconds']:.1f} s | {load['peak_mb']:,.0f} MB |"
        )
        print(row, flush=True)
        rows.append(row)
    table = "\n".join(
        [
            f"Measured with `{' '.join(['python', *sys.argv])}` on {platform.machine()}, "
            f"Python {platform.python_version()}; each step in its own process (wall time, peak RSS).",
            "",
            "| tickets | teams | CSV on disk | `sample` (generate + write) | peak memory "
            "| `load` (read + validate) | peak memory |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )
    if not args.no_write:
        readme = HERE / "README.md"
        text = readme.read_text(encoding="utf-8")
        begin, end = "<!-- BEGIN sample_and_load -->", "<!-- END sample_and_load -->"
        head, _, rest = text.partition(begin)
        _, _, tail = rest.partition(end)
        readme.write_text(f"{head}{begin}\n{table}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
