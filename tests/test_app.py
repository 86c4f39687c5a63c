"""The Dash app without a browser: factory, every page's layout, callbacks called as plain
functions, the review store behind the suggestions page, password protection, local assets."""

from __future__ import annotations

import base64
import importlib
import json
import re
from contextvars import copy_context

import polars as pl
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from plotly.utils import PlotlyJSONEncoder

from app import create_app
from orgfriction import Dataset, analyze, overview_counts

PAGES = ("overview", "team_graph", "clusters", "suggestions", "what_if", "tickets")
HOSTILE = "<script>alert('x')</script><b>bold</b>"


@pytest.fixture(scope="module")
def sample_analysis(sample_dataset):
    return analyze(sample_dataset)


@pytest.fixture
def dash_app(sample_dataset, sample_analysis, tmp_path):
    return create_app(sample_dataset, analysis=sample_analysis, store=tmp_path / "decisions.db")


@pytest.fixture
def client(dash_app):
    return dash_app.server.test_client()


def _layout(dash_app, page: str, **query: str) -> dict:
    """Call a page's layout as Dash would for a request, and return it as JSON data."""
    with dash_app.server.test_request_context("/"):
        module = importlib.import_module(f"app.pages.{page}")
        return json.loads(json.dumps(module.layout(**query), cls=PlotlyJSONEncoder))


def _call(dash_app, function, *args, triggered: dict | None = None):
    """Run a callback as a plain function inside a request (and a callback context)."""

    def run():
        if triggered is not None:
            context_value.set(
                AttributeDict(triggered_inputs=[{"prop_id": json.dumps(triggered) + ".n_clicks"}])
            )
        with dash_app.server.test_request_context("/"):
            return function(*args)

    return copy_context().run(run)


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
    elif isinstance(node, list):
        for child in node:
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(dash_app, client, page):
    layout = _layout(dash_app, page)
    assert layout["type"] == "Div"
    path = {"overview": "/", "team_graph": "/graph", "what_if": "/what-if"}.get(page, f"/{page}")
    assert client.get(path).status_code == 200


def test_index_serves_local_bootstrap_and_no_cdn(client):
    html = client.get("/").get_data(as_text=True)
    assert "/assets/bootstrap.min.css" in html
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)[^\"']+\.(js|css)", html)
    with client.get("/assets/bootstrap.min.css") as response:
        assert response.status_code == 200
        assert response.get_data().startswith(b"@charset")


def test_overview_shows_the_headline_figures(dash_app, sample_dataset, sample_analysis):
    layout = _layout(dash_app, "overview")
    counts = overview_counts(sample_dataset)
    headline = sample_analysis.summary()["headline"]
    assert _find(layout, "overview-tickets")["children"] == f"{counts['tickets']:,}"
    assert _find(layout, "overview-multi-team")["children"] == f"{counts['multi_team_simple_fixes']:,}"
    assert _find(layout, "overview-delegable")["children"] == f"{headline['delegable_share']:.0%}"
    single = headline["median_lead_time_days_simple_single_team"]
    assert _find(layout, "overview-lead-single")["children"] == f"{single:.1f} days"
    assert _find(layout, "overview-cost")["children"] == f"${headline['cost_of_delay_usd']:,.0f}"
    trend = _find(layout, "overview-trend")["figure"]
    assert [t["name"] for t in trend["data"]] == [
        "Cost of delay",
        "Lead time, one team",
        "Lead time, 2+ teams",
    ]


