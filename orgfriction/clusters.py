"""Blocking clusters: groups of two or more teams that repeatedly turn simple fixes into slow work.

**Candidates** come from three places, all among *blocked* simple fixes:

1. recurring team sets: the exact set of teams of at least ``cluster_min_blocked`` blocked simple
   fixes;
2. recurring pairs: two teams sharing at least ``cluster_min_blocked`` blocked simple fixes;
3. communities (networkx Louvain, seeded with ``config.seed``) of the graph of those recurring
   pairs, weighted by blocked simple fixes: they join pairs that chain into larger groups.

**A simple fix belongs to a cluster** when at least two of its teams are in the cluster: it had
to cross a boundary inside the group.

**Confidence** answers "is this cluster's blocked rate higher than that of comparable coordinated
simple fixes?" with a one-sided Cochran–Mantel–Haenszel test. Comparable means the other
coordinated simple fixes with the same number of teams (2, 3, 4 or more; 1 for sign-off-only
tickets) and the same presence of a sign-off: more teams are slower everywhere, and the test
must not reward a cluster merely for needing three teams. ``p_value`` is that test's (normal
approximation with continuity correction), ``q_value`` the Benjamini–Hochberg adjustment over
all candidates, and ``confident`` means q ≤ ``confidence_alpha``.

**Recurrence**: a calendar quarter counts when the cluster blocked at least
``recurrence_min_blocked`` more simple fixes than comparable fixes would have (the same
stratified rate as the test). A cluster slow in a single burst quarter, or busy at a normal pace,
does not recur; ``periods_total`` is the number of quarters the dataset's tickets span.

**Rank** (1 = worst): confident clusters first, then by quarters recurring, cost of delay and
blocked simple fixes. A candidate sharing two or more teams with a better-ranked cluster is
dropped: it would count the same tickets twice (``{a, b}`` next to ``{a, b, c}``).

When the data has no lead times (``blocked_basis == "coordinated"``) every coordinated simple
fix counts as blocked, so there is no rate to test: ``p_value`` is empty, nothing is
``confident``, and a quarter recurs when it had ``recurrence_min_blocked`` coordinated simple
fixes.
"""

from __future__ import annotations

import hashlib
import math

import networkx as nx
import numpy as np
import polars as pl

from orgfriction.config import Config

__all__ = ["CLUSTER_COLUMNS", "EVIDENCE_TICKETS", "benjamini_hochberg", "blocking_clusters", "cmh_greater"]

EVIDENCE_TICKETS = 5

CLUSTER_COLUMNS = (
    # the contract's columns (DESIGN §4), in its order
    "cluster_id",
    "teams",
    "n_teams",
    "blocked_simple",
    "coordinated_simple",
    "periods_recurring",
    "periods_total",
    "p_value",
    "cost_of_delay_usd",
    "rank",
    # and what explains them
    "q_value",
    "confident",
    "blocked_share",
    "comparable_blocked_share",
    "recurring_quarters",
    "median_excess_days",
    "evidence_tickets",
    "found_by",
)


