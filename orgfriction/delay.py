"""The delay model: how many days each extra team and each sign-off adds to a simple fix.

Fitted on resolved simple fixes (open ones are censored, so left out):

    lead_time_days ≈ b0 + Σ over the ticket's boundaries (b_team + u_boundary)
                        + Σ over its sign-offs (b_signoff + v_approver)

A ticket's *boundaries* are the pairs (anchor, other team) for every team besides its anchor, the
owner (or, without one, the first team by name): a ticket needing three teams crosses two.

1. **b0, b_team, b_signoff** by least absolute deviations (median regression, solved by iteratively
   reweighted least squares): one ticket that took a year moves them no more than one that took a
   week too long, so they are robust to outliers.
2. **u_boundary and v_approver**, what a particular pair of teams or approver adds beyond the
   typical, by ridge regression of the residuals of step 1 (cut at their 1st and 99th
   percentiles, again against outliers) on which boundaries and approvers each ticket had. The
   ridge penalty (``shrinkage``, in tickets) pulls an effect seen on a few tickets towards 0.

Savings of a change are predicted from the effects of the boundaries and sign-offs it removes
(never below 0 each, and never below b0 for the ticket). :func:`backtest` fits the model on the
earlier half of the timeline and predicts the later half's excess days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

__all__ = ["DelayModel", "backtest", "fit_delay_model", "ticket_approvals", "ticket_boundaries"]

SHRINKAGE_TICKETS = 10.0
_IRLS_ITERATIONS = 50


@dataclass(frozen=True)
class DelayModel:
    """A fitted delay model (module docstring). Effects are in days."""

    intercept_days: float
    per_team_days: float
    per_signoff_days: float
    #: team_a, team_b (a < b), tickets, effect_days: the days this boundary adds beyond per_team_days
    boundary_effects: pl.DataFrame
    #: approver, tickets, effect_days: the days this approver adds beyond per_signoff_days
    approver_effects: pl.DataFrame
    tickets: int
    #: mean absolute error of the fitted lead times, in days
    mae_days: float
    #: 1 − Σ|residual| / Σ|lead time − median lead time|: the L1 analogue of R²
    pseudo_r2: float

    def summary(self) -> dict[str, Any]:
        """The model's figures for summary.json."""
        return {
            "method": "median regression (IRLS) of lead time on boundaries and sign-offs, "
            "plus ridge-shrunk effects per boundary and per approver",
            "intercept_days": self.intercept_days,
            "per_team_days": self.per_team_days,
            "per_signoff_days": self.per_signoff_days,
            "tickets": self.tickets,
            "mae_days": self.mae_days,
            "pseudo_r2": self.pseudo_r2,
        }

    def savings(self, removed_boundaries: pl.DataFrame, removed_approvals: pl.DataFrame) -> pl.DataFrame:
        """Days saved per ticket by removing the given boundaries (ticket_id, team_a, team_b) and
        sign-offs (ticket_id, approver): the sum of their effects, each at least 0."""
        boundary = removed_boundaries.join(
            self.boundary_effects.select("team_a", "team_b", "effect_days"),
            on=["team_a", "team_b"],
            how="left",
        ).select(
            "ticket_id",
            (self.per_team_days + pl.col("effect_days").fill_null(0.0)).clip(lower_bound=0.0).alias("days"),
        )
        approval = removed_approvals.join(
            self.approver_effects.select("approver", "effect_days"), on="approver", how="left"
        ).select(
            "ticket_id",
            (self.per_signoff_days + pl.col("effect_days").fill_null(0.0))
            .clip(lower_bound=0.0)
            .alias("days"),
        )
        return (
            pl.concat([boundary, approval])
            .group_by("ticket_id")
            .agg(pl.col("days").sum().alias("days_saved"))
        )

    def predict(
        self, tickets: pl.DataFrame, boundaries: pl.DataFrame, approvals: pl.DataFrame
    ) -> pl.DataFrame:
        """Predicted lead time (ticket_id, predicted_days) of each ticket in ``tickets``."""
        added = self.savings(boundaries, approvals)
        return (
            tickets.select("ticket_id")
            .join(added, on="ticket_id", how="left")
            .select(
                "ticket_id",
                (self.intercept_days + pl.col("days_saved").fill_null(0.0)).alias("predicted_days"),
            )
        )


