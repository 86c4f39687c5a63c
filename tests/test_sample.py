"""The sample company: deterministic, valid, realistic, and with its planted friction really there."""

from __future__ import annotations

import json

import polars as pl
import pytest

from orgfriction import ConfigError, Dataset, load
from orgfriction.metrics import ticket_basics
from orgfriction.sample import TRUTH_FILE, generate_sample, write_sample

from .conftest import SAMPLE_DATA


def test_same_seed_same_data_other_seed_other_data():
    a, b = (
        generate_sample(n_teams=24, n_tickets=400, seed=3),
        generate_sample(n_teams=24, n_tickets=400, seed=3),
    )
    c = generate_sample(n_teams=24, n_tickets=400, seed=4)
    assert all(a.frames[t].equals(b.frames[t]) for t in a.frames)
    assert not a.frames["tickets"].equals(c.frames["tickets"])


def test_committed_sample_data_equals_generator_output(tmp_path):
    """sample_data/ must never drift from the generator: regenerate it with `make sample-data`."""
    write_sample(tmp_path / "fresh")
    committed = sorted(p.name for p in SAMPLE_DATA.iterdir() if p.suffix in (".csv", ".json"))
    fresh = sorted(p.name for p in (tmp_path / "fresh").iterdir())
    assert committed == fresh
    for name in fresh:
        assert (SAMPLE_DATA / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


def test_sample_validates_with_one_expected_warning(sample_company):
    ds = load(SAMPLE_DATA)
    assert ds.present == frozenset(sample_company.frames)
    assert ds.warnings == ("team 'legacy-cms' appears 23 times (tickets.owner_team) but is not in teams.",)
    assert ds.rejected.height == 0


def test_shape_of_the_company(sample_dataset):
    ds = sample_dataset
    assert ds.teams.height == 40
    assert ds.tickets.height == 5000
    assert ds.teams["org_unit"].n_unique() >= 10
    assert ds.teams["headcount"].min() >= 3
    span = ds.tickets["created_at"].max() - ds.tickets["created_at"].min()
    assert span.days >= 700  # two years
    assert set(ds.signoffs["outcome"].unique()) == {
        "approved",
        "rejected",
        "changes_requested",
        "pending",
    }
    assert 0.005 < ds.tickets["resolved_at"].null_count() / ds.tickets.height < 0.05  # some open tickets
    assert ds.systems["owner_team"].is_in(ds.teams["team"].implode()).all()


def test_lognormal_inputs_are_skewed(sample_dataset):
    tickets = sample_dataset.tickets
    for column in ("effort_days", "impact_usd", "occurrences"):
        values = tickets[column].drop_nulls().filter(tickets[column].drop_nulls() > 0)
        assert values.mean() > 1.2 * values.median(), column  # right-skewed, as lognormal data is


def test_every_actionable_criterion_fails_somewhere(sample_dataset):
    t = sample_dataset.tickets
    failing = {
        "evidence": t["evidence_url"].is_null().sum(),
        "problem": (t["problem"].str.len_chars() < 30).sum(),
        "fix": t["suggested_fix"].is_null().sum(),
        "impact": (t["impact_usd"].fill_null(0) <= 0).sum(),
        "effort": (t["effort_days"].fill_null(0) <= 0).sum(),
        "owner": t["owner_team"].is_null().sum(),
        "unknown owner": (t["owner_team"] == "legacy-cms").sum(),
    }
    assert all(50 <= n <= 500 for name, n in failing.items() if name != "unknown owner"), failing
    assert failing["unknown owner"] > 0


def test_handoffs_include_ping_pong(sample_dataset):
    bounced = (
        sample_dataset.handoffs.sort("ticket_id", "at")
        .group_by("ticket_id", maintain_order=True)
        .agg(pl.col("to_team"))
        .filter(pl.col("to_team").list.len() >= 3)
    )
    # A -> B -> A -> B: the third handoff goes back to the team of the first
    assert bounced.filter(pl.col("to_team").list.get(0) == pl.col("to_team").list.get(2)).height > 50


def _simple_coordinated(ds: Dataset) -> pl.DataFrame:
    basics = ticket_basics(ds).with_columns(
        lead=(pl.col("resolved_at") - pl.col("created_at")).dt.total_seconds() / 86400,
        quarter=pl.col("created_at").dt.truncate("1q"),
    )
    baseline = basics.filter(pl.col("is_simple") & ~pl.col("coordinated"))["lead"].median()
    teams = ds.ticket_teams.group_by("ticket_id").agg(pl.col("team"))
    return (
        basics.filter(pl.col("is_simple") & pl.col("coordinated") & pl.col("lead").is_not_null())
        .join(teams, on="ticket_id", how="left")
        .with_columns(slow=pl.col("lead") > 2 * baseline)
    )


def _tickets_of(frame: pl.DataFrame, teams: list[str]) -> pl.DataFrame:
    """Simple coordinated tickets owned by one of ``teams`` that also needed another of them."""
    others = pl.col("team").list.set_intersection(pl.lit(teams)).list.len()
    return frame.filter(pl.col("owner_team").is_in(teams) & (others >= 1) & pl.col("team").is_not_null())


def test_planted_clusters_block_in_every_quarter_and_decoys_do_not(sample_dataset, sample_company):
    frame = _simple_coordinated(sample_dataset)
    truth = sample_company.truth
    for cluster in truth["blocking_clusters"]:
        tickets = _tickets_of(frame, cluster["teams"])
        slow = tickets.filter("slow")
        assert slow.height / tickets.height > 0.75, cluster["teams"]
        assert slow["quarter"].n_unique() == 8, cluster["teams"]
    busy = _tickets_of(frame, truth["decoys"][0]["teams"])
    assert busy.height > 80
    assert busy["slow"].mean() < 0.3
    burst = _tickets_of(frame, truth["decoys"][1]["teams"])
    burst_quarter = burst.filter(pl.col("quarter").dt.year() == 2025, pl.col("quarter").dt.quarter() == 2)
    assert burst_quarter["slow"].mean() > 0.8
    assert burst.join(burst_quarter, on="ticket_id", how="anti")["slow"].mean() < 0.5


def test_slow_approver_is_slow_and_approves(sample_dataset, sample_company):
    truth = sample_company.truth["slow_approver"]
    waits = (
        sample_dataset.signoffs.filter(pl.col("decided_at").is_not_null())
        .with_columns(wait=(pl.col("decided_at") - pl.col("requested_at")).dt.total_hours() / 24)
        .group_by("team")
        .agg(
            pl.col("wait").median(),
            (pl.col("outcome") == "approved").mean().alias("approved"),
            pl.len(),
        )
    )
    slow = waits.filter(pl.col("team") == truth["team"]).row(0, named=True)
    normal = waits.filter(pl.col("team") == truth["contrast"]["team"]).row(0, named=True)
    assert slow["wait"] > 7
    assert slow["approved"] > 0.9
    assert normal["wait"] < 2


def test_misowned_system_is_driven_by_another_team(sample_dataset, sample_company):
    truth = sample_company.truth["misowned_system"]
    owner = sample_dataset.systems.filter(pl.col("system") == truth["system"])["owner_team"].item()
    assert owner == truth["owner_team"]
    tickets = sample_dataset.ticket_systems.filter(pl.col("system") == truth["system"]).join(
        sample_dataset.tickets, on="ticket_id"
    )
    assert (tickets["owner_team"] == truth["driving_team"]).mean() > 0.8


def test_small_coupled_teams_fit_in_one_team(sample_dataset, sample_company):
    truth = sample_company.truth["small_coupled_teams"]
    sizes = sample_dataset.teams.filter(pl.col("team").is_in(truth["teams"]))["headcount"].sum()
    assert sizes <= 9


def test_truth_file_written_beside_data(tmp_path):
    company = write_sample(tmp_path / "s", n_teams=30, n_tickets=500, seed=2)
    assert json.loads((tmp_path / "s" / TRUTH_FILE).read_text()) == company.truth
    assert load(tmp_path / "s").tickets.height == 500


def test_scales_to_many_teams():
    company = generate_sample(n_teams=600, n_tickets=3000, seed=1)
    assert company.frames["teams"]["team"].n_unique() == 600
    Dataset.from_frames(company.frames)  # valid


@pytest.mark.parametrize(("teams", "tickets", "message"), [(10, 1000, "--teams"), (40, 5, "--tickets")])
def test_too_small_is_a_config_error(teams, tickets, message):
    with pytest.raises(ConfigError, match=message):
        generate_sample(n_teams=teams, n_tickets=tickets)


def test_larger_sample_round_trips_through_csv(tmp_path):
    """At 20,000 tickets polars reads tickets.csv differently than at 5,000 (a regression test for a
    polars 2.1 filter bug that made loading fail with an internal error)."""
    company = write_sample(tmp_path / "big", n_teams=100, n_tickets=20_000, seed=11)
    dataset = load(tmp_path / "big")
    assert dataset.tickets.height == 20_000
    assert dataset.ticket_teams.height == company.frames["ticket_teams"].height
    assert dataset.rejected.height == 0
