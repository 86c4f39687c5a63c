"""Reading and writing dataset folders: the only module of the core that touches files.

A dataset folder holds one file per table, ``<table>.csv`` or ``<table>.parquet`` (DESIGN §2).
CSV files are read with every column as text, so that the validator can say exactly which value
in which row could not be read, instead of polars guessing a type and failing far away.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from orgfriction.errors import DataError, Problem
from orgfriction.schema import TABLES

__all__ = [
    "ROW",
    "RawTable",
    "atomic_file",
    "atomic_output_dir",
    "find_table_files",
    "read_table",
    "write_analysis_outputs",
    "write_frames",
    "write_table",
    "write_table_atomic",
]

#: Name of the helper column that carries each record's row number through validation.
ROW = "__row"
#: How timestamps are written: ISO 8601 to the second, naive meaning UTC.
ISO_DATETIME = "%Y-%m-%dT%H:%M:%S"

_UTF8_HINT = "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8'); orgfriction reads no other encoding."


class RawTable:
    """A table as read from one file: untyped (CSV) or as stored (Parquet), with row numbers."""

    def __init__(self, name: str, label: str, frame: pl.DataFrame, *, first_row: int) -> None:
        self.name = name
        #: how messages name the source, e.g. ``tickets.csv``
        self.label = label
        self.frame = frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))


def find_table_files(folder: Path) -> dict[str, Path]:
    """Map each canonical table present in ``folder`` to its file.

    Raises ``DataError`` when the folder is missing, when a table has both a CSV and a Parquet
    file, or when the required tables are absent.
    """
    if not folder.exists():
        raise DataError([Problem(str(folder), "no such folder.", "give the folder that holds tickets.csv.")])
    if not folder.is_dir():
        raise DataError(
            [
                Problem(
                    str(folder),
                    "is a file, not a dataset folder.",
                    "give the folder that holds tickets.csv and ticket_teams.csv.",
                )
            ]
        )
    found: dict[str, Path] = {}
    problems = []
    for name, spec in TABLES.items():
        candidates = [folder / f"{name}.{ext}" for ext in ("csv", "parquet")]
        present = [p for p in candidates if p.is_file()]
        if len(present) == 2:
            problems.append(
                Problem(
                    f"{name}.csv",
                    f"both {name}.csv and {name}.parquet exist.",
                    "keep one file per table so that it is clear which one holds the data.",
                )
            )
        elif present:
            found[name] = present[0]
        elif spec.required:
            problems.append(
                Problem(
                    f"{name}.csv",
                    f"required table {name} is missing from {folder}.",
                    f"add {name}.csv (or {name}.parquet); see the data dictionary in the README.",
                )
            )
    if problems:
        raise DataError(problems)
    return found


def read_table(name: str, path: Path) -> RawTable:
    """Read one table file. CSV columns stay text; problems of the whole file raise ``DataError``."""
    if path.suffix == ".parquet":
        return _read_parquet(name, path)
    return _read_csv(name, path)


def _read_parquet(name: str, path: Path) -> RawTable:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several unrelated types for corrupt files
        raise DataError(
            [
                Problem(
                    path.name,
                    f"cannot read as Parquet ({_first_line(exc)}).",
                    "check that the file is a complete Parquet file, or provide a CSV instead.",
                )
            ]
        ) from None
    if frame.height == 0 and TABLES[name].required_rows:
        raise DataError([Problem(path.name, "has no rows.", f"{name} needs at least one row.")])
    return RawTable(name, path.name, frame, first_row=1)


def _read_csv(name: str, path: Path) -> RawTable:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):  # spreadsheet programs write a byte-order mark
        data = data[3:]
    if not data.strip():
        raise DataError([Problem(path.name, "is empty.", _empty_hint(name))])
    try:
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False, raise_if_empty=True)
    except Exception as exc:  # any parser failure is diagnosed below with a row number
        raise DataError([_diagnose_csv(path.name, data, exc)]) from None
    duplicated = [c for c in frame.columns if "_duplicated_" in c]
    if duplicated:
        column = duplicated[0].split("_duplicated_")[0]
        raise DataError(
            [
                Problem(
                    path.name,
                    f"the header names column {column!r} more than once.",
                    "give each column a unique name.",
                    row=1,
                    column=column,
                )
            ]
        )
    # polars keeps blank lines as records of empty cells: drop them, keeping row numbers intact.
    raw = RawTable(name, path.name, frame, first_row=2)
    # Only rows whose first cell is empty can be blank: check that column before scanning them all.
    if frame.width and (frame[frame.columns[0]].fill_null("").str.strip_chars() == "").any():
        raw.frame = raw.frame.filter(
            ~pl.all_horizontal(pl.exclude(ROW).str.strip_chars().fill_null("") == "")
        )
    if raw.frame.height == 0 and TABLES[name].required_rows:
        raise DataError([Problem(path.name, "has a header but no data rows.", _empty_hint(name))])
    return raw


def _diagnose_csv(label: str, data: bytes, exc: Exception) -> Problem:
    """Find the row behind a CSV parser failure, which polars reports only as a byte offset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start : err.start + 1].hex()
        line_start = data.rfind(b"\n", 0, err.start) + 1
        column = _header_field(data, data.count(b",", line_start, err.start))
        return Problem(
            label,
            f"byte 0x{bad} is not valid UTF-8.",
            _UTF8_HINT,
            row=line,
            column=column,
            value=f"0x{bad}",
        )
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader)
        for record in reader:
            if record and len(record) > len(header):
                return Problem(
                    label,
                    f"{len(record)} fields where the header has {len(header)}.",
                    'quote values that contain commas, e.g. "Checkout, mobile".',
                    row=reader.line_num,
                )
    except csv.Error as err:
        return Problem(
            label,
            f"malformed CSV ({err}).",
            "quote fields with double quotes and double any quote inside a field.",
            row=reader.line_num,
        )
    return Problem(
        label,
        f"cannot read as CSV ({_first_line(exc)}).",
        "check that the file is comma-separated, UTF-8 text with a header row.",
    )


