"""Every plotly figure orgfriction draws: pure functions from frames to figures.

The Dash app, the notebooks and the report all call these, so a chart looks the same everywhere.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

__all__ = [
    "CLUSTER_COLOURS",
    "cluster_chart",
    "days",
    "friction_trend_chart",
    "money",
    "plain",
    "quality_chart",
    "quarterly_chart",
    "team_graph_chart",
]


def _light_template() -> go.layout.Template:
    """plotly_white for the trace types and axes drawn here, built once: naming the template in
    every figure made plotly copy and validate all of it (every trace type's defaults, colour
    scales, 3D and map axes), about 20 ms a figure."""
    white = pio.templates["plotly_white"]
    layout = white.layout.to_plotly_json()
    for unused in ("coloraxis", "colorscale", "geo", "polar", "scene", "ternary"):  # no such charts
        layout.pop(unused, None)
    return go.layout.Template(
        layout=layout,
        data={"bar": white.data.bar, "scatter": white.data.scatter, "scattergl": white.data.scattergl},
    )


_TEMPLATE = _light_template()

_KIND_STYLE = {
    "simple_single_team": ("Simple fix, one team", "#4c78a8"),
    "simple_multi_team": ("Simple fix, 2+ teams", "#e45756"),
    "other": ("Other tickets", "#bab0ac"),
}


def quarterly_chart(quarterly: pl.DataFrame) -> go.Figure:
    """Stacked bars of tickets created per quarter, from ``overview.quarterly_counts``.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"quarter": ["2025Q1"], "simple_single_team": [3],
    ...                       "simple_multi_team": [2], "other": [1]})
    >>> [trace.name for trace in quarterly_chart(frame).data]
    ['Simple fix, one team', 'Simple fix, 2+ teams', 'Other tickets']
    """
    fig = go.Figure()
    for column, (label, colour) in _KIND_STYLE.items():
        fig.add_bar(
            x=quarterly["quarter"].to_list(),
            y=quarterly[column].to_list(),
            name=label,
            marker_color=colour,
            hovertemplate="%{x}: %{y} tickets<extra>" + label + "</extra>",
        )
    fig.update_layout(
        barmode="stack",
        title="Tickets created per quarter",
        xaxis_title="Quarter",
        yaxis_title="Tickets",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        template=_TEMPLATE,
    )
    return fig


# Colours for the worst clusters on the team graph; teams in no cluster are grey.
CLUSTER_COLOURS = ("#e45756", "#4c78a8", "#f58518", "#54a24b", "#b279a2", "#eeca3b", "#72b7b2", "#ff9da6")
_NO_CLUSTER = "#c7c7c7"
#: edges are drawn in a few traces of equal width instead of one trace per edge (fast at 2,000 teams)
_EDGE_WIDTH_BINS = ((0, 0.6), (1, 1.5), (3, 3.0), (10, 5.0), (30, 8.0))


def plain(text: object) -> str:
    """A value as literal text inside plotly labels, which otherwise read ``<b>``-style tags."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def money(value: float | None) -> str:
    """Dollars as the app and the report show them: ``$1,235``, or ``–`` when unknown."""
    return "–" if value is None else f"${value:,.0f}"


def days(value: float | None) -> str:
    """Days as the app and the report show them: ``3.2 days``, or ``–`` when unknown."""
    return "–" if value is None else f"{value:,.1f} days"


def cluster_chart(clusters: pl.DataFrame, *, top: int = 10) -> go.Figure:
    """Horizontal bars of the worst blocking clusters: blocked against all coordinated simple
    fixes, from ``Analysis.clusters``; confident clusters are solid, the others pale.

    Examples
    --------
    >>> frame = pl.DataFrame({"rank": [1], "teams": ["api;web"], "blocked_simple": [9],
    ...     "coordinated_simple": [10], "periods_recurring": [4], "periods_total": [4],
    ...     "p_value": [0.001], "confident": [True], "cost_of_delay_usd": [1200.0]})
    >>> [trace.name for trace in cluster_chart(frame).data]
    ['Blocked simple fixes', 'Coordinated, not blocked']
    """
    shown = clusters.sort("rank").head(top).reverse()
    labels = [
        f"#{r} {plain(t.replace(';', ' + '))}" for r, t in zip(shown["rank"], shown["teams"], strict=True)
    ]
    custom = shown.select(
        "periods_recurring",
        "periods_total",
        pl.col("p_value").fill_null(float("nan")),
        "cost_of_delay_usd",
    ).to_numpy()
    opacity = [1.0 if c else 0.45 for c in shown["confident"]]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=shown["blocked_simple"].to_list(),
        name="Blocked simple fixes",
        orientation="h",
        marker={"color": "#e45756", "opacity": opacity},
        customdata=custom,
        hovertemplate=(
            "%{y}<br>%{x} blocked simple fixes<br>recurring in %{customdata[0]} of %{customdata[1]} quarters"
            "<br>p = %{customdata[2]:.2g}<br>cost of delay $%{customdata[3]:,.0f}<extra></extra>"
        ),
    )
    fig.add_bar(
        y=labels,
        x=(shown["coordinated_simple"] - shown["blocked_simple"]).to_list(),
        name="Coordinated, not blocked",
        orientation="h",
        marker={"color": "#bab0ac", "opacity": opacity},
        hovertemplate="%{y}<br>%{x} coordinated simple fixes not blocked<extra></extra>",
    )
    fig.update_layout(
        barmode="stack",
        title="Blocking clusters (pale: not confident)",
        xaxis_title="Simple fixes that crossed the cluster's boundaries",
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 10, "r": 20, "t": 50, "b": 40},
        template=_TEMPLATE,
        height=max(300, 40 * shown.height + 120),
    )
    fig.update_yaxes(automargin=True)
    return fig


