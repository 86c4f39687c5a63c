"""Reading git histories: the two log layouts, the commit graph grouped into changes, and (from a
repository) every version of CODEOWNERS with the date it took effect. ``orgfriction.importers.git``
turns these into tickets and teams."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from orgfriction.errors import DataError, Problem
from orgfriction.importers._common import problems_from_rows
from orgfriction.importers.codeowners import Rule, parse_codeowners
from orgfriction.validation import parse_iso_datetime

__all__ = [
    "CODEOWNERS_PATHS",
    "PRETTY",
    "GitLog",
    "codeowners_history",
    "group_commits",
    "read_git_log",
    "run_git_log",
]

#: where GitHub looks for CODEOWNERS, in its order of precedence
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
PRETTY = "--%H--%P--%ad--%cd--%aN--%s"

_ISO = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})"
_EXTENDED = (
    rf"^--([0-9a-f]{{7,64}})--((?:[0-9a-f]{{7,64}}(?: [0-9a-f]{{7,64}})*)?)--({_ISO})--({_ISO})--(.*?)--(.*)$"
)
_PLAIN = r"^--([0-9a-f]{4,64})--(\d{4}-\d{2}-\d{2})--(.*)$"
_NUMSTAT = r"^(\d+|-)\t(\d+|-)\t(.+)$"
_LOG_HINT = (
    "export the log with git log --numstat --date=iso-strict --no-renames "
    "--pretty=format:'--%H--%P--%ad--%cd--%aN--%s' (or code-maat's --pretty=format:'--%h--%ad--%aN')."
)


@dataclass(frozen=True)
class GitLog:
    """A parsed log: one row per commit, one row per file a commit changed."""

    commits: pl.DataFrame  # hash, parents (list), author_date, commit_date, author, subject, line
    changes: pl.DataFrame  # hash, path, lines
    layout: str  # "extended" or "plain"


def read_git_log(text: str, *, label: str) -> GitLog:
    """Parse a log in either layout, vectorised; every malformed line is reported with its number."""
    lines = pl.DataFrame({"text": pl.Series(text.split("\n"), dtype=pl.String)}).with_row_index(
        "line", offset=1
    )
    lines = lines.with_columns(pl.col("text").str.strip_suffix("\r"))
    header = pl.col("text").str.starts_with("--")
    lines = lines.with_columns(header.alias("is_header"), header.cum_sum().alias("commit"))
    before = lines.filter((pl.col("commit") == 0) & (pl.col("text") != ""))
    if before.height or not lines["is_header"].any():
        first: dict[str, Any] = before.row(0, named=True) if before.height else {"line": 1, "text": text[:80]}
        raise DataError(
            [
                Problem(
                    label,
                    "this is not a git log: it does not start with a commit header.",
                    _LOG_HINT,
                    row=int(first["line"]),
                    value=str(first["text"])[:200],
                )
            ]
        )
    headers = lines.filter("is_header")
    extended = headers["text"].head(1).str.contains(_EXTENDED).item()
    if extended:
        fields = ["hash", "parents", "author_date", "commit_date", "author", "subject"]
        parsed = headers.with_columns(pl.col("text").str.extract_groups(_EXTENDED).alias("g")).unnest("g")
        parsed = parsed.rename({str(i + 1): name for i, name in enumerate(fields)})
    else:
        parsed = headers.with_columns(pl.col("text").str.extract_groups(_PLAIN).alias("g")).unnest("g")
        parsed = parsed.rename({"1": "hash", "2": "author_date", "3": "author"}).with_columns(
            pl.lit("").alias("parents"),
            pl.col("author_date").alias("commit_date"),
            pl.lit(None, pl.String).alias("subject"),
        )
    bad = parsed.filter(pl.col("hash").is_null())
    if bad.height:
        layout = "extended" if extended else "code-maat git2"
        raise problems_from_rows(
            bad,
            label=label,
            column="header",
            message=f"cannot read this commit header (the log's first header is {layout}).",
            hint=_LOG_HINT + " A log cut short ends in a partial line.",
            value="text",
        )
    commits = parsed.select(
        "hash",
        pl.col("parents").str.split(" ").list.eval(pl.element().filter(pl.element() != "")).alias("parents"),
        parse_iso_datetime(pl.col("author_date")).alias("author_date"),
        parse_iso_datetime(pl.col("commit_date")).alias("commit_date"),
        pl.col("author").str.strip_chars(),
        "subject",
        "line",
        "commit",
    )
    duplicated = commits.filter(pl.col("hash").is_duplicated())
    if duplicated.height:
        raise problems_from_rows(
            duplicated,
            label=label,
            column="hash",
            message="this commit appears twice in the log.",
            hint="export one history with one git log command.",
            value="hash",
        )
    body = lines.filter(~pl.col("is_header") & (pl.col("text") != ""))
    stats = body.with_columns(pl.col("text").str.extract_groups(_NUMSTAT).alias("g")).unnest("g")
    bad = stats.filter(pl.col("3").is_null() | pl.col("3").str.contains(" => "))
    if bad.height:
        raise problems_from_rows(
            bad,
            label=label,
            column="numstat",
            message="cannot read this line as 'added<TAB>deleted<TAB>path' (a rename or a line cut short).",
            hint=_LOG_HINT,
            value="text",
        )
    changes = stats.join(commits.select("commit", "hash"), on="commit").select(
        "hash",
        pl.when(pl.col("3").str.starts_with('"'))
        .then(pl.col("3").map_elements(_unquote, return_dtype=pl.String))
        .otherwise(pl.col("3"))
        .alias("path"),
        (
            pl.col("1").cast(pl.Int64, strict=False).fill_null(0)
            + pl.col("2").cast(pl.Int64, strict=False).fill_null(0)
        ).alias("lines"),
    )
    return GitLog(commits.drop("commit"), changes, "extended" if extended else "plain")


def _unquote(path: str) -> str:
    """git's C-style quoting of unusual paths (``"a\\tb"``)."""
    inner = path[1:-1] if path.endswith('"') else path[1:]
    return (
        inner.encode("latin-1", "backslashreplace")
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8", "replace")
    )


