"""Clusters: the teams that keep blocking simple fixes, ranked, with their evidence."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, callback, dcc, html

from app import state, sync_query
from app.components import grid, money
from orgfriction import figures

dash.register_page(__name__, path="/clusters", name="Clusters", order=2)

_SHOWN = (
    "rank",
    "teams",
    "blocked_simple",
    "coordinated_simple",
    "periods_recurring",
    "periods_total",
    "p_value",
    "confident",
    "cost_of_delay_usd",
    "median_excess_days",
)


def layout(cluster: str | None = None, **_query: str) -> html.Div:
    clusters = state().analysis.clusters
    ids = clusters["cluster_id"].to_list()
    selected = ids.index(cluster) if cluster in ids else (0 if ids else None)
    if not ids:
        return html.Div(
            [html.H2("Clusters"), html.P("No blocking clusters in this data.", id="clusters-none")]
        )
    shown = clusters.select(_SHOWN).with_columns(
        pl.col("teams").str.replace_all(";", ", "),
        pl.col("cost_of_delay_usd").round(0).cast(pl.Int64),  # whole dollars, still sortable
        pl.Series(
            "p_value", ["–" if p is None else f"{p:.2g}" for p in clusters["p_value"]], dtype=pl.String
        ),
    )
    return html.Div(
        [
            html.H2("Blocking clusters"),
            html.P(
                "Groups of teams whose shared simple fixes keep getting blocked: recurrence is the quarters "
                "in which a cluster blocked more than comparable teams would have, and the p-value tests "
                "whether its blocked rate is higher than theirs. Select a row to see it on the graph.",
                className="text-muted",
            ),
            grid(
                shown.with_columns(pl.Series("cluster_id", ids)),
                "clusters-table",
                max_widths={"teams": 340},  # long team sets wrap, so the figures stay in view
                getRowId="params.data.cluster_id",
                selectedRows={"ids": [ids[selected]]} if selected is not None else [],
                dashGridOptions={"rowSelection": {"mode": "singleRow", "enableClickSelection": True}},
            ),
            dbc.Row(
                [
                    dbc.Col(dcc.Graph(id="clusters-graph", config={"displaylogo": False}), lg=7),
                    dbc.Col(html.Div(id="clusters-detail"), lg=5),
                ],
                className="mt-3",
            ),
            dcc.Store(id="clusters-query", data={"cluster": ids[selected] if selected is not None else None}),
            dcc.Store(id="clusters-query-done"),
        ]
    )


sync_query("clusters-query", ["cluster"], "clusters-query-done")


@callback(
    Output("clusters-graph", "figure"),
    Output("clusters-detail", "children"),
    Output("clusters-query", "data"),
    Input("clusters-table", "selectedRows"),
)
def show_cluster(
    selected: list[dict[str, Any]] | dict[str, list[str]] | None,
) -> tuple[Any, Any, dict[str, Any]]:
    app_state = state()
    analysis = app_state.analysis
    clusters = analysis.clusters
    # the grid reports rows; the initial selection from the URL is given by id
    chosen_id: str | None = None
    if isinstance(selected, dict):
        ids = selected.get("ids") or []
        chosen_id = ids[0] if ids else None
    elif selected:
        chosen_id = selected[0].get("cluster_id")
    chosen = clusters.filter(pl.col("cluster_id") == chosen_id)
    if chosen.is_empty():
        figure = app_state.memo(
            ("clusters-graph", None),
            lambda: figures.team_graph_chart(analysis.layout, analysis.team_pairs, clusters),
        )
        return figure, None, {"cluster": None}
    row = chosen.row(0, named=True)
    teams = set(row["teams"].split(";"))
    figure = app_state.memo(
        ("clusters-graph", row["cluster_id"]),
        lambda: figures.team_graph_chart(
            analysis.layout, analysis.team_pairs, clusters, min_blocked=3, highlight=teams
        ),
    )
    evidence = (
        analysis.tickets.filter(pl.col("ticket_id").is_in(row["evidence_tickets"].split(";")))
        .join(analysis.dataset.tickets.select("ticket_id", "title"), on="ticket_id", how="left")
        .sort("cost_of_delay_usd", descending=True, nulls_last=True)
        .select("ticket_id", "title", "lead_time_days", "excess_days", "cost_of_delay_usd")
    )
    p_value = "no test (no lead times)" if row["p_value"] is None else f"p = {row['p_value']:.2g}"
    detail = [
        html.H4(f"#{row['rank']}: " + ", ".join(sorted(teams)), id="clusters-selected"),
        html.P(
            f"{row['blocked_simple']} of {row['coordinated_simple']} shared simple fixes blocked "
            f"(comparable teams: {row['comparable_blocked_share']:.0%}); recurring in "
            f"{row['periods_recurring']} of {row['periods_total']} quarters; {p_value}; "
            f"cost of delay {money(row['cost_of_delay_usd'])}.",
        ),
        html.H6("Worst examples"),
        grid(evidence, "clusters-evidence"),
    ]
    return figure, detail, {"cluster": row["cluster_id"]}
