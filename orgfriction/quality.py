"""The ticket quality audit: may a ticket be delegated, and which tickets matter most.

A ticket is *actionable* (may be delegated) when all six criteria of DESIGN §1 hold. The names
used in the ``missing`` column, in this order:

========== ===========================================================
visual     ``evidence_url`` is not empty (a screenshot or session replay)
problem    ``problem`` has at least 30 characters (a specific problem)
fix        ``suggested_fix`` is not empty
impact     ``impact_usd`` > 0 (a simple financial impact estimate)
effort     ``effort_days`` > 0
owner      ``owner_team`` is not empty, and a known team when ``teams`` is given
========== ===========================================================

**priority** = impact_usd × log2(1 + occurrences) / max(effort_days, 0.5)

Impact per day of effort, weighted by how often the problem was seen. The weight grows with the
logarithm of occurrences because a problem that surfaced from a handful of customers is, by that
fact alone, likely common: the first few sightings say most about how widespread it is (1 sighting
weighs 1, 3 weigh 2, 7 weigh 3). Effort is floored at half a day so that a ticket estimated at 0
days does not get an infinite priority. Priority is increasing in impact and occurrences and
decreasing in effort; it is empty when any of the three is unknown, and such tickets rank last.
"""

from __future__ import annotations

import polars as pl

from orgfriction.dataset import Dataset

__all__ = [
    "CRITERIA",
    "MIN_PROBLEM_CHARS",
    "MIN_EFFORT_FOR_PRIORITY",
    "priority_score",
    "quality_audit",
    "quality_by_team",
]

CRITERIA = ("visual", "problem", "fix", "impact", "effort", "owner")
MIN_PROBLEM_CHARS = 30
MIN_EFFORT_FOR_PRIORITY = 0.5


def quality_audit(dataset: Dataset) -> pl.DataFrame:
    """Per ticket: one boolean per criterion (``has_visual`` …), ``actionable``, ``missing``
    (``;``-joined failed criteria), ``priority`` and ``priority_rank`` (1 = do first).

    Examples
    --------
    >>> import polars as pl
    >>> ds = Dataset.from_frames({
    ...     "tickets": pl.DataFrame({
    ...         "ticket_id": ["T1", "T2"], "created_at": ["2025-01-01"] * 2, "owner_team": ["web", None],
    ...         "effort_days": [2.0, 1.0], "impact_usd": [1000.0, 0.0], "occurrences": [3, 1],
    ...         "problem": ["Checkout button hidden on small phones", "broken"],
    ...         "suggested_fix": ["Move the button up", ""],
    ...         "evidence_url": ["https://replay.example/1", None]}),
    ...     "ticket_teams": pl.DataFrame({"ticket_id": ["T1"], "team": ["web"]}),
    ... })
    >>> quality_audit(ds).select("ticket_id", "actionable", "missing", "priority").rows()
    [('T1', True, '', 1000.0), ('T2', False, 'visual;problem;fix;impact;owner', 0.0)]
    """
    tickets = dataset.tickets
    owner_known = pl.col("owner_team").str.strip_chars().str.len_chars() > 0
    if "teams" in dataset.present:
        owner_known = owner_known & pl.col("owner_team").is_in(dataset.teams["team"].implode())
    checks = {
        "visual": _non_empty("evidence_url"),
        "problem": pl.col("problem").str.strip_chars().str.len_chars() >= MIN_PROBLEM_CHARS,
        "fix": _non_empty("suggested_fix"),
        "impact": pl.col("impact_usd") > 0,
        "effort": pl.col("effort_days") > 0,
        "owner": owner_known,
    }
    priority = (
        pl.col("impact_usd")
        * (pl.col("occurrences").cast(pl.Float64) + 1).log(2)
        / pl.max_horizontal(pl.col("effort_days"), pl.lit(MIN_EFFORT_FOR_PRIORITY))
    )
    # max_horizontal ignores nulls; an unknown effort must leave the priority unknown
    priority = pl.when(pl.col("effort_days").is_not_null()).then(priority)
    return tickets.select(
        "ticket_id",
        *(check.fill_null(False).alias(f"has_{name}") for name, check in checks.items()),
        priority.alias("priority"),
    ).with_columns(
        pl.all_horizontal(f"has_{name}" for name in CRITERIA).alias("actionable"),
        pl.concat_str(
            [pl.when(~pl.col(f"has_{name}")).then(pl.lit(name)) for name in CRITERIA],
            separator=";",
            ignore_nulls=True,
        ).alias("missing"),
        # unknown priorities rank after every known one (priority is never negative)
        pl.col("priority")
        .fill_null(float("-inf"))
        .rank("ordinal", descending=True)
        .cast(pl.Int64)
        .alias("priority_rank"),
    )


def quality_by_team(audit: pl.DataFrame, tickets: pl.DataFrame) -> pl.DataFrame:
    """Per owner team: tickets, delegable (actionable) tickets, their share, and how many tickets
    miss each criterion. Tickets without an owner are grouped under an empty owner_team.

    ``tickets`` needs ``ticket_id`` and ``owner_team``; rows are sorted by delegable share, worst
    first.
    """
    joined = audit.join(tickets.select("ticket_id", "owner_team"), on="ticket_id", how="left")
    return (
        joined.with_columns(pl.col("owner_team").fill_null(""))
        .group_by("owner_team")
        .agg(
            pl.len().cast(pl.Int64).alias("tickets"),
            pl.col("actionable").sum().cast(pl.Int64).alias("delegable"),
            *((~pl.col(f"has_{name}")).sum().cast(pl.Int64).alias(f"missing_{name}") for name in CRITERIA),
        )
        .with_columns((pl.col("delegable") / pl.col("tickets")).alias("delegable_share"))
        .select("owner_team", "tickets", "delegable", "delegable_share", *(f"missing_{n}" for n in CRITERIA))
        .sort(["delegable_share", "tickets", "owner_team"], descending=[False, True, False])
    )


def priority_score(
    impact: str = "impact_usd", occurrences: str = "occurrences", effort: str = "effort_days"
) -> pl.Expr:
    """impact × log2(1 + occurrences) / max(effort, 0.5), as a polars expression (module docstring).

    Examples
    --------
    >>> frame = pl.DataFrame({"impact_usd": [1000.0, 1000.0, 1000.0], "occurrences": [3, 0, 1],
    ...                       "effort_days": [2.0, 2.0, 0.0]})
    >>> frame.select(priority_score())["priority"].to_list()
    [1000.0, 0.0, 2000.0]
    """
    score = (
        pl.col(impact)
        * (pl.col(occurrences).cast(pl.Float64) + 1).log(2)
        / pl.max_horizontal(pl.col(effort), pl.lit(MIN_EFFORT_FOR_PRIORITY))
    )
    # max_horizontal ignores nulls, but an unknown effort must leave the priority unknown
    return pl.when(pl.col(effort).is_not_null()).then(score).alias("priority")


def _non_empty(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().str.len_chars() > 0
