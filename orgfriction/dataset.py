"""The validated canonical dataset that every analysis starts from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from orgfriction.errors import DataError, Problem
from orgfriction.io import RawTable, find_table_files, read_table
from orgfriction.schema import TABLES
from orgfriction.validation import validate_tables

__all__ = ["Dataset", "load"]

TABLE_NAMES = tuple(TABLES)


@dataclass(frozen=True)
class Dataset:
    """Typed polars frames of the seven canonical tables (DESIGN §2).

    Absent optional tables are empty frames with the canonical columns, so analyses never need to
    test for ``None``; ``present`` says which tables the source really had. Extra columns of the
    source are kept after the canonical ones.
    """

    tickets: pl.DataFrame
    ticket_teams: pl.DataFrame
    signoffs: pl.DataFrame
    teams: pl.DataFrame
    systems: pl.DataFrame
    ticket_systems: pl.DataFrame
    handoffs: pl.DataFrame
    present: frozenset[str]
    source: Path | None = None
    #: things worth knowing that do not stop the analysis (a team missing from ``teams``, …)
    warnings: tuple[str, ...] = ()
    #: rows left out under ``skip_invalid``: file, row, column, value, reason
    rejected: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={
                "file": pl.String,
                "row": pl.Int64,
                "column": pl.String,
                "value": pl.String,
                "reason": pl.String,
            }
        )
    )

    @classmethod
    def from_frames(cls, frames: Mapping[str, pl.DataFrame], *, skip_invalid: bool = False) -> Dataset:
        """Validate in-memory frames exactly as files would be validated.

        Frames may hold text (parsed like CSV cells) or typed columns. Messages name the table
        and count rows from 1.

        Examples
        --------
        >>> import polars as pl
        >>> ds = Dataset.from_frames({
        ...     "tickets": pl.DataFrame({"ticket_id": ["T1"], "created_at": ["2025-01-02"],
        ...                              "owner_team": ["web"], "effort_days": [1.0]}),
        ...     "ticket_teams": pl.DataFrame({"ticket_id": ["T1"], "team": ["api"]}),
        ... })
        >>> ds.tickets.select("ticket_id", "created_at", "effort_days").row(0)
        ('T1', datetime.datetime(2025, 1, 2, 0, 0), 1.0)
        """
        unknown = sorted(set(frames) - set(TABLES))
        if unknown:
            msg = f"unknown table(s) {', '.join(unknown)}; the tables are {', '.join(TABLES)}."
            raise ValueError(msg)
        raw = {name: RawTable(name, name, frame, first_row=1) for name, frame in frames.items()}
        return cls._from_raw(raw, source=None, skip_invalid=skip_invalid)

    @classmethod
    def _from_raw(cls, raw: Mapping[str, RawTable], *, source: Path | None, skip_invalid: bool) -> Dataset:
        ordered = {name: raw[name] for name in TABLE_NAMES if name in raw}
        if "tickets" not in ordered or "ticket_teams" not in ordered:
            missing = [t for t in ("tickets", "ticket_teams") if t not in ordered]
            raise DataError([Problem(t, f"required table {t} is missing.", f"provide {t}.") for t in missing])
        result = validate_tables(ordered, skip_invalid=skip_invalid)
        return cls(
            **result.frames,
            present=result.present,
            source=source,
            warnings=result.warnings,
            rejected=result.rejected,
        )

    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables by name, present ones only."""
        return {name: getattr(self, name) for name in TABLE_NAMES if name in self.present}

    @property
    def as_of(self) -> datetime | None:
        """The dataset's latest timestamp: open tickets are censored here (DESIGN §3)."""
        candidates = [
            self.tickets["created_at"].max(),
            self.tickets["resolved_at"].max(),
            self.signoffs["requested_at"].max(),
            self.signoffs["decided_at"].max(),
            self.handoffs["at"].max(),
        ]
        found = [c for c in candidates if isinstance(c, datetime)]
        return max(found) if found else None

    def counts(self) -> dict[str, Any]:
        """Rows per table, rejected rows per file, and the time span covered."""
        return {
            "rows": {name: getattr(self, name).height for name in TABLE_NAMES if name in self.present},
            "rejected_rows": {
                file: n
                for file, n in self.rejected.group_by("file")
                .agg(pl.col("row").n_unique())
                .sort("file")
                .iter_rows()
            },
            "first_created_at": _iso(self.tickets["created_at"].min()),
            "as_of": _iso(self.as_of),
        }


def load(path: str | Path, *, skip_invalid: bool = False) -> Dataset:
    """Load and validate a dataset folder (DESIGN §2).

    Raises ``DataError`` naming every problem (file, row, column, value, hint). With
    ``skip_invalid=True`` the bad rows are left out instead and listed in ``Dataset.rejected``;
    problems of a whole file (unreadable, a required column missing) still raise.
    """
    folder = Path(path)
    files = find_table_files(folder)
    raw = {name: read_table(name, file) for name, file in files.items()}
    return Dataset._from_raw(raw, source=folder, skip_invalid=skip_invalid)


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None
