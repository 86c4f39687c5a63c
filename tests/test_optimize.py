"""The optimiser against brute force, the size cap, and Thebeau's cost by hand."""

from __future__ import annotations

from itertools import combinations

import pytest

from orgfriction import MergeTeams, analyze
from orgfriction.optimize import _team_size, optimize, thebeau_cost


@pytest.fixture(scope="module")
def analysis(sample_dataset):
    return analyze(sample_dataset)


def test_greedy_matches_brute_force_on_pairs(analysis):
    feasible = [sid for sid, ok in analysis.suggestions.select("suggestion_id", "feasible").iter_rows() if ok]
    best = max(
        analysis.what_if(
            [analysis.suggested_changes[a], analysis.suggested_changes[b]]
        ).cost_of_delay_avoided_usd
        for a, b in combinations(feasible, 2)
    )
    plan = optimize(analysis, max_moves=2)
    assert plan.result.cost_of_delay_avoided_usd == pytest.approx(best)
    assert plan.steps["cumulative_cost_of_delay_avoided_usd"][-1] == pytest.approx(best)


def test_plan_steps_add_up_and_respect_the_cap(analysis):
    plan = optimize(analysis, max_moves=10)
    steps = plan.steps
    assert steps["cost_of_delay_avoided_usd"].sum() == pytest.approx(plan.result.cost_of_delay_avoided_usd)
    assert steps["cost_of_delay_avoided_usd"].is_sorted(descending=True)  # greedy: best first
    headcounts = analysis.simulator.headcounts
    for change in plan.changes:
        if isinstance(change, MergeTeams):
            assert sum(headcounts[t] for t in change.teams) <= 9
    totals = plan.totals()
    assert totals["blocked_simple_fixes"][1] < totals["blocked_simple_fixes"][0]
    # lazy evaluation simulates far fewer plans than candidates x moves
    assert plan.simulations < len(analysis.suggested_changes) * plan.steps.height


def test_a_larger_cap_allows_bigger_merges(analysis):
    capped = optimize(analysis, max_moves=8)
    loose = optimize(analysis, max_moves=8, max_team_size=25)
    assert loose.result.cost_of_delay_avoided_usd > capped.result.cost_of_delay_avoided_usd
    assert "merge_teams" in set(loose.steps["kind"])


def test_team_size_counts_earlier_merges():
    headcounts = {"a": 3, "b": 4, "c": 5}
    assert _team_size(MergeTeams(("a", "b")), {}, headcounts) == 7
    groups = {"a": "a+b", "b": "a+b"}
    assert _team_size(MergeTeams(("b", "c")), groups, headcounts) == 12  # a comes along with b
    assert _team_size(MergeTeams(("b", "zz")), groups, headcounts) is None  # unknown headcount


def test_thebeau_cost_by_hand():
    weights = {("a", "b"): 2.0, ("b", "c"): 1.0, ("c", "d"): 4.0}
    # apart: (2 + 1 + 4) * 4^2 = 112; {a,b} and {c,d}: 2*4 + 1*16 + 4*4 = 40; all in one: 7 * 16 = 112
    assert thebeau_cost(weights, {}, n=4) == 112
    assert thebeau_cost(weights, {"a": "x", "b": "x", "c": "y", "d": "y"}, n=4) == 40
    assert thebeau_cost(weights, dict.fromkeys("abcd", "all"), n=4) == 112
    assert thebeau_cost(weights, {"a": "x", "b": "x"}, n=4, pow_cc=1) == 2 * 2 + 1 * 4 + 4 * 4


def test_max_moves_must_be_positive(analysis):
    with pytest.raises(ValueError, match="at least 1"):
        optimize(analysis, max_moves=0)
