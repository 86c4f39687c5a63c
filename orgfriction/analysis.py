"""One entry point that ties the stages together: ``analyze(dataset, config) -> Analysis``.

Data flows one way (DESIGN §6): per-ticket metrics → quality audit → team graph → blocking
clusters → congruence. Each stage is a pure function over polars frames in its own module; this
module only calls them in order and gathers the results, and ``Analysis.write`` hands them to
``orgfriction.io`` to be written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import polars as pl

from orgfriction._version import __version__
from orgfriction.clusters import blocking_clusters
from orgfriction.config import Config
from orgfriction.congruence import Congruence, congruence
from orgfriction.dataset import Dataset
from orgfriction.delay import DelayModel, backtest, fit_delay_model, ticket_approvals, ticket_boundaries
from orgfriction.graph import signoff_edges, signoff_graph, team_graph, team_layout, team_nodes, team_pairs
from orgfriction.metrics import Baseline, baseline, team_memberships, ticket_metrics
from orgfriction.quality import quality_audit, quality_by_team
from orgfriction.suggestions import suggest
from orgfriction.whatif import Change, Simulator, WhatIf

__all__ = ["TICKET_COLUMNS", "Analysis", "analyze"]

OutputFormat = Literal["csv", "parquet", "json"]

#: tickets output: the contract's columns (DESIGN §4) first, then the ones that explain them
TICKET_COLUMNS = (
    "ticket_id",
    "teams_required",
    "signoffs_required",
    "is_simple",
    "coordinated",
    "blocked",
    "lead_time_days",
    "excess_days",
    "cost_of_delay_usd",
    "actionable",
    "missing",
    "priority",
    "priority_rank",
    "open",
    "owner_team",
    "teams",
    "quarter",
    "created_at",
    "resolved_at",
    "effort_days",
    "impact_usd",
    "occurrences",
    "handoffs",
    "ping_pongs",
)

_FALLBACK_NOTE = (
    "The data has no usable lead times (no resolved simple fix, or none that took any time), so "
    "every coordinated simple fix counts as blocked, excess days and cost of delay are 0, and "
    "clusters have no p-value."
)


@dataclass(frozen=True)
class Analysis:
    """Everything ``orgfriction analyze`` computes, as polars frames (DESIGN §4) and graphs.

    Frames: ``tickets`` (per-ticket metrics and quality), ``team_pairs``, ``clusters``,
    ``cluster_tickets`` (which simple fixes make each cluster), ``teams`` (the graph's nodes, with
    the best-ranked cluster of each team), ``signoff_edges`` (owner → approver),
    ``quality_by_team`` (delegable share per owner team). ``congruence`` is None without systems.
    """

    dataset: Dataset
    config: Config
    baseline: Baseline
    tickets: pl.DataFrame
    team_pairs: pl.DataFrame
    clusters: pl.DataFrame
    cluster_tickets: pl.DataFrame
    teams: pl.DataFrame
    signoff_edges: pl.DataFrame
    quality_by_team: pl.DataFrame
    congruence: Congruence | None
    #: None without lead times (or with fewer than 3 resolved simple fixes)
    delay_model: DelayModel | None
    #: the delay model fitted on the earlier half and tested on the later half (see ``delay.backtest``)
    delay_backtest: dict[str, Any] | None
    simulator: Simulator
    #: ranked boundary suggestions with simulated effects (``orgfriction.suggestions``)
    suggestions: pl.DataFrame
    #: the change each suggestion_id stands for, to pass to ``what_if``
    suggested_changes: dict[str, Change]

    @property
    def blocked_basis(self) -> Literal["lead_time", "coordinated"]:
        """``"lead_time"``, or ``"coordinated"`` when the data has no lead times (DESIGN §3)."""
        return self.baseline.blocked_basis

    @property
    def memberships(self) -> pl.DataFrame:
        """(ticket_id, team): every team each ticket needed, its owner included."""
        return self.simulator.memberships

    @cached_property
    def graph(self) -> nx.Graph:
        """The team graph: nodes from ``teams``, edges from ``team_pairs``."""
        return team_graph(self.teams, self.team_pairs)

    @cached_property
    def layout(self) -> pl.DataFrame:
        """``teams`` with x and y positions for drawing the team graph (seeded with ``config.seed``)."""
        positions = team_layout(self.teams, self.team_pairs, seed=self.config.seed)
        return self.teams.join(positions, on="team", how="left")

    @cached_property
    def signoff_graph(self) -> nx.DiGraph:
        """The directed sign-off graph, owner → approver."""
        return signoff_graph(self.signoff_edges)

    def what_if(self, changes: list[Change] | tuple[Change, ...]) -> WhatIf:
        """Before/after figures of the organisation with ``changes`` applied (``orgfriction.whatif``).

        Examples
        --------
        >>> import orgfriction
        >>> analysis = orgfriction.analyze(orgfriction.load("sample_data"))
        >>> result = analysis.what_if([orgfriction.RelaxSignoff("brand-compliance")])
        >>> result.simple_fixes_unblocked > 0
        True
        """
        return self.simulator.run(changes)

    def outputs(self) -> dict[str, pl.DataFrame]:
        """The frames written by ``orgfriction analyze``, by file name without extension."""
        frames = {
            "tickets": self.tickets.select(TICKET_COLUMNS),
            "team_pairs": self.team_pairs,
            "clusters": self.clusters,
            "suggestions": self.suggestions,
            "cluster_tickets": self.cluster_tickets,
            "teams": self.teams,
            "signoff_edges": self.signoff_edges,
            "quality_by_team": self.quality_by_team,
        }
        if self.congruence is not None:
            frames["coordination_requirements"] = self.congruence.pairs
        if self.dataset.rejected.height:
            frames["rejected_rows"] = self.dataset.rejected
        return frames

    def summary(self) -> dict[str, Any]:
        """Counts, headline figures, the config used and the dataset's as-of time (summary.json)."""
        tickets = self.tickets
        simple = tickets.filter("is_simple")
        coordinated_simple = simple.filter("coordinated")
        blocked = simple.filter("blocked")
        resolved_simple = simple.filter(~pl.col("open"))
        counts = self.dataset.counts()
        headline: dict[str, Any] = {
            "baseline_days": self.baseline.days,
            "baseline_population": self.baseline.population,
            "baseline_tickets": self.baseline.tickets,
            "blocked_share_of_coordinated_simple_fixes": _share(blocked.height, coordinated_simple.height),
            "cost_of_delay_usd": _number(blocked["cost_of_delay_usd"].sum()),
            "median_lead_time_days_simple_single_team": _number(
                resolved_simple.filter(pl.col("teams_required") < 2)["lead_time_days"].median()
            ),
            "median_lead_time_days_simple_multi_team": _number(
                resolved_simple.filter(pl.col("teams_required") >= 2)["lead_time_days"].median()
            ),
            "delegable_share": _share(int(tickets["actionable"].sum()), tickets.height),
            "congruence": self.congruence.share_met if self.congruence else None,
        }
        delay = self.delay_model.summary() if self.delay_model else None
        summary: dict[str, Any] = {
            "orgfriction_version": __version__,
            "as_of": counts["as_of"],
            "first_created_at": counts["first_created_at"],
            "blocked_basis": self.blocked_basis,
            "notes": [_FALLBACK_NOTE] if self.blocked_basis == "coordinated" else [],
            "counts": {
                "tickets": tickets.height,
                "open_tickets": int(tickets["open"].sum()),
                "simple_fixes": simple.height,
                "coordinated_simple_fixes": coordinated_simple.height,
                "multi_team_simple_fixes": simple.filter(pl.col("teams_required") >= 2).height,
                "blocked_simple_fixes": blocked.height,
                "actionable_tickets": int(tickets["actionable"].sum()),
                "tickets_with_ping_pong": tickets.filter(pl.col("ping_pongs") > 0).height,
                "teams": self.teams.height,
                "team_pairs": self.team_pairs.height,
                "clusters": self.clusters.height,
                "suggestions": self.suggestions.height,
                "confident_clusters": int(self.clusters["confident"].sum()),
                "signoff_requests": self.dataset.signoffs.height,
                "required_coordination_pairs": self.congruence.required_pairs if self.congruence else None,
                "met_coordination_pairs": self.congruence.met_pairs if self.congruence else None,
                "rows": counts["rows"],
                "rejected_rows": counts["rejected_rows"],
            },
            "headline": headline,
            "delay_model": delay,
            "delay_model_backtest": self.delay_backtest,
            "config": self.config.to_dict(),
            "warnings": list(self.dataset.warnings),
        }
        return summary

    def write(self, out: str | Path, *, fmt: OutputFormat = "csv") -> Path:
        """Write every output and summary.json to ``out``, atomically (see ``orgfriction.io``)."""
        from orgfriction.io import write_analysis_outputs

        return write_analysis_outputs(self.outputs(), self.summary(), Path(out), fmt=fmt)


