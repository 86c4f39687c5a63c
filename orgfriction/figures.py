"""Every plotly figure orgfriction draws: pure functions from frames to figures.

The Dash app, the notebooks and the report all call these, so a chart looks the same everywhere.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

__all__ = ["quarterly_chart"]

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
        template="plotly_white",
    )
    return fig
