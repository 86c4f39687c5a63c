"""Queries over an analysis for exploring it: the app's pages and notebooks call these, so the
app holds no analysis code. Each takes an :class:`orgfriction.Analysis` and returns frames."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl

from orgfriction.graph import team_pairs
from orgfriction.suggestions import suggestion_title

if TYPE_CHECKING:
    from orgfriction.analysis import Analysis

__all__ = [
    "TICKET_TABLE_COLUMNS",
    "cluster_quarters",
    "quarterly_friction",
    "suggestion_title",
    "team_profile",
    "team_view",
    "ticket_table",
    "unit_view",
]

TICKET_TABLE_COLUMNS = (
    "priority_rank",
    "ticket_id",
    "title",
    "owner_team",
    "teams",
    "is_simple",
    "blocked",
    "lead_time_days",
    "cost_of_delay_usd",
    "actionable",
    "missing",
    "priority",
)
_SORTABLE = frozenset(TICKET_TABLE_COLUMNS)


def quarterly_friction(analysis: Analysis) -> pl.DataFrame:
    """Per quarter of creation: simple fixes, coordinated and blocked ones, the cost of delay of
    the blocked ones, and the median lead time of resolved simple fixes needing one team and 2+."""
    simple = analysis.tickets.filter("is_simple")
    resolved = ~pl.col("open")
    return (
        simple.group_by("quarter")
        .agg(
            pl.len().alias("simple_fixes"),
            pl.col("coordinated").sum().alias("coordinated_simple"),
            pl.col("blocked").sum().alias("blocked_simple"),
            pl.col("cost_of_delay_usd").filter("blocked").sum().alias("cost_of_delay_usd"),
            pl.col("lead_time_days")
            .filter(resolved & (pl.col("teams_required") < 2))
            .median()
            .alias("median_lead_time_single_team"),
            pl.col("lead_time_days")
            .filter(resolved & (pl.col("teams_required") >= 2))
            .median()
            .alias("median_lead_time_multi_team"),
        )
        .sort("quarter")
    )


def cluster_quarters(analysis: Analysis) -> pl.DataFrame:
    """Per blocking cluster and quarter of creation: its shared simple fixes and how many of them
    were blocked (rank, cluster_id, teams, quarter, shared_simple_fixes, blocked), the evidence
    behind ``periods_recurring``. Quarters without a shared simple fix have no row."""
    return (
        analysis.cluster_tickets.join(analysis.tickets.select("ticket_id", "quarter"), on="ticket_id")
        .group_by("cluster_id", "quarter")
        .agg(
            pl.len().cast(pl.Int64).alias("shared_simple_fixes"),
            pl.col("blocked").sum().cast(pl.Int64).alias("blocked"),
        )
        .join(analysis.clusters.select("rank", "cluster_id", "teams"), on="cluster_id")
        .select("rank", "cluster_id", "teams", "quarter", "shared_simple_fixes", "blocked")
        .sort("rank", "quarter")
    )


def team_view(
    analysis: Analysis,
    *,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    org_unit: str | None = None,
    simple_only: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The team graph restricted to tickets created in [start, end] and, with ``org_unit``, to
    pairs with at least one team of that unit (``simple_only``: simple fixes only). Returns
    (nodes, pairs): nodes with their layout positions, pairs as :func:`orgfriction.graph.team_pairs`."""
    tickets = analysis.tickets
    if start is not None:
        tickets = tickets.filter(pl.col("created_at") >= _as_datetime(start))
    if end is not None:
        tickets = tickets.filter(pl.col("created_at") < _as_datetime(end) + timedelta(days=1))
    if simple_only:
        tickets = tickets.filter("is_simple")
    members = analysis.memberships.join(tickets.select("ticket_id"), on="ticket_id", how="semi")
    signoffs = analysis.dataset.signoffs.join(tickets.select("ticket_id"), on="ticket_id", how="semi")
    pairs = team_pairs(members, tickets, signoffs)
    return unit_view(analysis.layout, pairs, org_unit) if org_unit else (analysis.layout, pairs)


def unit_view(nodes: pl.DataFrame, pairs: pl.DataFrame, org_unit: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A :func:`team_view` narrowed to the pairs with at least one team of ``org_unit``, and the
    nodes of those pairs and of the unit (cheap: the app narrows a view it has already drawn)."""
    unit = nodes.filter(pl.col("org_unit") == org_unit)["team"].implode()
    pairs = pairs.filter(pl.col("team_a").is_in(unit) | pl.col("team_b").is_in(unit))
    shown = pl.concat([pairs["team_a"], pairs["team_b"], unit.explode()]).unique().implode()
    return nodes.filter(pl.col("team").is_in(shown)), pairs


def team_profile(analysis: Analysis, team: str, *, worst: int = 10) -> dict[str, Any] | None:
    """A team's figures, its partners (worst first) and its worst blocked simple fixes; None for
    an unknown team."""
    row = analysis.teams.filter(pl.col("team") == team)
    if row.is_empty():
        return None
    partners = (
        analysis.team_pairs.filter((pl.col("team_a") == team) | (pl.col("team_b") == team))
        .with_columns(pl.when(pl.col("team_a") == team).then("team_b").otherwise("team_a").alias("partner"))
        .sort(["blocked_simple", "shared_tickets"], descending=True)
        .select("partner", "shared_tickets", "blocked_simple", "signoffs", "coupling", "cost_of_delay_usd")
    )
    theirs = analysis.memberships.filter(pl.col("team") == team).select("ticket_id")
    blocked = (
        analysis.tickets.join(theirs, on="ticket_id", how="semi")
        .filter("blocked")
        .sort(["cost_of_delay_usd", "excess_days"], descending=True, nulls_last=True)
        .head(worst)
        .join(analysis.dataset.tickets.select("ticket_id", "title"), on="ticket_id", how="left")
        .select("ticket_id", "title", "teams", "lead_time_days", "excess_days", "cost_of_delay_usd")
    )
    return {"team": row.row(0, named=True), "partners": partners, "worst_blocked": blocked}


def ticket_table(
    analysis: Analysis,
    *,
    contains: dict[str, str] | None = None,
    sort_by: list[tuple[str, bool]] | None = None,
    start: int = 0,
    end: int = 20,
) -> tuple[pl.DataFrame, int]:
    """Rows ``start``..``end`` of the ticket quality table and the number of matching tickets.

    ``contains`` maps columns to text their value must contain (plain text, case-insensitive;
    ``missing`` holds the failed criteria, e.g. ``"visual"``); ``sort_by`` is a list of
    (column, descending). Default order: priority rank. Unknown columns are ignored.
    """
    frame = analysis.tickets.join(
        analysis.dataset.tickets.select("ticket_id", "title"), on="ticket_id", how="left"
    ).select(TICKET_TABLE_COLUMNS)
    for column, text in (contains or {}).items():
        if column in _SORTABLE and text:
            value = pl.col(column).cast(pl.String).fill_null("").str.to_lowercase()
            frame = frame.filter(value.str.contains(text.lower(), literal=True))
    order = [(c, d) for c, d in (sort_by or []) if c in _SORTABLE] or [("priority_rank", False)]
    frame = frame.sort([c for c, _ in order], descending=[d for _, d in order], nulls_last=True)
    return frame.slice(max(start, 0), max(end - start, 0)), frame.height


def _as_datetime(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