def _header_field(data: bytes, index: int) -> str | None:
    header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
    return header[index] if index < len(header) else None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _empty_hint(name: str) -> str:
    if TABLES[name].required_rows:
        return f"{name} needs a header row and at least one data row."
    return f"write at least the header row ({', '.join(TABLES[name].schema)}), or remove the file."


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """Write one table as CSV, Parquet or JSON (by suffix), timestamps in ISO 8601.

    JSON is an array of one object per row.
    """
    if path.suffix == ".parquet":
        frame.write_parquet(path)
    elif path.suffix == ".json":
        frame.with_columns(pl.col(pl.Datetime).dt.strftime(ISO_DATETIME)).write_json(path)
    else:
        frame.write_csv(path, datetime_format=ISO_DATETIME, float_precision=None)


def write_table_atomic(frame: pl.DataFrame, path: Path) -> Path:
    """Write one table (format by suffix) so that ``path`` is either the old file or the whole new one."""
    with atomic_file(path) as tmp:
        write_table(frame, tmp)
    return path


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` that replaces it when the block succeeds (with the
    permissions of an ordinary new file); a failed block leaves ``path`` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)  # mkstemp makes it private; the output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_analysis_outputs(
    frames: Mapping[str, pl.DataFrame], summary: Mapping[str, Any], out: Path, *, fmt: str = "csv"
) -> Path:
    """Write analysis frames as ``<name>.<fmt>`` and ``summary.json`` to ``out``, atomically:
    a run that fails part-way leaves ``out`` as it was."""
    with atomic_output_dir(out) as staging:
        write_frames(frames, staging, fmt=fmt)
        (staging / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return out.resolve()


@contextmanager
def atomic_output_dir(out: Path) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``out`` only when the block succeeds.

    A failed run leaves ``out`` as it was (absent, or the previous complete output).
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the output is an ordinary folder
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = out.with_name(f".{out.name}.old")
    if out.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def write_frames(frames: Mapping[str, pl.DataFrame], folder: Path, *, fmt: str = "csv") -> None:
    """Write each frame to ``folder/<name>.<fmt>``."""
    for name, frame in frames.items():
        write_table(frame, folder / f"{name}.{fmt}")
