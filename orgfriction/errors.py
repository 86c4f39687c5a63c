"""The exceptions orgfriction raises on purpose.

::

    OrgfrictionError            base of everything below
    ├── DataError               bad input data: carries one Problem per file/row/column/value
    └── ConfigError             a bad option or configuration value

The command line turns ``DataError`` and ``ConfigError`` into exit code 2 with the message and no
traceback; anything else is an internal error (exit code 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ConfigError", "DataError", "OrgfrictionError", "Problem"]

#: How many problems a DataError message spells out before it only counts the rest.
MAX_PROBLEMS_SHOWN = 20


class OrgfrictionError(Exception):
    """Base class of the errors orgfriction raises deliberately."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``row`` counts as a spreadsheet does: the header is row 1, the first data row is row 2
    (for Parquet files, which have no header row, the first record is row 1). ``row`` and
    ``column`` are ``None`` for problems of a whole file or table.
    """

    file: str
    message: str
    hint: str = ""
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.hint:
            text += f"\n  Hint: {self.hint}"
        return text


class DataError(OrgfrictionError):
    """The input data breaks the contract; ``problems`` lists every violation found.

    ``total`` may exceed ``len(problems)`` when the loader stopped collecting details after a cap.
    """

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None) -> None:
        if not problems:
            msg = "DataError needs at least one problem"
            raise ValueError(msg)
        self.problems = list(problems)
        self.total = max(total or 0, len(self.problems))
        super().__init__(self._render())

    @property
    def first(self) -> Problem:
        return self.problems[0]

    def _render(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        if self.total == 1:
            return str(shown[0])
        lines = [f"{self.total} problems in the input data:"]
        lines += [f"- {p}" for p in shown]
        if self.total > len(shown):
            lines.append(f"... and {self.total - len(shown)} more.")
        return "\n".join(lines)


class ConfigError(OrgfrictionError):
    """An option or configuration value is out of range or malformed."""
