"""Headline counts and the quarterly trend of a dataset: what the overview page shows."""

from __future__ import annotations

from typing import Any

import polars as pl

from orgfriction.config import Config
from orgfriction.dataset import Dataset
from orgfriction.metrics import ticket_basics

__all__ = ["overview_counts", "quarterly_counts"]


def overview_counts(dataset: Dataset, *, config: Config | None = None) -> dict[str, Any]:
    """Tickets, teams, simple fixes, multi-team simple fixes, sign-offs and open tickets.

    ``teams`` counts every distinct team named in the teams table or on any ticket.

    Examples
    --------
    >>> import polars as pl
    >>> ds = Dataset.from_frames({
    ...     "tickets": pl.DataFrame({"ticket_id": ["T1", "T2"], "created_at": ["2025-01-01"] * 2,
    ...                              "owner_team": ["web", "api"], "effort_days": [1.0, 5.0]}),
    ...     "ticket_teams": pl.DataFrame({"ticket_id": ["T1"], "team": ["api"]}),
    ... })
    >>> overview_counts(ds)["multi_team_simple_fixes"]
    1
    """
    basics = ticket_basics(dataset, config=config)
    simple = basics.filter("is_simple")
    named = pl.concat(
        [
            dataset.teams.select("team"),
            dataset.tickets.select(pl.col("owner_team").alias("team")),
            dataset.ticket_teams.select("team"),
        ]
    ).drop_nulls()
    as_of = dataset.as_of
    return {
        "tickets": basics.height,
        "teams": named.n_unique(),
        "simple_fixes": simple.height,
        "multi_team_simple_fixes": simple.filter(pl.col("teams_required") >= 2).height,
        "signoffs": dataset.signoffs.height,
        "open_tickets": dataset.tickets["resolved_at"].null_count(),
        "as_of": as_of.isoformat() if as_of else None,
    }


def quarterly_counts(dataset: Dataset, *, config: Config | None = None) -> pl.DataFrame:
    """Tickets created per calendar quarter, split into single-team simple fixes, multi-team
    simple fixes and other tickets. Quarters without tickets are included as zeros.
    """
    basics = ticket_basics(dataset, config=config).with_columns(
        pl.col("created_at").dt.truncate("1q").alias("quarter_start"),
        pl.when(~pl.col("is_simple"))
        .then(pl.lit("other"))
        .when(pl.col("teams_required") >= 2)
        .then(pl.lit("simple_multi_team"))
        .otherwise(pl.lit("simple_single_team"))
        .alias("kind"),
    )
    kinds = ["simple_single_team", "simple_multi_team", "other"]
    counts = basics.group_by("quarter_start", "kind").len()
    quarters = basics.select(
        pl.datetime_range(
            pl.col("quarter_start").min(), pl.col("quarter_start").max(), "1q", time_unit="us"
        ).alias("quarter_start")
    )
    grid = quarters.join(pl.DataFrame({"kind": kinds}), how="cross")
    return (
        grid.join(counts, on=["quarter_start", "kind"], how="left")
        .with_columns(pl.col("len").fill_null(0).cast(pl.Int64))
        .pivot(on="kind", index="quarter_start", values="len", on_columns=kinds)
        .sort("quarter_start")
        .with_columns(
            pl.format("{}Q{}", pl.col("quarter_start").dt.year(), pl.col("quarter_start").dt.quarter()).alias(
                "quarter"
            )
        )
        .select("quarter", "quarter_start", *kinds)
    )
