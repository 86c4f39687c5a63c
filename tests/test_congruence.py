"""Socio-technical congruence: the published worked example and a hand-built dataset."""

from __future__ import annotations

import numpy as np
import polars as pl

from orgfriction import Dataset, analyze
from orgfriction.congruence import coordination_requirements


def test_cataldo_worked_example():
    t_a = np.array([[0, 1, 0], [0, 1, 1], [1, 1, 0]])
    t_d = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    expected = np.array([[1, 2, 2], [2, 4, 3], [2, 3, 4]])
    np.testing.assert_array_equal(coordination_requirements(t_a, t_d), expected)
    np.testing.assert_array_equal(coordination_requirements(t_a, t_d), t_a @ t_d @ t_a.T)


def _dataset(*, with_systems: bool = True) -> Dataset:
    frames = {
        "tickets": pl.DataFrame(
            {"ticket_id": ["T1", "T2", "T3"], "created_at": ["2025-01-01"] * 3, "owner_team": ["web"] * 3}
        ),
        # T1: web and api work together on checkout + payments; T2: web alone changes search too
        "ticket_teams": pl.DataFrame({"ticket_id": ["T1"], "team": ["api"]}),
    }
    if with_systems:
        frames["systems"] = pl.DataFrame(
            {"system": ["checkout", "payments", "search", "docs"], "owner_team": ["web", "api", "ops", None]}
        )
        frames["ticket_systems"] = pl.DataFrame(
            {
                "ticket_id": ["T1", "T1", "T2", "T2", "T3"],
                "system": ["checkout", "payments", "checkout", "search", "docs"],
            }
        )
    return Dataset.from_frames(frames)


def test_unmet_requirement_found():
    result = analyze(_dataset()).congruence
    assert result is not None
    expected = pl.DataFrame(
        {
            "team_a": ["ops", "api"],
            "team_b": ["web", "web"],
            "requirement": [1, 1],
            "shared_tickets": [0, 1],
            "signoffs": [0, 0],
            "met": [False, True],
        }
    )
    assert result.pairs.to_dicts() == expected.to_dicts()
    assert (result.required_pairs, result.met_pairs, result.share_met) == (2, 1, 0.5)


def test_no_systems_no_congruence():
    analysis = analyze(_dataset(with_systems=False))
    assert analysis.congruence is None
    assert analysis.summary()["headline"]["congruence"] is None
    assert "coordination_requirements" not in analysis.outputs()
