"""A straightforward pandas + Python-loop implementation of the per-ticket metrics and team pairs.

Written the way an analyst would write it in a notebook, independently of orgfriction's polars
code, from the definitions in the README. It serves twice: ``tests/test_reference.py`` checks that
both implementations agree on the sample company, and ``benchmarks/bench_analyze.py`` times both.
It reads well-formed canonical CSVs only (no validation).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import pandas as pd


def reference_metrics(folder: Path, **settings: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (tickets, team_pairs) as pandas frames, read from a dataset folder."""
    return reference_compute(*reference_read(folder), **settings)


def reference_read(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The columns the metrics need: tickets, ticket_teams, signoffs, handoffs."""
    tickets = pd.read_csv(
        folder / "tickets.csv",
        usecols=["ticket_id", "created_at", "resolved_at", "owner_team", "effort_days", "impact_usd"],
        dtype={"ticket_id": str, "owner_team": str},
        parse_dates=["created_at", "resolved_at"],
    )
    ticket_teams = pd.read_csv(folder / "ticket_teams.csv", dtype=str)
    signoffs = _optional(folder / "signoffs.csv", ["ticket_id", "team", "requested_at", "decided_at"])
    handoffs = _optional(folder / "handoffs.csv", ["ticket_id", "at"])
    return tickets, ticket_teams, signoffs, handoffs


def reference_compute(
    tickets: pd.DataFrame,
    ticket_teams: pd.DataFrame,
    signoffs: pd.DataFrame,
    handoffs: pd.DataFrame,
    *,
    simple_effort_days: float = 2.0,
    blocked_factor: float = 2.0,
    baseline_min_tickets: int = 10,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-ticket metrics and team pairs from the frames of :func:`reference_read`."""
    tickets = tickets.copy()
    owner_of = dict(zip(tickets["ticket_id"], tickets["owner_team"], strict=True))
    teams: dict[str, set[str]] = {t: ({o} if isinstance(o, str) else set()) for t, o in owner_of.items()}
    for ticket, team in zip(ticket_teams["ticket_id"], ticket_teams["team"], strict=True):
        teams[ticket].add(team)
    approvers: dict[str, set[str]] = defaultdict(set)
    for ticket, team in zip(signoffs["ticket_id"], signoffs["team"], strict=True):
        if team != owner_of[ticket]:
            approvers[ticket].add(team)

    ids = tickets["ticket_id"]
    tickets["teams_required"] = [len(teams[t]) for t in ids]
    tickets["signoffs_required"] = [len(approvers.get(t, ())) for t in ids]
    tickets["is_simple"] = tickets["effort_days"].le(simple_effort_days).fillna(False)
    tickets["coordinated"] = (tickets["teams_required"] >= 2) | (tickets["signoffs_required"] >= 1)

    stamps = [tickets["created_at"], tickets["resolved_at"]]
    stamps += [pd.to_datetime(signoffs[c]) for c in ("requested_at", "decided_at")]
    stamps.append(pd.to_datetime(handoffs["at"]))
    as_of = max(s.max() for s in stamps if s.notna().any())
    tickets["open"] = tickets["resolved_at"].isna()
    end = tickets["resolved_at"].fillna(as_of)
    tickets["lead_time_days"] = (end - tickets["created_at"]).dt.total_seconds() / 86400

    resolved_simple = tickets[~tickets["open"] & tickets["is_simple"]]
    uncoordinated = resolved_simple[~resolved_simple["coordinated"]]
    chosen = uncoordinated if len(uncoordinated) >= baseline_min_tickets else resolved_simple
    baseline = chosen["lead_time_days"].median()
    tickets["excess_days"] = (tickets["lead_time_days"] - baseline).clip(lower=0)
    tickets["blocked"] = (
        tickets["is_simple"]
        & tickets["coordinated"]
        & (tickets["lead_time_days"] > blocked_factor * baseline)
    )
    tickets["cost_of_delay_usd"] = tickets["impact_usd"] / 365 * tickets["excess_days"]

    shared: Counter[tuple[str, str]] = Counter()
    shared_simple: Counter[tuple[str, str]] = Counter()
    blocked_simple: Counter[tuple[str, str]] = Counter()
    for ticket, simple, blocked in zip(ids, tickets["is_simple"], tickets["blocked"], strict=True):
        for pair in combinations(sorted(teams[ticket]), 2):
            shared[pair] += 1
            shared_simple[pair] += simple
            blocked_simple[pair] += blocked
    pairs = pd.DataFrame(
        [(a, b, n, shared_simple[(a, b)], blocked_simple[(a, b)]) for (a, b), n in shared.items()],
        columns=["team_a", "team_b", "shared_tickets", "shared_simple", "blocked_simple"],
    ).sort_values(["team_a", "team_b"], ignore_index=True)
    return tickets, pairs


def _optional(path: Path, columns: list[str]) -> pd.DataFrame:
    if path.exists():
        return pd.read_csv(path, usecols=columns, dtype=str)
    return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
