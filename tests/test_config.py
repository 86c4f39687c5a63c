from __future__ import annotations

import pytest

from orgfriction import ConfigError
from orgfriction.config import Config


def test_defaults_follow_the_design():
    assert Config().to_dict() == {
        "simple_effort_days": 2.0,
        "blocked_factor": 2.0,
        "baseline_min_tickets": 10,
        "cluster_min_blocked": 5,
        "recurrence_min_blocked": 2.0,
        "confidence_alpha": 0.05,
        "seed": 42,
        "max_team_size": 9,
        "min_driver_share": 0.5,
        "min_co_change_coupling": 0.5,
        "min_approval_rate": 0.9,
        "min_platform_teams": 5,
        "min_fragmentation": 0.75,
    }


def test_from_toml(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("simple_effort_days = 3\nblocked_factor = 1.5\n")
    assert Config.from_toml(path) == Config(simple_effort_days=3, blocked_factor=1.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("simple_effort = 3\n", "unknown setting"),
        ("simple_effort_days = 'x'\n", "must be a number"),
        ("blocked_factor = 0.5\n", "at least 1"),
        ("simple_effort_days = -1\n", "0 or more"),
        ("this is not toml", "not valid TOML"),
        ("cluster_min_blocked = 2.5\n", "whole number"),
        ("confidence_alpha = 1\n", "between 0 and 1"),
        ("recurrence_min_blocked = 0\n", "more than 0"),
        ("cluster_min_blocked = 0\n", "at least 1"),
    ],
)
def test_bad_config(tmp_path, text, message):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        Config.from_toml(path)


def test_missing_config(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        Config.from_toml(tmp_path / "none.toml")
