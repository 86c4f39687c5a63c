"""Real-browser tests: Debian chromium driven by dash_duo. Each ends by checking the console."""

from __future__ import annotations

import polars as pl
import pytest
from dash.testing.wait import until
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.actions.action_builder import ActionBuilder

from app import create_app
from orgfriction import Dataset, analyze, overview_counts

pytestmark = pytest.mark.browser

HOSTILE = "<script>alert('x')</script><b>bold</b>"


@pytest.fixture(scope="module")
def sample_analysis(sample_dataset):
    return analyze(sample_dataset)


def _start(dash_duo, app, port: int, path: str = "/") -> None:
    dash_duo.server_url  # noqa: B018 - touch the fixture before starting (selenium warms up)
    dash_duo.start_server(app, port=port)
    if path != "/":
        dash_duo.driver.get(dash_duo.server_url + path)


def test_navigation_between_pages(dash_duo, sample_dataset, sample_analysis, tmp_path):
    app = create_app(sample_dataset, analysis=sample_analysis, store=tmp_path / "d.db")
    _start(dash_duo, app, 8071)
    counts = overview_counts(sample_dataset)
    dash_duo.wait_for_text_to_equal("#overview-tickets", f"{counts['tickets']:,}", timeout=20)
    dash_duo.wait_for_element("#overview-trend .main-svg", timeout=20)
    for nav, heading in [
        ("#nav-team_graph", "Team graph"),
        ("#nav-clusters", "Blocking clusters"),
        ("#nav-suggestions", "Suggestions"),
        ("#nav-what_if", "What-if"),
        ("#nav-tickets", "Tickets"),
        ("#nav-overview", "Overview"),
    ]:
        dash_duo.find_element(nav).click()
        dash_duo.wait_for_text_to_equal("h2", heading, timeout=20)
    assert dash_duo.get_logs() == []


def test_graph_click_filter_and_shareable_url(dash_duo, sample_dataset, sample_analysis, tmp_path):
    app = create_app(sample_dataset, analysis=sample_analysis, store=tmp_path / "d.db")
    _start(dash_duo, app, 8072, "/graph")
    dash_duo.wait_for_element("#graph-network .main-svg", timeout=30)
    dash_duo.wait_for_element("#graph-network .gl-container canvas", timeout=30)
    edges = """
        const figure = document.querySelector('#graph-network .js-plotly-plot');
        // _fullData: plotly.js decodes the typed arrays (numpy, sent as base64) there, not in .data
        return figure._fullData.filter(t => t.mode === 'lines').reduce((n, t) => n + t.x.length / 3, 0);
    """
    until(lambda: dash_duo.driver.execute_script(edges) > 0, timeout=20)
    before = dash_duo.driver.execute_script(edges)

    # a filter: only the Notifications org unit
    dash_duo.select_dcc_dropdown("#graph-unit", value="Notifications")
    until(lambda: 0 < dash_duo.driver.execute_script(edges) < before, timeout=20)

    # a click on a team's node opens its numbers and puts it in the URL
    plot = dash_duo.find_element("#graph-network .js-plotly-plot")
    # Bootstrap makes scrolling smooth: scroll instantly, or the positions below are read mid-scroll
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", plot
    )
    until(lambda: dash_duo.find_element("#graph-network").get_attribute("data-dash-is-loading") is None, 10)
    position = dash_duo.driver.execute_script(
        """
        const figure = arguments[0], layout = figure._fullLayout;
        const box = figure.getBoundingClientRect();
        for (const trace of figure._fullData) {
            const i = trace.mode === 'markers' ? trace.text.indexOf('notifications-push') : -1;
            if (i >= 0) return [box.left + layout.xaxis._offset + layout.xaxis.l2p(trace.x[i]),
                                box.top + layout.yaxis._offset + layout.yaxis.l2p(trace.y[i])];
        }
        return null;
        """,
        plot,
    )
    assert position is not None
    # viewport coordinates; plotly picks the clicked point from the hover under the pointer
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(*position).pause(0.3).click()
    actions.perform()
    dash_duo.wait_for_text_to_equal("#graph-team-name", "notifications-push", timeout=20)
    until(lambda: "team=notifications-push" in dash_duo.driver.current_url, timeout=10)

    # the URL reopens the same team
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_text_to_equal("#graph-team-name", "notifications-push", timeout=30)
    assert dash_duo.get_logs() == []


def test_review_decision_survives_a_restart(dash_duo, sample_dataset, sample_analysis, tmp_path):
    store = tmp_path / "decisions.db"
    first = sample_analysis.suggestions.row(0, named=True)
    sid = first["suggestion_id"]
    _start(dash_duo, create_app(sample_dataset, analysis=sample_analysis, store=store), 8073, "/suggestions")
    name = dash_duo.wait_for_element("#suggestions-reviewer", timeout=20)
    name.send_keys("tess")
    until(
        lambda: (
            dash_duo.driver.execute_script("return window.localStorage.getItem('shell-reviewer')") == '"tess"'
        ),
        timeout=10,
    )
    accept = dash_duo.driver.find_element(
        "css selector", f'[id*=\'"decision":"accept"\'][id*=\'"sid":"{sid}"\']'
    )
    accept.click()
    status = f"[id*='\"sid\":\"{sid}\"'][id*='suggestions-status']"
    until(
        lambda: dash_duo.driver.find_element("css selector", status).text.startswith("Accepted by tess"),
        timeout=20,
    )
    assert dash_duo.get_logs() == []

    dash_duo.server.stop()
    _start(dash_duo, create_app(sample_dataset, analysis=sample_analysis, store=store), 8073, "/suggestions")
    until(
        lambda: dash_duo.driver.find_element("css selector", status).text.startswith("Accepted by tess"),
        timeout=30,
    )
    assert dash_duo.get_logs() == []


def test_a_ticket_title_with_html_is_shown_as_text(dash_duo, tmp_path):
    dataset = Dataset.from_frames(
        {
            "tickets": pl.DataFrame(
                {
                    "ticket_id": ["T1", "T2"],
                    "title": [HOSTILE, "Plain title"],
                    "created_at": ["2025-01-01", "2025-01-02"],
                    "owner_team": ["web", "api"],
                    "effort_days": ["1", "1"],
                }
            ),
            "ticket_teams": pl.DataFrame({"ticket_id": ["T1"], "team": ["api"]}),
        }
    )
    _start(dash_duo, create_app(dataset, store=tmp_path / "d.db"), 8074, "/tickets")
    cell = '#tickets-table .ag-row [col-id="title"]'
    texts = f"return [...document.querySelectorAll('{cell}')].map(e => e.textContent)"
    until(lambda: HOSTILE in dash_duo.driver.execute_script(texts), timeout=30)
    assert dash_duo.driver.find_elements("css selector", "#tickets-table b") == []  # no <b> element made
    with pytest.raises(NoAlertPresentException):
        dash_duo.driver.switch_to.alert.text  # noqa: B018 - the script never ran
    assert dash_duo.get_logs() == []
