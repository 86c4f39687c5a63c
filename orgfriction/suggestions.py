"""Boundary suggestions: specific changes, each found from the data, explained in one sentence and
quantified by simulation (``orgfriction.whatif``), not by a formula.

==================== =================================================================================
kind                 proposed when
==================== =================================================================================
``merge_teams``      a confident blocking cluster (``orgfriction.clusters``): its teams become one
``transfer_system``  one team owns most of a system's simple fixes (``min_driver_share``) and needs the
                     owner on most of them: the system moves to that team
``merge_systems``    two systems with different owners change together in the same simple fixes
                     (co-change coupling = shared / mean of both systems' simple fixes at least
                     ``min_co_change_coupling``): both go to one owner, whichever saves more
``relax_signoff``    a team approves at least ``min_approval_rate`` of its sign-offs on simple fixes
                     yet takes longer than the baseline lead time to decide (median)
``platform_team``    a team works on the simple fixes of at least ``min_platform_teams`` other teams,
                     and of at least twice as many as the median team: its work becomes self-service
``split_system``     a system's simple fixes are spread over several teams (fragmentation
                     1 − Σ p², p a team's share of the work on its tickets, at least
                     ``min_fragmentation``; code-maat's measure): split it into parts owned by the
                     teams with at least 10% of that work
==================== =================================================================================

Every candidate is simulated; those that would unblock nothing and save nothing are dropped, and
so are all but the best of feasible suggestions for the same set of teams (merging two teams
already puts their systems inside one boundary).
The thresholds are settings of ``orgfriction.Config``; ``min_tickets`` is ``cluster_min_blocked``.
A merge whose combined headcount exceeds ``max_team_size`` (9 by default, after Team Topologies)
is kept but marked not ``feasible`` and ranked after every feasible suggestion, with the best
feasible suggestion among the same teams offered as its ``alternative``. Rank: feasible first,
then cost of delay avoided per year, then simple fixes unblocked. ``suggestion_id`` is derived
from kind, subject and target, so it is the same in every run on the same data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from orgfriction.config import Config
from orgfriction.whatif import (
    Change,
    MergeSystems,
    MergeTeams,
    PlatformTeam,
    RelaxSignoff,
    Simulator,
    SplitSystem,
    TransferSystem,
)

__all__ = ["KIND_LABELS", "SUGGESTION_COLUMNS", "join_names", "suggest", "suggestion_title"]

#: each kind of suggestion in words
KIND_LABELS = {
    "merge_teams": "Merge teams",
    "transfer_system": "Move a system",
    "relax_signoff": "Relax a sign-off",
    "platform_team": "Make a team self-service",
    "split_system": "Split a system",
    "merge_systems": "Merge systems",
}

SUGGESTION_COLUMNS = (
    # the contract's columns (DESIGN §4)
    "suggestion_id",
    "kind",
    "subject",
    "target",
    "rationale",
    "simple_fixes_unblocked",
    "days_saved_per_year",
    "cost_of_delay_avoided_usd",
    "people_affected",
    "rank",
    # and what explains them
    "feasible",
    "alternative",
    "evidence_tickets",
)
_EVIDENCE = 5
_PART_SHARE = 0.10


@dataclass(frozen=True)
class _Candidate:
    change: Change
    subject: str
    target: str | None
    rationale: str
    teams: frozenset[str]


def suggest(
    simulator: Simulator,
    *,
    clusters: pl.DataFrame,
    signoff_edges: pl.DataFrame,
    baseline_days: float | None,
    config: Config | None = None,
) -> tuple[pl.DataFrame, dict[str, Change]]:
    """Find, simulate and rank the suggestions: one row each (columns ``SUGGESTION_COLUMNS``),
    and the change each suggestion_id stands for."""
    config = config or Config()
    merges = _merge_systems(simulator, config)
    # moving S to the owner of S' with which S always changes *is* merging S and S' under that
    # owner: keep the more telling merge_systems
    same = {(c.change.systems, c.change.owner) for c in merges if isinstance(c.change, MergeSystems)}
    transfers = [
        c
        for c in _transfer_systems(simulator, config)
        if isinstance(c.change, TransferSystem)
        and not any(c.change.system in systems and c.change.to_team == owner for systems, owner in same)
    ]
    candidates = [
        *_merge_teams(clusters, simulator.headcounts),
        *transfers,
        *merges,
        *_relax_signoffs(signoff_edges, baseline_days, config),
        *_platform_teams(simulator, config),
        *_split_systems(simulator, config),
    ]
    rows = []
    changes: dict[str, Change] = {}
    for candidate in candidates:
        result = simulator.run([candidate.change])
        effect = result.effect()
        if effect["simple_fixes_unblocked"] <= 0 and effect["cost_of_delay_avoided_usd"] <= 0:
            continue
        helped = result.tickets.filter(pl.col("is_simple") & (pl.col("days_saved") > 0))
        evidence = helped.sort(["blocked_before", "days_saved"], descending=True).head(_EVIDENCE)["ticket_id"]
        size = _merged_size(candidate.change, simulator.headcounts)
        changes[_suggestion_id(candidate)] = candidate.change
        rows.append(
            {
                "suggestion_id": _suggestion_id(candidate),
                "kind": candidate.change.kind,
                "subject": candidate.subject,
                "target": candidate.target,
                "rationale": candidate.rationale,
                **effect,
                "feasible": size is None or size <= config.max_team_size,
                "alternative": None,
                "evidence_tickets": ";".join(evidence),
                "_teams": sorted(candidate.teams),
            }
        )
    if not rows:
        return _empty(), {}
    frame = pl.DataFrame(rows, infer_schema_length=None).sort(
        ["feasible", "cost_of_delay_avoided_usd", "simple_fixes_unblocked", "suggestion_id"],
        descending=[True, True, True, False],
    )
    # one suggestion per subject (e.g. which owner for merged systems), and one feasible
    # suggestion per set of teams (merging two teams already puts their systems in one boundary):
    # the best of each
    team_set = pl.col("_teams").list.join(";")
    frame = (
        frame.unique(["kind", "subject"], keep="first", maintain_order=True)
        .filter(~pl.col("feasible") | team_set.is_first_distinct().over("feasible"))
        .sort(
            ["feasible", "cost_of_delay_avoided_usd", "simple_fixes_unblocked", "suggestion_id"],
            descending=[True, True, True, False],
        )
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"))
    )
    frame = frame.with_columns(pl.Series("alternative", _alternatives(frame), dtype=pl.String))
    frame = frame.select(SUGGESTION_COLUMNS).with_columns(
        pl.col("people_affected").cast(pl.Int64), pl.col("simple_fixes_unblocked").cast(pl.Int64)
    )
    return frame, {sid: changes[sid] for sid in frame["suggestion_id"]}


# --- candidates ----------------------------------------------------------------------------------


def _merge_teams(clusters: pl.DataFrame, headcounts: dict[str, int]) -> list[_Candidate]:
    out = []
    for row in clusters.filter("confident").iter_rows(named=True):
        teams = tuple(row["teams"].split(";"))
        size = sum(headcounts.get(t, 0) for t in teams) if all(t in headcounts for t in teams) else None
        people = f" as one team of {size} people" if size is not None else " as one team"
        out.append(
            _Candidate(
                MergeTeams(teams),
                row["teams"],
                None,
                f"{join_names(teams)} shared {row['coordinated_simple']} simple fixes, "
                f"{row['blocked_simple']} of them blocked, in {row['periods_recurring']} of "
                f"{row['periods_total']} quarters; "
                f"{people.strip()} they would stop waiting on each other.",
                frozenset(teams),
            )
        )
    return out


def _system_work(simulator: Simulator) -> pl.DataFrame:
    """(ticket_id, system, system_owner, ticket owner) for simple fixes touching owned systems."""
    simple = simulator.tickets.filter("is_simple").select("ticket_id", "owner_team", "blocked")
    return simulator.ticket_systems.join(simple, on="ticket_id").join(
        simulator.systems.drop_nulls("owner_team").rename({"owner_team": "system_owner"}), on="system"
    )


def _transfer_systems(simulator: Simulator, config: Config) -> list[_Candidate]:
    work = _system_work(simulator)
    owner_present = simulator.memberships.rename({"team": "system_owner"}).with_columns(
        pl.lit(True).alias("owner_on_ticket")
    )
    totals = work.group_by("system").agg(pl.len().alias("tickets"))
    drivers = (
        work.filter(pl.col("owner_team") != pl.col("system_owner"))
        .join(owner_present, on=["ticket_id", "system_owner"], how="left")
        .group_by("system", "system_owner", pl.col("owner_team").alias("driver"))
        .agg(pl.len().alias("driven"), pl.col("owner_on_ticket").fill_null(False).sum().alias("needed_owner"))
        .sort(["driven", "driver"], descending=[True, False])
        .group_by("system", maintain_order=True)
        .first()
        .join(totals, on="system")
        .filter(
            (pl.col("driven") >= config.cluster_min_blocked)
            & (pl.col("driven") >= config.min_driver_share * pl.col("tickets"))
            & (pl.col("needed_owner") >= 0.5 * pl.col("driven"))
        )
        .sort("system")
    )
    return [
        _Candidate(
            TransferSystem(r["system"], r["driver"]),
            r["system"],
            r["driver"],
            f"{r['system']} is owned by {r['system_owner']}, but {r['driver']} owns {r['driven']} of its "
            f"{r['tickets']} simple fixes and needed {r['system_owner']} on {r['needed_owner']} of them; "
            f"moving it to {r['driver']} removes that handoff.",
            frozenset({r["system_owner"], r["driver"]}),
        )
        for r in drivers.iter_rows(named=True)
    ]


def _merge_systems(simulator: Simulator, config: Config) -> list[_Candidate]:
    work = _system_work(simulator).select("ticket_id", "system", "system_owner", "blocked")
    revisions = work.group_by("system").agg(pl.len().alias("revisions"))
    pairs = (
        work.join(work, on="ticket_id", suffix="_b")
        .filter(
            (pl.col("system") < pl.col("system_b")) & (pl.col("system_owner") != pl.col("system_owner_b"))
        )
        .group_by("system", "system_b", "system_owner", "system_owner_b")
        .agg(pl.len().alias("shared"), pl.col("blocked").sum().alias("blocked"))
        .join(revisions, on="system")
        .join(revisions.rename({"system": "system_b", "revisions": "revisions_b"}), on="system_b")
        .with_columns(
            (pl.col("shared") / ((pl.col("revisions") + pl.col("revisions_b")) / 2)).alias("coupling")
        )
        .filter(
            (pl.col("shared") >= config.cluster_min_blocked)
            & (pl.col("coupling") >= config.min_co_change_coupling)
            # changing together is only a problem when those changes are slower than others
            & (pl.col("blocked") > _typical_blocked_share(simulator) * pl.col("shared"))
        )
        .sort("system", "system_b")
    )
    out = []
    for r in pairs.iter_rows(named=True):
        systems = (r["system"], r["system_b"])
        for owner in (r["system_owner"], r["system_owner_b"]):
            out.append(
                _Candidate(
                    MergeSystems(systems, owner),
                    ";".join(systems),
                    owner,
                    f"{r['system']} ({r['system_owner']}) and {r['system_b']} ({r['system_owner_b']}) "
                    f"changed together in {r['shared']} simple fixes ({r['blocked']} blocked, coupling "
                    f"{r['coupling']:.0%}); put both inside one boundary owned by {owner}.",
                    frozenset({r["system_owner"], r["system_owner_b"]}),
                )
            )
    return out


def _typical_blocked_share(simulator: Simulator) -> float:
    """The blocked share of all coordinated simple fixes."""
    fixes = simulator.tickets.filter(pl.col("is_simple") & pl.col("coordinated"))
    return float(fixes.select(pl.col("blocked").mean()).item() or 0.0) if fixes.height else 0.0


def _relax_signoffs(
    signoff_edges: pl.DataFrame, baseline_days: float | None, config: Config
) -> list[_Candidate]:
    if baseline_days is None:
        return []
    approvers = (
        signoff_edges.group_by("approver")
        .agg(
            pl.col("simple_requests").sum(),
            pl.col("approved").sum(),
            pl.col("decided").sum(),
            # the median of per-owner medians would hide a wait; weight by requests
            pl.col("median_wait_days")
            .repeat_by(pl.col("requests"))
            .explode()
            .median()
            .alias("median_wait_days"),
        )
        .with_columns((pl.col("approved") / pl.col("decided")).alias("approval_rate"))
        .filter(
            (pl.col("simple_requests") >= 2 * config.cluster_min_blocked)
            & (pl.col("approval_rate") >= config.min_approval_rate)
            & (pl.col("median_wait_days") > baseline_days)
        )
        .sort("approver")
    )
    return [
        _Candidate(
            RelaxSignoff(r["approver"]),
            r["approver"],
            None,
            f"{r['approver']} approved {r['approval_rate']:.0%} of its decided sign-offs, yet took a median "
            f"{r['median_wait_days']:.1f} days to decide ({r['simple_requests']} requests on simple fixes); "
            "pre-approve simple fixes within guardrails or review them after release.",
            frozenset({r["approver"]}),
        )
        for r in approvers.iter_rows(named=True)
    ]


def _platform_teams(simulator: Simulator, config: Config) -> list[_Candidate]:
    simple = simulator.tickets.filter("is_simple").select("ticket_id", "owner_team", "blocked")
    helping = (
        simulator.memberships.join(simple, on="ticket_id")
        .filter(pl.col("owner_team").is_not_null() & (pl.col("team") != pl.col("owner_team")))
        .group_by("team")
        .agg(
            pl.col("owner_team").n_unique().alias("teams_served"),
            pl.len().alias("tickets"),
            pl.col("blocked").sum().alias("blocked"),
        )
    )
    if helping.is_empty():
        return []
    typical = float(helping.select(pl.col("teams_served").median()).item() or 0)
    chosen = helping.filter(
        (pl.col("teams_served") >= config.min_platform_teams)
        & (pl.col("teams_served") >= 2 * typical)
        & (pl.col("blocked") >= config.cluster_min_blocked)
    ).sort("team")
    return [
        _Candidate(
            PlatformTeam(r["team"]),
            r["team"],
            None,
            f"{r['team']} was needed on {r['tickets']} simple fixes of {r['teams_served']} other teams "
            f"({r['blocked']} blocked), against {typical:.0f} teams for a typical team; "
            "make its work self-service.",
            frozenset({r["team"]}),
        )
        for r in chosen.iter_rows(named=True)
    ]


def _split_systems(simulator: Simulator, config: Config) -> list[_Candidate]:
    work = _system_work(simulator).select("ticket_id", "system", "system_owner")
    shares = (
        work.join(simulator.memberships, on="ticket_id")
        .group_by("system", "system_owner", "team")
        .agg(pl.len().alias("n"))
        .with_columns((pl.col("n") / pl.col("n").sum().over("system")).alias("share"))
    )
    per_system = (
        shares.group_by("system", "system_owner")
        .agg(
            (1 - (pl.col("share") ** 2).sum()).alias("fragmentation"),
            pl.col("team").filter(pl.col("share") >= _PART_SHARE).sort().alias("parts"),
        )
        .join(work.group_by("system").agg(pl.len().alias("tickets")), on="system")
        .filter(
            (pl.col("fragmentation") >= config.min_fragmentation)
            & (pl.col("parts").list.len() >= 3)
            & (pl.col("tickets") >= config.cluster_min_blocked)
        )
        .sort("system")
    )
    return [
        _Candidate(
            SplitSystem(r["system"], tuple(r["parts"])),
            r["system"],
            ";".join(r["parts"]),
            f"{r['system']}'s {r['tickets']} simple fixes were worked on by {len(r['parts'])} teams "
            f"(fragmentation {r['fragmentation']:.2f}); split it into parts owned by "
            f"{join_names(r['parts'])}.",
            frozenset([*r["parts"], r["system_owner"]]),
        )
        for r in per_system.iter_rows(named=True)
    ]


# --- helpers -------------------------------------------------------------------------------------


def join_names(names: Iterable[str]) -> str:
    """Names as a phrase: ``a``, ``a and b``, ``a, b and c``."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def suggestion_title(kind: str, subject: str, target: str | None = None) -> str:
    """A suggestion's heading in words, as the app and the report show it.

    >>> suggestion_title("transfer_system", "referral-service", "growth-web")
    'Move a system: referral-service → growth-web'
    >>> suggestion_title("merge_teams", "a;b;c")
    'Merge teams: a, b and c'
    """
    title = f"{KIND_LABELS.get(kind, kind.replace('_', ' '))}: {join_names(subject.split(';'))}"
    return title + (f" → {join_names(target.split(';'))}" if target else "")


