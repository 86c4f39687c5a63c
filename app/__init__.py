"""The orgfriction Dash app: ``create_app(dataset)`` builds it; ``serve`` and ``make demo`` run it.

Pages live in ``app/pages/`` (Dash's pages idiom), one module each, component ids prefixed with
the page's name. The analysis runs once, here in the factory, and reaches the pages through the
Flask config, never when a page module is imported. Callbacks are thin: they call
``orgfriction.explore``, ``Analysis.what_if``, the review store and ``orgfriction.figures``.

Shareable state lives in the URL's query (``/graph?team=checkout-web``, ``/clusters?cluster=C-…``):
page layouts read it, and a small clientside callback (``sync_query``) rewrites it with
``history.replaceState`` as the user clicks, so a link always reopens what is on screen without
a page reload on every click.
"""

from __future__ import annotations

import hmac
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import dash
import dash_bootstrap_components as dbc
import flask
import polars as pl
from dash import dcc, html

from orgfriction import (
    Analysis,
    Config,
    Dataset,
    ReviewStore,
    analyze,
    explore,
    overview_counts,
    quarterly_counts,
)

__all__ = ["AppState", "create_app", "default_store_path", "reviewer_name", "state", "sync_query"]

HERE = Path(__file__).parent
STATE_KEY = "ORGFRICTION_STATE"
STORE_FILE = "orgfriction-decisions.db"
#: results of the costlier views (a filtered team graph, a figure) kept per app, newest last
MEMO_SIZE = 64

T = TypeVar("T")


@dataclass(frozen=True)
class AppState:
    """Everything the pages show, computed once when the app is built."""

    analysis: Analysis
    store: ReviewStore
    counts: dict[str, Any]
    quarterly: pl.DataFrame
    friction: pl.DataFrame
    #: was a password set (then the basic-auth user name is the reviewer's name)
    protected: bool
    _memo: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict, repr=False, compare=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _pending: dict[Hashable, threading.Lock] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, remembered under ``key`` for the app's life (the analysis never changes,
        so neither does a view of it); the least recently used of more than ``MEMO_SIZE`` go.
        Concurrent requests for the same key wait for one computation instead of each running it
        (on a cold start, twenty clients computing the same graph at once take twenty times as long).
        Callers must not modify what they get back."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                value: T = self._memo[key]
                return value
            pending = self._pending.setdefault(key, threading.Lock())
        with pending:
            with self._memo_lock:
                if key in self._memo:
                    value = self._memo[key]
                    return value
            try:
                value = compute()
            except BaseException:  # nothing is remembered: the next request tries again
                with self._memo_lock:
                    self._pending.pop(key, None)
                raise
            with self._memo_lock:
                self._memo[key] = value
                self._pending.pop(key, None)
                while len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
        return value

    @property
    def dataset(self) -> Dataset:
        return self.analysis.dataset

    @property
    def config(self) -> Config:
        return self.analysis.config

    @property
    def first_day(self) -> datetime | None:
        value = self.analysis.tickets["created_at"].min()
        return value if isinstance(value, datetime) else None

    @property
    def last_day(self) -> datetime | None:
        value = self.analysis.tickets["created_at"].max()
        return value if isinstance(value, datetime) else None


def state() -> AppState:
    """The state of the app serving the current request."""
    value: AppState = flask.current_app.config[STATE_KEY]
    return value


def default_store_path(dataset: Dataset) -> Path:
    """Decisions are kept beside the data: ``<DATA>/orgfriction-decisions.db``."""
    folder = dataset.source if dataset.source is not None else Path.cwd()
    return folder / STORE_FILE


def create_app(
    dataset: Dataset,
    *,
    config: Config | None = None,
    password: str | None = None,
    store: ReviewStore | str | Path | None = None,
    analysis: Analysis | None = None,
) -> dash.Dash:
    """Build the Dash app for ``dataset``.

    ``store`` is where reviewers' decisions are kept (default :func:`default_store_path`); with
    ``password``, every request needs HTTP basic auth. Pass ``analysis`` to reuse one already run.
    """
    analysis = analysis or analyze(dataset, config or Config())
    review_store = (
        store if isinstance(store, ReviewStore) else ReviewStore(store or default_store_path(dataset))
    )
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        title="orgfriction",
        suppress_callback_exceptions=True,
        serve_locally=True,
    )
    app.server.config[STATE_KEY] = AppState(
        analysis=analysis,
        store=review_store,
        counts=overview_counts(dataset, config=analysis.config),
        quarterly=quarterly_counts(dataset, config=analysis.config),
        friction=explore.quarterly_friction(analysis),
        protected=bool(password),
    )
    if password:
        _require_basic_auth(app.server, password)
    app.layout = _shell
    return app


def reviewer_name(typed: str | None) -> str:
    """The reviewer: the basic-auth user when the app is password-protected, else the typed name."""
    if state().protected and flask.request.authorization and flask.request.authorization.username:
        return str(flask.request.authorization.username)
    return (typed or "").strip()


def sync_query(store_id: str, keys: list[str], done_id: str) -> None:
    """Keep the URL's query in step with ``store_id``'s data (a dict), without reloading.
    ``done_id`` is a ``dcc.Store`` the callback writes nothing to (Dash needs an output)."""
    code = """
        function(data) {
            const url = new URL(window.location.href);
            for (const key of KEYS) {
                const value = data ? data[key] : null;
                if (value === null || value === undefined || value === "") url.searchParams.delete(key);
                else url.searchParams.set(key, value);
            }
            window.history.replaceState(window.history.state, "", url.toString());
            return window.dash_clientside.no_update;
        }
    """.replace("KEYS", json.dumps(list(keys)))
    dash.clientside_callback(
        code,
        dash.Output(done_id, "data"),
        dash.Input(store_id, "data"),
    )


def _shell() -> html.Div:
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order", 0))
    nav = dbc.Nav(
        [
            dbc.NavLink(
                p["name"], href=p["relative_path"], active="exact", id=f"nav-{p['module'].split('.')[-1]}"
            )
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
                            str(source) if source else "", className="text-muted small", id="shell-source"
                        ),
                    ],
                    fluid=True,
                ),
                color="light",
                dark=False,
                className="mb-3 border-bottom",
            ),
            dbc.Container(dash.page_container, fluid=True),
            dcc.Store(id="shell-reviewer", storage_type="local"),
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
