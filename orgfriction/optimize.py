"""The org optimiser: the set of at most ``max_moves`` changes that removes the most cost of delay,
under a team-size cap, and Thebeau's DSM clustering cost to compare it with.

**Greedy, evaluated lazily.** The candidates are the analysis' suggestions (every kind; merges
are re-checked against ``max_team_size``, counting teams merged by earlier moves). Each step adds
the change with the largest *marginal* gain, simulated on top of the moves already chosen
(:meth:`orgfriction.Analysis.what_if`), so two changes that fix the same tickets are not counted
twice. Gains only shrink as the plan grows, so a candidate whose last known gain is below the
best fresh gain need not be simulated again (lazy greedy, as CELF): the result is the same as
plain greedy with far fewer simulations. The objective is cost of delay avoided per year, then
days saved (datasets without impact estimates), then simple fixes unblocked.

**Thebeau (2001)**: a DSM clustering's coordination cost sums, over every interaction of weight
w between teams i and j, w · size(cluster)^p when both are in one cluster and w · n^p otherwise
(n teams in all, p = ``pow_cc``, 2 by default): interactions across clusters are expensive and
large clusters too.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from orgfriction.whatif import Change, MergeTeams, WhatIf

if TYPE_CHECKING:
    from orgfriction.analysis import Analysis

__all__ = ["PLAN_COLUMNS", "Plan", "optimize", "thebeau_cost"]

PLAN_COLUMNS = (
    "step",
    "suggestion_id",
    "kind",
    "subject",
    "target",
    "simple_fixes_unblocked",
    "days_saved_per_year",
    "cost_of_delay_avoided_usd",
    "cumulative_cost_of_delay_avoided_usd",
    "people_affected",
    "rationale",
)


@dataclass(frozen=True)
class Plan:
    """The chosen moves in order, with each one's marginal effect, and the plan's total effect."""

    steps: pl.DataFrame
    changes: tuple[Change, ...]
    result: WhatIf
    simulations: int

    def totals(self) -> dict[str, Any]:
        """Before and after figures of the whole plan (per year where it says so)."""
        years = self.result.years
        before, after = self.result.before, self.result.after
        return {
            "moves": len(self.changes),
            "blocked_simple_fixes": (int(before["blocked_simple_fixes"]), int(after["blocked_simple_fixes"])),
            "excess_days_per_year": (
                before["excess_days_simple"] / years,
                after["excess_days_simple"] / years,
            ),
            "cost_of_delay_usd_per_year": (
                before["cost_of_delay_usd_simple"] / years,
                after["cost_of_delay_usd_simple"] / years,
            ),
        }


def optimize(analysis: Analysis, *, max_moves: int = 5, max_team_size: int | None = None) -> Plan:
    """Choose up to ``max_moves`` of the analysis' suggested changes (module docstring)."""
    if max_moves < 1:
        msg = f"max_moves must be at least 1, got {max_moves}."
        raise ValueError(msg)
    cap = max_team_size if max_team_size is not None else analysis.config.max_team_size
    headcounts = analysis.simulator.headcounts
    candidates = {
        sid: change
        for sid, change in analysis.suggested_changes.items()
        if (_team_size(change, {}, headcounts) or 0) <= cap
    }
    chosen: list[tuple[str, Change]] = []
    groups: dict[str, str] = {}  # team -> label of the merged team it is now part of
    current = analysis.what_if([])
    simulations = 1
    # heap of (-stale gain, suggestion_id); solo effects are the first, stale, gains
    rows = analysis.suggestions.select("suggestion_id", "cost_of_delay_avoided_usd", "days_saved_per_year")
    solo = {sid: (cost, days) for sid, cost, days in rows.iter_rows()}
    heap = [(-solo[sid][0], -solo[sid][1], sid) for sid in candidates]
    heapq.heapify(heap)
    fresh: dict[str, int] = {}
    results: dict[str, WhatIf] = {}
    while heap and len(chosen) < max_moves:
        neg_cost, neg_days, sid = heapq.heappop(heap)
        change = candidates[sid]
        size = _team_size(change, groups, headcounts)
        if size is not None and size > cap:
            continue  # merged teams grew past the cap with earlier moves
        if fresh.get(sid) != len(chosen):
            trial = analysis.what_if([c for _, c in chosen] + [change])
            simulations += 1
            gain = _gain(trial, current)
            fresh[sid], results[sid] = len(chosen), trial
            heapq.heappush(heap, (-gain[0], -gain[1], sid))
            continue
        if -neg_cost <= 0 and -neg_days <= 0:
            break
        chosen.append((sid, change))
        current = results[sid]
        if isinstance(change, MergeTeams):
            merged = {groups.get(t, t) for t in change.teams}
            for team in [*groups, *change.teams]:
                if groups.get(team, team) in merged:
                    groups[team] = change.label
    return Plan(
        steps=_steps(analysis, chosen),
        changes=tuple(c for _, c in chosen),
        result=current,
        simulations=simulations,
    )


