"""Per-ticket figures of DESIGN §3, as pure functions over the dataset's frames.

``ticket_metrics`` is the table every later stage (team graph, clusters, suggestions) starts from:
one row per ticket with its teams, sign-offs, lead time, excess over the baseline, whether it was
blocked, and its cost of delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import polars as pl

from orgfriction.config import Config
from orgfriction.dataset import Dataset

__all__ = ["Baseline", "team_memberships", "ticket_basics", "ticket_metrics"]

_US_PER_DAY = 86_400_000_000

BlockedBasis = Literal["lead_time", "coordinated"]


@dataclass(frozen=True)
class Baseline:
    """The lead time a simple fix takes when nobody else is involved.

    ``population`` says which tickets the median was taken over: ``"uncoordinated"`` (resolved
    simple fixes needing one team and no sign-off, the definition), ``"all_simple"`` (all resolved
    simple fixes: the fallback when there are fewer than ``baseline_min_tickets`` uncoordinated
    ones) or ``"none"``. ``blocked_basis`` is ``"lead_time"`` when lead times can tell a blocked
    fix from a quick one, and ``"coordinated"`` when the data has no usable lead times (no resolved
    simple fix, or all of them resolved the instant they were created, as in a git history of
    squash merges): then every coordinated simple fix counts as blocked.
    """

    days: float | None
    tickets: int
    population: Literal["uncoordinated", "all_simple", "none"]

    @property
    def blocked_basis(self) -> BlockedBasis:
        return "lead_time" if self.days is not None and self.days > 0 else "coordinated"


def team_memberships(dataset: Dataset) -> pl.DataFrame:
    """Distinct (ticket_id, team) pairs: the owner and every ``ticket_teams`` row of a ticket.

    Examples
    --------
    >>> import polars as pl
    >>> ds = Dataset.from_frames({
    ...     "tickets": pl.DataFrame({"ticket_id": ["T1"], "created_at": ["2025-01-01"],
    ...                              "owner_team": ["web"]}),
    ...     "ticket_teams": pl.DataFrame({"ticket_id": ["T1", "T1"], "team": ["api", "web"]}),
    ... })
    >>> team_memberships(ds).sort("team").rows()
    [('T1', 'api'), ('T1', 'web')]
    """
    return (
        pl.concat(
            [
                dataset.tickets.select("ticket_id", pl.col("owner_team").alias("team")),
                dataset.ticket_teams.select("ticket_id", "team"),
            ]
        )
        .drop_nulls("team")
        .unique(maintain_order=True)
    )


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
    tickets = dataset.tickets.select(
        "ticket_id", "owner_team", "effort_days", "impact_usd", "occurrences", "created_at", "resolved_at"
    )
    teams = team_memberships(dataset).group_by("ticket_id").agg(pl.len().alias("teams_required"))
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


def ticket_metrics(dataset: Dataset, *, config: Config | None = None) -> pl.DataFrame:
    """Every per-ticket figure of DESIGN §3, one row per ticket in the order of ``tickets``.

    Beyond :func:`ticket_basics`:

    * ``open``: the ticket is not resolved; its lead time is *censored* at the dataset's as-of
      time, so ``lead_time_days`` is a lower bound. An open ticket already past the blocked
      threshold is blocked; one not yet past it is not (yet).
    * ``lead_time_days`` = resolved_at (or as-of) − created_at, in days;
    * ``excess_days`` = max(0, lead_time_days − baseline days), see :func:`baseline`;
    * ``blocked``: a coordinated simple fix whose lead time exceeds ``blocked_factor`` × baseline
      (every coordinated simple fix when the data has no lead times, see :class:`Baseline`);
    * ``cost_of_delay_usd`` = impact_usd / 365 × excess_days (empty without an impact estimate);
    * ``handoffs`` and ``ping_pongs``: reassignments, and those that sent the ticket straight
      back to the team it came from (A→B→A);
    * ``quarter``: the calendar quarter the ticket was created in, e.g. ``2025Q1``.

    Examples
    --------
    >>> import polars as pl
    >>> ds = Dataset.from_frames({
    ...     "tickets": pl.DataFrame({"ticket_id": ["T1", "T2"], "owner_team": ["web", "web"],
    ...                              "created_at": ["2025-01-01", "2025-01-01"],
    ...                              "resolved_at": ["2025-01-03", "2025-01-11"],
    ...                              "effort_days": [1.0, 1.0], "impact_usd": [3650.0, 3650.0]}),
    ...     "ticket_teams": pl.DataFrame({"ticket_id": ["T2"], "team": ["api"]}),
    ... })
    >>> one_is_enough = Config(baseline_min_tickets=1)  # baseline: T1's 2 days
    >>> ticket_metrics(ds, config=one_is_enough).select(
    ...     "lead_time_days", "excess_days", "blocked", "cost_of_delay_usd").rows()
    [(2.0, 0.0, False, 0.0), (10.0, 8.0, True, 80.0)]
    """
    config = config or Config()
    as_of = dataset.as_of or datetime(1970, 1, 1)
    frame = ticket_basics(dataset, config=config).with_columns(
        pl.col("resolved_at").is_null().alias("open"),
        (
            (pl.col("resolved_at").fill_null(pl.lit(as_of, dtype=pl.Datetime("us"))) - pl.col("created_at"))
            .dt.total_microseconds()
            .truediv(_US_PER_DAY)
            .alias("lead_time_days")
        ),
        pl.format("{}Q{}", pl.col("created_at").dt.year(), pl.col("created_at").dt.quarter()).alias(
            "quarter"
        ),
    )
    base = baseline(frame, config=config)
    if base.blocked_basis == "lead_time":
        assert base.days is not None
        excess = (pl.col("lead_time_days") - base.days).clip(lower_bound=0.0)
        blocked = (
            pl.col("is_simple")
            & pl.col("coordinated")
            & (pl.col("lead_time_days") > config.blocked_factor * base.days)
        )
    else:
        excess = pl.lit(0.0)
        blocked = pl.col("is_simple") & pl.col("coordinated")
    frame = frame.with_columns(excess.alias("excess_days"), blocked.alias("blocked")).with_columns(
        (pl.col("impact_usd") / 365.0 * pl.col("excess_days")).alias("cost_of_delay_usd")
    )
    return frame.join(
        _ping_pongs(dataset.handoffs), on="ticket_id", how="left", maintain_order="left"
    ).with_columns(pl.col("handoffs").fill_null(0), pl.col("ping_pongs").fill_null(0))


def baseline(metrics: pl.DataFrame, *, config: Config | None = None) -> Baseline:
    """Median lead time of resolved, simple, uncoordinated tickets (DESIGN §3).

    Falls back to all resolved simple fixes when fewer than ``config.baseline_min_tickets``
    uncoordinated ones are resolved.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"open": [False] * 3, "is_simple": [True] * 3,
    ...                       "coordinated": [False, True, True], "lead_time_days": [1.0, 4.0, 6.0]})
    >>> baseline(frame)
    Baseline(days=4.0, tickets=3, population='all_simple')
    """
    config = config or Config()
    resolved_simple = metrics.filter(~pl.col("open") & pl.col("is_simple"))
    uncoordinated = resolved_simple.filter(~pl.col("coordinated"))
    if uncoordinated.height >= config.baseline_min_tickets:
        chosen, population = uncoordinated, "uncoordinated"
    elif resolved_simple.height:
        chosen, population = resolved_simple, "all_simple"
    else:
        return Baseline(days=None, tickets=0, population="none")
    median = chosen["lead_time_days"].median()
    assert isinstance(median, float)
    return Baseline(days=median, tickets=chosen.height, population=population)  # type: ignore[arg-type]


def _ping_pongs(handoffs: pl.DataFrame) -> pl.DataFrame:
    """Handoffs per ticket, and how many sent it straight back to the team it came from.

    The holder before a handoff is its ``from_team`` (or, when empty, the previous handoff's
    ``to_team``); a handoff is a ping-pong when it goes to the team that held the ticket before the
    previous handoff and that team is not the current holder: A→B then B→A.
    """
    ordered = handoffs.select("ticket_id", "at", "from_team", "to_team").sort(
        "ticket_id", "at", maintain_order=True
    )
    # sorted by ticket, "the previous handoff of this ticket" is the previous row of the same ticket
    same_ticket = pl.col("ticket_id") == pl.col("ticket_id").shift(1)
    holder_before = pl.coalesce(pl.col("from_team"), pl.when(same_ticket).then(pl.col("to_team").shift(1)))
    return (
        ordered.with_columns(holder_before.alias("holder_before"))
        .with_columns(pl.when(same_ticket).then(pl.col("holder_before").shift(1)).alias("holder_two_back"))
        .group_by("ticket_id")
        .agg(
            pl.len().cast(pl.Int64).alias("handoffs"),
            (
                (pl.col("to_team") == pl.col("holder_two_back"))
                & (pl.col("to_team") != pl.col("holder_before").fill_null(""))
            )
            .sum()
            .cast(pl.Int64)
            .alias("ping_pongs"),
        )
    )
