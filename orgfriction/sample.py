"""A realistic sample company with planted friction, generated deterministically from a seed.

The company has org units, teams with headcounts, systems with owners, and two years of tickets
whose effort, impact and occurrences are lognormal. Most tickets are ordinary; a known share are
*planted*: scenarios that a correct analysis must find (recurring blocking clusters, a slow
approver, a misowned system, two small tightly coupled teams, a fragmented system, two systems that
always change together) and decoys it must not be fooled by (a pair that is coupled but fast, a
pair that is slow in one burst quarter only). What was planted is returned as ``truth`` and
written to ``planted_truth.json`` beside the data.

Everything is vectorised with NumPy and polars: a million tickets take seconds, not minutes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from orgfriction.errors import ConfigError
from orgfriction.io import atomic_output_dir, write_frames

__all__ = ["SampleCompany", "generate_sample", "write_sample"]

START = datetime(2024, 1, 1)
END = datetime(2026, 1, 1)
SPAN_DAYS = (END - START).days
TRUTH_FILE = "planted_truth.json"
MIN_TEAMS = 24
MIN_TICKETS = 200

# The teams that play a part in a planted scenario: (team, org unit, headcount).
_SPECIAL_TEAMS = (
    ("checkout-web", "Checkout", 7),
    ("payments-api", "Payments", 8),
    ("pricing-engine", "Pricing", 6),
    ("search-ranking", "Search", 6),
    ("catalog-data", "Catalog", 7),
    ("notifications-email", "Notifications", 3),
    ("notifications-push", "Notifications", 4),
    ("growth-web", "Growth", 6),
    ("identity-accounts", "Identity", 7),
    ("web-platform", "Web", 8),
    ("design-system", "Web", 5),
    ("logistics-tracking", "Logistics", 6),
    ("support-tools", "Support", 5),
    ("brand-compliance", "Legal", 4),
    ("security-review", "Security", 5),
    ("identity-profile", "Identity", 6),
    ("orders-core", "Orders", 7),
    ("billing-docs", "Billing", 5),
)
_EXTRA_UNITS = ("Mobile", "Data", "Marketplace", "Platform", "Marketing", "Partners")
_TEAM_SUFFIXES = (
    "core",
    "apps",
    "insights",
    "tools",
    "ops",
    "experience",
    "infra",
    "quality",
    "integrations",
    "services",
)

# Scenarios, each with its share of all tickets. 0 is ordinary work.
(
    GENERIC,
    CLUSTER_A,
    CLUSTER_B,
    SMALL_PAIR,
    MISOWNED,
    BUSY_DECOY,
    BURST_DECOY,
    FRAGMENTED,
    CO_CHANGE,
) = range(9)
_SCENARIO_SHARE = {
    CLUSTER_A: 0.035,
    CLUSTER_B: 0.025,
    SMALL_PAIR: 0.025,
    MISOWNED: 0.025,
    BUSY_DECOY: 0.035,
    BURST_DECOY: 0.02,
    FRAGMENTED: 0.02,
    CO_CHANGE: 0.02,
}
_SCENARIO_TEAMS = {
    CLUSTER_A: ("checkout-web", "payments-api", "pricing-engine"),
    CLUSTER_B: ("search-ranking", "catalog-data"),
    SMALL_PAIR: ("notifications-email", "notifications-push"),
    MISOWNED: ("growth-web", "identity-accounts"),
    BUSY_DECOY: ("web-platform", "design-system"),
    BURST_DECOY: ("logistics-tracking", "support-tools"),
    CO_CHANGE: ("orders-core", "billing-docs"),
}
# Median extra days a planted scenario adds to a ticket's lead time (lognormal, sigma 0.5).
_SCENARIO_DELAY = {
    CLUSTER_A: 12.0,
    CLUSTER_B: 10.0,
    SMALL_PAIR: 9.0,
    MISOWNED: 9.0,
    FRAGMENTED: 5.0,
    CO_CHANGE: 8.0,
    BURST_DECOY: 18.0,
}
BURST_QUARTER = (datetime(2025, 4, 1), datetime(2025, 7, 1))
SLOW_APPROVER, NORMAL_APPROVER = "brand-compliance", "security-review"
LEGACY_TEAM = "legacy-cms"  # an owner that no longer exists in teams: not a known team

_AREAS = np.array(
    [
        "Checkout",
        "Cart",
        "Search results",
        "Product page",
        "Login",
        "Sign-up",
        "Order history",
        "Invoice",
        "Delivery tracking",
        "Push notification",
        "Order e-mail",
        "Pricing page",
        "Account settings",
        "Help centre",
        "Referral page",
        "Home page",
    ]
)
_ISSUES = np.array(
    [
        "button label is cut off on mobile",
        "wrong currency shown",
        "copy is confusing",
        "page loads slowly",
        "error message is unclear",
        "link goes to a 404",
        "date shown in the wrong format",
        "discount not applied",
        "translation missing",
        "duplicate e-mail sent",
        "image does not load",
        "form rejects valid input",
    ]
)
_SEGMENTS = np.array(
    [
        "Returning customers",
        "First-time buyers",
        "Mobile users",
        "Business customers",
        "Customers in Germany",
        "Customers paying by card",
    ]
)
_FIXES = np.array(
    [
        "Shorten the label and allow wrapping",
        "Use the customer's locale for the currency",
        "Rewrite the copy in plain language",
        "Cache the response for five minutes",
        "Show the field that failed and why",
        "Point the link at the new help page",
        "Format dates with the locale setting",
        "Apply the discount before tax",
        "Add the missing translation keys",
        "De-duplicate sends by order id",
        "Serve the image from the asset store",
        "Accept the documented input formats",
    ]
)


@dataclass(frozen=True)
class SampleCompany:
    """The generated tables (canonical names) and the planted truth."""

    frames: dict[str, pl.DataFrame]
    truth: dict[str, Any]


def generate_sample(*, n_teams: int = 40, n_tickets: int = 5000, seed: int = 7) -> SampleCompany:
    """Generate a sample company; the same arguments always give the same data.

    Examples
    --------
    >>> company = generate_sample(n_teams=24, n_tickets=300, seed=1)
    >>> company.frames["tickets"].height, company.frames["teams"].height
    (300, 24)
    >>> company.truth["slow_approver"]["team"]
    'brand-compliance'
    """
    if n_teams < MIN_TEAMS:
        msg = f"--teams must be at least {MIN_TEAMS} (the planted scenarios need that many), got {n_teams}."
        raise ConfigError(msg)
    if n_tickets < MIN_TICKETS:
        msg = f"--tickets must be at least {MIN_TICKETS}, got {n_tickets}."
        raise ConfigError(msg)
    rng = np.random.default_rng(seed)
    teams = _teams(n_teams, rng)
    names = teams["team"].to_numpy()
    index = {name: i for i, name in enumerate(names)}
    fragment_teams = [
        index["identity-profile"],
        *range(len(_SPECIAL_TEAMS), len(_SPECIAL_TEAMS) + 5),
    ]
    systems, primary_system = _systems(names, rng)

    t = _tickets(n_tickets, teams, index, fragment_teams, rng)
    signoffs, signoff_done = _signoffs(t, names, index, rng)
    lead = np.maximum(t["work_days"], signoff_done + rng.uniform(0.05, 0.5, n_tickets))
    lead = np.where(t["parked"], np.inf, lead)
    created_min = t["created_min"]
    resolved_min = created_min + np.ceil(lead * 1440)
    end_min = SPAN_DAYS * 1440
    is_open = resolved_min > end_min
    frames = {
        "tickets": _ticket_frame(t, names, np.where(is_open, -1, resolved_min), rng),
        "ticket_teams": _ticket_teams_frame(t, names, rng),
        "signoffs": signoffs,
        "teams": teams,
        "systems": systems,
        "ticket_systems": _ticket_systems_frame(t, names, primary_system, index, rng),
        "handoffs": _handoffs_frame(t, names, np.minimum(lead, (end_min - created_min) / 1440), rng),
    }
    truth = _truth(n_teams, n_tickets, seed, [str(names[i]) for i in fragment_teams], t["scenario"])
    return SampleCompany(frames, truth)


def write_sample(out: Path, *, n_teams: int = 40, n_tickets: int = 5000, seed: int = 7) -> SampleCompany:
    """Generate a sample company and write it, with ``planted_truth.json``, to ``out`` atomically."""
    company = generate_sample(n_teams=n_teams, n_tickets=n_tickets, seed=seed)
    with atomic_output_dir(out) as staging:
        write_frames(company.frames, staging)
        (staging / TRUTH_FILE).write_text(json.dumps(company.truth, indent=2) + "\n", encoding="utf-8")
    return company


# --- organisation --------------------------------------------------------------------------------


def _teams(n_teams: int, rng: np.random.Generator) -> pl.DataFrame:
    special_units = list(dict.fromkeys(unit for _, unit, _ in _SPECIAL_TEAMS))
    units = special_units + list(_EXTRA_UNITS)
    n_generic = n_teams - len(_SPECIAL_TEAMS)
    units += [f"Division {k + 1}" for k in range(max(0, math.ceil(n_generic / 6) - len(units)))]
    taken = {name for name, _, _ in _SPECIAL_TEAMS}
    generic = []
    for i in range(n_generic):
        unit = units[i % len(units)]
        slug = unit.lower().replace(" ", "-")
        suffix = _TEAM_SUFFIXES[(i // len(units)) % len(_TEAM_SUFFIXES)]
        name = f"{slug}-{suffix}"
        k = 2
        while name in taken:
            name, k = f"{slug}-{suffix}-{k}", k + 1
        taken.add(name)
        generic.append((name, unit))
    headcounts = np.clip(rng.poisson(6, n_generic) + 2, 3, 14)
    return pl.DataFrame(
        {
            "team": [n for n, _, _ in _SPECIAL_TEAMS] + [n for n, _ in generic],
            "org_unit": [u for _, u, _ in _SPECIAL_TEAMS] + [u for _, u in generic],
            "headcount": [h for _, _, h in _SPECIAL_TEAMS] + headcounts.tolist(),
        },
        schema={"team": pl.String, "org_unit": pl.String, "headcount": pl.Int64},
    )


def _systems(names: np.ndarray, rng: np.random.Generator) -> tuple[pl.DataFrame, np.ndarray]:
    """Every team owns a ``-service``; some also a ``-ui``; four named systems play in scenarios."""
    primary = np.char.add(names.astype(str), "-service")
    has_ui = rng.random(len(names)) < 0.4
    special = {
        "referral-service": "identity-accounts",
        "customer-profile": "identity-profile",
        "order-history": "orders-core",
        "invoice-renderer": "billing-docs",
    }
    frame = pl.DataFrame(
        {
            "system": [
                *primary.tolist(),
                *np.char.add(names[has_ui].astype(str), "-ui").tolist(),
                *special,
            ],
            "owner_team": [*names.tolist(), *names[has_ui].tolist(), *special.values()],
        }
    )
    return frame, primary


# --- tickets -------------------------------------------------------------------------------------


def _lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> np.ndarray:
    return rng.lognormal(math.log(median), sigma, size)


def _tickets(
    n: int,
    teams: pl.DataFrame,
    index: dict[str, int],
    fragment_teams: list[int],
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Per-ticket arrays: scenario, owner (-1 none), up to three extra teams (-1 none), timing."""
    n_teams = teams.height
    shares = np.array([1 - sum(_SCENARIO_SHARE.values()), *_SCENARIO_SHARE.values()])
    scenario = rng.choice(len(shares), size=n, p=shares)

    headcount = teams["headcount"].to_numpy().astype(float)
    owner = rng.choice(n_teams, size=n, p=headcount / headcount.sum())
    n_extra = rng.choice(4, size=n, p=[0.72, 0.20, 0.06, 0.02])
    extra = (owner[:, None] + rng.integers(1, n_teams, size=(n, 3))) % n_teams  # never the owner
    extra = np.where(np.arange(3)[None, :] < n_extra[:, None], extra, -1)

    for code, members in _SCENARIO_TEAMS.items():
        rows = np.flatnonzero(scenario == code)
        ids = np.array([index[m] for m in members])
        pick = rng.integers(0, len(ids), size=rows.size)
        owner[rows] = ids[pick]
        others = np.stack([np.roll(ids, -k)[pick] for k in range(1, len(ids))], axis=1)
        if code == CLUSTER_A:  # each partner joins 80% of the time, at least one always
            joins = rng.random(others.shape) < 0.8
            joins[~joins.any(axis=1), 0] = True
            others = np.where(joins, others, -1)
        if code == MISOWNED:  # the driving team owns the work; the system's owner must join in
            owner[rows] = np.where(rng.random(rows.size) < 0.9, index["growth-web"], owner[rows])
            others[:, 0] = index["identity-accounts"]
        extra[rows] = -1
        extra[rows, : others.shape[1]] = others
    rows = np.flatnonzero(scenario == FRAGMENTED)
    frag = np.array(fragment_teams)
    order = np.argsort(rng.random((rows.size, frag.size)), axis=1)[:, :3]
    owner[rows] = frag[order[:, 0]]
    extra[rows] = -1
    extra[rows, 0] = frag[order[:, 1]]
    extra[rows, 1] = np.where(rng.random(rows.size) < 0.5, frag[order[:, 2]], -1)

    created_day = rng.uniform(0, SPAN_DAYS - 1, n)
    burst_rows = np.flatnonzero((scenario == BURST_DECOY) & (rng.random(n) < 0.55))
    burst_start, burst_end = ((d - START).days for d in BURST_QUARTER)
    created_day[burst_rows] = rng.uniform(burst_start, burst_end, burst_rows.size)
    created_min = np.floor(created_day * 1440)
    in_burst = (created_min >= burst_start * 1440) & (created_min < burst_end * 1440)

    planted = scenario != GENERIC
    effort = np.round(np.where(planted, _lognormal(rng, 1.3, 0.7, n), _lognormal(rng, 2.0, 0.9, n)) * 2) / 2
    effort = np.maximum(effort, 0.5)
    effort_for_timing = effort.copy()
    effort[rng.random(n) < 0.03] = np.nan
    effort[rng.random(n) < 0.01] = 0.0

    n_team_delays = (extra >= 0).sum(axis=1)
    team_delay = (np.where(extra >= 0, _lognormal(rng, 1.5, 0.8, 3 * n).reshape(n, 3), 0)).sum(axis=1)
    team_delay[scenario == BUSY_DECOY] = 0.0  # coupled, but the two teams work as one
    scenario_delay = np.zeros(n)
    for code, median in _SCENARIO_DELAY.items():
        rows = np.flatnonzero(scenario == code)
        scenario_delay[rows] = _lognormal(rng, median, 0.5, rows.size)
    scenario_delay[(scenario == BURST_DECOY) & ~in_burst] = 0.0
    work_days = (
        effort_for_timing * rng.uniform(0.8, 1.6, n)
        + _lognormal(rng, 1.2, 0.7, n)
        + team_delay
        + scenario_delay
    )

    owner_missing = (scenario == GENERIC) & (rng.random(n) < 0.02)
    legacy_owner = (scenario == GENERIC) & ~owner_missing & (rng.random(n) < 0.005)
    return {
        "scenario": scenario,
        "owner": owner,
        "extra": extra,
        "n_team_delays": n_team_delays,
        "owner_missing": owner_missing,
        "legacy_owner": legacy_owner,
        "created_min": created_min,
        "effort": effort,
        "work_days": work_days,
        "parked": (scenario == GENERIC) & (rng.random(n) < 0.01),  # abandoned: never resolved
    }


