"""Overview: the headline figures and their quarterly trend."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html

from app import state
from app.components import card, days, money
from orgfriction import figures

dash.register_page(__name__, path="/", name="Overview", order=0)


def layout(**_query: str) -> html.Div:
    # the same for every visitor while the app runs (the analysis is fixed at start-up)
    return state().memo(("overview-page",), _page)


def _page() -> html.Div:
    app_state = state()
    counts, summary = app_state.counts, app_state.analysis.summary()
    headline = summary["headline"]
    simple = counts["simple_fixes"]
    multi = counts["multi_team_simple_fixes"]
    share = f"{multi / simple:.0%} of simple fixes" if simple else "no simple fixes"
    limit = app_state.config.simple_effort_days
    delegable = headline["delegable_share"]
    blocked = summary["counts"]["blocked_simple_fixes"]
    timed = summary["blocked_basis"] == "lead_time"  # without lead times, 0 days would mislead
    untimed = "no lead times in the data"
    return html.Div(
        [
            html.H2("Overview"),
            html.P(
                f"Tickets up to {(counts['as_of'] or 'unknown')[:10]}; "
                f"a simple fix is at most {limit:g} days of effort.",
                className="text-muted",
            ),
            *(
                [dbc.Alert(note, color="warning", id="overview-note") for note in summary["notes"]]
                if summary["notes"]
                else []
            ),
            dbc.Row(
                [
                    card(
                        "Tickets",
                        f"{counts['tickets']:,}",
                        f"{counts['open_tickets']:,} still open",
                        "overview-tickets",
                    ),
                    card(
                        "Delegable",
                        "–" if delegable is None else f"{delegable:.0%}",
                        "tickets meeting all six criteria",
                        "overview-delegable",
                    ),
                    card("Simple fixes needing 2+ teams", f"{multi:,}", share, "overview-multi-team"),
                    card(
                        "Simple fix, one team",
                        days(headline["median_lead_time_days_simple_single_team"] if timed else None),
                        "median lead time" if timed else untimed,
                        "overview-lead-single",
                    ),
                    card(
                        "Simple fix, 2+ teams",
                        days(headline["median_lead_time_days_simple_multi_team"] if timed else None),
                        "median lead time" if timed else untimed,
                        "overview-lead-multi",
                    ),
                    card(
                        "Cost of delay",
                        money(headline["cost_of_delay_usd"] if timed else None),
                        f"of {blocked:,} blocked simple fixes" if timed else "needs lead times",
                        "overview-cost",
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    # without lead times there is no cost of delay and no lead time to draw
                    *(
                        [
                            dbc.Col(
                                dcc.Graph(
                                    id="overview-trend",
                                    figure=figures.friction_trend_chart(app_state.friction),
                                    config={"displaylogo": False},
                                ),
                                lg=6,
                            )
                        ]
                        if timed
                        else []
                    ),
                    dbc.Col(
                        dcc.Graph(
                            id="overview-quarterly",
                            figure=figures.quarterly_chart(app_state.quarterly),
                            config={"displaylogo": False},
                        ),
                        lg=6 if timed else 12,
                    ),
                ]
            ),
            html.Div(
                f"{app_state.analysis.teams.height:,} teams; "
                f"{app_state.analysis.clusters.filter(pl.col('confident')).height} confident blocking "
                "clusters; "
                f"{app_state.analysis.suggestions.height} suggestions.",
                className="text-muted small",
                id="overview-footer",
            ),
        ]
    )
