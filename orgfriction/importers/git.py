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
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from orgfriction.errors import ConfigError, DataError, Problem
from orgfriction.importers._common import ImportResult, Pseudonyms, counts, read_text
from orgfriction.importers.codeowners import Rule, match_paths, parse_codeowners
from orgfriction.importers.gitlog import (
    PRETTY,
    GitLog,
    codeowners_history,
    group_commits,
    read_git_log,
    run_git_log,
)

__all__ = ["PRETTY", "import_git"]

_PR_NUMBER = re.compile(r"^Merge pull request #(\d+)|\(#(\d+)\)\s*$")
_MERGE_FROM = r"^(Merge pull request #\d+) from \S+"


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
        log = read_git_log(run_git_log(source), label=f"git log of {source}")
        if codeowners is not None:
            versions = [(None, _parse_file(codeowners))]
            report["codeowners"] = f"{codeowners}, applied to the whole history"
        else:
            versions = codeowners_history(source, report)
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
    tickets, members = group_commits(log)
    report["commits_not_reached_from_the_main_line"] = log.commits.height - members.height
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
        bots = bots | pl.col("starter").str.contains(_author_pattern(pattern))
    left_out["bot authors"] = tickets.filter(bots).height
    tickets = tickets.filter(~bots)

    # each change's owners under the CODEOWNERS version in force when its ticket landed
    changes = (
        log.changes.join(members, on="hash")
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
    if tickets.is_empty():
        why = ", ".join(f"{n:,} {reason}" for reason, n in left_out.items() if n) or "no change at all"
        raise DataError(
            [
                Problem(
                    str(report["source"]),
                    f"no change is left to import ({why}).",
                    "give a CODEOWNERS file that covers the changed files (--codeowners FILE), a team map "
                    "for the unowned ones (--team-map FILE), or fewer exclusions.",
                )
            ]
        )
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
            "time (to 0 when they are the more numerous, and the analysis then counts coordinated "
            "simple fixes instead of blocked ones). Import with --merges-only to analyse the pull "
            "requests alone."
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
        {"since": [s or datetime(1, 1, 1) for s in since], "version": list(range(len(versions)))},
        schema={"since": pl.Datetime("us"), "version": pl.Int64},
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


def _author_pattern(pattern: str) -> str:
    """``pattern`` when polars (Rust's regex syntax) can read it; a :class:`ConfigError` otherwise."""
    try:
        pl.Series([""], dtype=pl.String).str.contains(pattern)
    except pl.exceptions.ComputeError as exc:
        said = [line.removeprefix("error: ") for line in str(exc).splitlines() if line.startswith("error: ")]
        reason = said[0] if said else "it does not parse"
        msg = (
            f"--exclude-author {pattern!r} is not a regular expression ({reason}).\n"
            "  Hint: escape special characters, e.g. '\\[bot\\]$' for names ending in [bot]."
        )
        raise ConfigError(msg) from None
    return pattern


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
    frame = frame.with_row_index("line", offset=2).with_columns(pl.col("author", "team").str.strip_chars())
    repeated = frame.filter(pl.col("author").is_duplicated()).sort("author", "line")
    if repeated.height:
        first, again = repeated.row(0, named=True), repeated.row(1, named=True)
        raise DataError(
            [
                Problem(
                    path.name,
                    f"author {again['author']!r} is mapped again (first at row {first['line']}).",
                    "map each author to one team.",
                    row=again["line"],
                    column="author",
                    value=again["author"],
                )
            ]
        )
    return dict(zip(frame["author"], frame["team"], strict=True))
