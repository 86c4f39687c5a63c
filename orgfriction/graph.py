"""The team graph: teams linked by the tickets they shared and the sign-offs between them.

* :func:`team_pairs` — one row per pair of teams that shared a ticket or a sign-off, with the
  figures of DESIGN §4 and a **coupling** in the spirit of code-maat's coupling degree (shared
  revisions over the mean of both modules' revisions):

      coupling = shared_tickets / mean(tickets of team_a, tickets of team_b)

  It is 1 when two teams only ever work together and near 0 when their shared work is a small
  part of what each does. Sign-off-only pairs have coupling 0.
* :func:`team_nodes` — one row per team: org unit, headcount, tickets, simple fixes, blocked
  simple fixes and their cost of delay.
* :func:`signoff_edges` — the directed sign-off graph, owner → approver: requests, decided,
  approval rate among decided requests, and the median wait from request to decision.
* :func:`team_graph` and :func:`signoff_graph` — the same as networkx graphs.
* :func:`team_layout` — positions of the teams for drawing the graph (seeded, reproducible).

A ticket's *teams* are its owner and its ``ticket_teams`` (see
:func:`orgfriction.metrics.team_memberships`); approvers are linked to the owner only.
"""

from __future__ import annotations

import networkx as nx
import polars as pl

from orgfriction.dataset import Dataset

__all__ = ["signoff_edges", "signoff_graph", "team_graph", "team_layout", "team_nodes", "team_pairs"]

_US_PER_DAY = 86_400_000_000


def team_pairs(memberships: pl.DataFrame, metrics: pl.DataFrame, signoffs: pl.DataFrame) -> pl.DataFrame:
    """Pairs of teams (team_a < team_b) that shared tickets or sign-offs.

    Parameters
    ----------
    memberships
        (ticket_id, team) rows, one per team of a ticket.
    metrics
        Per-ticket metrics with ticket_id, owner_team, is_simple, blocked, cost_of_delay_usd.
    signoffs
        The dataset's sign-offs (ticket_id, team).

    ``shared_simple`` and ``blocked_simple`` count the shared tickets that are simple fixes, and
    blocked ones; ``cost_of_delay_usd`` is that of the shared blocked simple fixes; ``signoffs``
    counts sign-off requests between the two (one team owned the ticket, the other approved).

    Examples
    --------
    >>> import polars as pl
    >>> members = pl.DataFrame({"ticket_id": ["T1", "T1", "T2", "T2", "T2"],
    ...                         "team": ["web", "api", "api", "web", "ops"]})
    >>> metrics = pl.DataFrame({"ticket_id": ["T1", "T2"], "owner_team": ["web", "api"],
    ...                         "is_simple": [True, False], "blocked": [True, False],
    ...                         "cost_of_delay_usd": [50.0, 0.0]})
    >>> signoffs = pl.DataFrame({"ticket_id": ["T1"], "team": ["legal"]})
    >>> pairs = team_pairs(members, metrics, signoffs)
    >>> for row in pairs.select("team_a", "team_b", "shared_tickets", "blocked_simple", "signoffs",
    ...                         pl.col("coupling").round(3)).rows():
    ...     print(row)
    ('api', 'ops', 1, 0, 0, 0.667)
    ('api', 'web', 2, 1, 0, 1.0)
    ('legal', 'web', 0, 0, 1, 0.0)
    ('ops', 'web', 1, 0, 0, 0.667)
    """
    tickets_per_team = memberships.group_by("team").agg(pl.len().alias("tickets"))
    flags = metrics.select("ticket_id", "is_simple", "blocked", "cost_of_delay_usd")
    shared = (
        memberships.join(memberships, on="ticket_id", suffix="_b")
        .filter(pl.col("team") < pl.col("team_b"))
        .rename({"team": "team_a"})
        .join(flags, on="ticket_id", how="left")
        .group_by("team_a", "team_b")
        .agg(
            pl.len().cast(pl.Int64).alias("shared_tickets"),
            pl.col("is_simple").sum().cast(pl.Int64).alias("shared_simple"),
            pl.col("blocked").sum().cast(pl.Int64).alias("blocked_simple"),
            pl.col("cost_of_delay_usd").filter(pl.col("blocked")).sum().alias("cost_of_delay_usd"),
        )
    )
    signed = (
        signoffs.select("ticket_id", pl.col("team").alias("approver"))
        .join(metrics.select("ticket_id", "owner_team"), on="ticket_id", how="inner")
        .drop_nulls("owner_team")
        .filter(pl.col("approver") != pl.col("owner_team"))
        .select(
            pl.min_horizontal("approver", "owner_team").alias("team_a"),
            pl.max_horizontal("approver", "owner_team").alias("team_b"),
        )
        .group_by("team_a", "team_b")
        .agg(pl.len().cast(pl.Int64).alias("signoffs"))
    )
    pairs = shared.join(signed, on=["team_a", "team_b"], how="full", coalesce=True)
    mean_tickets = (
        pairs.select("team_a", "team_b")
        .join(tickets_per_team.rename({"team": "team_a", "tickets": "tickets_a"}), on="team_a", how="left")
        .join(tickets_per_team.rename({"team": "team_b", "tickets": "tickets_b"}), on="team_b", how="left")
        .select(
            "team_a",
            "team_b",
            ((pl.col("tickets_a").fill_null(0) + pl.col("tickets_b").fill_null(0)) / 2).alias("mean_tickets"),
        )
    )
    counts = ["shared_tickets", "shared_simple", "blocked_simple", "signoffs"]
    return (
        pairs.join(mean_tickets, on=["team_a", "team_b"], how="left")
        .with_columns(
            *(pl.col(c).fill_null(0) for c in counts),
            pl.col("cost_of_delay_usd").fill_null(0.0),
        )
        .with_columns(
            pl.when(pl.col("mean_tickets") > 0)
            .then(pl.col("shared_tickets") / pl.col("mean_tickets"))
            .otherwise(0.0)
            .alias("coupling")
        )
        .select("team_a", "team_b", *counts, "cost_of_delay_usd", "coupling")
        .sort("team_a", "team_b")
    )


