"""What every importer shares: the result it returns, writing it as a canonical dataset folder,
reading (possibly gzipped) text with located errors, and pseudonyms for people."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl

from orgfriction.dataset import Dataset
from orgfriction.errors import DataError, Problem
from orgfriction.io import atomic_output_dir, write_frames
from orgfriction.schema import TABLES

__all__ = [
    "REPORT_FILE",
    "ImportResult",
    "Pseudonyms",
    "open_binary",
    "open_text",
    "read_text",
    "write_import",
]

#: what an import could and could not map, written beside the tables
REPORT_FILE = "import_report.json"


@dataclass(frozen=True)
class ImportResult:
    """A canonical dataset built by an importer, and its report.

    ``frames`` holds the canonical tables (plus extra columns an importer keeps, such as a
    ticket's author); ``report`` says what was read, what was left out and why, and what the data
    can and cannot tell (``lead_times``).
    """

    frames: dict[str, pl.DataFrame]
    report: dict[str, Any] = field(default_factory=dict)

    def dataset(self) -> Dataset:
        """The frames validated as a dataset folder would be (``orgfriction.load``)."""
        return Dataset.from_frames(self.frames)

    def write(self, out: Path) -> Path:
        """Validate, then write every table as CSV and ``import_report.json`` to ``out``,
        atomically: a failure leaves ``out`` as it was."""
        return write_import(self, out)


def write_import(result: ImportResult, out: Path) -> Path:
    """See :meth:`ImportResult.write`."""
    result.dataset()  # what `orgfriction validate` would say, before anything is written
    frames = {name: frame for name, frame in result.frames.items() if name in TABLES}
    with atomic_output_dir(out) as staging:
        write_frames(frames, staging, fmt="csv")
        text = json.dumps(result.report, indent=2, default=str) + "\n"
        (staging / REPORT_FILE).write_text(text, encoding="utf-8")
    return out.resolve()


class Pseudonyms:
    """Stable stand-ins for people's names: ``prefix-0001`` in order of first appearance, so the same
    input always gives the same pseudonyms and a pseudonym cannot be reversed by hashing guesses.
    With ``keep`` the names pass through unchanged.

    >>> names = Pseudonyms("author")
    >>> names.series(pl.Series(["Ada", "Bob", "Ada", None])).to_list()
    ['author-0001', 'author-0002', 'author-0001', None]
    """

    def __init__(self, prefix: str, *, keep: bool = False) -> None:
        self.prefix, self.keep = prefix, keep
        self._known: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if self.keep:
            return name
        if name not in self._known:
            self._known[name] = f"{self.prefix}-{len(self._known) + 1:04d}"
        return self._known[name]

    def series(self, names: pl.Series) -> pl.Series:
        """Pseudonyms for a column, in the column's order of first appearance."""
        if self.keep:
            return names
        for name in names.drop_nulls().unique(maintain_order=True):
            self(name)
        return names.replace_strict(self._known, default=None, return_dtype=pl.String)


def _gzipped(path: Path) -> bool:
    """Whether the file starts with gzip's magic bytes (whatever its name)."""
    with path.open("rb") as probe:
        return probe.read(2) == b"\x1f\x8b"


def open_text(path: Path) -> IO[str]:
    """Open a UTF-8 text file for streaming, gunzipping a gzipped one."""
    if _gzipped(path):
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open("r", encoding="utf-8", newline="")


def open_binary(path: Path) -> IO[bytes]:
    """Open a file's bytes for streaming (an XML parser decodes them), gunzipping a gzipped one."""
    if _gzipped(path):
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_text(path: Path, *, label: str | None = None) -> str:
    """A whole (possibly gzipped) UTF-8 file as text; unreadable, truncated or non-UTF-8 files
    raise a :class:`DataError` that names the file (and the line, for bad bytes)."""
    label = label or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(label, f"cannot read the file: {exc.strerror or exc}.")]) from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            hint = "the file ends early or is damaged: export it again, or gunzip it to see where it stops."
            raise DataError([Problem(label, f"cannot gunzip the file ({exc}).", hint)]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        value = data[max(0, exc.start - 10) : exc.end + 10].decode("utf-8", "replace")
        raise DataError(
            [
                Problem(
                    label, "the file is not UTF-8 text.", "save or export it as UTF-8.", row=line, value=value
                )
            ]
        ) from None


def problems_from_rows(
    rows: pl.DataFrame,
    *,
    label: str,
    column: str,
    message: str,
    hint: str,
    line: str = "line",
    value: str = "value",
) -> DataError:
    """A DataError with one problem per row of ``rows`` (its ``line`` and ``value`` columns)."""
    total = rows.height
    shown = rows.head(50)
    return DataError(
        [
            Problem(
                label,
                message,
                hint,
                row=int(r[line]),
                column=column,
                value=None if r[value] is None else str(r[value]),
            )
            for r in shown.iter_rows(named=True)
        ],
        total=total,
    )


def counts(frames: Mapping[str, pl.DataFrame]) -> dict[str, int]:
    """Rows per table, for a report."""
    return {name: frame.height for name, frame in frames.items() if name in TABLES}
