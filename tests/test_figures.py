"""Figures: built from analysis frames, user text shown as text, layouts reproducible."""

from __future__ import annotations

import polars as pl

from orgfriction import figures
from tests.test_clusters import _company

HOSTILE = "<script>alert(1)</script>"


def test_user_text_is_escaped_in_labels():
    assert figures.plain(HOSTILE) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    nodes = pl.DataFrame(
        {
            "team": [HOSTILE, "web"],
            "x": [0.0, 1.0],
            "y": [0.0, 0.0],
            "tickets": [1, 1],
            "blocked_simple": [1, 1],
        },
        schema_overrides={"tickets": pl.Int64},
    ).with_columns(pl.lit(None, dtype=pl.String).alias("cluster_id"))
    pairs = pl.DataFrame({"team_a": [HOSTILE], "team_b": ["web"], "blocked_simple": [1]})
    clusters = pl.DataFrame(schema={"cluster_id": pl.String, "rank": pl.Int64, "teams": pl.String})
    fig = figures.team_graph_chart(nodes, pairs, clusters)
    assert HOSTILE not in fig.to_json()
    assert "&lt;script&gt;" in fig.to_json()


def test_figures_from_an_analysis():
    from orgfriction import analyze

    analysis = analyze(_company())
    clusters = figures.cluster_chart(analysis.clusters)
    assert list(clusters.data[0].y) == ["#2 p + q", "#1 a + b"]  # worst at the top
    assert list(clusters.data[0].x) == [8, 24]
    graph = figures.team_graph_chart(analysis.layout, analysis.team_pairs, analysis.clusters)
    node_traces = [t for t in graph.data if t.mode == "markers"]
    assert sum(len(t.x) for t in node_traces) == analysis.teams.height
    assert {t.name for t in node_traces} >= {"#1 a + b", "#2 p + q", "No cluster"}
    quality = figures.quality_chart(analysis.quality_by_team)
    assert len(quality.data) == 6


def test_layout_is_reproducible():
    from orgfriction import analyze

    first, second = analyze(_company()).layout, analyze(_company()).layout
    assert first.select("team", "x", "y").equals(second.select("team", "x", "y"))
    assert first["x"].null_count() == 0


def test_charts_keep_plotly_white_for_what_they_draw():
    import plotly.io as pio

    white = pio.templates["plotly_white"]
    quarterly = pl.DataFrame(
        {"quarter": ["2025Q1"], "simple_single_team": [3], "simple_multi_team": [2], "other": [1]}
    )
    template = figures.quarterly_chart(quarterly).layout.template
    for key in ("font", "colorway", "paper_bgcolor", "plot_bgcolor", "xaxis", "yaxis", "hoverlabel", "title"):
        assert template.layout[key] == white.layout[key], key
    for trace in ("bar", "scatter", "scattergl"):
        assert template.data[trace] == white.data[trace], trace
    assert template.layout.scene.to_plotly_json() == {}  # what is never drawn is left out
