"""The canonical dataset's tables and columns (DESIGN §2), as data.

Every loader, importer and writer reads this one description, so a column's type, whether it is
required and its allowed range are stated once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

__all__ = ["OUTCOMES", "TABLES", "ColumnSpec", "TableSpec", "empty_frame"]

Kind = Literal["text", "datetime", "number", "count", "outcome"]

OUTCOMES = ("approved", "rejected", "changes_requested", "pending")

_DTYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "datetime": pl.Datetime("us"),
    "number": pl.Float64(),
    "count": pl.Int64(),
    "outcome": pl.String(),
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its kind, whether the column and its values are required, its lower bound.

    ``minimum`` is inclusive unless ``strictly_positive`` is set.
    """

    name: str
    kind: Kind = "text"
    required: bool = False
    minimum: float | None = None
    strictly_positive: bool = False

    @property
    def dtype(self) -> pl.DataType:
        return _DTYPES[self.kind]


@dataclass(frozen=True)
class TableSpec:
    """One table of the canonical dataset."""

    name: str
    required: bool
    columns: tuple[ColumnSpec, ...]
    #: columns whose combination must be unique (the table's key), if any
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def required_rows(self) -> bool:
        """Only tickets must have rows: a header-only child table means "none of these"."""
        return self.name == "tickets"

    @property
    def schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.dtype for c in self.columns}

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


def _nonneg(name: str, kind: Kind = "number") -> ColumnSpec:
    return ColumnSpec(name, kind, minimum=0)


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "tickets",
            required=True,
            key=("ticket_id",),
            columns=(
                ColumnSpec("ticket_id", required=True),
                ColumnSpec("title"),
                ColumnSpec("created_at", "datetime", required=True),
                ColumnSpec("resolved_at", "datetime"),
                ColumnSpec("owner_team"),
                _nonneg("effort_days"),
                _nonneg("impact_usd"),
                _nonneg("occurrences", "count"),
                ColumnSpec("problem"),
                ColumnSpec("suggested_fix"),
                ColumnSpec("evidence_url"),
            ),
        ),
        TableSpec(
            "ticket_teams",
            required=True,
            columns=(ColumnSpec("ticket_id", required=True), ColumnSpec("team", required=True)),
        ),
        TableSpec(
            "signoffs",
            required=False,
            columns=(
                ColumnSpec("ticket_id", required=True),
                ColumnSpec("team", required=True),
                ColumnSpec("requested_at", "datetime"),
                ColumnSpec("decided_at", "datetime"),
                ColumnSpec("outcome", "outcome"),
            ),
        ),
        TableSpec(
            "teams",
            required=False,
            key=("team",),
            columns=(
                ColumnSpec("team", required=True),
                ColumnSpec("org_unit"),
                ColumnSpec("headcount", "count", minimum=0, strictly_positive=True),
            ),
        ),
        TableSpec(
            "systems",
            required=False,
            key=("system",),
            columns=(ColumnSpec("system", required=True), ColumnSpec("owner_team")),
        ),
        TableSpec(
            "ticket_systems",
            required=False,
            columns=(ColumnSpec("ticket_id", required=True), ColumnSpec("system", required=True)),
        ),
        TableSpec(
            "handoffs",
            required=False,
            columns=(
                ColumnSpec("ticket_id", required=True),
                ColumnSpec("at", "datetime", required=True),
                ColumnSpec("from_team"),
                ColumnSpec("to_team", required=True),
            ),
        ),
    )
}


def empty_frame(table: str) -> pl.DataFrame:
    """An empty frame with the canonical columns of ``table``.

    Examples
    --------
    >>> empty_frame("teams").columns
    ['team', 'org_unit', 'headcount']
    """
    return pl.DataFrame(schema=TABLES[table].schema)
