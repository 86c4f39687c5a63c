"""Reviewers' decisions on suggestions, kept in SQLite: the only module that touches the database.

Every decision is a new row (accept, reject or defer, a comment, who, when): history is kept,
never overwritten. Each suggestion's decisions are numbered 1, 2, … (``version``). A reviewer
records a decision *on the version they saw*; if someone else decided in the meantime, the write
is refused with :class:`ReviewConflict` naming who and when, so two reviewers never silently
overwrite each other. The check and the insert run in one ``BEGIN IMMEDIATE`` transaction, so
this holds across threads and processes sharing the file.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from orgfriction.errors import OrgfrictionError

__all__ = ["DECISIONS", "Decision", "ReviewConflict", "ReviewError", "ReviewStore"]

DECISIONS = ("accept", "reject", "defer")
MAX_COMMENT_CHARS = 2000
MAX_REVIEWER_CHARS = 100

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    suggestion_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'defer')),
    comment TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    UNIQUE (suggestion_id, version)
)
"""
_COLUMNS = ("suggestion_id", "version", "decision", "comment", "reviewer", "decided_at")
_SCHEMA_FRAME = {
    "suggestion_id": pl.String,
    "version": pl.Int64,
    "decision": pl.String,
    "comment": pl.String,
    "reviewer": pl.String,
    "decided_at": pl.String,
}


@dataclass(frozen=True)
class Decision:
    """One stored decision."""

    suggestion_id: str
    version: int
    decision: str
    comment: str
    reviewer: str
    decided_at: str


class ReviewError(OrgfrictionError):
    """A decision that cannot be recorded as given."""


class ReviewConflict(ReviewError):
    """Someone else decided on the suggestion after the reviewer loaded it."""


class ReviewStore:
    """Decisions in the SQLite file at ``path`` (created when missing).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "decisions.db")
    >>> store.record("S-1", "accept", comment="", reviewer="ana", expected_version=0).version
    1
    >>> try:  # bo loaded the suggestion before ana decided
    ...     store.record("S-1", "reject", comment="", reviewer="bo", expected_version=0)
    ... except ReviewConflict as conflict:
    ...     print(str(conflict).split(" at ")[0])
    S-1 was decided by ana
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def record(
        self, suggestion_id: str, decision: str, *, comment: str, reviewer: str, expected_version: int
    ) -> Decision:
        """Record a decision on the version the reviewer saw; return the stored row."""
        if decision not in DECISIONS:
            msg = f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}."
            raise ReviewError(msg)
        reviewer = reviewer.strip()
        if not reviewer:
            msg = "say who you are: a decision needs a reviewer name."
            raise ReviewError(msg)
        if len(reviewer) > MAX_REVIEWER_CHARS or len(comment) > MAX_COMMENT_CHARS:
            msg = (
                f"keep the name under {MAX_REVIEWER_CHARS} and the comment under "
                f"{MAX_COMMENT_CHARS} characters."
            )
            raise ReviewError(msg)
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            last = db.execute(
                "SELECT version, reviewer, decided_at FROM decisions WHERE suggestion_id = ? "
                "ORDER BY version DESC LIMIT 1",
                (suggestion_id,),
            ).fetchone()
            current = last[0] if last else 0
            if current != expected_version:
                db.execute("ROLLBACK")
                msg = (
                    f"{suggestion_id} was decided by {last[1]} at {last[2]} after you loaded it: "
                    "reload to see the decision."
                )
                raise ReviewConflict(msg)
            db.execute(
                "INSERT INTO decisions (suggestion_id, version, decision, comment, reviewer, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (suggestion_id, current + 1, decision, comment, reviewer, now),
            )
            db.execute("COMMIT")
        return Decision(suggestion_id, current + 1, decision, comment, reviewer, now)

    def history(self, suggestion_id: str | None = None) -> pl.DataFrame:
        """Every decision, oldest first (of one suggestion, when given)."""
        query = f"SELECT {', '.join(_COLUMNS)} FROM decisions"
        params: tuple[str, ...] = ()
        if suggestion_id is not None:
            query += " WHERE suggestion_id = ?"
            params = (suggestion_id,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id", params).fetchall()
        return pl.DataFrame(rows, schema=_SCHEMA_FRAME, orient="row")

    def current(self) -> pl.DataFrame:
        """The latest decision on each suggestion."""
        return self.history().sort("version").group_by("suggestion_id", maintain_order=True).last()

    def version(self, suggestion_id: str) -> int:
        """How many decisions the suggestion has had (0: none yet)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT MAX(version) FROM decisions WHERE suggestion_id = ?", (suggestion_id,)
            ).fetchone()
        return int(row[0] or 0)

    def export_csv(self) -> str:
        """The full history as CSV text."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_COLUMNS)
        writer.writerows(self.history().iter_rows())
        return buffer.getvalue()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            yield db
        finally:
            db.close()