def group_commits(log: GitLog) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Group commits into tickets: (tickets: key, kind, created_at, resolved_at, starter; members:
    hash → key). The walk over the commit graph is the one loop: it follows parents, not tickets."""
    commits = log.commits
    parents = dict(zip(commits["hash"], commits["parents"].to_list(), strict=True))
    order = commits["hash"].to_list()
    if not order:
        empty = pl.DataFrame(schema={"key": pl.String, "kind": pl.String})
        return empty, pl.DataFrame(schema={"hash": pl.String, "key": pl.String})
    mainline: list[str] = []
    seen: set[str] = set()
    current: str | None = order[0]  # the newest commit: git log starts at HEAD
    while current is not None and current in parents and current not in seen:
        mainline.append(current)
        seen.add(current)
        up = parents[current]
        current = up[0] if up else None
    if log.layout == "plain":  # no parents: every commit is a change of its own
        mainline, seen = order, set(order)
    owner: dict[str, str] = {h: h for h in mainline}
    kinds: dict[str, str] = {}
    for merge in reversed(mainline):  # oldest first: a commit belongs to the first merge that brought it
        side = parents.get(merge, [])[1:]
        kinds[merge] = "pull_request" if side else "commit"
        stack = list(side)
        while stack:
            commit = stack.pop()
            if commit in owner or commit not in parents:
                continue
            owner[commit] = merge
            stack.extend(parents[commit])
    members = pl.DataFrame({"hash": list(owner), "key": list(owner.values())})
    kind = pl.DataFrame({"key": list(kinds), "kind": list(kinds.values())})
    timed = members.join(commits.select("hash", "author_date", "commit_date", "author", "subject"), on="hash")
    branch = timed.filter(pl.col("hash") != pl.col("key")).sort("author_date")
    first = branch.group_by("key").agg(
        pl.col("author_date").first().alias("first_authored"),
        pl.col("author").first().alias("starter"),
        pl.col("subject").first().alias("first_subject"),
        pl.len().alias("branch_commits"),
    )
    tickets = (
        kind.join(commits.rename({"hash": "key"}), on="key")
        .join(first, on="key", how="left")
        .with_columns(
            pl.when(pl.col("kind") == "pull_request")
            .then(pl.min_horizontal("first_authored", "commit_date"))
            .otherwise("commit_date")
            .alias("created_at"),
            pl.col("commit_date").alias("resolved_at"),
            pl.coalesce("starter", "author").alias("starter"),
            (pl.col("branch_commits").fill_null(0) + 1).alias("commits"),
        )
    )
    return tickets, members


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-C", str(repo), *args],
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise DataError(
            [Problem(str(repo), "git is not installed.", "install git, or import an exported log file.")]
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DataError(
            [
                Problem(
                    str(repo),
                    f"git failed: {message[0] if message else done.returncode}",
                    "give the folder of a git repository, or an exported log file.",
                )
            ]
        )
    return done.stdout


def run_git_log(repo: Path) -> str:
    out = _git(
        repo, "log", "--numstat", "--date=iso-strict", "--no-renames", f"--pretty=format:{PRETTY}", "HEAD"
    )
    return out.decode("utf-8", "replace")


def codeowners_history(repo: Path, report: dict[str, Any]) -> list[tuple[datetime | None, list[Rule]]]:
    """Every version of CODEOWNERS on the main line, each with the commit date it took effect."""
    listing = _git(repo, "log", "--first-parent", "--format=%H %cI", "HEAD", "--", *CODEOWNERS_PATHS).decode()
    changes = [line.split(" ", 1) for line in listing.splitlines() if line.strip()]
    changes.reverse()  # oldest first
    if not changes:
        report.setdefault("warnings", []).append(
            "The repository has no CODEOWNERS: no file has an owner team."
        )
        return []
    requests = "".join(f"{h}:{p}\n" for h, _ in changes for p in CODEOWNERS_PATHS).encode()
    blobs = _cat_file(_git(repo, "cat-file", "--batch", stdin=requests))
    versions: list[tuple[datetime | None, list[Rule]]] = []
    skipped = 0
    for number, (commit, date) in enumerate(changes):
        texts = blobs[number * len(CODEOWNERS_PATHS) : (number + 1) * len(CODEOWNERS_PATHS)]
        text = next((t for t in texts if t is not None), "")
        rules, bad = _lenient_rules(text, f"CODEOWNERS at {commit[:12]}")
        skipped += bad
        moment = (
            pl.Series([date])
            .str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%S%:z")
            .dt.replace_time_zone(None)[0]
        )
        versions.append((moment, rules))
    report["codeowners"] = f"{len(versions)} versions from the repository's history"
    if skipped:
        report.setdefault("warnings", []).append(
            f"{skipped} lines of past CODEOWNERS versions could not be read and were ignored, "
            "as GitHub ignores them."
        )
    return versions


def _lenient_rules(text: str, source: str) -> tuple[list[Rule], int]:
    """A past version's rules; lines GitHub would have ignored are skipped and counted."""
    try:
        return parse_codeowners(text, source=source), 0
    except DataError as exc:
        bad_lines = {p.row for p in exc.problems}
        kept = "\n".join("" if i + 1 in bad_lines else line for i, line in enumerate(text.splitlines()))
        return parse_codeowners(kept, source=source), exc.total


def _cat_file(output: bytes) -> list[str | None]:
    """Split ``git cat-file --batch`` output into the requested blobs (None: missing)."""
    blobs: list[str | None] = []
    position = 0
    while position < len(output):
        end = output.index(b"\n", position)
        header = output[position:end].decode()
        position = end + 1
        if header.endswith(" missing") or header.endswith(" ambiguous"):
            blobs.append(None)
            continue
        size = int(header.rsplit(" ", 1)[1])
        blobs.append(output[position : position + size].decode("utf-8", "replace"))
        position += size + 1
    return blobs
