"""Suggestions: ranked boundary changes with their simulated effect; reviewers accept, reject or
defer each with a comment. Decisions go to the review store (SQLite) with their full history; a
decision made on an outdated view is refused, never silently overwriting another reviewer's."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html

from app import reviewer_name, state
from app.components import money
from orgfriction import DECISIONS, ReviewConflict, ReviewError, explore

dash.register_page(__name__, path="/suggestions", name="Suggestions", order=3)

_BUTTON_COLOUR = {"accept": "success", "reject": "danger", "defer": "secondary"}
_PAST = {"accept": "Accepted", "reject": "Rejected", "defer": "Deferred"}


def layout(**_query: str) -> html.Div:
    app_state = state()
    suggestions = app_state.analysis.suggestions
    current = {row["suggestion_id"]: row for row in app_state.store.current().iter_rows(named=True)}
    who = (
        html.Div("Reviewing as the signed-in user.", className="text-muted small")
        if app_state.protected
        else dbc.Input(
            id="suggestions-reviewer", placeholder="Your name (saved in this browser)", maxLength=100
        )
    )
    return html.Div(
        [
            html.H2("Suggestions"),
            html.P(
                "Each change is found in the data and its effect simulated: the org is changed, the metrics "
                "re-run and lead times predicted by the delay model. Effects are per year.",
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(who, md=4),
                    dbc.Col(
                        dbc.Button("Export decisions (CSV)", id="suggestions-export", color="link"), md="auto"
                    ),
                    dbc.Col(
                        dcc.Link(
                            "Simulate every feasible suggestion together",
                            href="/what-if?suggestions="
                            + ",".join(suggestions.filter("feasible")["suggestion_id"]),
                            id="suggestions-simulate-all",
                        ),
                        md="auto",
                    )
                    if suggestions.height
                    else None,
                ],
                className="mb-3 align-items-center",
            ),
            dcc.Download(id="suggestions-download"),
            *(
                [_card(row, current.get(row["suggestion_id"])) for row in suggestions.iter_rows(named=True)]
                if suggestions.height
                else [html.P("No suggestions for this data.", id="suggestions-none")]
            ),
        ]
    )


def _card(row: dict[str, Any], decided: dict[str, Any] | None) -> dbc.Card:
    sid = row["suggestion_id"]
    title = f"#{row['rank']} {explore.suggestion_title(row['kind'], row['subject'], row['target'])}"
    effect = (
        f"{row['simple_fixes_unblocked']:,} simple fixes unblocked, "
        f"{row['days_saved_per_year']:,.0f} days and "
        f"{money(row['cost_of_delay_avoided_usd'])} of delay avoided a year; "
        f"{row['people_affected'] or 0} people affected."
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                [
                    html.Span(title, className="fw-semibold"),
                    dbc.Badge(
                        "feasible" if row["feasible"] else "team too large",
                        color="light" if row["feasible"] else "warning",
                        text_color="dark",
                        className="ms-2",
                    ),
                ]
            ),
            dbc.CardBody(
                [
                    html.P(row["rationale"]),
                    html.P(effect, className="small"),
                    html.P(f"Alternative: {row['alternative']}", className="small")
                    if row["alternative"]
                    else None,
                    html.P(
                        f"Evidence: {row['evidence_tickets'].replace(';', ', ')}",
                        className="small text-muted",
                    ),
                    dcc.Link("Simulate in what-if", href=f"/what-if?suggestions={sid}", className="small"),
                    html.Div(
                        _status(decided),
                        id={"type": "suggestions-status", "sid": sid},
                        className="small mb-2",
                    ),
                    dbc.Textarea(
                        id={"type": "suggestions-comment", "sid": sid},
                        placeholder="Comment (optional)",
                        maxLength=2000,
                        rows=1,
                        className="mb-2",
                    ),
                    dbc.ButtonGroup(
                        [
                            dbc.Button(
                                decision.capitalize(),
                                id={"type": "suggestions-decide", "sid": sid, "decision": decision},
                                color=_BUTTON_COLOUR[decision],
                                outline=True,
                                size="sm",
                            )
                            for decision in DECISIONS
                        ]
                    ),
                    html.Div(id={"type": "suggestions-message", "sid": sid}, className="small mt-2"),
                    dcc.Store(
                        id={"type": "suggestions-version", "sid": sid},
                        data=decided["version"] if decided else 0,
                    ),
                ]
            ),
        ],
        className="mb-3",
        id=f"suggestions-card-{sid}",
    )


def _status(decided: dict[str, Any] | None) -> str:
    if not decided:
        return "Not reviewed yet."
    text = f"{_PAST[decided['decision']]} by {decided['reviewer']} at {decided['decided_at']} UTC"
    return text + (f": {decided['comment']}" if decided["comment"] else ".")


@callback(
    Output({"type": "suggestions-status", "sid": MATCH}, "children"),
    Output({"type": "suggestions-message", "sid": MATCH}, "children"),
    Output({"type": "suggestions-version", "sid": MATCH}, "data"),
    Input({"type": "suggestions-decide", "sid": MATCH, "decision": ALL}, "n_clicks"),
    State({"type": "suggestions-comment", "sid": MATCH}, "value"),
    State({"type": "suggestions-version", "sid": MATCH}, "data"),
    State("shell-reviewer", "data"),
    prevent_initial_call=True,
)
def decide(
    _clicks: list[int | None], comment: str | None, seen: int, reviewer: str | None
) -> tuple[Any, Any, int]:
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(_clicks):
        return dash.no_update, dash.no_update, seen
    sid, decision = str(trigger["sid"]), str(trigger["decision"])
    store = state().store
    try:
        stored = store.record(
            sid, decision, comment=comment or "", reviewer=reviewer_name(reviewer), expected_version=seen or 0
        )
    except ReviewConflict as conflict:
        latest = store.current().filter(pl.col("suggestion_id") == sid)
        row = latest.row(0, named=True) if latest.height else None
        return (
            _status(row),
            dbc.Alert(str(conflict), color="warning", className="py-1 mb-0"),
            store.version(sid),
        )
    except ReviewError as problem:
        return dash.no_update, dbc.Alert(str(problem), color="danger", className="py-1 mb-0"), seen
    row = {
        "decision": stored.decision,
        "reviewer": stored.reviewer,
        "decided_at": stored.decided_at,
        "comment": stored.comment,
    }
    return _status(row), "Saved.", stored.version


@callback(
    Output("shell-reviewer", "data"),
    Input("suggestions-reviewer", "value"),
    prevent_initial_call=True,
)
def remember_reviewer(name: str | None) -> str:
    return (name or "").strip()


@callback(
    Output("suggestions-reviewer", "value"),
    Input("suggestions-reviewer", "id"),
    State("shell-reviewer", "data"),
)
def recall_reviewer(_id: str, saved: str | None) -> str:
    return saved or ""


@callback(
    Output("suggestions-download", "data"),
    Input("suggestions-export", "n_clicks"),
    prevent_initial_call=True,
)
def export(_clicks: int | None) -> dict[str, str]:
    return {
        "content": state().store.export_csv(),
        "filename": "orgfriction-decisions.csv",
        "type": "text/csv",
    }
