"""The optimiser against a clustering of the same team graph by Thebeau's DSM coordination cost.

For each size: analyse the sample company, then
* plan with `orgfriction.optimize` (at most 10 moves, teams of at most 9 people);
* cluster the teams by Thebeau's cost (interaction weight = blocked simple fixes between two
  teams, p = 2), agglomeratively: repeatedly merge the two clusters whose merge lowers the cost
  most, never past 9 people, until no merge helps;
and report, for the org before and after each: Thebeau's cost, and the cost of delay avoided per
year when each cluster becomes one team (simulated with `what_if`).

    .venv/bin/python benchmarks/bench_optimize.py [--sizes 5000,20000] [--no-write]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _harness import machine, write_section

import orgfriction
from orgfriction.optimize import optimize, thebeau_cost

TEAMS = {5_000: 40, 20_000: 120}
CAP = 9


def thebeau_clustering(
    weights: dict[tuple[str, str], float], headcounts: dict[str, int], n: int
) -> dict[str, str]:
    """Greedy agglomerative clustering minimising Thebeau's cost under the headcount cap."""
    cluster_of = {t: t for t in headcounts}
    members = {t: {t} for t in headcounts}
    cost = thebeau_cost(weights, cluster_of, n=n)
    while True:
        best, best_cost = None, cost
        linked = {
            tuple(sorted((cluster_of[a], cluster_of[b])))
            for a, b in weights
            if a in cluster_of and b in cluster_of
        }
        for x, y in sorted(linked):
            if x == y or sum(headcounts[t] for t in members[x] | members[y]) > CAP:
                continue
            trial = {t: (x if c == y else c) for t, c in cluster_of.items()}
            trial_cost = thebeau_cost(weights, trial, n=n)
            if trial_cost < best_cost:
                best, best_cost = (x, y), trial_cost
        if best is None:
            return {t: c for t, c in cluster_of.items() if len(members[c]) > 1}
        x, y = best
        for t in members[y]:
            cluster_of[t] = x
        members[x] |= members.pop(y)
        cost = best_cost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    for tickets in (int(s) for s in args.sizes.split(",")):
        teams = TEAMS.get(tickets, 120)
        with tempfile.TemporaryDirectory() as tmp:
            orgfriction.write_sample(Path(tmp) / "c", n_teams=teams, n_tickets=tickets, seed=7)
            analysis = orgfriction.analyze(orgfriction.load(Path(tmp) / "c"))
        pairs = analysis.team_pairs.filter(analysis.team_pairs["blocked_simple"] > 0)
        weights = {
            (a, b): float(w) for a, b, w in pairs.select("team_a", "team_b", "blocked_simple").iter_rows()
        }
        n = analysis.teams.height
        headcounts = analysis.simulator.headcounts

        start = time.perf_counter()
        plan = optimize(analysis, max_moves=10, max_team_size=CAP)
        plan_seconds = time.perf_counter() - start
        plan_clusters = {}
        for change in plan.changes:
            if isinstance(change, orgfriction.MergeTeams):
                plan_clusters.update(dict.fromkeys(change.teams, change.label))

        start = time.perf_counter()
        dsm = thebeau_clustering(weights, headcounts, n)
        dsm_seconds = time.perf_counter() - start
        groups: dict[str, list[str]] = {}
        for team, cluster in dsm.items():
            groups.setdefault(cluster, []).append(team)
        dsm_effect = analysis.what_if([orgfriction.MergeTeams(tuple(sorted(g))) for g in groups.values()])

        before = thebeau_cost(weights, {}, n=n)
        rows.append(
            f"| {tickets:,} / {teams} | {before:,.0f} "
            f"| {thebeau_cost(weights, plan_clusters, n=n):,.0f} "
            f"| ${plan.result.cost_of_delay_avoided_usd:,.0f} "
            f"| {len(plan.changes)} ({plan.simulations} simulations, {plan_seconds:.1f} s) "
            f"| {thebeau_cost(weights, dsm, n=n):,.0f} | ${dsm_effect.cost_of_delay_avoided_usd:,.0f} "
            f"| {len(groups)} merges ({dsm_seconds:.1f} s) |"
        )
        print(rows[-1], flush=True)
    table = "\n".join(
        [
            f"Measured with `{' '.join(['python', *sys.argv])}` on {machine()}.",
            "",
            "| tickets / teams | Thebeau cost before | after the plan | cost of delay avoided by the plan "
            "| moves | after DSM clustering | cost of delay avoided by it | DSM clusters |",
            "|---|---:|---:|---:|---|---:|---:|---|",
            *rows,
        ]
    )
    if not args.no_write:
        write_section("optimize", table)


if __name__ == "__main__":
    main()
