"""Whole-run timings of `orgfriction sample` and `orgfriction.load` at several sizes.

Each step runs in a fresh Python process so that wall time and peak memory (max RSS) are its own.
Results are printed and written into benchmarks/README.md between the BEGIN/END markers.

    .venv/bin/python benchmarks/bench_sample_and_load.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _harness import TEAMS, machine, run_step, write_section

STEP = r"""
import orgfriction
from orgfriction.sample import write_sample
step, folder, teams, tickets = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
start = time.perf_counter()
if step == "sample":
    write_sample(folder, n_teams=teams, n_tickets=tickets, seed=7)
    rows = None
else:
    rows = orgfriction.load(folder).counts()["rows"]
report({"seconds": time.perf_counter() - start, "rows": rows})
"""


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
            sample = run_step("from pathlib import Path\n" + STEP, "sample", folder, teams, tickets)
            size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            load = run_step("from pathlib import Path\n" + STEP, "load", folder, teams, tickets)
        row = (
            f"| {tickets:,} | {teams:,} | {size_mb:,.0f} MB | {sample['seconds']:.1f} s | "
            f"{sample['peak_mb']:,.0f} MB | {load['seconds']:.1f} s | {load['peak_mb']:,.0f} MB |"
        )
        print(row, flush=True)
        rows.append(row)
    table = "\n".join(
        [
            f"Measured with `{' '.join(['python', *sys.argv])}` on {machine()}; "
            "each step in its own process (wall time without imports, peak RSS).",
            "",
            "| tickets | teams | CSV on disk | `sample` (generate + write) | peak memory "
            "| `load` (read + validate) | peak memory |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )
    if not args.no_write:
        write_section("sample_and_load", table)


if __name__ == "__main__":
    main()