def blocking_clusters(
    metrics: pl.DataFrame,
    memberships: pl.DataFrame,
    pairs: pl.DataFrame,
    *,
    config: Config | None = None,
    lead_times: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rank the blocking clusters; return ``(clusters, cluster_tickets)``.

    ``metrics`` is :func:`orgfriction.metrics.ticket_metrics`' frame, ``memberships`` its
    (ticket_id, team) rows, ``pairs`` :func:`orgfriction.graph.team_pairs`. ``cluster_tickets``
    lists (cluster_id, ticket_id, blocked) for every simple fix that belongs to a kept cluster.
    ``lead_times=False`` is the fallback described in the module docstring.
    """
    config = config or Config()
    fixes = metrics.filter(pl.col("is_simple") & pl.col("coordinated")).select(
        "ticket_id",
        "blocked",
        "quarter",
        "cost_of_delay_usd",
        "excess_days",
        _stratum().alias("stratum"),
    )
    fix_teams = memberships.join(fixes.select("ticket_id"), on="ticket_id", how="semi")
    candidates = _candidates(fixes, fix_teams, pairs, config=config)
    if candidates.is_empty():
        return _empty_clusters(), pl.DataFrame(
            schema={"cluster_id": pl.String, "ticket_id": pl.String, "blocked": pl.Boolean}
        )
    members = candidates.select("candidate", "team").explode("team")
    belongs = (
        fix_teams.join(members, on="team")
        .group_by("candidate", "ticket_id")
        .agg(pl.len().alias("teams_inside"))
        .filter(pl.col("teams_inside") >= 2)
        .join(fixes, on="ticket_id")
    )
    strata = _comparison_rates(fixes, belongs, lead_times=lead_times)
    belongs = belongs.join(
        strata.select("candidate", "stratum", "comparable_rate"), on=["candidate", "stratum"]
    )
    scored = (
        candidates.join(_summaries(belongs), on="candidate")
        .join(_tests(strata), on="candidate", how="left")
        .join(_recurrence(belongs, config=config), on="candidate", how="left")
        .with_columns(
            pl.col("periods_recurring").fill_null(0),
            pl.col("recurring_quarters").fill_null(""),
            pl.lit(_span_quarters(metrics), dtype=pl.Int64).alias("periods_total"),
        )
        .filter(pl.col("blocked_simple") >= config.cluster_min_blocked)
    )
    q_values = benjamini_hochberg(scored["p_value"].to_numpy())
    scored = scored.with_columns(
        pl.Series("q_value", q_values, dtype=pl.Float64).fill_nan(None),
    ).with_columns((pl.col("q_value") <= config.confidence_alpha).fill_null(False).alias("confident"))
    kept = _drop_overlapping(
        scored.sort(
            ["confident", "periods_recurring", "cost_of_delay_usd", "blocked_simple", "teams"],
            descending=[True, True, True, True, False],
            nulls_last=True,
        )
    )
    clusters = kept.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"),
        pl.col("team").list.len().cast(pl.Int64).alias("n_teams"),
        pl.col("teams").map_elements(_cluster_id, return_dtype=pl.String).alias("cluster_id"),
    )
    cluster_tickets = (
        belongs.join(clusters.select("candidate", "cluster_id", "rank"), on="candidate")
        .sort("rank", "ticket_id")
        .select("cluster_id", "ticket_id", "blocked")
    )
    return clusters.select(CLUSTER_COLUMNS), cluster_tickets


def cmh_greater(a: np.ndarray, n1: np.ndarray, m1: np.ndarray, total: np.ndarray) -> float:
    """One-sided Cochran–Mantel–Haenszel p-value that the first row's rate is the higher one.

    Each stratum k is a 2×2 table with ``a[k]`` blocked of ``n1[k]`` tickets in the first row,
    ``m1[k]`` blocked of ``total[k]`` tickets overall. Strata with no comparison tickets carry no
    information and are ignored; without any informative stratum the result is NaN.

    Examples
    --------
    >>> import numpy as np

    9 of 10 blocked inside, 10 of 40 outside, one stratum: E = 10·19/50 = 3.8,
    Var = 10·40·19·31 / (50²·49) = 1.9233, z = (9 − 3.8 − 0.5) / √1.9233 = 3.389:

    >>> round(cmh_greater(np.array([9]), np.array([10]), np.array([19]), np.array([50])), 6)
    0.000351
    """
    a, n1, m1, total = (np.asarray(x, dtype=float) for x in (a, n1, m1, total))
    n2 = total - n1
    informative = (n2 > 0) & (total > 1)
    if not informative.any():
        return float("nan")
    a, n1, m1, n2, total = (x[informative] for x in (a, n1, m1, n2, total))
    expected = n1 * m1 / total
    variance = n1 * n2 * m1 * (total - m1) / (total**2 * (total - 1))
    if variance.sum() <= 0:
        return float("nan") if (a - expected).sum() <= 0 else 0.0
    z = ((a - expected).sum() - 0.5) / np.sqrt(variance.sum())
    return math.erfc(z / math.sqrt(2)) / 2  # the standard normal's upper tail


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted.

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, np.nan])).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    from scipy import stats  # imported here: scipy.stats takes seconds to import

    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    known = np.flatnonzero(~np.isnan(p))
    if known.size:
        q[known] = stats.false_discovery_control(p[known], method="bh")
    return q


def _stratum() -> pl.Expr:
    teams = pl.col("teams_required").clip(upper_bound=4).cast(pl.String)
    return pl.format("{}:{}", teams, pl.col("signoffs_required") > 0)


def _candidates(
    fixes: pl.DataFrame, fix_teams: pl.DataFrame, pairs: pl.DataFrame, *, config: Config
) -> pl.DataFrame:
    """Candidate team sets (sorted lists of 2+ teams) with how each was found."""
    minimum = config.cluster_min_blocked
    blocked_teams = fix_teams.join(fixes.filter("blocked").select("ticket_id"), on="ticket_id", how="semi")
    exact = (
        blocked_teams.group_by("ticket_id")
        .agg(pl.col("team").sort())
        .filter(pl.col("team").list.len() >= 2)
        .group_by("team")
        .agg(pl.len().alias("support"))
        .filter(pl.col("support") >= minimum)
        .select("team", pl.lit("team_set").alias("found_by"))
    )
    recurring_pairs = pairs.filter(pl.col("blocked_simple") >= minimum)
    pair_sets = recurring_pairs.select(
        pl.concat_list("team_a", "team_b").alias("team"), pl.lit("pair").alias("found_by")
    )
    graph = nx.Graph()
    graph.add_weighted_edges_from(recurring_pairs.select("team_a", "team_b", "blocked_simple").iter_rows())
    communities = [
        sorted(c)
        for c in nx.community.louvain_communities(graph, weight="weight", seed=config.seed)
        if len(c) >= 2
    ]
    louvain = pl.DataFrame(
        {"team": communities, "found_by": ["louvain"] * len(communities)},
        schema={"team": pl.List(pl.String), "found_by": pl.String},
    )
    return (
        pl.concat([exact, pair_sets, louvain])
        .group_by("team")
        .agg(pl.col("found_by").unique().sort().str.join(";"))
        .with_columns(pl.col("team").list.join(";").alias("teams"))
        .sort("teams")
        .with_row_index("candidate")
    )


def _comparison_rates(fixes: pl.DataFrame, belongs: pl.DataFrame, *, lead_times: bool) -> pl.DataFrame:
    """Per candidate and stratum: its tickets and blocked ones, all tickets and blocked ones, and
    the blocked rate of the comparable tickets outside the candidate."""
    overall = fixes.group_by("stratum").agg(
        pl.len().alias("total"), pl.col("blocked").sum().alias("total_blocked")
    )
    inside = belongs.group_by("candidate", "stratum").agg(
        pl.len().alias("inside"), pl.col("blocked").sum().alias("inside_blocked")
    )
    outside = pl.col("total") - pl.col("inside")
    rate = (pl.col("total_blocked") - pl.col("inside_blocked")) / outside
    return inside.join(overall, on="stratum").with_columns(
        (
            pl.when(outside > 0).then(rate).otherwise(pl.col("total_blocked") / pl.col("total"))
            if lead_times
            else pl.lit(0.0)
        ).alias("comparable_rate"),
        pl.lit(lead_times).alias("testable"),
    )


def _tests(strata: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for (candidate,), group in strata.group_by("candidate"):
        p = (
            cmh_greater(
                group["inside_blocked"].to_numpy(),
                group["inside"].to_numpy(),
                group["total_blocked"].to_numpy(),
                group["total"].to_numpy(),
            )
            if group["testable"].all()
            else float("nan")
        )
        rows.append((candidate, p))
    return pl.DataFrame(
        rows, schema={"candidate": pl.UInt32, "p_value": pl.Float64}, orient="row"
    ).with_columns(pl.col("p_value").fill_nan(None))


def _summaries(belongs: pl.DataFrame) -> pl.DataFrame:
    blocked = pl.col("blocked")
    return belongs.group_by("candidate").agg(
        blocked.sum().cast(pl.Int64).alias("blocked_simple"),
        pl.len().cast(pl.Int64).alias("coordinated_simple"),
        blocked.mean().alias("blocked_share"),
        pl.col("comparable_rate").mean().alias("comparable_blocked_share"),
        pl.col("cost_of_delay_usd").filter(blocked).sum().alias("cost_of_delay_usd"),
        pl.col("excess_days").filter(blocked).median().alias("median_excess_days"),
        pl.col("ticket_id")
        .filter(blocked)
        .sort_by(
            pl.col("cost_of_delay_usd").filter(blocked).fill_null(-1.0),
            pl.col("excess_days").filter(blocked),
            descending=True,
        )
        .head(EVIDENCE_TICKETS)
        .str.join(";")
        .alias("evidence_tickets"),
    )


def _recurrence(belongs: pl.DataFrame, *, config: Config) -> pl.DataFrame:
    return (
        belongs.group_by("candidate", "quarter")
        .agg((pl.col("blocked").sum() - pl.col("comparable_rate").sum()).alias("excess_blocked"))
        .filter(pl.col("excess_blocked") >= config.recurrence_min_blocked - 1e-9)
        .group_by("candidate")
        .agg(
            pl.len().cast(pl.Int64).alias("periods_recurring"),
            pl.col("quarter").sort().str.join(";").alias("recurring_quarters"),
        )
    )


def _span_quarters(metrics: pl.DataFrame) -> int:
    first, last = metrics["created_at"].min(), metrics["created_at"].max()
    if first is None or last is None:
        return 0
    return (last.year - first.year) * 4 + (last.month - 1) // 3 - (first.month - 1) // 3 + 1  # type: ignore[union-attr]


def _drop_overlapping(ranked: pl.DataFrame) -> pl.DataFrame:
    kept: list[int] = []
    kept_sets: list[set[str]] = []
    for index, teams in enumerate(ranked["team"].to_list()):
        members = set(teams)
        if all(len(members & other) < 2 for other in kept_sets):
            kept.append(index)
            kept_sets.append(members)
    return ranked[kept]


def _cluster_id(teams: str) -> str:
    """A short id derived from the teams alone, so it is the same in every run on the data."""
    return "C-" + hashlib.sha1(teams.encode("utf-8")).hexdigest()[:8]


def _empty_clusters() -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {c: pl.Int64() for c in CLUSTER_COLUMNS}
    for c in ("cluster_id", "teams", "recurring_quarters", "evidence_tickets", "found_by"):
        schema[c] = pl.String()
    for c in (
        "blocked_share",
        "comparable_blocked_share",
        "p_value",
        "q_value",
        "cost_of_delay_usd",
        "median_excess_days",
    ):
        schema[c] = pl.Float64()
    schema["confident"] = pl.Boolean()
    return pl.DataFrame(schema=schema)
