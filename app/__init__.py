"""The orgfriction Dash app: ``create_app(dataset)`` builds it; ``serve`` and ``make demo`` run it.

Pages live in ``app/pages/`` (Dash's pages idiom). Data is prepared once here, in the factory, and
handed to pages through the Flask config, never loaded when a page module is imported.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
import flask
import polars as pl
from dash import dcc, html

from orgfriction import Config, Dataset, overview_counts, quarterly_counts

__all__ = ["AppState", "create_app", "state"]

HERE = Path(__file__).parent
STATE_KEY = "ORGFRICTION_STATE"


@dataclass(frozen=True)
class AppState:
    """Everything the pages show, computed once when the app is built."""

    dataset: Dataset
    config: Config
    counts: dict[str, Any]
    quarterly: pl.DataFrame


def state() -> AppState:
    """The state of the app serving the current request."""
    value: AppState = flask.current_app.config[STATE_KEY]
    return value


def create_app(dataset: Dataset, *, config: Config | None = None, password: str | None = None) -> dash.Dash:
    """Build the Dash app for ``dataset``; with ``password``, every request needs HTTP basic auth."""
    config = config or Config()
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        title="orgfriction",
        suppress_callback_exceptions=True,
    )
    app.server.config[STATE_KEY] = AppState(
        dataset=dataset,
        config=config,
        counts=overview_counts(dataset, config=config),
        quarterly=quarterly_counts(dataset, config=config),
    )
    if password:
        _require_basic_auth(app.server, password)
    app.layout = _shell
    return app


def _shell() -> html.Div:
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order", 0))
    nav = dbc.Nav(
        [
            dbc.NavLink(p["name"], href=p["relative_path"], active="exact", id=f"nav-{p['name'].lower()}")
            for p in pages
        ],
        pills=True,
    )
    source = state().dataset.source
    return html.Div(
        [
            dbc.Navbar(
                dbc.Container(
                    [
                        dbc.NavbarBrand("orgfriction", href="/", className="fw-bold text-dark"),
                        nav,
                        html.Span(
                            str(source) if source else "",
                            className="text-muted small",
                            id="shell-source",
                        ),
                    ],
                    fluid=True,
                ),
                color="light",
                className="mb-3 border-bottom",
            ),
            dbc.Container(dash.page_container, fluid=True),
            dcc.Location(id="shell-url"),
        ]
    )


def _require_basic_auth(server: flask.Flask, password: str) -> None:
    expected = password.encode()

    @server.before_request
    def _check() -> flask.Response | None:
        auth = flask.request.authorization
        given = (auth.password or "").encode() if auth else b""
        if auth is None or not hmac.compare_digest(given, expected):
            return flask.Response(
                "Authentication required.", 401, {"WWW-Authenticate": 'Basic realm="orgfriction"'}
            )
        return None
