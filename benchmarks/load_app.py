"""Load test of the running app: ``orgfriction serve`` in its own process on loopback, driven by
``--clients`` concurrent clients (default 20) for ``--seconds`` (default 60) on a large company
(default 2,000 teams, 200,000 tickets).

Each client replays sessions: the page renders and callbacks a browser sends (the same requests
as ``bench_app.py``, built from the server's own ``/_dash-dependencies``), with inputs picked at
random, one after another without think time. Every response that is not HTTP 200/204, and every
connection failure or time-out, is an error. Results are printed and written into
benchmarks/README.md.

Only 127.0.0.1 is ever contacted; the run stops by itself at the deadline (and after at most
``--max-requests`` per client).

    .venv/bin/python benchmarks/load_app.py [--clients 20] [--seconds 60] [--teams 2000] [--tickets 200000]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from _dash_requests import Payloads, Request, requests_for
from _harness import ROOT, machine, percentile, write_section

sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def send(base: str, request: Request, timeout: float) -> tuple[int, float]:
    """Send one request; the HTTP status (0 for a failure to connect or a time-out) and seconds."""
    _, method, path, body = request
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(base + path, data=data, headers=headers, method=method), timeout=timeout
        ) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, TimeoutError):
        status = 0
    return status, time.perf_counter() - start


def wait_until_up(base: str, server: subprocess.Popen[bytes], limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with code {server.returncode} before answering")
        if send(base, ("GET /", "GET", "/", None), timeout=5)[0] == 200:
            return
        time.sleep(0.5)
    sys.exit(f"the server did not answer within {limit:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--teams", type=int, default=2_000)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--max-requests", type=int, default=20_000, help="per client, a safety bound")
    parser.add_argument("--no-write", action="store_true", help="print only; leave README.md alone")
    args = parser.parse_args()

    import orgfriction
    from orgfriction import ReviewStore
    from orgfriction.sample import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "company"
        store_path = Path(tmp) / "decisions.db"
        write_sample(folder, n_teams=args.teams, n_tickets=args.tickets, seed=7)
        # the inputs the clients pick from; the server runs the same analysis in its own process
        analysis = orgfriction.analyze(orgfriction.load(folder))
        port = free_port()
        base = f"http://{HOST}:{port}"
        command = [sys.executable, "-m", "orgfriction.cli", "serve", str(folder), "--host", HOST]
        command += ["--port", str(port), "--store", str(store_path)]
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            started = time.perf_counter()
            wait_until_up(base, server)
            print(f"server up in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            with urllib.request.urlopen(base + "/_dash-dependencies", timeout=30) as response:
                payloads = Payloads(json.load(response))
            store = ReviewStore(store_path)
            # one session first, untimed: the server has warmed its views, as after its first visitor
            # (otherwise every client's first session waits on the same cold computations at once)
            for request in requests_for(payloads, analysis, random.Random(-1), store.version):
                send(base, request, timeout=60)
            results: list[tuple[str, int, float]] = []
            lock = threading.Lock()
            deadline = time.monotonic() + args.seconds

            def client(seed: int) -> None:
                rng = random.Random(seed)
                mine: list[tuple[str, int, float]] = []
                while time.monotonic() < deadline and len(mine) < args.max_requests:
                    for request in requests_for(payloads, analysis, rng, store.version):
                        if time.monotonic() >= deadline:
                            break
                        status, seconds = send(base, request, timeout=30)
                        mine.append((request[0], status, seconds))
                with lock:
                    results.extend(mine)

            threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)

    errors = Counter(status for _, status, _ in results if status not in (200, 204))
    latency = [seconds * 1000 for _, _, seconds in results]
    by_kind: dict[str, list[float]] = {}
    for name, _, seconds in results:
        by_kind.setdefault(name, []).append(seconds * 1000)
    slowest = sorted(by_kind.items(), key=lambda item: -percentile(item[1], 95))[:5]
    error_text = (
        ", ".join(
            f"{n} × HTTP {s}" if s else f"{n} failed to connect or timed out" for s, n in errors.items()
        )
        or "none"
    )
    lines = [
        f"Measured with `python benchmarks/load_app.py` on {machine()}: `orgfriction serve` (Flask's "
        f"threaded server) on {args.teams:,} teams / {args.tickets:,} tickets, {args.clients} concurrent "
        f"clients replaying sessions without pause for {args.seconds:.0f} s on loopback, after one "
        "untimed warm-up session.",
        "",
        "| requests | per second | errors | median | 95th percentile | 99th percentile | worst |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(results):,} | {len(results) / elapsed:.1f} | {sum(errors.values())} | "
        f"{statistics.median(latency):.0f} ms | {percentile(latency, 95):.0f} ms | "
        f"{percentile(latency, 99):.0f} ms | {max(latency):.0f} ms |",
        "",
        f"Errors: {error_text}. Slowest requests under load (95th percentile): "
        + "; ".join(f"{name} {percentile(values, 95):.0f} ms" for name, values in slowest)
        + ".",
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section("load", table)


if __name__ == "__main__":
    main()
