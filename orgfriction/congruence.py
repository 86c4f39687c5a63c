"""Socio-technical congruence (Cataldo et al., 2006): do the teams that *should* coordinate, given
who owns which system and which systems change together, actually work together?

* T_A (teams × systems): 1 where the team owns the system (the ``systems`` table);
* T_D (systems × systems): 1 where two systems changed together in at least one ticket
  (``ticket_systems``), and on the diagonal;
* C_R = T_A · T_D · T_Aᵀ (teams × teams): the coordination requirements. Off the diagonal, C_R[i, j]
  counts the dependencies between the systems of teams i and j.

A requirement is *met* when the two teams shared a ticket or a sign-off. **Congruence** is the
share of required pairs that are met; the unmet pairs are where a team changes systems that depend
on another team's without ever working with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from orgfriction.dataset import Dataset

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Congruence", "congruence", "coordination_requirements"]


@dataclass(frozen=True)
class Congruence:
    """The share of required team pairs that coordinated, and every required pair."""

    #: met / required pairs; None when no two teams are required to coordinate
    share_met: float | None
    required_pairs: int
    met_pairs: int
    #: team_a, team_b, requirement (C_R), shared_tickets, signoffs, met
    pairs: pl.DataFrame


def coordination_requirements(
    assignment: sparse.sparray | np.ndarray, dependency: sparse.sparray | np.ndarray
) -> np.ndarray:
    """C_R = T_A · T_D · T_Aᵀ as a dense array.

    Examples
    --------
    The worked example of Cataldo et al.:

    >>> t_a = np.array([[0, 1, 0], [0, 1, 1], [1, 1, 0]])
    >>> t_d = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    >>> coordination_requirements(t_a, t_d).tolist()
    [[1, 2, 2], [2, 4, 3], [2, 3, 4]]
    """
    from scipy import sparse

    t_a = sparse.csr_array(assignment)
    t_d = sparse.csr_array(dependency)
    return np.asarray((t_a @ t_d @ t_a.T).toarray())


def congruence(dataset: Dataset, pairs: pl.DataFrame) -> Congruence | None:
    """Congruence of the dataset's teams, or None without ``systems`` and ``ticket_systems``.

    ``pairs`` is :func:`orgfriction.graph.team_pairs` (the actual coordination).
    """
    if not {"systems", "ticket_systems"} <= dataset.present:
        return None
    from scipy import sparse

    owned = dataset.systems.drop_nulls("owner_team").select("system", pl.col("owner_team").alias("team"))
    teams = owned["team"].unique().sort()
    systems = owned["system"].unique().sort()
    team_index = pl.DataFrame({"team": teams, "t": np.arange(teams.len())})
    system_index = pl.DataFrame({"system": systems, "s": np.arange(systems.len())})
    ownership = owned.join(team_index, on="team").join(system_index, on="system")
    t_a = sparse.csr_array(
        (np.ones(ownership.height), (ownership["t"].to_numpy(), ownership["s"].to_numpy())),
        shape=(teams.len(), systems.len()),
    )
    touched = dataset.ticket_systems.select("ticket_id", "system").unique().join(system_index, on="system")
    co_changed = (
        touched.join(touched, on="ticket_id", suffix="_b")
        .filter(pl.col("s") != pl.col("s_b"))
        .select("s", "s_b")
        .unique()
    )
    n = systems.len()
    t_d = sparse.csr_array(
        (np.ones(co_changed.height), (co_changed["s"].to_numpy(), co_changed["s_b"].to_numpy())), shape=(n, n)
    ) + sparse.eye_array(n, format="csr")
    requirements = sparse.triu(sparse.csr_array(t_a @ t_d @ t_a.T), k=1).tocoo()
    names = teams.to_numpy()
    first, second = names[requirements.row], names[requirements.col]
    required = pl.DataFrame(
        {
            "team_a": np.minimum(first, second),
            "team_b": np.maximum(first, second),
            "requirement": requirements.data.astype(np.int64),
        },
        schema={"team_a": pl.String, "team_b": pl.String, "requirement": pl.Int64},
    )
    joined = (
        required.join(
            pairs.select("team_a", "team_b", "shared_tickets", "signoffs"),
            on=["team_a", "team_b"],
            how="left",
        )
        .with_columns(pl.col("shared_tickets").fill_null(0), pl.col("signoffs").fill_null(0))
        .with_columns(((pl.col("shared_tickets") > 0) | (pl.col("signoffs") > 0)).alias("met"))
        .sort(["met", "requirement", "team_a", "team_b"], descending=[False, True, False, False])
    )
    met = int(joined["met"].sum())
    return Congruence(
        share_met=met / joined.height if joined.height else None,
        required_pairs=joined.height,
        met_pairs=met,
        pairs=joined,
    )
