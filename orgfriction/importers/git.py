"""Import a git history with CODEOWNERS teams: pull requests (or commits) become tickets.

Input is a repository (``git`` is run here) or a pre-exported log in one of two layouts:

* the extended layout of ``../shared/realdata/git``: ``git log --numstat --date=iso-strict
  --no-renames --pretty=format:'--%H--%P--%ad--%cd--%aN--%s'`` (code-maat's ``git2`` with the
  parents and the commit date added), and
* code-maat's plain ``git2``: ``git log --numstat --date=short --pretty=format:'--%h--%ad--%aN'``.

What a ticket is (``ticket_kind`` in the tickets table):

* ``pull_request``: where pull requests land as merge commits, a merge on the main line (the first
  parents from the newest commit) with the branch commits it brought in. ``created_at`` is the
  first branch commit's author date and ``resolved_at`` the merge's commit date: a real lead time.
* ``commit``: any other commit on the main line (a squash merge or a direct push). It has no lead
  time (``created_at`` = ``resolved_at`` = its commit date), and the report says so.

Teams and effort:

* the owners of a file are those of the CODEOWNERS rule in force when the ticket landed (from a
  repository, each version of CODEOWNERS in its history applies from the commit that made it; a
  log has only the one file given, and the report warns that today's ownership overstates
  multi-team work in old changes). Team owners ``@org/team`` become the team ``team`` (``org/team``
  when the file names several organisations); the people a rule names (``@login``, e-mails) form
  one team per distinct set, ``people-N`` (their handles joined with ``+`` under ``keep_names``);
* a ticket's teams are the owners of the files it changed; its ``owner_team`` the team owning
  most changed lines (each file counts one line more, so binary files count; a file with several
  owner teams splits its lines between them); its sign-offs the other owner teams (code-owner
  review: ``approved``, with no times, which a history does not record);
* ``effort_days`` = max(0.25, lines changed / ``lines_per_day``) (100 by default), so a change of
  up to 200 lines is a simple fix;
* systems are the top ``system_depth`` directories (``(root)`` for files at the top), owned by
  the team owning most of their changed lines.

Left out, and counted in the report: changes touching more than ``max_teams`` teams (30, as
code-maat), changes whose author matches ``exclude_authors`` (bots), and changes to files no team
owns (unless ``team_map`` gives their author's team). Authors are pseudonymised (``author-0001``)
unless ``keep_names``; so are the people-teams and the branch names of merge subjects.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from orgfriction.errors import DataError, Problem
from orgfriction.importers._common import ImportResult, Pseudonyms, counts, problems_from_rows, read_text
from orgfriction.importers.codeowners import Rule, match_paths, parse_codeowners
from orgfriction.validation import parse_iso_datetime

__all__ = ["CODEOWNERS_PATHS", "import_git", "read_git_log"]

#: where GitHub looks for CODEOWNERS, in its order of precedence
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
PRETTY = "--%H--%P--%ad--%cd--%aN--%s"

_ISO = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})"
_EXTENDED = (
    rf"^--([0-9a-f]{{7,64}})--((?:[0-9a-f]{{7,64}}(?: [0-9a-f]{{7,64}})*)?)--({_ISO})--({_ISO})--(.*?)--(.*)$"
)
_PLAIN = r"^--([0-9a-f]{4,64})--(\d{4}-\d{2}-\d{2})--(.*)$"
_NUMSTAT = r"^(\d+|-)\t(\d+|-)\t(.+)$"
_PR_NUMBER = re.compile(r"^Merge pull request #(\d+)|\(#(\d+)\)\s*$")
_MERGE_FROM = r"^(Merge pull request #\d+) from \S+"
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


def import_git(
    source: Path,
    *,
    codeowners: Path | None = None,
    team_map: Path | None = None,
    exclude_authors: Sequence[str] = (r"\[bot\]$",),
    keep_names: bool = False,
    max_teams: int = 30,
    lines_per_day: float = 100.0,
    system_depth: int = 1,
    merges_only: bool = False,
) -> ImportResult:
    """Import a repository folder or an exported log file (see the module docstring)."""
    report: dict[str, Any] = {"source": str(source), "importer": "git"}
    versions: list[tuple[datetime | None, list[Rule]]]
    if source.is_dir():
        log = read_git_log(_run_git_log(source), label=f"git log of {source}")
        if codeowners is not None:
            versions = [(None, _parse_file(codeowners))]
            report["codeowners"] = f"{codeowners}, applied to the whole history"
        else:
            versions = _codeowners_history(source, report)
    else:
        log = read_git_log(read_text(source), label=source.name)
        if codeowners is None:
            raise DataError(
                [
                    Problem(
                        source.name,
                        "a git log has no CODEOWNERS of its own.",
                        "name the CODEOWNERS file with --codeowners FILE, or import the repository folder.",
                    )
                ]
            )
        versions = [(None, _parse_file(codeowners))]
        report["codeowners"] = str(codeowners)
        report.setdefault("warnings", []).append(
            "One CODEOWNERS file was applied to the whole log: ownership changes over the years, so "
            "old changes may show more teams than their owners were then. Import the repository "
            "folder to use the CODEOWNERS in force at each change."
        )
    report["layout"] = log.layout
    report["commits"] = log.commits.height
    authors_team = _read_team_map(team_map) if team_map else {}
    tickets, members = _tickets(log)
    return _build(
        log,
        tickets,
        members,
        versions,
        report,
        authors_team=authors_team,
        exclude_authors=exclude_authors,
        keep_names=keep_names,
        max_teams=max_teams,
        lines_per_day=lines_per_day,
        system_depth=system_depth,
        merges_only=merges_only,
    )


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


def _tickets(log: GitLog) -> tuple[pl.DataFrame, pl.DataFrame]:
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


def _build(
    log: GitLog,
    tickets: pl.DataFrame,
    members: pl.DataFrame,
    versions: list[tuple[datetime | None, list[Rule]]],
    report: dict[str, Any],
    *,
    authors_team: dict[str, str],
    exclude_authors: Sequence[str],
    keep_names: bool,
    max_teams: int,
    lines_per_day: float,
    system_depth: int,
    merges_only: bool,
) -> ImportResult:
    left_out: dict[str, int] = {}
    if merges_only:
        left_out["single commits (merges_only)"] = tickets.filter(pl.col("kind") == "commit").height
        tickets = tickets.filter(pl.col("kind") == "pull_request")
    bots = pl.lit(False)
    for pattern in exclude_authors:
        bots = bots | pl.col("starter").str.contains(pattern)
    left_out["bot authors"] = tickets.filter(bots).height
    tickets = tickets.filter(~bots)

    # each change's owners under the CODEOWNERS version in force when its ticket landed
    changes = (
        log.changes.join(members, on="hash")
        .join(tickets.select("key", "resolved_at"), on="key", how="semi")
        .join(log.commits.select("hash", "author"), on="hash")
        .join(tickets.select("key", "resolved_at"), on="key")
    )
    owners = _owners(changes, versions, keep_names=keep_names, report=report)
    by_author = pl.DataFrame(
        {"author": list(authors_team), "mapped_team": list(authors_team.values())},
        schema={"author": pl.String, "mapped_team": pl.String},
    )
    owned = owners.join(by_author, on="author", how="left").with_columns(
        pl.when(pl.col("teams").list.len() > 0)
        .then("teams")
        .when(pl.col("mapped_team").is_not_null())
        .then(pl.concat_list("mapped_team"))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("teams")
    )
    report["changed_files"] = owned.height
    report["changed_files_without_owner"] = owned.filter(pl.col("teams").list.len() == 0).height
    weights = (
        owned.filter(pl.col("teams").list.len() > 0)
        .with_columns(((pl.col("lines") + 1) / pl.col("teams").list.len()).alias("weight"))
        .explode("teams")
        .rename({"teams": "team"})
    )
    per_team = weights.group_by("key", "team").agg(pl.col("weight").sum())
    owner_team = (
        per_team.sort(["key", "weight", "team"], descending=[False, True, False]).group_by("key").first()
    )
    team_counts = per_team.group_by("key").agg(pl.len().alias("n_teams"))
    too_many = team_counts.filter(pl.col("n_teams") > max_teams)
    left_out[f"touching more than {max_teams} teams"] = too_many.height
    no_owner = tickets.join(per_team, on="key", how="anti")
    left_out["no file with an owner team"] = no_owner.height
    keep = per_team.join(too_many, on="key", how="anti").select("key").unique()
    tickets = tickets.join(keep, on="key", how="semi")
    sizes = changes.group_by("key").agg(
        pl.col("lines").sum().alias("lines_changed"), pl.col("path").n_unique().alias("files_changed")
    )
    authors = Pseudonyms("author", keep=keep_names)
    tickets = (
        tickets.sort("created_at", "key")
        .join(sizes, on="key", how="left")
        .join(owner_team.select("key", pl.col("team").alias("owner_team")), on="key", how="left")
    )
    pr = pl.col("subject").str.extract_groups(_PR_NUMBER.pattern)
    tickets = tickets.with_columns(pl.coalesce(pr.struct.field("1"), pr.struct.field("2")).alias("pr"))
    unique_pr = pl.col("pr").is_not_null() & ~pl.col("pr").is_duplicated()
    title = pl.col("subject") if keep_names else pl.col("subject").str.replace(_MERGE_FROM, "${1}")
    title = (
        pl.when(
            (pl.col("kind") == "pull_request")
            & pl.col("first_subject").is_not_null()
            & pl.lit(not keep_names)
        )
        .then(pl.format("{}: {}", title, pl.col("first_subject")))
        .otherwise(title)
    )
    out_tickets = tickets.select(
        pl.when(unique_pr)
        .then(pl.format("PR-{}", "pr"))
        .otherwise(pl.col("key").str.slice(0, 12))
        .alias("ticket_id"),
        title.alias("title"),
        "created_at",
        "resolved_at",
        "owner_team",
        (pl.col("lines_changed").fill_null(0) / lines_per_day)
        .clip(lower_bound=0.25)
        .round(2)
        .alias("effort_days"),
        pl.lit(None, pl.Float64).alias("impact_usd"),
        pl.lit(None, pl.Int64).alias("occurrences"),
        pl.lit(None, pl.String).alias("problem"),
        pl.lit(None, pl.String).alias("suggested_fix"),
        pl.lit(None, pl.String).alias("evidence_url"),
        pl.col("kind").alias("ticket_kind"),
        pl.col("key").alias("commit"),
        "commits",
        pl.col("lines_changed").fill_null(0),
        pl.col("files_changed").fill_null(0),
        authors.series(tickets["starter"]).alias("author"),
    )
    ids = out_tickets.select("ticket_id", pl.col("commit").alias("key"))
    ticket_teams = per_team.join(ids, on="key").select("ticket_id", "team").sort("ticket_id", "team")
    signoffs = (
        ticket_teams.join(out_tickets.select("ticket_id", "owner_team"), on="ticket_id")
        .filter(pl.col("team") != pl.col("owner_team"))
        .select(
            "ticket_id",
            "team",
            pl.lit(None, pl.Datetime("us")).alias("requested_at"),
            pl.lit(None, pl.Datetime("us")).alias("decided_at"),
            pl.lit("approved").alias("outcome"),
        )
    )
    systems, ticket_systems = _systems(weights.join(ids, on="key"), system_depth)
    teams = pl.DataFrame(
        {"team": sorted(set(ticket_teams["team"]) | set(systems["owner_team"].drop_nulls()))}
    )
    teams = teams.with_columns(
        pl.when(pl.col("team").str.starts_with("people-") | pl.col("team").str.starts_with("@"))
        .then(pl.lit("individual owners"))
        .otherwise(pl.lit("code-owner teams"))
        .alias("org_unit"),
        pl.lit(None, pl.Int64).alias("headcount"),
    )
    frames = {
        "tickets": out_tickets,
        "ticket_teams": ticket_teams,
        "signoffs": signoffs,
        "teams": teams,
        "systems": systems,
        "ticket_systems": ticket_systems,
    }
    kinds = out_tickets["ticket_kind"].value_counts()
    by_kind = dict(zip(kinds["ticket_kind"], kinds["count"], strict=True))
    report["tickets"] = {
        "pull_requests": by_kind.get("pull_request", 0),
        "single_commits": by_kind.get("commit", 0),
    }
    report["left_out"] = left_out
    report["lead_times"] = by_kind.get("pull_request", 0) > 0
    if not report["lead_times"]:
        report.setdefault("warnings", []).append(
            "No change landed as a merge commit: every ticket is a single commit (squash merges or "
            "direct pushes), whose author and commit dates carry no review time, so there are no lead "
            "times; the analysis counts coordinated simple fixes instead of blocked ones."
        )
    elif by_kind.get("commit", 0):
        report.setdefault("warnings", []).append(
            f"{by_kind.get('commit', 0):,} single commits (no lead time) sit beside "
            f"{by_kind.get('pull_request', 0):,} merged pull requests; they lower the baseline lead "
            "time. Import with --merges-only to analyse the pull requests alone."
        )
    report["rows"] = counts(frames)
    report["names"] = "kept" if keep_names else "pseudonymised"
    return ImportResult(frames, report)


def _owners(
    changes: pl.DataFrame,
    versions: list[tuple[datetime | None, list[Rule]]],
    *,
    keep_names: bool,
    report: dict[str, Any],
) -> pl.DataFrame:
    """``changes`` with a ``teams`` list: the owner teams of each path under the version in force."""
    since = [v for v, _ in versions]
    index = pl.DataFrame(
        {"since": [s or datetime(1, 1, 1) for s in since], "version": list(range(len(versions)))}
    ).sort("since")
    dated = changes.sort("resolved_at").join_asof(
        index, left_on="resolved_at", right_on="since", strategy="backward"
    )
    team_names = _TeamNames(versions, keep_names=keep_names)
    report["teams_from_codeowners"] = team_names.summary()
    parts = []
    for (version,), group in dated.group_by(["version"], maintain_order=True):
        if version is None:
            parts.append(group.with_columns(pl.lit([], pl.List(pl.String)).alias("teams")))
            continue
        rules = versions[int(version)][1]
        paths = group.select("path").unique()
        matched = paths.with_columns(match_paths(rules, paths["path"]).alias("rule"))
        owners = pl.Series("teams", team_names.for_rules(int(version)), dtype=pl.List(pl.String))
        matched = matched.with_columns(
            pl.when(pl.col("rule").is_not_null())
            .then(
                pl.col("rule").replace_strict(
                    dict(enumerate(owners.to_list())), default=None, return_dtype=pl.List(pl.String)
                )
            )
            .otherwise(pl.lit([], pl.List(pl.String)))
            .alias("teams")
        )
        parts.append(group.join(matched.select("path", "teams"), on="path", how="left"))
    if not parts:
        return changes.with_columns(pl.lit([], pl.List(pl.String)).alias("teams"))
    return pl.concat(parts, how="vertical_relaxed").with_columns(pl.col("teams").fill_null([]))


class _TeamNames:
    """Team names for the owners of every rule of every version: teams by their slug, the people a
    rule names as one pseudonymous team per distinct set."""

    def __init__(self, versions: list[tuple[datetime | None, list[Rule]]], *, keep_names: bool) -> None:
        self.versions = versions
        # GitHub's organisation names are case-insensitive (@DataDog/x and @Datadog/x are one)
        orgs = {
            o[1:].split("/")[0].lower() for _, rules in versions for r in rules for o in r.owners if "/" in o
        }
        self.strip_org = len(orgs) <= 1
        self.people = Pseudonyms("people", keep=False)
        self.keep_names = keep_names

    def name(self, owners: tuple[str, ...]) -> list[str]:
        teams = sorted(
            {
                (
                    o[1:].split("/", 1)[1]
                    if self.strip_org
                    else o[1:].split("/")[0].lower() + "/" + o.split("/", 1)[1]
                )
                for o in owners
                if "/" in o
            }
        )
        people = sorted(o for o in owners if "/" not in o)
        if people:
            teams.append("+".join(people) if self.keep_names else self.people("+".join(people)))
        return teams

    def for_rules(self, version: int) -> list[list[str]]:
        return [self.name(rule.owners) for rule in self.versions[version][1]]

    def summary(self) -> dict[str, int]:
        return {
            "versions": len(self.versions),
            "rules_in_newest": len(self.versions[-1][1]) if self.versions else 0,
        }


def _systems(weights: pl.DataFrame, depth: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    parts = pl.col("path").str.split("/")
    system = (
        pl.when(parts.list.len() > 1)
        .then(parts.list.slice(0, pl.min_horizontal(parts.list.len() - 1, pl.lit(depth))).list.join("/"))
        .otherwise(pl.lit("(root)"))
        .alias("system")
    )
    located = weights.with_columns(system)
    owners = (
        located.group_by("system", "team")
        .agg(pl.col("weight").sum())
        .sort(["system", "weight", "team"], descending=[False, True, False])
        .group_by("system", maintain_order=True)
        .first()
        .select("system", pl.col("team").alias("owner_team"))
        .sort("system")
    )
    ticket_systems = located.select("ticket_id", "system").unique().sort("ticket_id", "system")
    return owners, ticket_systems


def _parse_file(path: Path) -> list[Rule]:
    return parse_codeowners(read_text(path), source=path.name)


def _read_team_map(path: Path) -> dict[str, str]:
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataError(
            [
                Problem(
                    path.name, f"cannot read the team map: {exc}", "write a CSV with the header author,team."
                )
            ]
        ) from None
    missing = [c for c in ("author", "team") if c not in frame.columns]
    if missing:
        raise DataError(
            [
                Problem(
                    path.name,
                    f"the team map has no column {missing[0]}.",
                    "write a CSV with the header author,team.",
                    row=1,
                    column=missing[0],
                )
            ]
        )
    empty = frame.with_row_index("line", offset=2).filter(
        pl.col("author").is_null() | pl.col("team").is_null()
    )
    if empty.height:
        row = empty.row(0, named=True)
        column = "author" if row["author"] is None else "team"
        raise DataError(
            [
                Problem(
                    path.name,
                    f"{column} is empty.",
                    "give every author a team.",
                    row=row["line"],
                    column=column,
                )
            ]
        )
    return dict(zip(frame["author"].str.strip_chars(), frame["team"].str.strip_chars(), strict=True))


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


def _run_git_log(repo: Path) -> str:
    out = _git(
        repo, "log", "--numstat", "--date=iso-strict", "--no-renames", f"--pretty=format:{PRETTY}", "HEAD"
    )
    return out.decode("utf-8", "replace")


def _codeowners_history(repo: Path, report: dict[str, Any]) -> list[tuple[datetime | None, list[Rule]]]:
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
