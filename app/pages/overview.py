"""Overview: headline counts of the dataset and the quarterly trend."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from app import state
from orgfriction import figures

dash.register_page(__name__, path="/", name="Overview", order=0)


def _card(label: str, value: str, detail: str, card_id: str) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(label, className="text-muted small"),
                    html.Div(value, className="fs-3 fw-semibold", id=card_id),
                    html.Div(detail, className="small text-muted"),
                ]
            )
        ),
        md=2,
        sm=4,
    )


def layout(**_query: str) -> html.Div:
    app_state = state()
    counts = app_state.counts
    simple = counts["simple_fixes"]
    multi = counts["multi_team_simple_fixes"]
    share = f"{multi / simple:.0%} of simple fixes" if simple else "no simple fixes"
    limit = app_state.config.simple_effort_days
    return html.Div(
        [
            html.H2("Overview"),
            html.P(
                f"Tickets up to {(counts['as_of'] or 'unknown')[:10]}; "
                f"a simple fix is at most {limit:g} days of effort.",
                className="text-muted",
            ),
            dbc.Row(
                [
                    _card(
                        "Tickets",
                        f"{counts['tickets']:,}",
                        f"{counts['open_tickets']:,} still open",
                        "overview-tickets",
                    ),
                    _card("Teams", f"{counts['teams']:,}", "named in the data", "overview-teams"),
                    _card("Simple fixes", f"{simple:,}", f"effort ≤ {limit:g} days", "overview-simple"),
                    _card("Simple fixes needing 2+ teams", f"{multi:,}", share, "overview-multi-team"),
                    _card(
                        "Sign-offs",
                        f"{counts['signoffs']:,}",
                        "requests recorded",
                        "overview-signoffs",
                    ),
                ],
                className="g-3 mb-3",
            ),
            dcc.Graph(
                id="overview-quarterly",
                figure=figures.quarterly_chart(app_state.quarterly),
                config={"displaylogo": False},
            ),
        ]
    )
