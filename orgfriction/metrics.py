"""Per-ticket figures of DESIGN §3, as pure functions over the dataset's frames."""

from __future__ import annotations

import polars as pl

from orgfriction.config import Config
from orgfriction.dataset import Dataset

__all__ = ["ticket_basics"]


def ticket_basics(dataset: Dataset, *, config: Config | None = None) -> pl.DataFrame:
    """teams_required, signoffs_required, is_simple and coordinated for every ticket.

    * teams_required: distinct teams among owner_team and the ticket's ticket_teams rows;
    * signoffs_required: distinct sign-off teams other than the owner;
    * is_simple: effort_days at most ``config.simple_effort_days`` (no effort: not simple);
    * coordinated: teams_required >= 2 or signoffs_required >= 1.

    Examples
    --------
    >>> import polars as pl
    >>> ds = Dataset.from_frames({
    ...     "tickets": pl.DataFrame({"ticket_id": ["T1", "T2"], "created_at": ["2025-01-01"] * 2,
    ...                              "owner_team": ["web", "web"], "effort_days": [1.0, None]}),
    ...     "ticket_teams": pl.DataFrame({"ticket_id": ["T1", "T1"], "team": ["web", "api"]}),
    ... })
    >>> ticket_basics(ds).select("ticket_id", "teams_required", "is_simple", "coordinated").rows()
    [('T1', 2, True, True), ('T2', 1, False, False)]
    """
    config = config or Config()
    tickets = dataset.tickets.select("ticket_id", "owner_team", "effort_days", "created_at", "resolved_at")
    teams = (
        pl.concat(
            [
                tickets.select("ticket_id", pl.col("owner_team").alias("team")),
                dataset.ticket_teams.select("ticket_id", "team"),
            ]
        )
        .drop_nulls("team")
        .group_by("ticket_id")
        .agg(pl.col("team").n_unique().alias("teams_required"))
    )
    signoffs = (
        dataset.signoffs.select("ticket_id", "team")
        .join(tickets.select("ticket_id", "owner_team"), on="ticket_id", how="left")
        .filter(pl.col("team") != pl.col("owner_team").fill_null(""))
        .group_by("ticket_id")
        .agg(pl.col("team").n_unique().alias("signoffs_required"))
    )
    return (
        tickets.join(teams, on="ticket_id", how="left")
        .join(signoffs, on="ticket_id", how="left")
        .with_columns(
            pl.col("teams_required").fill_null(0).cast(pl.Int64),
            pl.col("signoffs_required").fill_null(0).cast(pl.Int64),
            (pl.col("effort_days") <= config.simple_effort_days).fill_null(False).alias("is_simple"),
        )
        .with_columns(
            ((pl.col("teams_required") >= 2) | (pl.col("signoffs_required") >= 1)).alias("coordinated")
        )
    )
