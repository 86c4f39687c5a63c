"""What-if: apply boundary changes to the organisation, re-run the metrics, compare before/after.

A change rewrites who is needed on which ticket, exactly as the data would have looked under the
new boundary, and the metrics are computed again on the rewritten tickets:

* :class:`MergeTeams` — the teams become one team: they are relabelled, so a ticket that needed
  two of them needs one team fewer, and a sign-off one of them gave the other disappears.
* :class:`TransferSystem` — the system moves to ``to_team``. On its tickets where ``to_team``
  already works, the old owner drops out when it was there only for this system (it owns no
  other system the ticket changed, and does not own the ticket). Work follows ownership: a
  ticket that now changes only ``to_team``'s systems becomes ``to_team``'s, and its old owner
  drops out too.
* :class:`MergeSystems` — the systems go inside one boundary owned by ``owner``: the others
  are transferred to it.
* :class:`SplitSystem` — the system is split into parts owned by ``teams``: a ticket owned by
  one of them changes its own part, so the other part owners and the old owner drop out when they
  were there only for this system.
* :class:`RelaxSignoff` — the team's sign-off on simple fixes is dropped (pre-approval within
  guardrails, or review after release).
* :class:`PlatformTeam` — the team's work becomes self-service: it drops out of the simple fixes
  it does not own.

Lead times cannot be observed under an org that did not exist, so they are *predicted*: each
ticket's lead time shrinks by the delay-model effects (:mod:`orgfriction.delay`) of the
boundaries and sign-offs it lost, never below the model's one-team lead time. Blocked, excess
days and cost of delay are then recomputed against the original baseline. Savings are counted on
simple fixes only, the tickets the model was fitted on. Only the tickets a change touches are
recomputed, so a what-if costs little even on a million tickets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from orgfriction.delay import DelayModel

__all__ = [
    "Change",
    "MergeSystems",
    "MergeTeams",
    "PlatformTeam",
    "RelaxSignoff",
    "SplitSystem",
    "Simulator",
    "TransferSystem",
    "WhatIf",
]


@dataclass(frozen=True)
class MergeTeams:
    """Merge two or more teams into one, named ``name`` (default: their names joined by ``+``)."""

    teams: tuple[str, ...]
    name: str | None = None
    kind = "merge_teams"

    @property
    def label(self) -> str:
        return self.name or "+".join(sorted(self.teams))


@dataclass(frozen=True)
class TransferSystem:
    """Move a system's ownership to ``to_team``."""

    system: str
    to_team: str
    kind = "transfer_system"


@dataclass(frozen=True)
class MergeSystems:
    """Put systems inside one boundary owned by ``owner``."""

    systems: tuple[str, ...]
    owner: str
    kind = "merge_systems"


@dataclass(frozen=True)
class SplitSystem:
    """Split a system into parts owned by ``teams``."""

    system: str
    teams: tuple[str, ...]
    kind = "split_system"


@dataclass(frozen=True)
class RelaxSignoff:
    """Drop ``team``'s sign-off on simple fixes."""

    team: str
    kind = "relax_signoff"


@dataclass(frozen=True)
class PlatformTeam:
    """Make ``team``'s work self-service: it drops out of simple fixes it does not own."""

    team: str
    kind = "platform_team"


Change = MergeTeams | TransferSystem | MergeSystems | SplitSystem | RelaxSignoff | PlatformTeam


@dataclass(frozen=True)
class WhatIf:
    """Before/after figures of a list of changes, and the tickets whose figures changed."""

    changes: tuple[Change, ...]
    before: dict[str, float]
    after: dict[str, float]
    #: ticket_id, is_simple, blocked/excess_days/cost_of_delay_usd before and after, days_saved,
    #: teams_required and signoffs_required before and after, for the tickets the changes touched
    tickets: pl.DataFrame
    years: float
    people_affected: int | None

    @property
    def simple_fixes_unblocked(self) -> int:
        return int(self.before["blocked_simple_fixes"] - self.after["blocked_simple_fixes"])

    @property
    def days_saved_per_year(self) -> float:
        return (self.before["excess_days_simple"] - self.after["excess_days_simple"]) / self.years

    @property
    def cost_of_delay_avoided_usd(self) -> float:
        """Per year, like ``days_saved_per_year``."""
        return (self.before["cost_of_delay_usd_simple"] - self.after["cost_of_delay_usd_simple"]) / self.years

    def effect(self) -> dict[str, Any]:
        return {
            "simple_fixes_unblocked": self.simple_fixes_unblocked,
            "days_saved_per_year": self.days_saved_per_year,
            "cost_of_delay_avoided_usd": self.cost_of_delay_avoided_usd,
            "people_affected": self.people_affected,
        }