def ticket_boundaries(metrics: pl.DataFrame, memberships: pl.DataFrame) -> pl.DataFrame:
    """(ticket_id, team_a, team_b) for each boundary a ticket crosses (module docstring).

    Examples
    --------
    >>> metrics = pl.DataFrame({"ticket_id": ["T1"], "owner_team": ["web"]})
    >>> members = pl.DataFrame({"ticket_id": ["T1"] * 3, "team": ["web", "api", "ops"]})
    >>> ticket_boundaries(metrics, members).sort("team_a", "team_b").rows()
    [('T1', 'api', 'web'), ('T1', 'ops', 'web')]
    """
    anchors = (
        memberships.join(metrics.select("ticket_id", "owner_team"), on="ticket_id", how="left")
        .group_by("ticket_id")
        .agg(pl.coalesce(pl.col("owner_team").first(), pl.col("team").min()).alias("anchor"))
    )
    return (
        memberships.join(anchors, on="ticket_id")
        .filter(pl.col("team") != pl.col("anchor"))
        .select(
            "ticket_id",
            pl.min_horizontal("team", "anchor").alias("team_a"),
            pl.max_horizontal("team", "anchor").alias("team_b"),
        )
    )


def ticket_approvals(signoffs: pl.DataFrame, metrics: pl.DataFrame) -> pl.DataFrame:
    """(ticket_id, approver): distinct sign-off teams of each ticket other than its owner."""
    return (
        signoffs.select("ticket_id", pl.col("team").alias("approver"))
        .join(metrics.select("ticket_id", "owner_team"), on="ticket_id", how="left")
        .filter(pl.col("approver") != pl.col("owner_team").fill_null(""))
        .select("ticket_id", "approver")
        .unique(maintain_order=True)
    )


def fit_delay_model(
    metrics: pl.DataFrame,
    boundaries: pl.DataFrame,
    approvals: pl.DataFrame,
    *,
    shrinkage: float = SHRINKAGE_TICKETS,
) -> DelayModel | None:
    """Fit the model on the resolved simple fixes of ``metrics``; None with fewer than 3 of them."""
    fixes = metrics.filter(pl.col("is_simple") & ~pl.col("open")).select("ticket_id", "lead_time_days")
    if fixes.height < 3:
        return None
    counts = (
        fixes.join(boundaries.group_by("ticket_id").agg(pl.len().alias("nb")), on="ticket_id", how="left")
        .join(approvals.group_by("ticket_id").agg(pl.len().alias("ns")), on="ticket_id", how="left")
        .with_columns(pl.col("nb").fill_null(0), pl.col("ns").fill_null(0))
        .with_row_index("i")
    )
    y = counts["lead_time_days"].to_numpy()
    design = np.column_stack([np.ones(len(y)), counts["nb"].to_numpy(), counts["ns"].to_numpy()]).astype(
        float
    )
    beta = _least_absolute_deviations(design, y)
    residual = y - design @ beta
    low, high = np.quantile(residual, [0.01, 0.99])
    clipped = np.clip(residual, low, high)

    index = counts.select("ticket_id", "i")
    used_boundaries = boundaries.join(index, on="ticket_id")
    used_approvals = approvals.join(index, on="ticket_id")
    names_b = (
        used_boundaries.group_by("team_a", "team_b").agg(pl.len().alias("tickets")).sort("team_a", "team_b")
    )
    names_a = used_approvals.group_by("approver").agg(pl.len().alias("tickets")).sort("approver")
    rows = np.concatenate([used_boundaries["i"].to_numpy(), used_approvals["i"].to_numpy()])
    columns = np.concatenate(
        [
            used_boundaries.join(names_b.with_row_index("j"), on=["team_a", "team_b"])["j"].to_numpy(),
            used_approvals.join(names_a.with_row_index("j"), on="approver")["j"].to_numpy() + names_b.height,
        ]
    )
    effects = _ridge_effects(
        clipped, rows=rows, columns=columns, n_columns=names_b.height + names_a.height, shrinkage=shrinkage
    )
    explained = np.zeros(len(y))
    np.add.at(explained, rows, effects[columns])
    final_residual = residual - explained
    spread = np.abs(y - np.median(y)).sum()
    return DelayModel(
        intercept_days=float(beta[0]),
        per_team_days=float(beta[1]),
        per_signoff_days=float(beta[2]),
        boundary_effects=names_b.with_columns(pl.Series("effect_days", effects[: names_b.height])),
        approver_effects=names_a.with_columns(pl.Series("effect_days", effects[names_b.height :])),
        tickets=len(y),
        mae_days=float(np.abs(final_residual).mean()),
        pseudo_r2=float(1 - np.abs(final_residual).sum() / spread) if spread > 0 else 0.0,
    )


