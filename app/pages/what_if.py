"""What-if: compose merges, system transfers and sign-off changes, and see the figures before and
after, simulated by ``Analysis.what_if``."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, ctx, dcc, html

from app import state
from app.components import grid, money
from orgfriction import (
    Change,
    MergeSystems,
    MergeTeams,
    PlatformTeam,
    RelaxSignoff,
    SplitSystem,
    TransferSystem,
    explore,
)

dash.register_page(__name__, path="/what-if", name="What-if", order=4)


def layout(suggestions: str | None = None, **_query: str) -> html.Div:
    """``?suggestions=S-…,S-…`` opens the page with those suggested changes already added."""
    analysis = state().analysis
    preset = [
        {"kind": "suggested", "suggestion_id": sid}
        for sid in (suggestions or "").split(",")
        if sid in analysis.suggested_changes
    ]
    teams = analysis.teams["team"].to_list()
    systems = analysis.dataset.systems["system"].to_list()
    approvers = sorted(analysis.signoff_edges["approver"].unique().to_list())
    suggested = [
        {"label": f"#{r} {explore.suggestion_title(k, s, t)}", "value": sid}
        for sid, r, k, s, t in analysis.suggestions.select(
            "suggestion_id", "rank", "kind", "subject", "target"
        ).iter_rows()
    ]
    return html.Div(
        [
            html.H2("What-if"),
            html.P(
                "Add changes; they apply in order. Lead times are predicted by the delay model fitted "
                "on this data.",
                className="text-muted",
            ),
            dbc.Row(
                [
                    _control(
                        "Merge teams", dcc.Dropdown(id="whatif-merge", options=teams, multi=True), "merge"
                    ),
                    _control(
                        "Move a system",
                        html.Div(
                            [
                                dcc.Dropdown(id="whatif-system", options=systems, placeholder="system"),
                                dcc.Dropdown(id="whatif-system-to", options=teams, placeholder="to team"),
                            ]
                        ),
                        "transfer",
                    ),
                    _control(
                        "Drop a sign-off on simple fixes",
                        dcc.Dropdown(id="whatif-signoff", options=approvers),
                        "signoff",
                    ),
                    _control(
                        "Make a team self-service",
                        dcc.Dropdown(id="whatif-platform", options=teams),
                        "platform",
                    ),
                    _control(
                        "A suggested change",
                        dcc.Dropdown(id="whatif-suggested", options=suggested),
                        "suggested",
                    ),
                ],
                className="g-3 mb-3",
            ),
            html.Div(id="whatif-message", className="small text-danger mb-2"),
            html.H5("Changes"),
            html.Ol(id="whatif-list"),
            dbc.Button("Clear", id="whatif-clear", color="link", size="sm"),
            html.Div(id="whatif-result", className="mt-3"),
            dcc.Store(id="whatif-changes", data=preset),
        ]
    )


def _control(label: str, widget: Any, key: str) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(label, className="small fw-semibold mb-1"),
                    widget,
                    dbc.Button("Add", id=f"whatif-add-{key}", size="sm", className="mt-2"),
                ]
            )
        ),
        md=True,
    )


@callback(
    Output("whatif-changes", "data"),
    Output("whatif-message", "children"),
    Input("whatif-add-merge", "n_clicks"),
    Input("whatif-add-transfer", "n_clicks"),
    Input("whatif-add-signoff", "n_clicks"),
    Input("whatif-add-platform", "n_clicks"),
    Input("whatif-add-suggested", "n_clicks"),
    Input("whatif-clear", "n_clicks"),
    State("whatif-merge", "value"),
    State("whatif-system", "value"),
    State("whatif-system-to", "value"),
    State("whatif-signoff", "value"),
    State("whatif-platform", "value"),
    State("whatif-suggested", "value"),
    State("whatif-changes", "data"),
    prevent_initial_call=True,
)
def add_change(
    *args: Any,
) -> tuple[list[dict[str, Any]], str]:
    merge, system, system_to, signoff, platform, suggested, changes = args[6:]
    changes = list(changes or [])
    trigger = ctx.triggered_id
    new: dict[str, Any] | None = None
    if trigger == "whatif-clear":
        return [], ""
    if trigger == "whatif-add-merge":
        if not merge or len(merge) < 2:
            return changes, "Pick two or more teams to merge."
        new = {"kind": "merge_teams", "teams": sorted(merge)}
    elif trigger == "whatif-add-transfer":
        if not system or not system_to:
            return changes, "Pick a system and the team it moves to."
        new = {"kind": "transfer_system", "system": system, "to_team": system_to}
    elif trigger == "whatif-add-signoff" and signoff:
        new = {"kind": "relax_signoff", "team": signoff}
    elif trigger == "whatif-add-platform" and platform:
        new = {"kind": "platform_team", "team": platform}
    elif trigger == "whatif-add-suggested" and suggested:
        new = {"kind": "suggested", "suggestion_id": suggested}
    if new is None:
        return changes, "Pick something to add first."
    return [*changes, new], ""


@callback(
    Output("whatif-list", "children"),
    Output("whatif-result", "children"),
    Input("whatif-changes", "data"),
)
def simulate(changes: list[dict[str, Any]] | None) -> tuple[Any, Any]:
    analysis = state().analysis
    known = [_change(analysis.suggested_changes, c) for c in changes or [] if isinstance(c, dict)]
    objects = [c for c in known if c is not None]
    items = [html.Li(_describe(c)) for c in objects]
    if not objects:
        return [html.Li("None yet.", className="text-muted")], None
    try:
        # changes are frozen dataclasses: the same list (a shared link, a suggestion) is simulated once
        result = state().memo(("what_if", tuple(objects)), lambda: analysis.what_if(objects))
    except ValueError as problem:  # a name that is not in the data (the store is the browser's)
        return items, html.P(str(problem), className="text-danger", id="whatif-summary")
    before, after, years = result.before, result.after, result.years
    figures = pl.DataFrame(
        {
            "figure": [
                "blocked simple fixes",
                "coordinated simple fixes",
                "excess days a year",
                "cost of delay a year",
            ],
            "before": [
                f"{before['blocked_simple_fixes']:,.0f}",
                f"{before['coordinated_simple_fixes']:,.0f}",
                f"{before['excess_days_simple'] / years:,.0f}",
                money(before["cost_of_delay_usd_simple"] / years),
            ],
            "after": [
                f"{after['blocked_simple_fixes']:,.0f}",
                f"{after['coordinated_simple_fixes']:,.0f}",
                f"{after['excess_days_simple'] / years:,.0f}",
                money(after["cost_of_delay_usd_simple"] / years),
            ],
        }
    )
    summary = html.P(
        f"{result.simple_fixes_unblocked:,} simple fixes unblocked; "
        f"{result.days_saved_per_year:,.0f} days and "
        f"{money(result.cost_of_delay_avoided_usd)} of delay avoided a year; "
        f"{result.people_affected or 0} people affected.",
        id="whatif-summary",
    )
    basis = html.P(
        f"Counts cover the {years:.1f} years of data; days and costs are per year and count every "
        "simple fix's delay beyond the baseline, blocked or not (the overview's cost of delay counts "
        "the blocked ones over the whole period).",
        className="small text-muted",
        id="whatif-basis",
    )
    return items, [summary, grid(figures, "whatif-table"), basis]


def _change(suggested: dict[str, Change], data: dict[str, Any]) -> Change | None:
    """The change a stored entry describes; None for one this page did not write (the store is
    the browser's, so it may hold anything)."""
    try:
        kind = data["kind"]
        if kind == "merge_teams":
            return MergeTeams(tuple(str(t) for t in data["teams"]))
        if kind == "transfer_system":
            return TransferSystem(str(data["system"]), str(data["to_team"]))
        if kind == "relax_signoff":
            return RelaxSignoff(str(data["team"]))
        if kind == "platform_team":
            return PlatformTeam(str(data["team"]))
        return suggested.get(str(data["suggestion_id"]))
    except (KeyError, TypeError):
        return None


def _describe(change: Change) -> str:
    if isinstance(change, MergeTeams):
        return "Merge " + ", ".join(change.teams)
    if isinstance(change, TransferSystem):
        return f"Move {change.system} to {change.to_team}"
    if isinstance(change, RelaxSignoff):
        return f"Drop {change.team}'s sign-off on simple fixes"
    if isinstance(change, PlatformTeam):
        return f"Make {change.team} self-service"
    if isinstance(change, MergeSystems):
        return f"Put {', '.join(change.systems)} under {change.owner}"
    if isinstance(change, SplitSystem):
        return f"Split {change.system} between {', '.join(change.teams)}"
    return str(change)