@dataclass(frozen=True)
class Simulator:
    """Everything a what-if needs from an analysis; built by ``orgfriction.analyze``."""

    #: per-ticket metrics (ticket_id, owner_team, is_simple, open, lead_time_days, impact_usd, ...)
    tickets: pl.DataFrame
    memberships: pl.DataFrame
    approvals: pl.DataFrame
    boundaries: pl.DataFrame
    ticket_systems: pl.DataFrame
    systems: pl.DataFrame
    headcounts: dict[str, int]
    model: DelayModel | None
    baseline_days: float | None
    blocked_factor: float
    years: float
    before: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "before", _totals(self.tickets))

    def run(self, changes: list[Change] | tuple[Change, ...]) -> WhatIf:
        """Apply ``changes`` in order and return the before/after figures."""
        changes = tuple(changes)
        self._check(changes)
        affected = self._affected(changes)
        tickets = self.tickets.join(affected, on="ticket_id", how="semi")
        members = self.memberships.join(affected, on="ticket_id", how="semi").with_columns(
            pl.col("team").alias("team_orig")
        )
        approvals = self.approvals.join(affected, on="ticket_id", how="semi").with_columns(
            pl.col("approver").alias("approver_orig")
        )
        owners = tickets.select("ticket_id", "is_simple", pl.col("owner_team").alias("owner"))
        systems = dict(self.systems.drop_nulls("owner_team").select("system", "owner_team").iter_rows())
        touched = self.ticket_systems.join(affected, on="ticket_id", how="semi")
        for change in changes:
            members, approvals, owners, systems = _apply(change, members, approvals, owners, systems, touched)
        after = self._recompute(tickets, members, approvals, owners)
        totals_after = {
            key: self.before[key] - _totals(tickets)[key] + _totals(after)[key] for key in self.before
        }
        return WhatIf(
            changes=changes,
            before=self.before,
            after=totals_after,
            tickets=after,
            years=self.years,
            people_affected=self._people(changes),
        )

    # --- internals ---------------------------------------------------------------------------

    @cached_property
    def _known_teams(self) -> frozenset[str]:
        named = pl.concat([self.memberships["team"].unique(), self.approvals["approver"].unique()])
        return frozenset(self.headcounts) | frozenset(named.to_list())

    @cached_property
    def _known_systems(self) -> frozenset[str]:
        named = pl.concat([self.systems["system"], self.ticket_systems["system"]]).unique()
        return frozenset(named.to_list())

    def _check(self, changes: tuple[Change, ...]) -> None:
        for change in changes:
            for team in _teams_named(change):
                if team not in self._known_teams:
                    msg = f"{change.kind}: unknown team {team!r}."
                    raise ValueError(msg)
            for system in _systems_named(change):
                if system not in self._known_systems:
                    msg = f"{change.kind}: unknown system {system!r}."
                    raise ValueError(msg)

    def _affected(self, changes: tuple[Change, ...]) -> pl.DataFrame:
        teams = {t for c in changes for t in _teams_named(c)}
        systems = {s for c in changes for s in _systems_named(c)}
        owners_of = set(self.systems.filter(pl.col("system").is_in(list(systems)))["owner_team"].drop_nulls())
        teams |= owners_of
        return pl.concat(
            [
                self.memberships.filter(pl.col("team").is_in(list(teams))).select("ticket_id"),
                self.approvals.filter(pl.col("approver").is_in(list(teams))).select("ticket_id"),
                self.ticket_systems.filter(pl.col("system").is_in(list(systems))).select("ticket_id"),
            ]
        ).unique()

    def _recompute(
        self, tickets: pl.DataFrame, members: pl.DataFrame, approvals: pl.DataFrame, owners: pl.DataFrame
    ) -> pl.DataFrame:
        teams_after = members.group_by("ticket_id").agg(pl.col("team").n_unique().alias("teams_after"))
        signoffs_after = (
            approvals.join(owners.select("ticket_id", "owner"), on="ticket_id", how="left")
            .filter(pl.col("approver") != pl.col("owner").fill_null(""))
            .group_by("ticket_id")
            .agg(pl.col("approver").n_unique().alias("signoffs_after"))
        )
        removed_b, removed_a = self._removed(tickets, members, approvals, owners)
        if self.model is not None:
            saved = self.model.savings(removed_b, removed_a)
            floor = self.model.intercept_days
        else:
            saved = pl.DataFrame(schema={"ticket_id": pl.String, "days_saved": pl.Float64})
            floor = 0.0
        frame = (
            tickets.join(teams_after, on="ticket_id", how="left")
            .join(signoffs_after, on="ticket_id", how="left")
            .join(saved, on="ticket_id", how="left")
            .with_columns(
                pl.col("teams_after").fill_null(0).cast(pl.Int64),
                pl.col("signoffs_after").fill_null(0).cast(pl.Int64),
                pl.col("days_saved").fill_null(0.0),
            )
            .with_columns(
                ((pl.col("teams_after") >= 2) | (pl.col("signoffs_after") >= 1)).alias("coordinated_after"),
                pl.max_horizontal(
                    pl.col("lead_time_days") - pl.col("days_saved"),
                    pl.min_horizontal(pl.col("lead_time_days"), pl.lit(floor)),
                ).alias("lead_after"),
            )
        )
        if self.model is not None and self.baseline_days is not None:
            base = self.baseline_days
            blocked = pl.col("coordinated_after") & (pl.col("lead_after") > self.blocked_factor * base)
            excess = (pl.col("lead_after") - base).clip(lower_bound=0.0)
        else:
            blocked, excess = pl.col("coordinated_after"), pl.lit(0.0)
        return (
            frame.with_columns(
                (pl.col("is_simple") & blocked).alias("blocked"),
                excess.alias("excess_days"),
                pl.col("teams_after").alias("teams_required"),
                pl.col("signoffs_after").alias("signoffs_required"),
                pl.col("coordinated_after").alias("coordinated"),
                pl.col("lead_after").alias("lead_time_days"),
            )
            .with_columns((pl.col("impact_usd") / 365.0 * pl.col("excess_days")).alias("cost_of_delay_usd"))
            .select(tickets.columns)
            .join(
                tickets.select(
                    "ticket_id",
                    pl.col("blocked").alias("blocked_before"),
                    pl.col("excess_days").alias("excess_days_before"),
                    pl.col("cost_of_delay_usd").alias("cost_of_delay_usd_before"),
                    pl.col("teams_required").alias("teams_required_before"),
                    pl.col("signoffs_required").alias("signoffs_required_before"),
                ),
                on="ticket_id",
            )
            .join(saved, on="ticket_id", how="left")
            .with_columns(pl.col("days_saved").fill_null(0.0))
        )

    def _removed(
        self, tickets: pl.DataFrame, members: pl.DataFrame, approvals: pl.DataFrame, owners: pl.DataFrame
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Boundaries and sign-offs of the original tickets that the changes took away.

        A boundary (anchor, team) survives when the team is still on the ticket under another
        label than the anchor's; several surviving boundaries to one merged team count once (the
        slowest is kept, so savings are not overstated).
        """
        before = self.boundaries.join(tickets.select("ticket_id"), on="ticket_id", how="semi")
        labels = members.select("ticket_id", "team_orig", pl.col("team").alias("label"))
        anchor_label = before.join(
            tickets.select("ticket_id", "owner_team"), on="ticket_id", how="left"
        ).with_columns(
            # the anchor is the owner, or the other end of the boundary's first team by name
            pl.when(pl.col("owner_team").is_not_null())
            .then(pl.col("owner_team"))
            .otherwise(pl.min_horizontal("team_a", "team_b"))
            .alias("anchor")
        )
        edges = anchor_label.with_columns(
            pl.when(pl.col("team_a") == pl.col("anchor"))
            .then(pl.col("team_b"))
            .otherwise(pl.col("team_a"))
            .alias("other")
        )
        edges = (
            edges.join(
                labels.rename({"team_orig": "other", "label": "other_label"}),
                on=["ticket_id", "other"],
                how="left",
            )
            .join(
                labels.rename({"team_orig": "anchor", "label": "anchor_label"}),
                on=["ticket_id", "anchor"],
                how="left",
            )
            .join(owners.select("ticket_id", "owner"), on="ticket_id", how="left")
            .with_columns(pl.coalesce("anchor_label", "owner").alias("anchor_label"))
        )
        effect = self._boundary_effect()
        alive = (
            edges.filter(
                pl.col("other_label").is_not_null() & (pl.col("other_label") != pl.col("anchor_label"))
            )
            .join(effect, on=["team_a", "team_b"], how="left")
            .sort("effect", descending=True, nulls_last=True)
            .unique(["ticket_id", "other_label"], keep="first", maintain_order=True)
        )
        removed_b = edges.join(
            alive.select("ticket_id", "team_a", "team_b"), on=["ticket_id", "team_a", "team_b"], how="anti"
        )
        approvals_before = self.approvals.join(tickets.select("ticket_id"), on="ticket_id", how="semi")
        alive_a = (
            approvals.join(owners.select("ticket_id", "owner"), on="ticket_id", how="left")
            .filter(pl.col("approver") != pl.col("owner").fill_null(""))
            .unique(["ticket_id", "approver"], keep="first", maintain_order=True)
            .select("ticket_id", pl.col("approver_orig").alias("approver"))
        )
        removed_a = approvals_before.join(alive_a, on=["ticket_id", "approver"], how="anti")
        return removed_b.select("ticket_id", "team_a", "team_b"), removed_a

    def _boundary_effect(self) -> pl.DataFrame:
        if self.model is None:
            return pl.DataFrame(schema={"team_a": pl.String, "team_b": pl.String, "effect": pl.Float64})
        return self.model.boundary_effects.select("team_a", "team_b", pl.col("effect_days").alias("effect"))

    def _people(self, changes: tuple[Change, ...]) -> int | None:
        teams: set[str] = set()
        for change in changes:
            teams |= set(_teams_named(change))
            if isinstance(change, TransferSystem | MergeSystems | SplitSystem):
                names = [change.system] if not isinstance(change, MergeSystems) else list(change.systems)
                teams |= set(self.systems.filter(pl.col("system").is_in(names))["owner_team"].drop_nulls())
        known = [self.headcounts[t] for t in teams if t in self.headcounts]
        return sum(known) if known else None


def _teams_named(change: Change) -> tuple[str, ...]:
    if isinstance(change, MergeTeams):
        return change.teams
    if isinstance(change, TransferSystem):
        return (change.to_team,)
    if isinstance(change, MergeSystems):
        return (change.owner,)
    if isinstance(change, SplitSystem):
        return change.teams
    return (change.team,)


def _systems_named(change: Change) -> tuple[str, ...]:
    if isinstance(change, TransferSystem | SplitSystem):
        return (change.system,)
    if isinstance(change, MergeSystems):
        return change.systems
    return ()


def _apply(
    change: Change,
    members: pl.DataFrame,
    approvals: pl.DataFrame,
    owners: pl.DataFrame,
    systems: dict[str, str],
    touched: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """One change on the current labels of who works on, signs off and owns what."""
    if isinstance(change, MergeTeams):
        current = set(members.filter(pl.col("team_orig").is_in(list(change.teams)))["team"]) | set(
            change.teams
        )
        relabel = (
            pl.when(pl.col("_t").is_in(list(current))).then(pl.lit(change.label)).otherwise(pl.col("_t"))
        )

        def rename(frame: pl.DataFrame, column: str) -> pl.DataFrame:
            return (
                frame.with_columns(pl.col(column).alias("_t")).with_columns(relabel.alias(column)).drop("_t")
            )

        systems = {s: (change.label if o in current else o) for s, o in systems.items()}
        return rename(members, "team"), rename(approvals, "approver"), rename(owners, "owner"), systems
    if isinstance(change, RelaxSignoff):
        simple = owners.filter("is_simple").select("ticket_id")
        dropped = approvals.filter(pl.col("approver_orig") == change.team).join(
            simple, on="ticket_id", how="semi"
        )
        return members, _approvals_without(approvals, dropped), owners, systems
    if isinstance(change, PlatformTeam):
        rows = members.join(owners, on="ticket_id").filter(
            (pl.col("team_orig") == change.team)
            & pl.col("is_simple")
            & (pl.col("team") != pl.col("owner").fill_null(""))
        )
        kept = members.join(rows.select("ticket_id", "team_orig"), on=["ticket_id", "team_orig"], how="anti")
        return kept, approvals, owners, systems
    if isinstance(change, MergeSystems):
        for system in change.systems:
            members, approvals, owners, systems = _apply(
                TransferSystem(system, change.owner), members, approvals, owners, systems, touched
            )
        return members, approvals, owners, systems
    if isinstance(change, TransferSystem):
        new_owner = _label_of(change.to_team, members)
        old_owner = systems.get(change.system)
        systems = {**systems, change.system: new_owner}
        if old_owner is None or old_owner == new_owner:
            return members, approvals, owners, systems
        tickets = touched.filter(pl.col("system") == change.system).select("ticket_id")
        with_new = members.filter(pl.col("team") == new_owner).select("ticket_id")
        candidates = tickets.join(with_new, on="ticket_id", how="semi")
        # work follows ownership: a ticket that now changes only the new owner's systems is its
        # ticket, even when the old owner had owned it
        not_new = [s for s, o in systems.items() if o != new_owner]
        all_new = candidates.join(touched.filter(pl.col("system").is_in(not_new)), on="ticket_id", how="anti")
        leaving = pl.concat(
            [
                _only_here(candidates, old_owner, members, owners, systems, touched),
                _only_here(all_new, old_owner, members, owners, systems, touched, owner_may_leave=True),
            ]
        ).unique()
        owners = owners.with_columns(
            pl.when(
                pl.col("ticket_id").is_in(leaving["ticket_id"].implode()) & (pl.col("owner") == old_owner)
            )
            .then(pl.lit(new_owner))
            .otherwise(pl.col("owner"))
            .alias("owner")
        )
        return _drop_team(members, leaving, old_owner), approvals, owners, systems
    # SplitSystem
    parts = {_label_of(t, members) for t in change.teams}
    old_owner = systems.get(change.system)
    tickets = (
        touched.filter(pl.col("system") == change.system)
        .join(owners.filter(pl.col("owner").is_in(list(parts))), on="ticket_id", how="semi")
        .select("ticket_id")
    )
    for team in parts | ({old_owner} if old_owner else set()):
        leaving = _only_here(tickets, team, members, owners, systems, touched, ignore=change.system)
        members = _drop_team(members, leaving, team)
    return members, approvals, owners, systems


def _approvals_without(approvals: pl.DataFrame, dropped: pl.DataFrame) -> pl.DataFrame:
    return approvals.join(
        dropped.select("ticket_id", "approver_orig"), on=["ticket_id", "approver_orig"], how="anti"
    )


def _label_of(team: str, members: pl.DataFrame) -> str:
    found = members.filter(pl.col("team_orig") == team)["team"]
    return str(found[0]) if found.len() else team


def _only_here(
    tickets: pl.DataFrame,
    team: str,
    members: pl.DataFrame,
    owners: pl.DataFrame,
    systems: dict[str, str],
    touched: pl.DataFrame,
    *,
    ignore: str | None = None,
    owner_may_leave: bool = False,
) -> pl.DataFrame:
    """Of ``tickets``, those where ``team`` works, does not own the ticket (unless
    ``owner_may_leave``), and owns no other system the ticket changed (besides ``ignore``)."""
    owned = [s for s, o in systems.items() if o == team and s != ignore]
    other_reasons = touched.filter(pl.col("system").is_in(owned)).select("ticket_id")
    found = tickets.join(
        members.filter(pl.col("team") == team).select("ticket_id"), on="ticket_id", how="semi"
    )
    if not owner_may_leave:
        found = found.join(
            owners.filter(pl.col("owner") == team).select("ticket_id"), on="ticket_id", how="anti"
        )
    return found.join(other_reasons, on="ticket_id", how="anti").select("ticket_id").unique()


def _drop_team(members: pl.DataFrame, tickets: pl.DataFrame, team: str) -> pl.DataFrame:
    leaving = tickets.with_columns(pl.lit(team).alias("team"))
    return members.join(leaving, on=["ticket_id", "team"], how="anti")


def _totals(tickets: pl.DataFrame) -> dict[str, float]:
    simple = tickets.filter("is_simple")
    return {
        "coordinated_simple_fixes": float(simple["coordinated"].sum()),
        "blocked_simple_fixes": float(simple["blocked"].sum()),
        "excess_days_simple": float(simple["excess_days"].sum()),
        "cost_of_delay_usd_simple": float(simple["cost_of_delay_usd"].fill_null(0.0).sum()),
    }
