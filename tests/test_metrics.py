"""teams_required, signoffs_required, is_simple and coordinated on a hand-built dataset."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from orgfriction import Dataset
from orgfriction.config import Config
from orgfriction.metrics import Baseline, baseline, ticket_basics, ticket_metrics


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


# --- lead times, baseline, blocked, cost of delay, ping-pong -------------------------------------
#
# Baseline (baseline_min_tickets=2): resolved simple uncoordinated U1 (2 d) and U2 (4 d) -> 3 days;
# blocked means coordinated, simple and lead time > 6 days. As-of is 2025-01-31 (B1's resolution).


def timed_dataset() -> Dataset:
    return Dataset.from_frames(
        {
            "tickets": pl.DataFrame(
                {
                    "ticket_id": ["U1", "U2", "C1", "C2", "B1", "O1", "O2", "N1"],
                    "owner_team": ["web", "api", "web", "web", "web", "web", "web", "web"],
                    "created_at": [
                        "2025-01-01",
                        "2025-01-01",
                        "2025-01-01",
                        "2025-01-01",
                        "2025-01-01",
                        "2025-01-20",
                        "2025-01-28",
                        "2025-01-01",
                    ],
                    "resolved_at": [
                        "2025-01-03",
                        "2025-01-05",
                        "2025-01-11",
                        "2025-01-06",
                        "2025-01-31",
                        None,
                        None,
                        "2025-01-02",
                    ],
                    "effort_days": ["1", "1", "1", "2", "5", "1", "1", None],
                    "impact_usd": ["365", "365", "3650", None, "730", "365", "365", "365"],
                }
            ),
            "ticket_teams": pl.DataFrame(
                {"ticket_id": ["C1", "B1", "O1", "O2"], "team": ["api", "api", "api", "ops"]}
            ),
            "signoffs": pl.DataFrame(
                {
                    "ticket_id": ["C2"],
                    "team": ["legal"],
                    "requested_at": ["2025-01-02"],
                    "decided_at": ["2025-01-05"],
                    "outcome": ["approved"],
                }
            ),
            "handoffs": pl.DataFrame(
                {
                    "ticket_id": ["C1", "C1", "C1", "C1", "O1", "O1", "O2", "O2", "O2"],
                    "at": [
                        "2025-01-02",
                        "2025-01-05",
                        "2025-01-06",
                        "2025-01-08",
                        "2025-01-21",
                        "2025-01-22",
                        "2025-01-29",
                        "2025-01-30",
                        "2025-01-30T12:00:00",
                    ],
                    "from_team": ["web", "api", "web", "api", "web", "api", None, None, None],
                    "to_team": ["api", "web", "api", "web", "api", "ops", "ops", "web", "ops"],
                }
            ),
        }
    )


TWO_IS_ENOUGH = Config(baseline_min_tickets=2)


def test_ticket_metrics_hand_computed():
    expected = pl.DataFrame(
        {
            "ticket_id": ["U1", "U2", "C1", "C2", "B1", "O1", "O2", "N1"],
            "open": [False, False, False, False, False, True, True, False],
            # O1 and O2 are censored at the as-of time 2025-01-31
            "lead_time_days": [2.0, 4.0, 10.0, 5.0, 30.0, 11.0, 3.0, 1.0],
            "excess_days": [0.0, 1.0, 7.0, 2.0, 27.0, 8.0, 0.0, 0.0],
            # B1 is not simple (5 days); O1 is open but already past 6 days; O2 not yet
            "blocked": [False, False, True, False, False, True, False, False],
            # impact / 365 * excess; C2 has no impact estimate
            "cost_of_delay_usd": [0.0, 1.0, 70.0, None, 54.0, 8.0, 0.0, 0.0],
            "handoffs": [0, 0, 4, 0, 0, 2, 3, 0],
            # C1: web->api->web->api->web bounces three times; O1 goes on to ops; O2 (no from_team):
            # ops, web, then back to ops
            "ping_pongs": [0, 0, 3, 0, 0, 0, 1, 0],
            "quarter": ["2025Q1"] * 8,
        },
        schema_overrides={"handoffs": pl.Int64, "ping_pongs": pl.Int64},
    )
    got = ticket_metrics(timed_dataset(), config=TWO_IS_ENOUGH).select(expected.columns)
    assert_frame_equal(got, expected)


def test_baseline_uses_uncoordinated_simple_fixes():
    metrics = ticket_metrics(timed_dataset(), config=TWO_IS_ENOUGH)
    assert baseline(metrics, config=TWO_IS_ENOUGH) == Baseline(
        days=3.0, tickets=2, population="uncoordinated"
    )


def test_baseline_falls_back_to_all_resolved_simple_fixes():
    # only 2 uncoordinated (< 10): U1 2, U2 4, C1 10, C2 5 -> median 4.5; open O1, O2 are left out
    metrics = ticket_metrics(timed_dataset())
    assert baseline(metrics) == Baseline(days=4.5, tickets=4, population="all_simple")
    assert metrics.filter(pl.col("ticket_id") == "C1")["excess_days"].item() == 5.5


def test_no_lead_times_falls_back_to_coordinated():
    # every ticket resolved the moment it was created, as squash merges in a git history
    frames = timed_dataset().frames()
    frames["tickets"] = frames["tickets"].with_columns(pl.col("created_at").alias("resolved_at"))
    del frames["handoffs"], frames["signoffs"]
    metrics = ticket_metrics(Dataset.from_frames(frames), config=TWO_IS_ENOUGH)
    assert baseline(metrics, config=TWO_IS_ENOUGH).blocked_basis == "coordinated"
    assert metrics.filter("blocked")["ticket_id"].to_list() == ["C1", "O1", "O2"]
    assert metrics["excess_days"].unique().to_list() == [0.0]


def test_no_resolved_simple_fix_has_no_baseline():
    frames = timed_dataset().frames()
    frames["tickets"] = frames["tickets"].with_columns(
        pl.lit(None, dtype=pl.Datetime("us")).alias("resolved_at")
    )
    metrics = ticket_metrics(Dataset.from_frames(frames))
    assert baseline(metrics) == Baseline(days=None, tickets=0, population="none")
    assert baseline(metrics).blocked_basis == "coordinated"


def test_blocked_factor_is_configurable():
    # factor 3: threshold 9 days; C1 (10) and O1 (11) still blocked; factor 4: 12 days, none
    config = Config(baseline_min_tickets=2, blocked_factor=4)
    assert ticket_metrics(timed_dataset(), config=config)["blocked"].sum() == 0
