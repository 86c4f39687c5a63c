"""Cut the small real-data samples in sample_data/real/ from ../shared/realdata/ (run from the
repository root: .venv/bin/python scripts/cut_real_samples.py). A user's clone has no ../shared/,
so tests, notebooks and examples use these cuts; they are committed, and this script says how
they were made.

Each cut keeps the raw layout of its source, with people's names replaced: authors become
``author-NNNN``, the login and branch of merge subjects are dropped, individual code owners become
``@person-N``, and event logs keep no resource (person) attribute.
"""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "realdata"
OUT = ROOT / "sample_data" / "real"


def cut_git(name: str, *, newest: str | None, oldest: str, limit: int) -> None:
    """Entries of the log from the newest main-line commit at or before ``newest`` (None: HEAD)
    down to the first commit dated before ``oldest``, at most ``limit`` commits."""
    text = gzip.decompress((SOURCE / "git" / name / "gitlog.txt.gz").read_bytes()).decode()
    entries = ["--" + e for e in text.split("\n--") if e.strip()]
    entries[0] = entries[0][2:] if entries[0].startswith("----") else entries[0]
    headers = [e.split("\n", 1)[0].split("--") for e in entries]
    by_hash = {h[1]: i for i, h in enumerate(headers)}
    start = 0
    if newest:
        current = headers[0][1]
        while current in by_hash and headers[by_hash[current]][4][:10] > newest:
            parents = headers[by_hash[current]][2].split()
            current = parents[0] if parents else ""
        start = by_hash[current]
    kept = []
    for entry, header in zip(entries[start:], headers[start:], strict=True):
        if header[4][:10] < oldest or len(kept) >= limit:
            break
        kept.append(entry)
    authors: dict[str, str] = {}

    def pseudonym(match: re.Match[str]) -> str:
        author = authors.setdefault(match.group(2), f"author-{len(authors) + 1:04d}")
        subject = re.sub(r"^(Merge pull request #\d+) from \S+", r"\1", match.group(3))
        return f"{match.group(1)}{author}--{subject}"

    header_re = re.compile(r"^(--[0-9a-f]{40}--[0-9a-f ]*--[^-]\S*?--[^-]\S*?--)(.*?)--(.*)$", re.M)
    cut = header_re.sub(pseudonym, "\n".join(e.rstrip("\n") + "\n" for e in kept))
    target = OUT / "git" / name
    target.mkdir(parents=True, exist_ok=True)
    (target / "gitlog.txt.gz").write_bytes(gzip.compress(cut.encode(), mtime=0))
    owners = (SOURCE / "git" / name / "CODEOWNERS").read_text()
    people: dict[str, str] = {}
    owners = re.sub(
        r"(?<=\s)@([A-Za-z0-9-]+)(?=\s|$)",
        lambda m: "@" + people.setdefault(m.group(1), f"person-{len(people) + 1}"),
        owners,
    )
    (target / "CODEOWNERS").write_text(owners)
    print(f"{name}: {len(kept)} commits, {len(authors)} authors, {len(people)} individual owners")


def cut_xes(name: str, *, traces: int, drop: tuple[str, ...] = ("org:resource",)) -> None:
    source = SOURCE / "events" / name
    ET.register_namespace("", "http://www.xes-standard.org/")
    tree = ET.parse(gzip.open(source))
    log = tree.getroot()
    kept = 0
    for child in list(log):
        if child.tag.rpartition("}")[2] != "trace":
            continue
        if kept >= traces:
            log.remove(child)
            continue
        kept += 1
        for event in child.iter():
            for attribute in list(event):
                if attribute.get("key") in drop:
                    event.remove(attribute)
    for scope in log.iter():
        for attribute in list(scope):
            if scope.tag.rpartition("}")[2] == "global" and attribute.get("key") in drop:
                scope.remove(attribute)
    target = OUT / "events"
    target.mkdir(parents=True, exist_ok=True)
    data = ET.tostring(log, encoding="utf-8", xml_declaration=True)
    (target / name).write_bytes(gzip.compress(data, mtime=0))
    print(f"{name}: {kept} traces")


if __name__ == "__main__":
    # dd-trace-java: 2023 and the first half of 2024, when pull requests still landed as merge commits
    cut_git("dd-trace-java", newest="2024-06-30", oldest="2023-01-01", limit=4000)
    # istio: the newest 3,000 commits (squash merges)
    cut_git("istio", newest=None, oldest="2000-01-01", limit=3000)
    cut_xes("bpic2013_incidents.xes.gz", traces=2000)
    cut_xes("helpdesk.xes.gz", traces=1500)
