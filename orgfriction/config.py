"""Analysis settings (DESIGN §3 defaults), readable from a TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from orgfriction.errors import ConfigError

__all__ = ["Config"]


@dataclass(frozen=True)
class Config:
    """Thresholds of the definitions in DESIGN §3.

    Examples
    --------
    >>> Config().simple_effort_days
    2.0
    """

    #: a ticket is a simple fix when effort_days is at most this
    simple_effort_days: float = 2.0
    #: a coordinated simple fix is blocked when its lead time exceeds this many baselines
    blocked_factor: float = 2.0
    #: fewer resolved simple uncoordinated tickets than this: the baseline uses all simple fixes
    baseline_min_tickets: int = 10
    #: a team set is a candidate blocking cluster once it has blocked this many simple fixes
    cluster_min_blocked: int = 5
    #: a quarter counts towards a cluster's recurrence when it blocked at least this many simple
    #: fixes more than comparable coordinated simple fixes would have (see ``clusters``)
    recurrence_min_blocked: float = 2.0
    #: clusters whose Benjamini-Hochberg q-value is at most this are ``confident``
    confidence_alpha: float = 0.05
    #: seed of every random step (Louvain community detection, graph layout)
    seed: int = 42
    #: a merge into a team larger than this is not feasible (Team Topologies: 5 to 9 people)
    max_team_size: int = 9
    #: transfer a system when one other team owns at least this share of its simple fixes
    min_driver_share: float = 0.5
    #: merge two systems when they change together at least this much (shared / mean changes)
    min_co_change_coupling: float = 0.5
    #: relax a sign-off that approves at least this share of its decided requests
    min_approval_rate: float = 0.9
    #: a team serving at least this many other teams' simple fixes may become a platform
    min_platform_teams: int = 5
    #: split a system whose fragmentation (1 − Σ share²) is at least this: 0.75 is the work of
    #: four teams in equal shares (three equal teams give 0.67)
    min_fragmentation: float = 0.75

    def __post_init__(self) -> None:
        if self.simple_effort_days < 0:
            msg = f"simple_effort_days must be 0 or more, got {self.simple_effort_days}."
            raise ConfigError(msg)
        if self.blocked_factor < 1:
            msg = f"blocked_factor must be at least 1, got {self.blocked_factor}."
            raise ConfigError(msg)
        if self.baseline_min_tickets < 1:
            msg = f"baseline_min_tickets must be at least 1, got {self.baseline_min_tickets}."
            raise ConfigError(msg)
        if self.cluster_min_blocked < 1:
            msg = f"cluster_min_blocked must be at least 1, got {self.cluster_min_blocked}."
            raise ConfigError(msg)
        if self.recurrence_min_blocked <= 0:
            msg = f"recurrence_min_blocked must be more than 0, got {self.recurrence_min_blocked}."
            raise ConfigError(msg)
        for name in ("min_driver_share", "min_co_change_coupling", "min_approval_rate", "min_fragmentation"):
            if not 0 <= getattr(self, name) <= 1:
                msg = f"{name} must be between 0 and 1, got {getattr(self, name)}."
                raise ConfigError(msg)
        if self.max_team_size < 1 or self.min_platform_teams < 1:
            msg = "max_team_size and min_platform_teams must be at least 1."
            raise ConfigError(msg)
        if not 0 < self.confidence_alpha < 1:
            msg = f"confidence_alpha must be between 0 and 1, got {self.confidence_alpha}."
            raise ConfigError(msg)

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        """Read settings from a TOML file; unknown keys are an error, not silently ignored."""
        path = Path(path)
        try:
            values: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            msg = f"{path}: no such config file."
            raise ConfigError(msg) from None
        except tomllib.TOMLDecodeError as exc:
            msg = f"{path}: not valid TOML ({exc})."
            raise ConfigError(msg) from None
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            msg = f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(known)}."
            raise ConfigError(msg)
        for key, value in values.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                msg = f"{path}: {key} must be a number, got {value!r}."
                raise ConfigError(msg)
            if known[key] == "int" and not isinstance(value, int):
                msg = f"{path}: {key} must be a whole number, got {value!r}."
                raise ConfigError(msg)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
