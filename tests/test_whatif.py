"""What-if on a company whose lead times follow a known formula (tests/test_delay.py):
2 days, plus 10 per extra team, plus 5 per sign-off. Baseline 2 days, so blocked means over 4.

Eight shapes of simple fix, 50 tickets each: a alone, b alone, a+b (12 days), c+d (12), a+c (12),
b with legal's sign-off (7), c+a with legal (17), d+a+b (22; one of them took 400 days).
"""

from __future__ import annotations

import polars as pl
import pytest

from orgfriction import (
    Dataset,
    MergeSystems,
    MergeTeams,
    PlatformTeam,
    RelaxSignoff,
    SplitSystem,
    TransferSystem,
    analyze,
)
from tests.test_delay import formula_company

# created over 399 * 365 / 400 days
YEARS = 399 * 365 / 400 / 365.25


def _company() -> Dataset:
    frames = formula_company(per_team=10.0, per_signoff=5.0).frames()
    ids = frames["tickets"]["ticket_id"]
    shape = {t: int(t[1:]) % 8 for t in ids}
    touched = {2: ["sys-a", "sys-b"], 3: ["sys-c", "sys-d", "shared"]}
    frames["ticket_systems"] = pl.DataFrame(
        [(t, s) for t in ids for s in touched.get(shape[t], [])], schema=["ticket_id", "system"], orient="row"
    )
    frames["systems"] = pl.DataFrame(
        {
            "system": ["sys-a", "sys-b", "sys-c", "sys-d", "shared"],
            "owner_team": ["a", "b", "c", "d", "d"],
        }
    )
    frames["teams"] = pl.DataFrame({"team": ["a", "b", "c", "d", "legal"], "headcount": [4, 3, 5, 6, 2]})
    return Dataset.from_frames(frames)


@pytest.fixture(scope="module")
def analysis():
    return analyze(_company())


def test_merge_teams(analysis):
    result = analysis.what_if([MergeTeams(("a", "b"))])
    # a+b fixes (12 days) become one-team work of 2 days; d+a+b fixes lose one boundary: 22 -> 12
    assert result.simple_fixes_unblocked == 50
    assert result.days_saved_per_year == pytest.approx(100 * 10 / YEARS, rel=0.01)
    assert result.cost_of_delay_avoided_usd == pytest.approx(100 * 10 * 10 / YEARS, rel=0.01)  # $10 a day
    assert result.people_affected == 7
    d_a_b = result.tickets.filter(pl.col("ticket_id") == "T015").row(0, named=True)
    assert (d_a_b["teams_required_before"], d_a_b["teams_required"]) == (3, 2)
    assert d_a_b["lead_time_days"] == pytest.approx(12.0, abs=0.1)


def test_relax_signoff(analysis):
    result = analysis.what_if([RelaxSignoff("legal")])
    # b+legal (7 days) -> 2, unblocked; c+a+legal (17) -> 12, still blocked
    assert result.simple_fixes_unblocked == 50
    assert result.days_saved_per_year == pytest.approx(100 * 5 / YEARS, rel=0.01)
    assert result.people_affected == 2


def test_transfer_system(analysis):
    # a+b fixes change sys-a and sys-b; with sys-b moved to a, b is no longer needed
    result = analysis.what_if([TransferSystem("sys-b", "a")])
    assert result.simple_fixes_unblocked == 50
    assert result.days_saved_per_year == pytest.approx(50 * 10 / YEARS, rel=0.01)
    assert result.people_affected == 7


def test_merge_systems_either_owner(analysis):
    # c+d fixes change sys-c, sys-d and shared: one boundary owned by c, or by d (work follows
    # ownership: the tickets become d's and c drops out)
    for owner in ("c", "d"):
        result = analysis.what_if([MergeSystems(("sys-c", "sys-d", "shared"), owner)])
        assert result.simple_fixes_unblocked == 50, owner
        changed = result.tickets.filter(pl.col("teams_required") == 1)
        assert changed.height == 50, owner


def test_split_system(analysis):
    # c owns the c+d tickets; with its own part of 'shared' and sys-d... d still owns sys-d there
    kept = analysis.what_if([SplitSystem("shared", ("c", "d"))])
    assert kept.simple_fixes_unblocked == 0
    # once sys-d is c's as well, the split lets c work alone
    result = analysis.what_if([TransferSystem("sys-d", "c"), SplitSystem("shared", ("c", "d"))])
    assert result.simple_fixes_unblocked == 50


def test_platform_team(analysis):
    # a leaves the simple fixes it does not own: c+a+legal 17 -> 7 and d+a+b 22 -> 12, both still blocked
    result = analysis.what_if([PlatformTeam("a")])
    assert result.simple_fixes_unblocked == 0
    assert result.days_saved_per_year == pytest.approx(100 * 10 / YEARS, rel=0.01)


def test_changes_compose_and_merged_labels_carry_over(analysis):
    # after merging a and b, a transfer to "b" goes to the merged team
    both = analysis.what_if([MergeTeams(("a", "b")), RelaxSignoff("legal")])
    assert both.simple_fixes_unblocked == 100
    assert both.after["blocked_simple_fixes"] == both.before["blocked_simple_fixes"] - 100
    chained = analysis.what_if([MergeTeams(("c", "d")), TransferSystem("sys-b", "a")])
    assert chained.simple_fixes_unblocked == 100  # c+d and a+b fixes


def test_nothing_changes_without_changes(analysis):
    result = analysis.what_if([])
    assert result.before == result.after
    assert result.tickets.is_empty()


def test_unknown_names_are_errors(analysis):
    with pytest.raises(ValueError, match="unknown team 'zz'"):
        analysis.what_if([MergeTeams(("a", "zz"))])
    with pytest.raises(ValueError, match="unknown system 'nope'"):
        analysis.what_if([TransferSystem("nope", "a")])