def analyze(dataset: Dataset, config: Config | None = None) -> Analysis:
    """Run every analysis of DESIGN §3–4 on a validated dataset.

    Examples
    --------
    >>> import orgfriction
    >>> company = orgfriction.generate_sample(n_teams=24, n_tickets=400, seed=1)
    >>> analysis = analyze(orgfriction.Dataset.from_frames(company.frames))
    >>> analysis.tickets.height, analysis.blocked_basis
    (400, 'lead_time')
    """
    config = config or Config()
    metrics = ticket_metrics(dataset, config=config)
    memberships = team_memberships(dataset)
    audit = quality_audit(dataset)
    team_lists = (
        memberships.sort("ticket_id", "team")
        .group_by("ticket_id", maintain_order=True)
        .agg(pl.col("team").str.join(";").alias("teams"))
    )
    tickets = (
        metrics.join(audit, on="ticket_id", how="left", maintain_order="left")
        .join(team_lists, on="ticket_id", how="left", maintain_order="left")
        .with_columns(pl.col("teams").fill_null(""))
    )
    base = baseline(tickets, config=config)
    pairs = team_pairs(memberships, tickets, dataset.signoffs)
    clusters, cluster_tickets = blocking_clusters(
        tickets, memberships, pairs, config=config, lead_times=base.blocked_basis == "lead_time"
    )
    top_cluster = (
        clusters.select("cluster_id", "rank", pl.col("teams").str.split(";").alias("team"))
        .explode("team")
        .sort("rank")
        .group_by("team", maintain_order=True)
        .first()
        .select("team", "cluster_id")
    )
    nodes = team_nodes(dataset, memberships, tickets).join(top_cluster, on="team", how="left")
    edges = signoff_edges(dataset.signoffs, tickets)
    boundaries = ticket_boundaries(tickets, memberships)
    approvals = ticket_approvals(dataset.signoffs, tickets)
    lead_times = base.blocked_basis == "lead_time"
    model = fit_delay_model(tickets, boundaries, approvals) if lead_times else None
    tested = (
        backtest(tickets, boundaries, approvals, baseline_days=base.days) if model and base.days else None
    )
    simulator = Simulator(
        tickets=tickets.select(
            "ticket_id",
            "owner_team",
            "is_simple",
            "open",
            "coordinated",
            "teams_required",
            "signoffs_required",
            "lead_time_days",
            "impact_usd",
            "blocked",
            "excess_days",
            "cost_of_delay_usd",
        ),
        memberships=memberships,
        approvals=approvals,
        boundaries=boundaries,
        ticket_systems=dataset.ticket_systems.select("ticket_id", "system").unique(),
        systems=dataset.systems.select("system", "owner_team"),
        headcounts={
            t: int(h)
            for t, h in dataset.teams.drop_nulls("headcount").select("team", "headcount").iter_rows()
        },
        model=model,
        baseline_days=base.days if lead_times else None,
        blocked_factor=config.blocked_factor,
        years=_years(tickets),
    )
    suggestions, suggested_changes = suggest(
        simulator,
        clusters=clusters,
        signoff_edges=edges,
        baseline_days=base.days if lead_times else None,
        config=config,
    )
    return Analysis(
        dataset=dataset,
        config=config,
        baseline=base,
        tickets=tickets,
        team_pairs=pairs,
        clusters=clusters,
        cluster_tickets=cluster_tickets,
        teams=nodes,
        signoff_edges=edges,
        quality_by_team=quality_by_team(audit, dataset.tickets),
        congruence=congruence(dataset, pairs),
        delay_model=model,
        delay_backtest=tested,
        simulator=simulator,
        suggestions=suggestions,
        suggested_changes=suggested_changes,
    )


def _years(tickets: pl.DataFrame) -> float:
    """The span of the tickets' creation dates in years (at least a day), for per-year figures."""
    first, last = tickets["created_at"].min(), tickets["created_at"].max()
    if not isinstance(first, datetime) or not isinstance(last, datetime):
        return 1.0
    return max((last - first).total_seconds() / 86_400, 1.0) / 365.25


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