def thebeau_cost(
    weights: Mapping[tuple[str, str], float], clusters: Mapping[str, str], *, n: int, pow_cc: float = 2.0
) -> float:
    """Thebeau's coordination cost of a clustering (module docstring).

    ``weights`` maps team pairs to interaction weights, ``clusters`` maps teams to a cluster
    (teams not in it are clusters of their own), ``n`` is the number of teams.

    Examples
    --------
    Three teams; a and b interact with weight 2, b and c with weight 1. All apart: (2 + 1)·3² = 27.
    With a and b together: 2·2² + 1·3² = 17.

    >>> w = {("a", "b"): 2.0, ("b", "c"): 1.0}
    >>> thebeau_cost(w, {}, n=3), thebeau_cost(w, {"a": "x", "b": "x"}, n=3)
    (27.0, 17.0)
    """
    sizes: dict[str, int] = {}
    for cluster in clusters.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    cost = 0.0
    for (a, b), w in weights.items():
        ca, cb = clusters.get(a), clusters.get(b)
        same = ca is not None and ca == cb
        cost += w * (sizes[ca] ** pow_cc if same and ca is not None else n**pow_cc)
    return cost


def _gain(trial: WhatIf, current: WhatIf) -> tuple[float, float]:
    return (
        trial.cost_of_delay_avoided_usd - current.cost_of_delay_avoided_usd,
        trial.days_saved_per_year - current.days_saved_per_year,
    )


def _team_size(change: Change, groups: dict[str, str], headcounts: dict[str, int]) -> int | None:
    """Headcount of the team a merge would make, counting teams merged by earlier moves."""
    if not isinstance(change, MergeTeams):
        return None
    labels = {groups.get(t, t) for t in change.teams}
    members = {t for t in [*groups, *change.teams] if groups.get(t, t) in labels}
    if not all(t in headcounts for t in members):
        return None
    return sum(headcounts[t] for t in members)


def _steps(analysis: Analysis, chosen: list[tuple[str, Change]]) -> pl.DataFrame:
    rows = []
    previous = analysis.what_if([])
    for step, (sid, _) in enumerate(chosen, start=1):
        result = analysis.what_if([c for _, c in chosen[:step]])
        info = analysis.suggestions.filter(pl.col("suggestion_id") == sid).row(0, named=True)
        rows.append(
            {
                "step": step,
                "suggestion_id": sid,
                "kind": info["kind"],
                "subject": info["subject"],
                "target": info["target"],
                "simple_fixes_unblocked": result.simple_fixes_unblocked - previous.simple_fixes_unblocked,
                "days_saved_per_year": result.days_saved_per_year - previous.days_saved_per_year,
                "cost_of_delay_avoided_usd": result.cost_of_delay_avoided_usd
                - previous.cost_of_delay_avoided_usd,
                "cumulative_cost_of_delay_avoided_usd": result.cost_of_delay_avoided_usd,
                "people_affected": info["people_affected"],
                "rationale": info["rationale"],
            }
        )
        previous = result
    schema = {
        "step": pl.Int64,
        "suggestion_id": pl.String,
        "kind": pl.String,
        "subject": pl.String,
        "target": pl.String,
        "simple_fixes_unblocked": pl.Int64,
        "days_saved_per_year": pl.Float64,
        "cost_of_delay_avoided_usd": pl.Float64,
        "cumulative_cost_of_delay_avoided_usd": pl.Float64,
        "people_affected": pl.Int64,
        "rationale": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)