def _minutes_to_datetime(minutes: np.ndarray) -> pl.Series:
    """Minutes since START as timestamps; negative minutes mean "none"."""
    micros = np.where(minutes < 0, 0, minutes).astype(np.int64) * 60_000_000 + _epoch_us(START)
    series = pl.Series(micros).cast(pl.Datetime("us"))
    missing = np.flatnonzero(minutes < 0)
    return series.scatter(missing, None) if missing.size else series


def _epoch_us(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds()) * 1_000_000


def _ticket_ids(n: int) -> pl.Series:
    width = max(6, len(str(n)))
    return pl.select(pl.format("T-{}", pl.int_range(1, n + 1).cast(pl.String).str.zfill(width))).to_series()


def _ticket_frame(
    t: dict[str, np.ndarray], names: np.ndarray, resolved_min: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    n = t["scenario"].size
    area, issue, segment = (rng.integers(0, len(a), n) for a in (_AREAS, _ISSUES, _SEGMENTS))
    problem = np.char.add(
        np.char.add(np.char.add("On the ", np.char.lower(_AREAS[area])), ", "),
        np.char.add(np.char.add(_ISSUES[issue], "; reported by "), np.char.lower(_SEGMENTS[segment])),
    )
    vague = rng.random(n) < 0.05
    problem = np.where(vague, np.array(["Broken.", "Doesn't work", "See title", "Bug"])[issue % 4], problem)
    impact = np.round(_lognormal(rng, 6000, 1.1, n), -1)
    impact[rng.random(n) < 0.03] = np.nan
    impact[rng.random(n) < 0.01] = 0.0
    occurrences = np.maximum(1, np.floor(_lognormal(rng, 4, 1.1, n)))
    occurrences[rng.random(n) < 0.02] = np.nan
    frame = pl.DataFrame(
        {
            "ticket_id": _ticket_ids(n),
            "title": np.char.add(np.char.add(_AREAS[area], ": "), _ISSUES[issue]),
            "created_at": _minutes_to_datetime(t["created_min"]),
            "resolved_at": _minutes_to_datetime(resolved_min),
            "owner_team": names[t["owner"]],
            "_owner_missing": t["owner_missing"],
            "_legacy_owner": t["legacy_owner"],
            "effort_days": pl.Series(t["effort"], nan_to_null=True),
            "impact_usd": pl.Series(impact, nan_to_null=True),
            "occurrences": pl.Series(occurrences, nan_to_null=True).cast(pl.Int64),
            "problem": problem,
            "suggested_fix": _FIXES[issue],
            "_fix_missing": rng.random(n) < 0.05,
            "evidence_url": rng.integers(10**8, 10**9, n),
            "_evidence_missing": rng.random(n) < 0.06,
            "_screenshot": rng.random(n) < 0.4,
        },
        strict=False,
    )
    url = (
        pl.when(pl.col("_evidence_missing"))
        .then(None)
        .when(pl.col("_screenshot"))
        .then(pl.format("https://files.example.com/screens/{}.png", "evidence_url"))
        .otherwise(pl.format("https://replay.example.com/session/{}", "evidence_url"))
    )
    owner = (
        pl.when(pl.col("_owner_missing"))
        .then(None)
        .when(pl.col("_legacy_owner"))
        .then(pl.lit(LEGACY_TEAM))
        .otherwise(pl.col("owner_team"))
    )
    fix = pl.when(~pl.col("_fix_missing")).then(pl.col("suggested_fix"))
    return frame.with_columns(evidence_url=url, owner_team=owner, suggested_fix=fix).select(
        pl.exclude("^_.*$")
    )


def _ticket_teams_frame(
    t: dict[str, np.ndarray], names: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """Extra teams always; the owner itself for about half the tickets (the owner is implied)."""
    n = t["scenario"].size
    ids = _ticket_ids(n).to_numpy()
    list_owner = (rng.random(n) < 0.5) | t["owner_missing"] | t["legacy_owner"]
    rows = [np.flatnonzero(list_owner)]
    teams = [t["owner"][rows[0]]]
    for k in range(3):
        r = np.flatnonzero(t["extra"][:, k] >= 0)
        rows.append(r)
        teams.append(t["extra"][r, k])
    row, team = np.concatenate(rows), np.concatenate(teams)
    order = np.argsort(row, kind="stable")
    return pl.DataFrame({"ticket_id": ids[row[order]], "team": names[team[order]]}).unique(
        maintain_order=True
    )


def _signoffs(
    t: dict[str, np.ndarray], names: np.ndarray, index: dict[str, int], rng: np.random.Generator
) -> tuple[pl.DataFrame, np.ndarray]:
    """Sign-off requests and decisions; returns the frame and, per ticket, days until the last decision."""
    n = t["scenario"].size
    ids = _ticket_ids(n).to_numpy()
    # (team index per ticket, probability, median wait days, outcome probabilities)
    other = (t["owner"] + rng.integers(1, len(names), n)) % len(names)
    kinds = [
        (np.full(n, index[SLOW_APPROVER]), 0.12, 9.0, (0.95, 0.01, 0.04)),
        (np.full(n, index[NORMAL_APPROVER]), 0.08, 1.0, (0.85, 0.05, 0.10)),
        (other, 0.06, 2.0, (0.90, 0.03, 0.07)),
    ]
    end_min = SPAN_DAYS * 1440
    done = np.zeros(n)
    parts = []
    for team, probability, median_wait, outcome_p in kinds:
        asked = (rng.random(n) < probability) & (team != t["owner"])
        rows = np.flatnonzero(asked)
        requested = t["created_min"][rows] + np.floor(rng.uniform(0, 0.5, rows.size) * 1440)
        wait = _lognormal(rng, median_wait, 0.5, rows.size)
        decided = requested + np.ceil(wait * 1440)
        done[rows] = np.maximum(done[rows], (decided - t["created_min"][rows]) / 1440)
        outcome = np.array(["approved", "rejected", "changes_requested"])[
            rng.choice(3, size=rows.size, p=outcome_p)
        ]
        pending = decided > end_min
        parts.append(
            pl.DataFrame(
                {
                    "_row": rows,
                    "ticket_id": ids[rows],
                    "team": names[team[rows]],
                    "requested_at": _minutes_to_datetime(requested),
                    "decided_at": _minutes_to_datetime(np.where(pending, -1, decided)),
                    "outcome": np.where(pending, "pending", outcome),
                }
            )
        )
    frame = pl.concat(parts).sort("_row", maintain_order=True).drop("_row")
    return frame, done


def _ticket_systems_frame(
    t: dict[str, np.ndarray],
    names: np.ndarray,
    primary: np.ndarray,
    index: dict[str, int],
    rng: np.random.Generator,
) -> pl.DataFrame:
    n = t["scenario"].size
    ids = _ticket_ids(n).to_numpy()
    scenario = t["scenario"]
    named = {
        MISOWNED: ["referral-service"],
        FRAGMENTED: ["customer-profile"],
        CO_CHANGE: ["order-history", "invoice-renderer"],
    }
    rows, systems = [], []
    uses_team_systems = ~np.isin(scenario, list(named))
    r = np.flatnonzero(uses_team_systems & (rng.random(n) < 0.9))
    rows.append(r)
    systems.append(primary[t["owner"][r]])
    for k in range(3):
        r = np.flatnonzero(uses_team_systems & (t["extra"][:, k] >= 0) & (rng.random(n) < 0.7))
        rows.append(r)
        systems.append(primary[t["extra"][r, k]])
    for code, system_names in named.items():
        r = np.flatnonzero(scenario == code)
        for name in system_names:
            rows.append(r)
            systems.append(np.full(r.size, name))
    # Silent changes: the owner also edits another team's service without that team on the ticket,
    # an unmet coordination requirement for the congruence analysis to find.
    on_ticket = np.concatenate([t["owner"][:, None], t["extra"]], axis=1)
    silent_team = rng.integers(0, names.size, n)
    silent = (
        (scenario == GENERIC)
        & ~t["owner_missing"]
        & ~(on_ticket == silent_team[:, None]).any(axis=1)
        & (rng.random(n) < 0.04)
    )
    r = np.flatnonzero(silent)
    rows.append(r)
    systems.append(primary[silent_team[r]])
    row, system = np.concatenate(rows), np.concatenate(systems)
    order = np.argsort(row, kind="stable")
    return pl.DataFrame({"ticket_id": ids[row[order]], "system": system[order]}).unique(maintain_order=True)


def _handoffs_frame(
    t: dict[str, np.ndarray], names: np.ndarray, lead_days: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """Owner → first partner and back; some tickets bounce twice (ping-pong)."""
    n = t["scenario"].size
    ids = _ticket_ids(n).to_numpy()
    partner = t["extra"][:, 0]
    rows = np.flatnonzero((partner >= 0) & ~t["owner_missing"] & ~t["legacy_owner"])
    planted_slow = np.isin(t["scenario"][rows], [CLUSTER_A, CLUSTER_B, SMALL_PAIR, MISOWNED])
    bounces = rng.random(rows.size) < np.where(planted_slow, 0.3, 0.08)
    owner, other = t["owner"][rows], partner[rows]
    steps = [
        (0.1, owner, other, np.ones(rows.size, bool)),
        (0.6, other, owner, np.ones(rows.size, bool)),
        (0.7, owner, other, bounces),
        (0.9, other, owner, bounces),
    ]
    parts = []
    for k, (fraction, source, target, keep) in enumerate(steps):
        at = t["created_min"][rows] + np.floor(fraction * lead_days[rows] * 1440) + k
        keep = keep & (at < SPAN_DAYS * 1440)
        parts.append(
            pl.DataFrame(
                {
                    "_row": rows[keep],
                    "_step": k,
                    "ticket_id": ids[rows[keep]],
                    "at": _minutes_to_datetime(at[keep]),
                    "from_team": names[source[keep]],
                    "to_team": names[target[keep]],
                }
            )
        )
    return pl.concat(parts).sort("_row", "_step").drop("_row", "_step")


def _truth(
    n_teams: int, n_tickets: int, seed: int, fragment_teams: list[str], scenario: np.ndarray
) -> dict[str, Any]:
    counts = np.bincount(scenario, minlength=9)

    def planted(code: int) -> list[str]:
        return sorted(_SCENARIO_TEAMS[code])

    return {
        "generator": {
            "seed": seed,
            "n_teams": n_teams,
            "n_tickets": n_tickets,
            "start": START.date().isoformat(),
            "end": END.date().isoformat(),
        },
        "blocking_clusters": [
            {
                "teams": planted(CLUSTER_A),
                "tickets": int(counts[CLUSTER_A]),
                "description": "three teams whose shared simple fixes are slow in every quarter",
            },
            {
                "teams": planted(CLUSTER_B),
                "tickets": int(counts[CLUSTER_B]),
                "description": "two teams whose shared simple fixes are slow in every quarter",
            },
            {
                "teams": planted(SMALL_PAIR),
                "tickets": int(counts[SMALL_PAIR]),
                "description": "two small teams (3 and 4 people) that keep needing each other",
            },
        ],
        "decoys": [
            {
                "kind": "busy",
                "teams": planted(BUSY_DECOY),
                "tickets": int(counts[BUSY_DECOY]),
                "description": "share many simple fixes but deliver them at normal speed",
            },
            {
                "kind": "burst",
                "teams": planted(BURST_DECOY),
                "tickets": int(counts[BURST_DECOY]),
                "quarter": "2025Q2",
                "description": "slow only in one burst quarter",
            },
        ],
        "small_coupled_teams": {"teams": planted(SMALL_PAIR), "headcounts": [3, 4]},
        "slow_approver": {
            "team": SLOW_APPROVER,
            "approval_rate": 0.95,
            "median_wait_days": 9.0,
            "contrast": {"team": NORMAL_APPROVER, "median_wait_days": 1.0},
        },
        "misowned_system": {
            "system": "referral-service",
            "owner_team": "identity-accounts",
            "driving_team": "growth-web",
            "tickets": int(counts[MISOWNED]),
        },
        "fragmented_system": {
            "system": "customer-profile",
            "teams": sorted(fragment_teams),
            "tickets": int(counts[FRAGMENTED]),
        },
        "co_changed_systems": {
            "systems": ["invoice-renderer", "order-history"],
            "owners": ["billing-docs", "orders-core"],
            "tickets": int(counts[CO_CHANGE]),
        },
        "data_quality": {
            "unknown_owner_team": LEGACY_TEAM,
            "note": "about 5% of tickets fail each actionable criterion on purpose",
        },
    }