def test_graph_filters_change_the_edges(dash_app):
    from app.pages.team_graph import draw_graph

    def edges(figure) -> int:
        return sum(len(t.x) // 3 for t in figure.data if t.mode == "lines")

    everything = _call(dash_app, draw_graph, None, None, None, True, 1, None)
    stricter = _call(dash_app, draw_graph, None, None, None, True, 10, None)
    one_quarter = _call(dash_app, draw_graph, "2025-04-01", "2025-06-30", None, True, 1, None)
    one_unit = _call(dash_app, draw_graph, None, None, "Notifications", True, 1, None)
    assert edges(everything) > edges(stricter) > 0
    assert 0 < edges(one_quarter) < edges(everything)
    assert 0 < edges(one_unit) < edges(everything)
    all_tickets = _call(dash_app, draw_graph, None, None, None, False, 1, None)
    assert edges(all_tickets) > edges(everything)


def test_graph_click_opens_the_team(dash_app):
    from app.pages.team_graph import pick_clicked_team, show_team

    click = {"points": [{"customdata": ["notifications-push", 200, 120]}]}
    assert _call(dash_app, pick_clicked_team, click, None) == "notifications-push"
    assert _call(dash_app, pick_clicked_team, {"points": [{"x": 1}]}, "web") == "web"  # an edge, not a team
    panel, query = _call(dash_app, show_team, "notifications-push")
    assert query == {"team": "notifications-push"}
    text = json.dumps(panel, cls=PlotlyJSONEncoder)
    assert "notifications-email" in text  # its worst partner
    _, cleared = _call(dash_app, show_team, None)
    assert cleared == {"team": None}


def test_urls_carry_the_selection(dash_app, sample_analysis):
    layout = _layout(dash_app, "team_graph", team="notifications-push")
    assert _find(layout, "graph-team")["value"] == "notifications-push"
    assert _find(layout, "graph-query")["data"] == {"team": "notifications-push"}
    assert _find(_layout(dash_app, "team_graph", team="no-such-team"), "graph-team")["value"] is None
    third = sample_analysis.clusters.row(2, named=True)
    layout = _layout(dash_app, "clusters", cluster=third["cluster_id"])
    assert _find(layout, "clusters-table")["selectedRows"] == {"ids": [third["cluster_id"]]}


def test_selecting_a_cluster_highlights_its_teams(dash_app, sample_analysis):
    from app.pages.clusters import show_cluster

    first = sample_analysis.clusters.row(0, named=True)
    figure, detail, query = _call(dash_app, show_cluster, [{"cluster_id": first["cluster_id"]}])
    assert query == {"cluster": first["cluster_id"]}
    outlined = {
        text
        for trace in figure.data
        if trace.mode == "markers"
        for text, width in zip(trace.text, trace.marker.line.width, strict=True)
        if width > 1
    }
    assert outlined == set(first["teams"].split(";"))
    assert first["evidence_tickets"].split(";")[0] in json.dumps(detail, cls=PlotlyJSONEncoder)


def test_suggestions_are_titled_in_words(dash_app):
    page = json.dumps(_layout(dash_app, "suggestions"), ensure_ascii=False)
    assert "#1 Relax a sign-off: brand-compliance" in page
    assert "#2 Move a system: referral-service → growth-web" in page
    assert "#3 Merge teams: notifications-email and notifications-push" in page
    options = _find(_layout(dash_app, "what_if"), "whatif-suggested")["options"]
    assert options[0]["label"] == "#1 Relax a sign-off: brand-compliance"


def test_review_decisions_are_stored_with_history_and_conflicts(dash_app, sample_analysis):
    from app import state
    from app.pages.suggestions import decide, export

    sid = sample_analysis.suggestions["suggestion_id"][0]
    trigger = {"decision": "accept", "sid": sid, "type": "suggestions-decide"}
    status, message, version = _call(
        dash_app, decide, [1, None, None], "go ahead", 0, "ana", triggered=trigger
    )
    assert (message, version) == ("Saved.", 1)
    assert status.startswith("Accepted by ana at ")
    # bo still sees version 0: refused, shown the current decision, and given the new version
    reject = {**trigger, "decision": "reject"}
    status, message, version = _call(dash_app, decide, [None, 1, None], "", 0, "bo", triggered=reject)
    assert "was decided by ana" in json.dumps(message, cls=PlotlyJSONEncoder)
    assert status.startswith("Accepted by ana")
    assert version == 1
    # now deliberately overruling it is recorded, and history keeps both
    status, message, version = _call(dash_app, decide, [None, 1, None], "", 1, "bo", triggered=reject)
    assert status.startswith("Rejected by bo")
    with dash_app.server.test_request_context("/"):
        history = state().store.history(sid)
    assert history.select("version", "decision", "reviewer").rows() == [
        (1, "accept", "ana"),
        (2, "reject", "bo"),
    ]
    # no name: refused with a message, nothing stored
    _, message, _ = _call(dash_app, decide, [1, None, None], "", 2, "  ", triggered=trigger)
    assert "reviewer name" in json.dumps(message, cls=PlotlyJSONEncoder)
    csv = _call(dash_app, export, 1)["content"]
    assert csv.splitlines()[0] == "suggestion_id,version,decision,comment,reviewer,decided_at"
    assert len(csv.splitlines()) == 3


def test_decisions_survive_a_restart(sample_dataset, sample_analysis, tmp_path):
    from app.pages.suggestions import decide

    sid = sample_analysis.suggestions["suggestion_id"][1]
    first = create_app(sample_dataset, analysis=sample_analysis, store=tmp_path / "d.db")
    trigger = {"decision": "defer", "sid": sid, "type": "suggestions-decide"}
    _call(first, decide, [None, None, 1], "next quarter", 0, "cy", triggered=trigger)
    second = create_app(sample_dataset, analysis=sample_analysis, store=tmp_path / "d.db")
    layout = _layout(second, "suggestions")
    status = _find(layout, {"type": "suggestions-status", "sid": sid})["children"]
    assert status.startswith("Deferred by cy at ")
    assert status.endswith(": next quarter")


def test_reviewer_is_the_signed_in_user_behind_a_password(sample_dataset, sample_analysis, tmp_path):
    from app.pages.suggestions import decide

    dash_app = create_app(sample_dataset, analysis=sample_analysis, store=tmp_path / "d.db", password="pw")
    sid = sample_analysis.suggestions["suggestion_id"][0]
    auth = {"Authorization": "Basic " + base64.b64encode(b"dana:pw").decode()}

    def run():
        context_value.set(
            AttributeDict(
                triggered_inputs=[
                    {
                        "prop_id": json.dumps(
                            {"decision": "accept", "sid": sid, "type": "suggestions-decide"}
                        )
                        + ".n_clicks"
                    }
                ]
            )
        )
        with dash_app.server.test_request_context("/", headers=auth):
            return decide([1, None, None], "", 0, "someone else")

    status, _, _ = copy_context().run(run)
    assert status.startswith("Accepted by dana")


def test_what_if_page_composes_changes(dash_app, sample_analysis):
    from app.pages.what_if import add_change, simulate

    def add(
        trigger: str,
        merge=None,
        system=None,
        to=None,
        signoff=None,
        platform=None,
        suggested=None,
        changes=(),
    ):
        def run():
            context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{trigger}.n_clicks"}]))
            with dash_app.server.test_request_context("/"):
                return add_change(
                    1,
                    None,
                    None,
                    None,
                    None,
                    None,
                    merge,
                    system,
                    to,
                    signoff,
                    platform,
                    suggested,
                    list(changes),
                )

        return copy_context().run(run)

    changes, message = add("whatif-add-merge", merge=["notifications-push", "notifications-email"])
    assert message == ""
    assert changes == [{"kind": "merge_teams", "teams": ["notifications-email", "notifications-push"]}]
    changes, _ = add("whatif-add-signoff", signoff="brand-compliance", changes=changes)
    _, message = add("whatif-add-merge", merge=["web"], changes=changes)
    assert message == "Pick two or more teams to merge."
    items, result = _call(dash_app, simulate, changes)
    assert len(items) == 2
    expected = sample_analysis.what_if(
        [
            __import__("orgfriction").MergeTeams(("notifications-email", "notifications-push")),
            __import__("orgfriction").RelaxSignoff("brand-compliance"),
        ]
    )
    text = json.dumps(result, cls=PlotlyJSONEncoder)
    assert f"{expected.simple_fixes_unblocked:,} simple fixes unblocked" in text
    assert "Counts cover the 2.0 years of data" in text  # the sample: 2024-01-01 to 2025-12-31
    assert _call(dash_app, simulate, [])[1] is None


def test_ticket_grid_pages_sorts_and_filters(dash_app, sample_analysis):
    from app.pages.tickets import rows_of_tickets

    first = _call(dash_app, rows_of_tickets, {"startRow": 0, "endRow": 50})
    assert first["rowCount"] == sample_analysis.tickets.height
    assert [r["priority_rank"] for r in first["rowData"]] == list(range(1, 51))
    request = {"startRow": 50, "endRow": 100, "sortModel": [{"colId": "lead_time_days", "sort": "desc"}]}
    second = _call(dash_app, rows_of_tickets, request)
    longest = sample_analysis.tickets["lead_time_days"].sort(descending=True)[50:100].round(2).to_list()
    assert [r["lead_time_days"] for r in second["rowData"]] == longest
    owner = {"filterModel": {"owner_team": {"filterType": "text", "type": "contains", "filter": "LEGACY"}}}
    legacy = _call(dash_app, rows_of_tickets, {"startRow": 0, "endRow": 50, **owner})
    assert legacy["rowCount"] == 23
    assert {r["owner_team"] for r in legacy["rowData"]} == {"legacy-cms"}
    missing = {"filterModel": {"missing": {"filterType": "text", "type": "contains", "filter": "visual"}}}
    no_visual = _call(dash_app, rows_of_tickets, {"startRow": 0, "endRow": 5000, **missing})
    expected = sample_analysis.tickets.filter(pl.col("missing").str.contains("visual")).height
    assert no_visual["rowCount"] == expected
    assert all("visual" in r["missing"] for r in no_visual["rowData"])


def test_user_text_is_shown_as_text(tmp_path):
    dataset = Dataset.from_frames(
        {
            "tickets": pl.DataFrame(
                {
                    "ticket_id": ["T1", "T2"],
                    "title": [HOSTILE, "plain"],
                    "created_at": ["2025-01-01", "2025-01-02"],
                    "owner_team": ["<img src=x onerror=alert(1)>", "web"],
                    "effort_days": ["1", "1"],
                }
            ),
            "ticket_teams": pl.DataFrame({"ticket_id": ["T1"], "team": ["web"]}),
        }
    )
    dash_app = create_app(dataset, store=tmp_path / "d.db")
    from app.pages.tickets import rows_of_tickets

    found = _call(dash_app, rows_of_tickets, {"filterModel": {"title": {"filter": "script"}}})
    assert found["rowData"][0]["title"] == HOSTILE  # grid cells are text; the browser test checks rendering
    layout = json.dumps(_layout(dash_app, "team_graph"))
    assert "dangerously" not in layout
    figure = _call(
        dash_app,
        __import__("app.pages.team_graph", fromlist=["draw_graph"]).draw_graph,
        None,
        None,
        None,
        False,
        1,
        None,
    )
    assert "<img" not in figure.to_json()


def test_password_protects_every_request(sample_dataset, sample_analysis, tmp_path):
    client = create_app(
        sample_dataset, analysis=sample_analysis, store=tmp_path / "d.db", password="s3cret"
    ).server.test_client()
    assert client.get("/").status_code == 401
    with client.get("/assets/bootstrap.min.css") as response:
        assert response.status_code == 401
    wrong = base64.b64encode(b"me:nope").decode()
    assert client.get("/", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
    right = base64.b64encode(b"me:s3cret").decode()
    assert client.get("/", headers={"Authorization": f"Basic {right}"}).status_code == 200


def test_default_store_is_beside_the_data(sample_analysis):
    from app import default_store_path
    from orgfriction import load
    from tests.conftest import SAMPLE_DATA

    assert default_store_path(load(SAMPLE_DATA)) == SAMPLE_DATA / "orgfriction-decisions.db"


def test_what_if_link_preloads_suggestions_and_ignores_what_it_cannot_read(dash_app, sample_analysis):
    from app.pages.what_if import simulate

    first, second = sample_analysis.suggestions["suggestion_id"].head(2).to_list()
    layout = _layout(dash_app, "what_if", suggestions=f"{first},S-unknown,{second}")
    preset = _find(layout, "whatif-changes")["data"]
    assert preset == [
        {"kind": "suggested", "suggestion_id": first},
        {"kind": "suggested", "suggestion_id": second},
    ]
    _, together = _call(dash_app, simulate, preset)
    expected = sample_analysis.what_if([sample_analysis.suggested_changes[s] for s in (first, second)])
    assert f"{expected.simple_fixes_unblocked:,} simple fixes unblocked" in json.dumps(
        together, cls=PlotlyJSONEncoder
    )
    # entries the page never writes (the store lives in the browser) are left out, not a server error
    items, result = _call(dash_app, simulate, ["junk", {"kind": "merge_teams"}, {"suggestion_id": 3}])
    assert result is None
    _, result = _call(dash_app, simulate, [{"kind": "platform_team", "team": "no-such-team"}])
    assert "unknown team 'no-such-team'" in json.dumps(result, cls=PlotlyJSONEncoder)
    suggestions = _layout(dash_app, "suggestions")
    feasible = sample_analysis.suggestions.filter("feasible")["suggestion_id"].to_list()
    assert _find(suggestions, "suggestions-simulate-all")["href"] == "/what-if?suggestions=" + ",".join(
        feasible
    )


def test_graph_views_are_remembered_and_bad_dates_mean_no_limit(dash_app):
    from app.pages.team_graph import draw_graph

    first = _call(dash_app, draw_graph, None, None, None, True, 2, None)
    assert _call(dash_app, draw_graph, None, None, None, True, 2, None) is first
    assert _call(dash_app, draw_graph, None, None, None, True, 3, None) is not first
    assert _call(dash_app, draw_graph, "not a date", "2025-13-45", None, True, 2, None) is first
    assert _call(dash_app, draw_graph, None, None, ["a", "list"], True, 2, None) is first


def test_memo_computes_a_view_once_for_concurrent_requests(dash_app):
    import threading
    import time

    from app import MEMO_SIZE, STATE_KEY

    app_state = dash_app.server.config[STATE_KEY]
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return object()

    got = []
    threads = [threading.Thread(target=lambda: got.append(app_state.memo("k", slow))) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert all(value is got[0] for value in got)
    for i in range(MEMO_SIZE):
        app_state.memo(("other", i), object)
    assert app_state.memo("k", object) is not got[0]  # the oldest went when the memo filled up


def test_overview_without_lead_times_shows_no_lead_times(tmp_path):
    from pathlib import Path

    from orgfriction import importers

    real = Path(__file__).resolve().parent.parent / "sample_data" / "real" / "git" / "istio"
    dataset = importers.import_git(real / "gitlog.txt.gz", codeowners=real / "CODEOWNERS").dataset()
    app = create_app(dataset, store=tmp_path / "d.db")
    layout = json.dumps(_layout(app, "overview"))
    assert "no lead times in the data" in layout
    assert "0.0 days" not in layout
    assert "needs lead times" in layout
    assert '"overview-trend"' not in layout  # no chart of zero costs and zero-day lead times
    assert '"overview-quarterly"' in layout


def test_memo_remembers_no_failure(dash_app):
    from app import STATE_KEY

    app_state = dash_app.server.config[STATE_KEY]
    attempts = []

    def failing():
        attempts.append(1)
        raise ValueError("unknown team")

    for _ in range(2):
        with pytest.raises(ValueError, match="unknown team"):
            app_state.memo("bad", failing)
    assert len(attempts) == 2  # each request tries again
    assert "bad" not in app_state._pending
    assert app_state.memo("bad", lambda: 7) == 7


def test_the_same_what_if_is_simulated_once(dash_app, monkeypatch):
    from app.pages.what_if import simulate
    from orgfriction import Analysis

    runs = []
    real = Analysis.what_if
    monkeypatch.setattr(Analysis, "what_if", lambda self, changes: runs.append(1) or real(self, changes))
    changes = [{"kind": "relax_signoff", "team": "brand-compliance"}]
    first = json.dumps(_call(dash_app, simulate, changes)[1], cls=PlotlyJSONEncoder)
    again = json.dumps(_call(dash_app, simulate, list(changes))[1], cls=PlotlyJSONEncoder)
    assert again == first
    assert len(runs) == 1
    _call(dash_app, simulate, [*changes, {"kind": "platform_team", "team": "web-platform"}])
    assert len(runs) == 2  # another list of changes is another simulation
