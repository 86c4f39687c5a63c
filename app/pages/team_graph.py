"""Team graph: teams linked by blocked simple fixes, filterable; click a team for its numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from app import state, sync_query
from app.components import grid, money
from orgfriction import explore, figures

dash.register_page(__name__, path="/graph", name="Team graph", order=1)


def layout(team: str | None = None, **_query: str) -> html.Div:
    app_state = state()
    analysis = app_state.analysis
    teams = analysis.teams["team"].to_list()
    units = sorted(u for u in analysis.teams["org_unit"].drop_nulls().unique().to_list())
    first, last = app_state.first_day, app_state.last_day
    selected = team if team in set(teams) else None
    return html.Div(
        [
            html.H2("Team graph"),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.DatePickerRange(
                            id="graph-dates",
                            start_date=first.date().isoformat() if first else None,
                            end_date=last.date().isoformat() if last else None,
                            min_date_allowed=first.date().isoformat() if first else None,
                            max_date_allowed=last.date().isoformat() if last else None,
                            display_format="YYYY-MM-DD",
                        ),
                        md="auto",
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id="graph-unit", options=units, placeholder="All org units", clearable=True
                        ),
                        md=2,
                    ),
                    dbc.Col(dbc.Switch(id="graph-simple", label="Simple fixes only", value=True), md="auto"),
                    dbc.Col(
                        [
                            html.Small("Minimum edge weight", className="text-muted"),
                            dcc.Slider(
                                id="graph-min-weight",
                                min=1,
                                max=20,
                                step=1,
                                value=3,
                                marks=None,
                                tooltip={"placement": "bottom"},
                            ),
                        ],
                        md=2,
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id="graph-team", options=teams, value=selected, placeholder="Find a team"
                        ),
                        md=3,
                    ),
                ],
                className="g-2 mb-2 align-items-center",
            ),
            dbc.Row(
                [
                    dbc.Col(dcc.Graph(id="graph-network", config={"displaylogo": False}), lg=8),
                    dbc.Col(html.Div(id="graph-team-panel"), lg=4),
                ]
            ),
            dcc.Store(id="graph-query", data={"team": selected}),
            dcc.Store(id="graph-query-done"),
        ]
    )


sync_query("graph-query", ["team"], "graph-query-done")


@callback(
    Output("graph-network", "figure"),
    Input("graph-dates", "start_date"),
    Input("graph-dates", "end_date"),
    Input("graph-unit", "value"),
    Input("graph-simple", "value"),
    Input("graph-min-weight", "value"),
    Input("graph-team", "value"),
)
def draw_graph(
    start: str | None, end: str | None, unit: str | None, simple_only: bool, min_weight: int, team: str | None
) -> Any:
    app_state = state()
    analysis = app_state.analysis
    first, last, simple_only, min_weight = _date(start), _date(end), bool(simple_only), int(min_weight or 1)
    unit, team = _text(unit), _text(team)  # the browser may send anything: keys must be hashable

    def view() -> tuple[pl.DataFrame, pl.DataFrame]:
        return explore.team_view(analysis, start=first, end=last, simple_only=simple_only)

    def chart() -> Any:
        # every org unit's view narrows the one of all units, computed once per date range
        nodes, pairs = app_state.memo(("team_view", first, last, simple_only), view)
        if unit:
            nodes, pairs = explore.unit_view(nodes, pairs, unit)
        weight = "blocked_simple" if simple_only else "shared_tickets"
        highlight = {team} | _partners(pairs, team, weight, min_weight) if team else set()
        return figures.team_graph_chart(
            nodes, pairs, analysis.clusters, min_blocked=min_weight, weight=weight, highlight=highlight
        )

    return app_state.memo(("graph", first, last, unit, simple_only, min_weight, team), chart)


@callback(
    Output("graph-team", "value"),
    Input("graph-network", "clickData"),
    State("graph-team", "value"),
    prevent_initial_call=True,
)
def pick_clicked_team(click: dict[str, Any] | None, current: str | None) -> str | None:
    points = (click or {}).get("points") or []
    data = points[0].get("customdata") if points else None
    return str(data[0]) if isinstance(data, list) and data else current


@callback(
    Output("graph-team-panel", "children"),
    Output("graph-query", "data"),
    Input("graph-team", "value"),
)
def show_team(team: str | None) -> tuple[Any, dict[str, Any]]:
    if not team:
        return html.P("Click a team, or find one above, to see its numbers.", className="text-muted"), {
            "team": None
        }
    profile = explore.team_profile(state().analysis, team)
    if profile is None:
        return html.P(f"No team named {team}.", className="text-muted"), {"team": None}
    row = profile["team"]
    facts = [
        ("Org unit", row["org_unit"] or "–"),
        ("Headcount", "–" if row["headcount"] is None else str(row["headcount"])),
        ("Tickets worked on", f"{row['tickets']:,}"),
        ("Simple fixes", f"{row['simple_fixes']:,}"),
        ("Blocked simple fixes", f"{row['blocked_simple']:,}"),
        ("Their cost of delay", money(row["cost_of_delay_usd"])),
    ]
    panel = [
        html.H4(team, id="graph-team-name"),
        html.Dl(
            [item for label, value in facts for item in (html.Dt(label), html.Dd(value))], className="small"
        ),
        html.H6("Partners"),
        # the columns that matter most first: the panel is narrow and scrolls sideways
        grid(
            profile["partners"]
            .head(8)
            .select(
                "partner", "blocked_simple", "shared_tickets", "cost_of_delay_usd", "signoffs", "coupling"
            ),
            "graph-partners",
        ),
        html.H6("Worst blocked simple fixes", className="mt-3"),
        grid(profile["worst_blocked"].drop("teams").head(5), "graph-worst"),
    ]
    return panel, {"team": team}


def _partners(pairs: pl.DataFrame, team: str, weight: str, min_weight: int) -> set[str]:
    """The team's partners on the edges drawn (``weight`` at least ``min_weight``)."""
    linked = pairs.filter(
        ((pl.col("team_a") == team) | (pl.col("team_b") == team)) & (pl.col(weight) >= min_weight)
    )
    return set(linked["team_a"]) | set(linked["team_b"])


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _date(value: str | None) -> date | None:
    """A date picker's value; anything else the browser sends means no limit."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None
    except ValueError:
        return None
