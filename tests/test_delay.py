"""The delay model on data made by a known formula, and its backtest on the sample company."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from orgfriction import Config, Dataset, analyze

START = datetime(2025, 1, 1)


def formula_company(
    *, per_team: float = 3.0, per_signoff: float = 5.0, pair_extra: dict[tuple[str, str], float] | None = None
) -> Dataset:
    """Lead time = 2 days + per_team per extra team + per_signoff per sign-off (+ pair extras),
    over a year of simple fixes; one outlier took 400 days."""
    pair_extra = pair_extra or {}
    tickets, teams, signoffs = [], [], []
    shapes = [
        ("a", [], []),
        ("b", [], []),
        ("a", ["b"], []),
        ("c", ["d"], []),
        ("a", ["c"], []),
        ("b", [], ["legal"]),
        ("c", ["a"], ["legal"]),
        ("d", ["a", "b"], []),
    ]
    for k in range(400):
        owner, partners, approvers = shapes[k % len(shapes)]
        created = START + timedelta(days=k * 365 / 400)
        lead = 2.0 + per_team * len(partners) + per_signoff * len(approvers)
        lead += sum(pair_extra.get(tuple(sorted((owner, p))), 0.0) for p in partners)
        if k == 7:
            lead = 400.0
        ticket_id = f"T{k:03d}"
        tickets.append((ticket_id, owner, created, created + timedelta(days=lead), 1.0, 3650.0))
        teams += [(ticket_id, p) for p in partners]
        signoffs += [(ticket_id, a, created, created + timedelta(days=1), "approved") for a in approvers]
    return Dataset.from_frames(
        {
            "tickets": pl.DataFrame(
                tickets,
                schema=["ticket_id", "owner_team", "created_at", "resolved_at", "effort_days", "impact_usd"],
                orient="row",
            ),
            "ticket_teams": pl.DataFrame(teams, schema=["ticket_id", "team"], orient="row"),
            "signoffs": pl.DataFrame(
                signoffs, schema=["ticket_id", "team", "requested_at", "decided_at", "outcome"], orient="row"
            ),
        }
    )


def test_recovers_the_formula_despite_an_outlier():
    model = analyze(formula_company()).delay_model
    assert model is not None
    assert model.intercept_days == pytest.approx(2.0, abs=0.01)
    assert model.per_team_days == pytest.approx(3.0, abs=0.01)
    assert model.per_signoff_days == pytest.approx(5.0, abs=0.01)
    # nothing beyond the formula: every boundary and approver effect is about 0
    assert model.boundary_effects["effect_days"].abs().max() < 0.5
    assert model.approver_effects["effect_days"].abs().max() < 0.5
    assert model.tickets == 400


def test_a_slow_boundary_gets_its_own_effect():
    model = analyze(formula_company(pair_extra={("a", "b"): 8.0})).delay_model
    assert model is not None
    effects = {(a, b): e for a, b, _, e in model.boundary_effects.iter_rows()}
    # the slow boundary stands out; the ridge penalty shrinks it a little below 8
    assert 6.0 < effects[("a", "b")] + model.per_team_days - 3.0 < 8.5
    assert effects[("a", "b")] > max(e for pair, e in effects.items() if pair != ("a", "b")) + 5


def test_backtest_reports_errors_against_a_naive_forecast():
    tested = analyze(formula_company()).delay_backtest
    assert tested is not None
    assert tested["split_at"].startswith("2025-07")
    assert tested["fitted_tickets"] == 200
    # the formula holds in the later half too: the model is exact but for the ceiling at baseline
    assert tested["median_absolute_error_days"] == pytest.approx(0.0, abs=0.05)
    assert tested["mae_days"] < tested["naive_mae_days"]


def test_on_the_sample_company(sample_dataset):
    analysis = analyze(sample_dataset)
    summary = analysis.summary()
    model, tested = summary["delay_model"], summary["delay_model_backtest"]
    assert 1 < model["per_team_days"] < 6
    assert model["pseudo_r2"] > 0.2
    assert tested["mae_days"] < tested["naive_mae_days"]
    assert abs(tested["total_bias"]) < 0.3
    slow = analysis.delay_model.approver_effects.sort("effect_days", descending=True).row(0, named=True)
    assert slow["approver"] == "brand-compliance"


def test_no_model_without_lead_times():
    frames = formula_company().frames()
    frames["tickets"] = frames["tickets"].with_columns(pl.col("created_at").alias("resolved_at"))
    analysis = analyze(Dataset.from_frames(frames), Config())
    assert analysis.delay_model is None
    assert analysis.summary()["delay_model"] is None
