"""The page queries of ``orgfriction.explore`` on tiny frames with hand-checked answers."""

from __future__ import annotations

import polars as pl

from orgfriction.explore import unit_view


def test_unit_view_keeps_the_pairs_touching_the_unit_and_their_teams():
    nodes = pl.DataFrame(
        {
            "team": ["a", "b", "c", "d", "e"],
            "org_unit": ["U1", "U1", "U2", "U2", "U1"],
            "x": [0.0, 1.0, 2.0, 3.0, 4.0],
        }
    )
    pairs = pl.DataFrame({"team_a": ["a", "b", "c"], "team_b": ["b", "c", "d"], "shared_tickets": [5, 3, 7]})
    kept_nodes, kept_pairs = unit_view(nodes, pairs, "U1")
    # a-b lies inside U1, b-c crosses out of it, c-d does not touch it; e is in U1 with no pair
    assert kept_pairs.rows() == [("a", "b", 5), ("b", "c", 3)]
    assert kept_nodes["team"].to_list() == ["a", "b", "c", "e"]
    assert kept_nodes.columns == nodes.columns
    empty_nodes, empty_pairs = unit_view(nodes, pairs, "no such unit")
    assert empty_pairs.is_empty()
    assert empty_nodes.is_empty()
