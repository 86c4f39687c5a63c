"""The Dash app without a browser: factory, page layout, password protection, local assets."""

from __future__ import annotations

import base64
import importlib
import json
import re

import pytest
from plotly.utils import PlotlyJSONEncoder

from app import create_app
from orgfriction.overview import overview_counts


@pytest.fixture(scope="module")
def dash_app(sample_dataset):
    return create_app(sample_dataset)


@pytest.fixture
def client(dash_app):
    return dash_app.server.test_client()


def _render(dash_app, page: str) -> str:
    """Call a page's layout as Dash would for a request, and return its JSON."""
    with dash_app.server.test_request_context("/"):
        module = importlib.import_module(f"app.pages.{page}")
        return json.dumps(module.layout(), cls=PlotlyJSONEncoder)


def test_index_serves_local_bootstrap_and_no_cdn(client):
    html = client.get("/").get_data(as_text=True)
    assert "/assets/bootstrap.min.css" in html
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)[^\"']+\.(js|css)", html)
    with client.get("/assets/bootstrap.min.css") as response:
        assert response.status_code == 200
        assert response.get_data().startswith(b"@charset")


def test_overview_page_shows_the_headline_counts(dash_app, sample_dataset):
    text = _render(dash_app, "overview")
    counts = overview_counts(sample_dataset)
    for card_id, key in [
        ("overview-tickets", "tickets"),
        ("overview-teams", "teams"),
        ("overview-simple", "simple_fixes"),
        ("overview-multi-team", "multi_team_simple_fixes"),
        ("overview-signoffs", "signoffs"),
    ]:
        assert _find(json.loads(text), card_id)["children"] == f"{counts[key]:,}"
    graph = _find(json.loads(text), "overview-quarterly")
    assert [trace["name"] for trace in graph["figure"]["data"]] == [
        "Simple fix, one team",
        "Simple fix, 2+ teams",
        "Other tickets",
    ]


def _find(node, component_id):
    """The props of the component with ``component_id`` in a serialised layout."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == component_id:
            return props
        children = props.get("children")
        for child in children if isinstance(children, list) else [children]:
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def test_password_protects_every_request(sample_dataset):
    client = create_app(sample_dataset, password="s3cret").server.test_client()
    assert client.get("/").status_code == 401
    with client.get("/assets/bootstrap.min.css") as response:
        assert response.status_code == 401
    wrong = base64.b64encode(b"me:nope").decode()
    assert client.get("/", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
    right = base64.b64encode(b"me:s3cret").decode()
    assert client.get("/", headers={"Authorization": f"Basic {right}"}).status_code == 200
