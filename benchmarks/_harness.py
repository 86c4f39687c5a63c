"""What every benchmark script shares: run a step in a fresh process, and write a results table
into benchmarks/README.md between ``<!-- BEGIN name -->`` and ``<!-- END name -->``."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: teams at each benchmark size: about 2,000 teams at a million tickets
TEAMS = {10_000: 200, 100_000: 1_000, 1_000_000: 2_000}

#: prepended to every step: the step prints one JSON line, with its peak memory added by report()
PRELUDE = r"""
import json, resource, sys, time
sys.path.insert(0, ROOT)
def report(result):
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
"""


def run_step(code: str, *args: object) -> dict:
    """Run ``code`` (which ends by calling ``report({...})``) in a fresh Python process, so that
    its wall time and peak memory (max RSS) are its own."""
    source = PRELUDE.replace("ROOT", repr(str(ROOT))) + code
    done = subprocess.run(
        [sys.executable, "-c", source, *map(str, args)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def machine() -> str:
    return f"{platform.machine()}, Python {platform.python_version()}"


def write_section(name: str, table: str) -> None:
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    readme.write_text(f"{head}{begin}\n{table}\n{end}{tail}", encoding="utf-8")