def backtest(
    metrics: pl.DataFrame,
    boundaries: pl.DataFrame,
    approvals: pl.DataFrame,
    *,
    baseline_days: float,
) -> dict[str, Any] | None:
    """Fit on the resolved simple fixes created in the earlier half of the timeline; predict the
    excess days (over ``baseline_days``) of the later half's simple fixes and compare.

    Returns the split date, ticket counts, the mean and median absolute error in days, the same for
    a naive forecast (every ticket gets the earlier half's median excess at its number of teams),
    and the bias of the total (predicted / actual − 1). None when either half has too few tickets.
    """
    simple = metrics.filter(pl.col("is_simple"))
    if simple.height < 20:
        return None
    split = simple["created_at"].sort()[simple.height // 2]
    early_ids = simple.filter(pl.col("created_at") < split).select("ticket_id")
    late = simple.filter((pl.col("created_at") >= split) & ~pl.col("open"))
    early = metrics.join(early_ids, on="ticket_id", how="semi")
    model = fit_delay_model(early, boundaries.join(early_ids, on="ticket_id", how="semi"), approvals)
    if model is None or late.height < 10:
        return None
    predicted = model.predict(late, boundaries, approvals)
    compared = late.join(predicted, on="ticket_id").with_columns(
        (pl.col("predicted_days") - baseline_days).clip(lower_bound=0.0).alias("predicted_excess")
    )
    naive = (
        early.filter(pl.col("is_simple") & ~pl.col("open"))
        .group_by(pl.col("teams_required").clip(upper_bound=4).alias("k"))
        .agg(pl.col("excess_days").median().alias("naive_excess"))
    )
    compared = compared.with_columns(pl.col("teams_required").clip(upper_bound=4).alias("k")).join(
        naive, on="k", how="left"
    )
    error = (compared["predicted_excess"] - compared["excess_days"]).abs()
    naive_error = (compared["naive_excess"].fill_null(0.0) - compared["excess_days"]).abs()
    actual_total = float(compared["excess_days"].sum())
    return {
        "split_at": split.isoformat(),
        "fitted_tickets": model.tickets,
        "tested_tickets": compared.height,
        "mae_days": error.mean(),
        "median_absolute_error_days": error.median(),
        "naive_mae_days": naive_error.mean(),
        "naive_median_absolute_error_days": naive_error.median(),
        "total_bias": float(compared["predicted_excess"].sum()) / actual_total - 1 if actual_total else None,
    }


def _least_absolute_deviations(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    beta = np.linalg.lstsq(design, y, rcond=None)[0]
    for _ in range(_IRLS_ITERATIONS):
        weights = 1.0 / np.maximum(np.abs(y - design @ beta), 1e-6)
        root = np.sqrt(weights)
        updated = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)[0]
        if np.allclose(updated, beta, atol=1e-4):  # a ten-thousandth of a day
            return updated
        beta = updated
    return beta


def _ridge_effects(
    target: np.ndarray, *, rows: np.ndarray, columns: np.ndarray, n_columns: int, shrinkage: float
) -> np.ndarray:
    if n_columns == 0:
        return np.zeros(0)
    from scipy import sparse
    from scipy.sparse.linalg import lsqr

    indicators = sparse.csr_array((np.ones(len(rows)), (rows, columns)), shape=(len(target), n_columns))
    return np.asarray(lsqr(indicators, target, damp=float(np.sqrt(shrinkage)))[0])