def team_nodes(dataset: Dataset, memberships: pl.DataFrame, metrics: pl.DataFrame) -> pl.DataFrame:
    """One row per team named anywhere (teams table, owners, ticket_teams, sign-offs).

    Columns: team, org_unit, headcount, tickets, simple_fixes, blocked_simple (simple fixes the
    team worked on that were blocked), cost_of_delay_usd (of those), owned_tickets, signoffs
    (requests the team received).
    """
    named = pl.concat(
        [dataset.teams.select("team"), memberships.select("team"), dataset.signoffs.select("team")]
    ).unique()
    work = (
        memberships.join(
            metrics.select("ticket_id", "is_simple", "blocked", "cost_of_delay_usd"),
            on="ticket_id",
            how="left",
        )
        .group_by("team")
        .agg(
            pl.len().cast(pl.Int64).alias("tickets"),
            pl.col("is_simple").sum().cast(pl.Int64).alias("simple_fixes"),
            pl.col("blocked").sum().cast(pl.Int64).alias("blocked_simple"),
            pl.col("cost_of_delay_usd").filter(pl.col("blocked")).sum().alias("cost_of_delay_usd"),
        )
    )
    owned = (
        metrics.drop_nulls("owner_team")
        .group_by(pl.col("owner_team").alias("team"))
        .agg(pl.len().cast(pl.Int64).alias("owned_tickets"))
    )
    requests = dataset.signoffs.group_by("team").agg(pl.len().cast(pl.Int64).alias("signoffs"))
    counts = ["tickets", "simple_fixes", "blocked_simple", "owned_tickets", "signoffs"]
    return (
        named.join(dataset.teams.select("team", "org_unit", "headcount"), on="team", how="left")
        .join(work, on="team", how="left")
        .join(owned, on="team", how="left")
        .join(requests, on="team", how="left")
        .with_columns(*(pl.col(c).fill_null(0) for c in counts), pl.col("cost_of_delay_usd").fill_null(0.0))
        .select("team", "org_unit", "headcount", *counts[:3], "cost_of_delay_usd", *counts[3:])
        .sort("team")
    )


