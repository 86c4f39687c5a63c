"""Real-browser tests: Debian chromium driven by dash_duo. They end by checking the console."""

from __future__ import annotations

import pytest

from app import create_app
from orgfriction.overview import overview_counts

pytestmark = pytest.mark.browser


def test_overview_page_in_a_real_browser(dash_duo, sample_dataset):
    dash_duo.server_url  # noqa: B018 - touch the fixture before starting (selenium warms up)
    dash_duo.start_server(create_app(sample_dataset), port=8071)
    counts = overview_counts(sample_dataset)
    dash_duo.wait_for_text_to_equal("#overview-tickets", f"{counts['tickets']:,}", timeout=20)
    assert dash_duo.find_element("#overview-multi-team").text == f"{counts['multi_team_simple_fixes']:,}"
    assert dash_duo.find_element("#overview-signoffs").text == f"{counts['signoffs']:,}"
    dash_duo.wait_for_element("#overview-quarterly .main-svg", timeout=20)
    bars = dash_duo.driver.find_elements("css selector", "#overview-quarterly g.trace.bars")
    assert len(bars) == 3  # single-team simple, multi-team simple, other
    assert dash_duo.find_element("#nav-overview").text == "Overview"
    assert dash_duo.get_logs() == []
