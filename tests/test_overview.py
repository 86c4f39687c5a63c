from __future__ import annotations

from datetime import datetime

import polars as pl
from polars.testing import assert_frame_equal

from orgfriction import Dataset
from orgfriction.figures import quarterly_chart
from orgfriction.overview import overview_counts, quarterly_counts


def _dataset() -> Dataset:
    return Dataset.from_frames(
        {
            "tickets": pl.DataFrame(
                {
                    "ticket_id": ["A", "B", "C", "D"],
                    "created_at": ["2025-01-05", "2025-02-01", "2025-08-01", "2025-08-02"],
                    "resolved_at": ["2025-01-09", None, "2025-08-03", None],
                    "owner_team": ["web", "web", "api", "api"],
                    "effort_days": [1, 1, 5, 2],
                }
            ),
            "ticket_teams": pl.DataFrame({"ticket_id": ["A", "D"], "team": ["api", "ops"]}),
            "signoffs": pl.DataFrame({"ticket_id": ["B"], "team": ["legal"]}),
            "teams": pl.DataFrame({"team": ["web", "api", "ops", "design"]}),
        }
    )


def test_overview_counts_hand_computed():
    assert overview_counts(_dataset()) == {
        "tickets": 4,
        "teams": 4,
        "simple_fixes": 3,
        "multi_team_simple_fixes": 2,
        "signoffs": 1,
        "open_tickets": 2,
        "as_of": "2025-08-03T00:00:00",
    }


def test_quarterly_counts_fill_empty_quarters():
    expected = pl.DataFrame(
        {
            "quarter": ["2025Q1", "2025Q2", "2025Q3"],
            "quarter_start": [datetime(2025, 1, 1), datetime(2025, 4, 1), datetime(2025, 7, 1)],
            "simple_single_team": [1, 0, 0],
            "simple_multi_team": [1, 0, 1],
            "other": [0, 0, 1],
        },
        schema_overrides={"quarter_start": pl.Datetime("us")},
    )
    assert_frame_equal(quarterly_counts(_dataset()), expected)


def test_quarterly_chart_stacks_the_three_kinds():
    fig = quarterly_chart(quarterly_counts(_dataset()))
    assert fig.layout.barmode == "stack"
    assert [list(trace.y) for trace in fig.data] == [[1, 0, 0], [1, 0, 1], [0, 0, 1]]
