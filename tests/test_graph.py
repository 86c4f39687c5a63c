"""The team graph on the hand-built dataset of test_metrics (see the figures worked out there).

Teams per ticket: U1 web; U2 api; C1 web+api; C2 web (legal signs off); B1 web+api; O1 web+api;
O2 web+ops; N1 web. So web worked on 7 tickets, api on 4, ops on 1.
"""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from orgfriction.graph import signoff_edges, signoff_graph, team_graph, team_nodes, team_pairs
from orgfriction.metrics import team_memberships, ticket_metrics
from tests.test_metrics import TWO_IS_ENOUGH, timed_dataset


def _parts():
    dataset = timed_dataset()
    metrics = ticket_metrics(dataset, config=TWO_IS_ENOUGH)
    return dataset, team_memberships(dataset), metrics


def test_team_pairs_hand_computed():
    dataset, members, metrics = _parts()
    expected = pl.DataFrame(
        {
            "team_a": ["api", "legal", "ops"],
            "team_b": ["web", "web", "web"],
            "shared_tickets": [3, 0, 1],  # C1, B1, O1 | - | O2
            "shared_simple": [2, 0, 1],  # C1, O1 | - | O2
            "blocked_simple": [2, 0, 0],  # C1, O1
            "signoffs": [0, 1, 0],
            "cost_of_delay_usd": [78.0, 0.0, 0.0],  # C1 70 + O1 8
            "coupling": [3 / 5.5, 0.0, 1 / 4],  # shared / mean(tickets of both)
        }
    )
    assert_frame_equal(team_pairs(members, metrics, dataset.signoffs), expected)


def test_team_nodes_hand_computed():
    dataset, members, metrics = _parts()
    got = team_nodes(dataset, members, metrics).select(
        "team", "tickets", "simple_fixes", "blocked_simple", "cost_of_delay_usd", "owned_tickets", "signoffs"
    )
    expected = pl.DataFrame(
        {
            "team": ["api", "legal", "ops", "web"],
            "tickets": [4, 0, 1, 7],
            "simple_fixes": [3, 0, 1, 5],  # web: U1, C1, C2, O1, O2 (B1 takes 5 days, N1 no effort)
            "blocked_simple": [2, 0, 0, 2],
            "cost_of_delay_usd": [78.0, 0.0, 0.0, 78.0],
            "owned_tickets": [1, 0, 0, 7],
            "signoffs": [0, 1, 0, 0],
        }
    )
    assert_frame_equal(got, expected)


def test_signoff_edges_and_graphs():
    dataset, members, metrics = _parts()
    edges = signoff_edges(dataset.signoffs, metrics)
    assert edges.rows(named=True) == [
        {
            "owner_team": "web",
            "approver": "legal",
            "requests": 1,
            "simple_requests": 1,
            "decided": 1,
            "approved": 1,
            "approval_rate": 1.0,
            "median_wait_days": 3.0,
        }
    ]
    directed = signoff_graph(edges)
    assert list(directed.edges) == [("web", "legal")]
    graph = team_graph(team_nodes(dataset, members, metrics), team_pairs(members, metrics, dataset.signoffs))
    assert sorted(graph.nodes) == ["api", "legal", "ops", "web"]
    assert graph.edges["web", "api"]["blocked_simple"] == 2
    assert graph.nodes["web"]["tickets"] == 7


def test_own_signoffs_link_no_teams():
    dataset, members, metrics = _parts()
    own = pl.DataFrame({"ticket_id": ["C1"], "team": ["web"], "outcome": ["approved"]})
    signoffs = pl.concat([dataset.signoffs, own], how="diagonal_relaxed")
    assert signoff_edges(signoffs, metrics).height == 1
    assert team_pairs(members, metrics, signoffs)["signoffs"].sum() == 1