def _merged_size(change: Change, headcounts: dict[str, int]) -> int | None:
    if not isinstance(change, MergeTeams) or not all(t in headcounts for t in change.teams):
        return None
    return sum(headcounts[t] for t in change.teams)


def _suggestion_id(candidate: _Candidate) -> str:
    key = f"{candidate.change.kind}|{candidate.subject}|{candidate.target or ''}"
    return "S-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _alternatives(frame: pl.DataFrame) -> list[str | None]:
    """For an infeasible merge: the best feasible suggestion whose teams are among the merge's."""
    feasible = [
        (set(teams), f"{kind} {subject}" + (f" to {target}" if target else ""), sid)
        for teams, kind, subject, target, sid, ok in frame.select(
            "_teams", "kind", "subject", "target", "suggestion_id", "feasible"
        ).iter_rows()
        if ok and kind != "merge_teams"
    ]
    out: list[str | None] = []
    for teams, ok in frame.select("_teams", "feasible").iter_rows():
        if ok:
            out.append(None)
            continue
        match = next(
            (
                f"{label} ({sid})"
                for other, label, sid in feasible
                if len(other & set(teams)) >= min(2, len(other))
            ),
            None,
        )
        out.append(match)
    return out


def _empty() -> pl.DataFrame:
    schema: dict[str, Any] = {c: pl.String for c in SUGGESTION_COLUMNS}
    schema.update(
        simple_fixes_unblocked=pl.Int64,
        days_saved_per_year=pl.Float64,
        cost_of_delay_avoided_usd=pl.Float64,
        people_affected=pl.Int64,
        rank=pl.Int64,
        feasible=pl.Boolean,
    )
    return pl.DataFrame(schema=schema)
