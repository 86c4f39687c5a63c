"""Blocking clusters on a hand-built company whose answer is known, and the statistics used.

Four quarters of 2025. Per quarter: 20 one-team simple fixes taking 2 days (baseline 2 days, so a
coordinated simple fix is blocked beyond 4 days), and
* the cluster a+b: 6 shared simple fixes, all taking 20 days;
* four ordinary pairs c+d, e+f, g+h, i+j: 1 shared simple fix each; c+d's and e+f's take 20 days;
* the busy pair x+y: 6 shared simple fixes, all done in 2 days;
* the burst pair p+q: 2 fast shared fixes, and in 2025Q2 only, 8 more taking 20 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from orgfriction import Config, Dataset, analyze
from orgfriction.clusters import benjamini_hochberg, cmh_greater
from orgfriction.explore import cluster_quarters

QUARTER_STARTS = [datetime(2025, 1, 5), datetime(2025, 4, 5), datetime(2025, 7, 5), datetime(2025, 10, 5)]


def _company(*, lead_times: bool = True) -> Dataset:
    tickets, teams = [], []

    def add(owner: str, partner: str | None, start: datetime, days: float) -> None:
        ticket_id = f"T{len(tickets) + 1:04d}"
        resolved = start + timedelta(days=days if lead_times else 0)
        tickets.append((ticket_id, owner, start, resolved, 1.0))
        if partner:
            teams.append((ticket_id, partner))

    for q, start in enumerate(QUARTER_STARTS):
        for k in range(20):
            add(f"solo{k % 5}", None, start, 2)
        for _ in range(6):
            add("a", "b", start, 20)
            add("x", "y", start, 2)
        for owner, partner, days in [("c", "d", 20), ("e", "f", 20), ("g", "h", 2), ("i", "j", 2)]:
            add(owner, partner, start, days)
        for _ in range(2):
            add("p", "q", start, 2)
        if q == 1:
            for _ in range(8):
                add("p", "q", start, 20)
    return Dataset.from_frames(
        {
            "tickets": pl.DataFrame(
                tickets,
                schema=["ticket_id", "owner_team", "created_at", "resolved_at", "effort_days"],
                orient="row",
            ),
            "ticket_teams": pl.DataFrame(teams, schema=["ticket_id", "team"], orient="row"),
        }
    )


def test_recurring_cluster_ranks_first_and_decoys_below():
    clusters = analyze(_company()).clusters
    by_teams = {row["teams"]: row for row in clusters.iter_rows(named=True)}
    assert list(by_teams) == ["a;b", "p;q"]  # the busy pair never blocks: not a candidate
    ab, pq = by_teams["a;b"], by_teams["p;q"]
    assert (ab["rank"], ab["blocked_simple"], ab["coordinated_simple"]) == (1, 24, 24)
    # outside a+b: 56 coordinated simple fixes (16 ordinary, 24 busy, 16 burst), 16 blocked (c+d,
    # e+f: 8; the burst: 8); a+b's excess is then 6 - 6 * 16/56 = 4.29 in every quarter
    assert ab["comparable_blocked_share"] == pytest.approx(16 / 56)
    assert (ab["periods_recurring"], ab["periods_total"], ab["recurring_quarters"]) == (
        4,
        4,
        "2025Q1;2025Q2;2025Q3;2025Q4",
    )
    # p+q: in 2025Q2 8 blocked of 10 against 32/64 outside -> excess 3; elsewhere 0 - 2 * 0.5 = -1
    assert (pq["rank"], pq["periods_recurring"], pq["recurring_quarters"]) == (2, 1, "2025Q2")
    # one stratum (2 teams, no sign-off): N=80, M=40, a=24 of n1=24; E=12, Var=4.2532, z=5.576
    assert ab["p_value"] == pytest.approx(1.2288e-8, rel=1e-3)
    assert ab["confident"] is True
    assert ab["median_excess_days"] == 18.0
    assert ab["cluster_id"].startswith("C-")
    assert len(ab["evidence_tickets"].split(";")) == 5


def test_cluster_ids_are_stable_and_tickets_listed():
    first, second = analyze(_company()), analyze(_company())
    assert first.clusters["cluster_id"].to_list() == second.clusters["cluster_id"].to_list()
    ab_id = first.clusters.filter(pl.col("teams") == "a;b")["cluster_id"].item()
    ab_tickets = first.cluster_tickets.filter(pl.col("cluster_id") == ab_id)
    assert ab_tickets.height == 24
    assert ab_tickets["blocked"].all()


def test_cluster_quarters_show_the_recurrence_evidence():
    rows = cluster_quarters(analyze(_company()))
    assert rows.select("teams", "quarter", "shared_simple_fixes", "blocked").rows() == [
        ("a;b", "2025Q1", 6, 6),
        ("a;b", "2025Q2", 6, 6),
        ("a;b", "2025Q3", 6, 6),
        ("a;b", "2025Q4", 6, 6),
        # the burst pair's two fast shared fixes a quarter, and its 8 slow ones in 2025Q2
        ("p;q", "2025Q1", 2, 0),
        ("p;q", "2025Q2", 10, 8),
        ("p;q", "2025Q3", 2, 0),
        ("p;q", "2025Q4", 2, 0),
    ]
    assert rows["rank"].to_list() == [1] * 4 + [2] * 4


def test_settings_change_what_counts():
    strict = analyze(_company(), Config(cluster_min_blocked=10, recurrence_min_blocked=4.5)).clusters
    # p+q blocked only 8 simple fixes: below the minimum; a+b has an excess of 4.29 a quarter < 4.5
    assert strict["teams"].to_list() == ["a;b"]
    assert strict["periods_recurring"].to_list() == [0]


def test_without_lead_times_clusters_fall_back_to_coordinated():
    analysis = analyze(_company(lead_times=False))
    assert analysis.blocked_basis == "coordinated"
    clusters = analysis.clusters
    assert clusters["p_value"].null_count() == clusters.height
    assert not clusters["confident"].any()
    # every coordinated simple fix counts: the busy pair is as coordinated as a+b, and p+q's two
    # shared fixes a quarter meet the minimum of 2
    assert set(clusters.filter(pl.col("periods_recurring") == 4)["teams"]) == {"a;b", "x;y", "p;q"}
    assert clusters.filter(pl.col("teams") == "c;d").is_empty()  # 4 in all, below 5
    assert "no usable lead times" in analysis.summary()["notes"][0]


def test_cmh_matches_fisher_direction_and_pools_strata():
    # two strata each 5/5 inside vs 5/20 outside: evidence adds up across strata
    one = cmh_greater(np.array([5]), np.array([5]), np.array([10]), np.array([25]))
    two = cmh_greater(np.array([5, 5]), np.array([5, 5]), np.array([10, 10]), np.array([25, 25]))
    assert two < one < 0.01
    # a cluster slower than nobody gets no confidence
    assert cmh_greater(np.array([1]), np.array([5]), np.array([13]), np.array([25])) > 0.5
    # no comparison tickets: no test
    assert np.isnan(cmh_greater(np.array([3]), np.array([3]), np.array([3]), np.array([3])))


def test_benjamini_hochberg_hand_computed():
    # sorted p: 0.01 (x3/1 = 0.03), 0.03 (x3/2 = 0.045), 0.04 (x3/3 = 0.04) -> monotone: 0.03, 0.04, 0.04
    got = benjamini_hochberg(np.array([0.04, 0.01, 0.03]))
    assert got.tolist() == pytest.approx([0.04, 0.03, 0.04])
