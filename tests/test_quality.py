"""The quality audit: the six actionable criteria, the priority formula, delegable share per team."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from orgfriction import Dataset
from orgfriction.quality import priority_score, quality_audit, quality_by_team

GOOD = {
    "evidence_url": "https://replay.example.com/1",
    "problem": "The pay button is hidden behind the cookie banner",  # 49 characters
    "suggested_fix": "Raise the button above the banner",
    "impact_usd": "1200",
    "effort_days": "1",
    "owner_team": "web",
    "occurrences": "3",
}


def _dataset(rows: list[dict[str, str | None]], *, teams: list[str] | None = None) -> Dataset:
    tickets = pl.DataFrame(
        [{"ticket_id": f"T{i}", "created_at": "2025-01-01", **GOOD, **row} for i, row in enumerate(rows, 1)]
    )
    frames = {"tickets": tickets, "ticket_teams": pl.DataFrame({"ticket_id": ["T1"], "team": ["web"]})}
    if teams is not None:
        frames["teams"] = pl.DataFrame({"team": teams})
    return Dataset.from_frames(frames)


def test_each_criterion_fails_on_its_own():
    dataset = _dataset(
        [
            {},
            {"evidence_url": "  "},
            {"problem": "x" * 29},
            {"suggested_fix": None},
            {"impact_usd": "0"},
            {"effort_days": "0"},
            {"owner_team": None},
            {"problem": "y" * 30, "evidence_url": None, "impact_usd": None},
        ]
    )
    got = quality_audit(dataset).select("ticket_id", "actionable", "missing")
    expected = pl.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(1, 9)],
            "actionable": [True, False, False, False, False, False, False, False],
            "missing": ["", "visual", "problem", "fix", "impact", "effort", "owner", "visual;impact"],
        }
    )
    assert_frame_equal(got, expected)


def test_owner_must_be_a_known_team_when_teams_is_given():
    dataset = _dataset([{}, {"owner_team": "ghost"}], teams=["web"])
    assert quality_audit(dataset)["missing"].to_list() == ["", "owner"]


def test_priority_hand_computed_and_ranked():
    dataset = _dataset(
        [
            {"impact_usd": "1200", "occurrences": "3", "effort_days": "2"},  # 1200 * 2 / 2 = 1200
            {"impact_usd": "1200", "occurrences": "7", "effort_days": "2"},  # 1200 * 3 / 2 = 1800
            {"impact_usd": "600", "occurrences": "1", "effort_days": "0"},  # 600 * 1 / 0.5 = 1200
            {"impact_usd": "5000", "occurrences": "0", "effort_days": "1"},  # never seen: 0
            {"impact_usd": "9000", "occurrences": "3", "effort_days": None},  # unknown: last
        ]
    )
    got = quality_audit(dataset).select("ticket_id", "priority", "priority_rank")
    expected = pl.DataFrame(
        {
            "ticket_id": ["T1", "T2", "T3", "T4", "T5"],
            "priority": [1200.0, 1800.0, 1200.0, 0.0, None],
            "priority_rank": [2, 1, 3, 4, 5],  # ties keep the file order
        }
    )
    assert_frame_equal(got, expected)


_positive = st.floats(min_value=0, max_value=1e7, allow_nan=False)


@given(
    impact=_positive,
    occurrences=st.integers(min_value=0, max_value=10**6),
    effort=st.floats(min_value=0, max_value=1000, allow_nan=False),
    more=st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_priority_is_monotone_in_each_input(impact, occurrences, effort, more):
    frame = pl.DataFrame(
        {
            "impact_usd": [impact, impact + more, impact, impact],
            "occurrences": [occurrences, occurrences, occurrences + int(more), occurrences],
            "effort_days": [effort, effort, effort, effort + more],
        }
    )
    base, more_impact, more_seen, more_effort = frame.select(priority_score())["priority"].to_list()
    assert more_impact >= base
    assert more_seen >= base
    assert more_effort <= base


def test_quality_by_team():
    dataset = _dataset(
        [{}, {"evidence_url": None}, {"owner_team": "api"}, {"owner_team": None, "effort_days": "0"}]
    )
    got = quality_by_team(quality_audit(dataset), dataset.tickets).select(
        "owner_team",
        "tickets",
        "delegable",
        "delegable_share",
        "missing_visual",
        "missing_effort",
        "missing_owner",
    )
    expected = pl.DataFrame(
        {
            "owner_team": ["", "web", "api"],
            "tickets": [1, 2, 1],
            "delegable": [0, 1, 1],
            "delegable_share": [0.0, 0.5, 1.0],
            "missing_visual": [0, 1, 0],
            "missing_effort": [1, 0, 0],
            "missing_owner": [1, 0, 0],
        }
    )
    assert_frame_equal(got, expected)