def team_graph_chart(
    nodes: pl.DataFrame,
    pairs: pl.DataFrame,
    clusters: pl.DataFrame,
    *,
    min_blocked: int = 1,
    weight: str = "blocked_simple",
    highlight: frozenset[str] | set[str] = frozenset(),
) -> go.Figure:
    """The team graph: teams at their layout positions (``graph.team_layout``), coloured by their
    worst cluster, sized by tickets; edges for pairs with at least ``min_blocked`` blocked simple
    fixes (or another ``weight`` column), wider for more; ``highlight`` teams are drawn larger
    with a dark outline. ``nodes`` needs team, x, y, tickets, blocked_simple and cluster_id.
    Each node's ``customdata`` starts with its team name, for click handlers.

    Examples
    --------
    >>> nodes = pl.DataFrame({"team": ["api", "web"], "x": [0.0, 1.0], "y": [0.0, 1.0],
    ...     "tickets": [5, 8], "blocked_simple": [2, 2], "cluster_id": ["C-1", "C-1"]})
    >>> pairs = pl.DataFrame({"team_a": ["api"], "team_b": ["web"], "blocked_simple": [2]})
    >>> clusters = pl.DataFrame({"cluster_id": ["C-1"], "rank": [1], "teams": ["api;web"]})
    >>> figure = team_graph_chart(nodes, pairs, clusters)
    >>> [trace.name for trace in figure.data if trace.showlegend]
    ['1–2 blocked', '#1 api + web']
    >>> len(figure.data)  # five edge bins, one trace per coloured cluster, one for the rest
    7
    """
    at = nodes.select("team", "x", "y")
    edges = (
        pairs.filter(pl.col(weight) >= min_blocked)
        .select("team_a", "team_b", weight)
        .join(at.rename({"team": "team_a", "x": "xa", "y": "ya"}), on="team_a")
        .join(at.rename({"team": "team_b", "x": "xb", "y": "yb"}), on="team_b")
    )
    fig = go.Figure()
    bounds = [low for low, _ in _EDGE_WIDTH_BINS[1:]] + [None]
    for (low, width), high in zip(_EDGE_WIDTH_BINS, bounds, strict=True):
        in_bin = edges.filter(pl.col(weight) >= max(low, min_blocked))
        if high is not None:
            in_bin = in_bin.filter(pl.col(weight) < high)
        # one trace of segments a→b separated by gaps (NaN): arrays, not Python lists, at 50k edges
        gap = np.full(in_bin.height, np.nan)
        xs = np.column_stack([in_bin["xa"].to_numpy(), in_bin["xb"].to_numpy(), gap]).ravel()
        ys = np.column_stack([in_bin["ya"].to_numpy(), in_bin["yb"].to_numpy(), gap]).ravel()
        label = (
            f"{max(low, min_blocked)}+ blocked"
            if high is None
            else f"{max(low, min_blocked)}–{high - 1} blocked"
        )
        fig.add_trace(
            go.Scattergl(
                x=xs,
                y=ys,
                mode="lines",
                line={"width": width, "color": "#9d9d9d"},
                name=label,
                showlegend=bool(in_bin.height),
                hoverinfo="skip",
            )
        )
    ranked = clusters.sort("rank").select("cluster_id", "rank", "teams")
    colour_of = {
        cid: CLUSTER_COLOURS[i] for i, cid in enumerate(ranked["cluster_id"].head(len(CLUSTER_COLOURS)))
    }
    groups = nodes.with_columns(
        pl.col("cluster_id").replace_strict(colour_of, default=None).alias("_colour"),
    ).with_columns(
        pl.when(pl.col("_colour").is_null()).then(None).otherwise(pl.col("cluster_id")).alias("_group")
    )
    names = {cid: f"#{r} {plain(t.replace(';', ' + '))}" for cid, r, t in ranked.iter_rows()}
    # the same traces in the same order whatever the filters: plotly.js picks a clicked WebGL point
    # by trace index, and a figure whose traces shift under Plotly.react reported the wrong team
    by_group = dict(groups.partition_by("_group", as_dict=True, include_key=True, maintain_order=True))
    empty = groups.clear()
    for cluster_id in [*colour_of, None]:
        members = by_group.get((cluster_id,), empty)
        lit = members["team"].is_in(list(highlight)).to_numpy() if highlight else None
        size = (6 + members["tickets"].cast(pl.Float64).sqrt() * 1.2).to_numpy()
        fig.add_trace(
            go.Scattergl(
                x=members["x"].to_numpy(),
                y=members["y"].to_numpy(),
                mode="markers",
                name=names.get(cluster_id, "No cluster") if cluster_id else "No cluster",
                showlegend=not members.is_empty(),
                marker={
                    "size": size if lit is None else size * np.where(lit, 1.6, 1.0),
                    "color": colour_of.get(cluster_id, _NO_CLUSTER) if cluster_id else _NO_CLUSTER,
                    "opacity": 1.0 if lit is None else np.where(lit, 1.0, 0.35),
                    "line": {"width": 0.5, "color": "#ffffff"}
                    if lit is None
                    else {
                        "width": np.where(lit, 2.5, 0.5),
                        # numbers on a two-colour scale: plotly checks a list of colour names one by
                        # one (a third of the figure's time at 2,000 teams), numbers at once
                        "color": lit.astype(np.float64),
                        "colorscale": [[0.0, "#ffffff"], [1.0, "#212529"]],
                        "cmin": 0.0,
                        "cmax": 1.0,
                    },
                },
                # object arrays: plotly deep-copies lists element by element, arrays at once
                text=np.array([plain(t) for t in members["team"]], dtype=object),
                customdata=np.array(members.select("team", "tickets", "blocked_simple").rows(), dtype=object)
                if not members.is_empty()
                else np.empty((0, 3), dtype=object),
                hovertemplate=(
                    "%{text}<br>%{customdata[1]} tickets, "
                    "%{customdata[2]} blocked simple fixes<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        title="Teams linked by blocked simple fixes"
        if weight == "blocked_simple"
        else "Teams linked by shared tickets",
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top", "font": {"size": 11}},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        template=_TEMPLATE,
        height=720,
        # a click must pick the team under the pointer, never one merely sharing its x
        hovermode="closest",
    )
    return fig


def friction_trend_chart(quarterly: pl.DataFrame) -> go.Figure:
    """Cost of delay of blocked simple fixes per quarter (bars) and the median lead time of simple
    fixes needing one team and two or more (lines), from ``explore.quarterly_friction``.

    Examples
    --------
    >>> frame = pl.DataFrame({"quarter": ["2025Q1"], "cost_of_delay_usd": [100.0],
    ...     "median_lead_time_single_team": [2.0], "median_lead_time_multi_team": [9.0]})
    >>> [trace.name for trace in friction_trend_chart(frame).data]
    ['Cost of delay', 'Lead time, one team', 'Lead time, 2+ teams']
    """
    fig = go.Figure()
    quarters = quarterly["quarter"].to_list()
    fig.add_bar(
        x=quarters,
        y=quarterly["cost_of_delay_usd"].to_list(),
        name="Cost of delay",
        marker_color="#e45756",
        hovertemplate="%{x}: $%{y:,.0f} cost of delay<extra></extra>",
    )
    for column, label, colour in (
        ("median_lead_time_single_team", "Lead time, one team", "#4c78a8"),
        ("median_lead_time_multi_team", "Lead time, 2+ teams", "#f58518"),
    ):
        fig.add_scatter(
            x=quarters,
            y=quarterly[column].to_list(),
            name=label,
            yaxis="y2",
            mode="lines+markers",
            line={"color": colour},
            hovertemplate="%{x}: median %{y:.1f} days<extra>" + label + "</extra>",
        )
    fig.update_layout(
        title="Cost of delay and median lead times per quarter",
        yaxis={"title": "Cost of delay of blocked simple fixes (USD)"},
        yaxis2={
            "title": "Median lead time of simple fixes (days)",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            # without this, plotly.js lines its ticks up with the left axis' (1.72, 3.44, ...)
            "tickmode": "auto",
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 60, "t": 50, "b": 40},
        template=_TEMPLATE,
    )
    return fig


def quality_chart(quality_by_team: pl.DataFrame, *, top: int = 15) -> go.Figure:
    """For the owner teams with the least delegable tickets: how many tickets miss each of the six
    criteria, from ``Analysis.quality_by_team``."""
    shown = quality_by_team.head(top).reverse()
    labels = [plain(t) if t else "(no owner)" for t in shown["owner_team"]]
    fig = go.Figure()
    palette = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#b279a2")
    for criterion, colour in zip(
        ("visual", "problem", "fix", "impact", "effort", "owner"), palette, strict=True
    ):
        fig.add_bar(
            y=labels,
            x=shown[f"missing_{criterion}"].to_list(),
            name=f"no {criterion}",
            orientation="h",
            marker_color=colour,
            hovertemplate="%{y}: %{x} tickets without " + criterion + "<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        title="Why tickets cannot be delegated (least delegable owner teams)",
        xaxis_title="Tickets missing the criterion",
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 10, "r": 20, "t": 50, "b": 40},
        template=_TEMPLATE,
        height=max(300, 28 * shown.height + 140),
    )
    fig.update_yaxes(automargin=True)
    return fig
