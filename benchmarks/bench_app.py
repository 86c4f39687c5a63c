"""Server time of the app's page renders and callbacks on a large company (default 2,000 teams,
200,000 tickets): each request is sent through Flask's test client to Dash's real endpoint, so the
time includes Dash's dispatch and the JSON of the response, not the network or the browser.

Every request runs ``--runs`` times with inputs picked at random from the data (a team, an org unit,
a cluster, a suggestion); the first run is reported apart as *cold*. Results are printed and
written into benchmarks/README.md. Target: under 300 ms at the 95th percentile.

    .venv/bin/python benchmarks/bench_app.py [--teams 2000] [--tickets 200000] [--runs 30] [--no-write]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _dash_requests import Payloads, requests_for
from _harness import ROOT, machine, percentile, write_section

sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--teams", type=int, default=2_000)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true", help="print only; leave README.md alone")
    args = parser.parse_args()

    import orgfriction
    from app import STATE_KEY, create_app
    from orgfriction.sample import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "company"
        write_sample(folder, n_teams=args.teams, n_tickets=args.tickets, seed=7)
        t0 = time.perf_counter()
        dataset = orgfriction.load(folder)
        t1 = time.perf_counter()
        dash_app = create_app(dataset, store=Path(tmp) / "decisions.db")
        t2 = time.perf_counter()
        print(f"load {t1 - t0:.1f} s, analyse + build the app {t2 - t1:.1f} s", file=sys.stderr)
        analysis = dash_app.server.config[STATE_KEY].analysis
        store = dash_app.server.config[STATE_KEY].store
        client = dash_app.server.test_client()
        payloads = Payloads(client.get("/_dash-dependencies").get_json())
        rng = random.Random(7)
        times: dict[str, list[float]] = {}
        for _ in range(args.runs):
            for name, method, path, body in requests_for(payloads, analysis, rng, store.version):
                start = time.perf_counter()
                response = client.get(path) if method == "GET" else client.post(path, json=body)
                elapsed = time.perf_counter() - start
                if response.status_code not in (200, 204):
                    sys.exit(f"{name}: HTTP {response.status_code}: {response.get_data(as_text=True)[:500]}")
                times.setdefault(name, []).append(elapsed * 1000)

    lines = [
        f"Measured with `python benchmarks/bench_app.py` on {machine()}: {args.teams:,} teams, "
        f"{args.tickets:,} tickets, {analysis.clusters.height} clusters, "
        f"{analysis.suggestions.height} suggestions; each request {args.runs} times with inputs "
        "picked at random, through Flask's test client (server time: Dash dispatch, the callback, "
        "the JSON response). Loading took "
        f"{t1 - t0:.1f} s and the analysis behind the app {t2 - t1:.1f} s, once at start-up.",
        "",
        "| request | cold | median | 95th percentile | worst |",
        "|---|---:|---:|---:|---:|",
    ]
    worst_p95 = 0.0
    for name, values in times.items():
        p95 = percentile(values[1:] or values, 95)
        worst_p95 = max(worst_p95, p95)
        lines.append(
            f"| {name} | {values[0]:.0f} ms | {statistics.median(values):.0f} ms | "
            f"**{p95:.0f} ms** | {max(values):.0f} ms |"
        )
    lines += ["", f"Slowest 95th percentile: {worst_p95:.0f} ms (target: under 300 ms)."]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section("app", table)


if __name__ == "__main__":
    main()
