"""teams_required, signoffs_required, is_simple and coordinated on a hand-built dataset."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from orgfriction import Dataset
from orgfriction.config import Config
from orgfriction.metrics import ticket_basics


def _dataset() -> Dataset:
    return Dataset.from_frames(
        {
            "tickets": pl.DataFrame(
                {
                    "ticket_id": ["A", "B", "C", "D", "E"],
                    "created_at": ["2025-01-01"] * 5,
                    "owner_team": ["web", "web", None, "api", "web"],
                    "effort_days": ["1", "2", "0.5", None, "2.5"],
                }
            ),
            # A: owner listed again plus api -> 2 teams; C: no owner, two teams; E: owner only (implied)
            "ticket_teams": pl.DataFrame(
                {
                    "ticket_id": ["A", "A", "A", "C", "C"],
                    "team": ["web", "api", "api", "ops", "api"],
                }
            ),
            # B: signed off by the owner itself (not counted) and legal twice (counted once)
            "signoffs": pl.DataFrame(
                {"ticket_id": ["B", "B", "B", "D"], "team": ["web", "legal", "legal", "sec"]}
            ),
        }
    )


def test_ticket_basics_hand_computed():
    expected = pl.DataFrame(
        {
            "ticket_id": ["A", "B", "C", "D", "E"],
            "teams_required": [2, 1, 2, 1, 1],
            "signoffs_required": [0, 1, 0, 1, 0],
            "is_simple": [True, True, True, False, False],  # D has no effort: not simple
            "coordinated": [True, True, True, True, False],
        }
    )
    got = ticket_basics(_dataset()).select(expected.columns)
    assert_frame_equal(got, expected)


def test_simple_threshold_is_configurable():
    got = ticket_basics(_dataset(), config=Config(simple_effort_days=1.0))
    assert got["is_simple"].to_list() == [True, False, True, False, False]