def signoff_edges(signoffs: pl.DataFrame, metrics: pl.DataFrame) -> pl.DataFrame:
    """Owner → approver sign-off edges with requests, simple-fix requests, decided requests,
    approval rate (approved / decided) and median wait in days (request to decision).

    Sign-offs a team gives on its own tickets, and on tickets without an owner, are left out:
    they link no two teams.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime as dt
    >>> signoffs = pl.DataFrame({"ticket_id": ["T1", "T2", "T3"], "team": ["legal"] * 3,
    ...     "requested_at": [dt(2025, 1, 1), dt(2025, 1, 1), dt(2025, 1, 1)],
    ...     "decided_at": [dt(2025, 1, 3), dt(2025, 1, 9), None],
    ...     "outcome": ["approved", "rejected", "pending"]})
    >>> metrics = pl.DataFrame({"ticket_id": ["T1", "T2", "T3"], "owner_team": ["web"] * 3,
    ...                         "is_simple": [True, True, False]})
    >>> signoff_edges(signoffs, metrics).row(0, named=True)  # doctest: +NORMALIZE_WHITESPACE
    {'owner_team': 'web', 'approver': 'legal', 'requests': 3, 'simple_requests': 2, 'decided': 2,
     'approved': 1, 'approval_rate': 0.5, 'median_wait_days': 5.0}
    """
    wait = (pl.col("decided_at") - pl.col("requested_at")).dt.total_microseconds() / _US_PER_DAY
    decided = pl.col("outcome").is_in(["approved", "rejected", "changes_requested"])
    return (
        signoffs.join(metrics.select("ticket_id", "owner_team", "is_simple"), on="ticket_id", how="inner")
        .drop_nulls("owner_team")
        .filter(pl.col("team") != pl.col("owner_team"))
        .group_by("owner_team", pl.col("team").alias("approver"))
        .agg(
            pl.len().cast(pl.Int64).alias("requests"),
            pl.col("is_simple").sum().cast(pl.Int64).alias("simple_requests"),
            decided.sum().cast(pl.Int64).alias("decided"),
            (pl.col("outcome") == "approved").sum().cast(pl.Int64).alias("approved"),
            wait.median().alias("median_wait_days"),
        )
        .with_columns(
            pl.when(pl.col("decided") > 0).then(pl.col("approved") / pl.col("decided")).alias("approval_rate")
        )
        .select(
            "owner_team",
            "approver",
            "requests",
            "simple_requests",
            "decided",
            "approved",
            "approval_rate",
            "median_wait_days",
        )
        .sort("approver", "owner_team")
    )


def team_graph(nodes: pl.DataFrame, pairs: pl.DataFrame) -> nx.Graph:
    """An undirected networkx graph: node attributes from ``nodes``, edge attributes from ``pairs``.

    Examples
    --------
    >>> import polars as pl
    >>> nodes = pl.DataFrame({"team": ["api", "web"], "headcount": [5, 6]})
    >>> pairs = pl.DataFrame({"team_a": ["api"], "team_b": ["web"], "blocked_simple": [3]})
    >>> graph = team_graph(nodes, pairs)
    >>> graph.nodes["web"]["headcount"], graph.edges["api", "web"]["blocked_simple"]
    (6, 3)
    """
    graph = nx.Graph()
    graph.add_nodes_from((row.pop("team"), row) for row in nodes.iter_rows(named=True))
    graph.add_edges_from((row.pop("team_a"), row.pop("team_b"), row) for row in pairs.iter_rows(named=True))
    return graph


def signoff_graph(edges: pl.DataFrame) -> nx.DiGraph:
    """A directed networkx graph owner → approver with the attributes of :func:`signoff_edges`."""
    graph = nx.DiGraph()
    graph.add_edges_from(
        (row.pop("owner_team"), row.pop("approver"), row) for row in edges.iter_rows(named=True)
    )
    return graph


def team_layout(
    nodes: pl.DataFrame, pairs: pl.DataFrame, *, weight: str = "shared_tickets", seed: int = 42
) -> pl.DataFrame:
    """Positions (team, x, y) in [-1, 1] for drawing the team graph: a seeded force-directed
    layout (networkx ``spring_layout``) in which teams that share more tickets sit closer.

    Examples
    --------
    >>> nodes = pl.DataFrame({"team": ["api", "web", "ops"]})
    >>> pairs = pl.DataFrame({"team_a": ["api"], "team_b": ["web"], "shared_tickets": [4]})
    >>> layout = team_layout(nodes, pairs)
    >>> layout["team"].to_list(), bool(layout["x"].abs().max() <= 1)
    (['api', 'web', 'ops'], True)
    """
    graph = nx.Graph()
    graph.add_nodes_from(nodes["team"].to_list())
    linked = pairs.filter(pl.col(weight) > 0).select("team_a", "team_b", weight)
    graph.add_weighted_edges_from(linked.iter_rows(), weight="weight")
    positions = nx.spring_layout(graph, weight="weight", seed=seed) if graph.number_of_nodes() else {}
    teams = nodes["team"].to_list()
    return pl.DataFrame(
        {
            "team": teams,
            "x": [float(positions[t][0]) for t in teams],
            "y": [float(positions[t][1]) for t in teams],
        },
        schema={"team": pl.String, "x": pl.Float64, "y": pl.Float64},
    )
