"""Turn raw tables into typed, validated frames, reporting every violation of DESIGN §2.

Each rule is a vectorised polars check that yields a frame of problems
(``file, row, column, value, message, hint``), so a million-row file with a thousand bad values
costs one pass per rule and is reported in full, never only its first error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from orgfriction.errors import MAX_PROBLEMS_SHOWN, DataError, Problem
from orgfriction.io import ROW, RawTable
from orgfriction.schema import OUTCOMES, TABLES, ColumnSpec, TableSpec

__all__ = ["ValidatedTables", "parse_iso_datetime", "validate_tables"]

PROBLEM_SCHEMA = {
    "file": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "message": pl.String,
    "hint": pl.String,
}

_DATE_HINT = "use ISO 8601, e.g. 2025-02-28 or 2025-02-28T14:05:00 (naive times are read as UTC)."
_NUMBER_HINT = "write plain numbers with a dot for decimals and no thousands separators, e.g. 1250.5."
# Accepted timestamp shapes: a date, then optionally [T or space]HH:MM[:SS[.fff]], then optionally Z or
# an offset (+02:00 or +0200). Values are normalised to one shape and parsed in two passes (naive and
# with offset): trying each format in turn costs a full pass per format on millions of rows.
_TIMESTAMP_SHAPE = (
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$"
)
#: the form most exports use, parsed by a fast path first
_FAST_TIMESTAMP_SHAPE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"
_LARGEST_EXACT_COUNT = 2.0**53
# Timestamps that must not come before another of the same row: (later, earlier, hint) per table.
_TIME_ORDER = {
    "tickets": [
        (
            "resolved_at",
            "created_at",
            "check the two timestamps, or leave resolved_at empty for an open ticket.",
        )
    ],
    "signoffs": [("decided_at", "requested_at", "check the two timestamps.")],
}


@dataclass(frozen=True)
class ValidatedTables:
    """Typed frames of every table (empty when absent) and what validation found."""

    frames: dict[str, pl.DataFrame]
    present: frozenset[str]
    warnings: tuple[str, ...]
    rejected: pl.DataFrame


def validate_tables(raw: Mapping[str, RawTable], *, skip_invalid: bool = False) -> ValidatedTables:
    """Parse and check every table; raise ``DataError`` listing all problems, or reject rows.

    With ``skip_invalid`` the rows with problems are left out and returned in ``rejected``
    (one line per problem); problems of a whole table (a missing column) still raise.
    """
    table_problems: list[Problem] = []
    typed: dict[str, pl.DataFrame] = {}
    row_problems: list[pl.DataFrame] = []
    for name, table in raw.items():
        spec = TABLES[name]
        missing = [c for c in spec.required_columns if c not in table.frame.columns]
        if missing:
            table_problems += [
                Problem(
                    table.label,
                    f"required column {c!r} is missing.",
                    f"the header must name {', '.join(spec.required_columns)} (lower case).",
                    row=1 if table.label.endswith(".csv") else None,
                    column=c,
                )
                for c in missing
            ]
            continue
        frame, found = _parse_table(table, spec)
        if isinstance(found, Problem):
            table_problems.append(found)
            continue
        typed[name] = frame
        row_problems += found
    if table_problems:
        raise DataError(table_problems)

    labels = {name: table.label for name, table in raw.items()}
    row_problems += _key_problems(typed, labels)
    problems = pl.concat([_empty_problems(), *row_problems]).unique(maintain_order=True)

    # Child rows must name a known ticket; with skip_invalid, that means a ticket that survived.
    if skip_invalid:
        typed = _drop_rows(typed, problems, labels)
    orphans = _orphan_problems(typed, labels, rejected_tickets=skip_invalid and problems.height > 0)
    problems = pl.concat([problems, orphans])

    if problems.height and not skip_invalid:
        order = {label: i for i, label in enumerate(labels.values())}
        shown = (
            problems.with_columns(pl.col("file").replace_strict(order, default=99).alias("_o"))
            .sort("_o", "row", maintain_order=True)
            .head(MAX_PROBLEMS_SHOWN)
        )
        raise DataError([Problem(**r) for r in shown.drop("_o").iter_rows(named=True)], total=problems.height)
    if skip_invalid:
        typed = _drop_rows(typed, orphans, labels)

    frames = {name: typed.get(name, pl.DataFrame(schema=spec.schema)) for name, spec in TABLES.items()}
    frames = {name: f.drop(ROW, strict=False) for name, f in frames.items()}
    rejected = problems.select(
        "file",
        "row",
        "column",
        "value",
        pl.concat_str("message", pl.lit(" Hint: "), "hint").str.strip_suffix(" Hint: ").alias("reason"),
    )
    return ValidatedTables(frames, frozenset(typed), _warnings(frames, frozenset(typed)), rejected)


# --- parsing -------------------------------------------------------------------------------------


def _parse_table(table: RawTable, spec: TableSpec) -> tuple[pl.DataFrame, list[pl.DataFrame] | Problem]:
    """Parse every column of one table and find the rows breaking a per-row rule.

    Two passes over the data, whatever the number of columns: one parses every column (polars
    runs the columns in parallel), one evaluates every rule as a boolean column. Problem rows are
    only built for the rules that some row breaks, so valid data pays for no message formatting.
    """
    frame = table.frame
    rules: list[tuple[pl.Expr, str, pl.Expr, pl.Expr, str]] = []  # condition, column, value, message, hint
    parsed: list[pl.Expr] = []
    for col in spec.columns:
        if col.name not in frame.columns:
            parsed.append(pl.lit(None, dtype=col.dtype).alias(_parsed(col.name)))
            continue
        dtype = frame.schema[col.name]
        if dtype != pl.String and not _native_ok(dtype, col):
            return frame, Problem(
                table.label,
                f"column {col.name!r} is stored as {dtype}, expected {col.kind}.",
                "store it as text or as the expected type.",
                column=col.name,
            )
        value, present, bad, message, hint = _parse_column(col, dtype)
        parsed += [value.alias(_parsed(col.name)), present.alias(_present(col.name))]
        raw_text = pl.col(col.name).cast(pl.String)
        if bad is not None:
            rules.append((bad, col.name, raw_text, message, hint))
        if col.required:
            empty = ~pl.col(_present(col.name))
            rules.append(
                (empty, col.name, raw_text, pl.lit(f"{col.name} is empty."), f"every row needs a {col.name}.")
            )
        bound = _bound_check(col)
        if bound is not None:
            condition, message, hint = bound
            rules.append((condition, col.name, raw_text, message, hint))
    for later, earlier, hint in _TIME_ORDER.get(spec.name, ()):
        rules.append(
            (
                pl.col(_parsed(later)) < pl.col(_parsed(earlier)),
                later,
                pl.col(_parsed(later)).dt.to_string("%Y-%m-%dT%H:%M:%S"),
                pl.lit(f"{later} is before {earlier}."),
                hint,
            )
        )
    checked = _finish_datetimes(frame.with_columns(parsed), spec)
    broken = checked.select(
        (condition.fill_null(False).alias(f"rule_{k}") for k, (condition, *_) in enumerate(rules))
    )
    counts = broken.sum().row(0) if rules else ()
    problems = [
        _flag(checked.filter(broken.get_column(f"rule_{k}")), None, table.label, column, value, message, hint)
        for k, (_, column, value, message, hint) in enumerate(rules)
        if counts[k]
    ]
    extra = [c for c in frame.columns if c not in spec.schema]
    typed = checked.select(*(pl.col(_parsed(c.name)).alias(c.name) for c in spec.columns), *extra)
    return typed, problems


def _finish_datetimes(checked: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    """Parse the timestamps the fast path (``YYYY-MM-DDTHH:MM:SS``) left empty, with every ISO 8601
    form ``_parse_datetime`` accepts. Only those rows pay for the slower parse."""
    for col in spec.columns:
        if col.kind != "datetime" or checked.schema.get(col.name) != pl.String:
            continue  # not a timestamp, not in the file, or a typed Parquet column
        value, present = pl.col(_parsed(col.name)), pl.col(_present(col.name))
        leftover = checked.with_row_index("__position").filter(present & value.is_null())
        if leftover.is_empty():
            continue
        slow = leftover.select(parse_iso_datetime(pl.col(col.name).str.strip_chars())).to_series()
        filled = checked.get_column(_parsed(col.name)).clone().scatter(leftover["__position"], slow)
        checked = checked.with_columns(filled)
    return checked


def _parsed(column: str) -> str:
    return f"__parsed_{column}"


def _present(column: str) -> str:
    return f"__present_{column}"


def _native_ok(dtype: pl.DataType, col: ColumnSpec) -> bool:
    if col.kind == "datetime":
        return dtype == pl.Date or isinstance(dtype, pl.Datetime)
    if col.kind in ("number", "count"):
        return dtype.is_numeric()
    return False


def _parse_column(
    col: ColumnSpec, dtype: pl.DataType
) -> tuple[pl.Expr, pl.Expr, pl.Expr | None, pl.Expr, str]:
    """Return (parsed value, value present, is-bad condition, message, hint) for one column.

    The condition refers to the parsed and present columns by name (see ``_parse_table``), so the
    parsing itself runs once.
    """
    source = pl.col(col.name)
    value, present = pl.col(_parsed(col.name)), pl.col(_present(col.name))
    if dtype != pl.String:  # a typed Parquet column
        return (
            _native_cast(source, dtype, col),
            source.is_not_null(),
            present & value.is_null(),
            pl.format(f"cannot use '{{}}' as {col.kind}.", _shown(source)),
            _NUMBER_HINT,
        )
    text = source.str.strip_chars()
    is_present = text.is_not_null() & (text != "")
    if col.kind == "text":
        return pl.when(is_present).then(text), is_present, None, pl.lit(""), ""
    if col.kind == "outcome":
        return (
            pl.when(is_present).then(text.str.to_lowercase()),
            is_present,
            present & ~value.is_in(OUTCOMES),
            pl.format("unknown outcome '{}'.", _shown(source)),
            "use one of " + ", ".join(OUTCOMES) + ".",
        )
    if col.kind == "datetime":
        fast = pl.when(text.str.contains(_FAST_TIMESTAMP_SHAPE)).then(
            text.str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S", strict=False, exact=True)
        )
        return (
            fast,  # the other ISO 8601 forms are parsed by _finish_datetimes
            is_present,
            present & value.is_null(),
            pl.format("cannot read '{}' as a date or date-time.", _shown(source)),
            _DATE_HINT,
        )
    number = text.cast(pl.Float64, strict=False)
    finite = number.is_finite()
    if col.kind == "count":
        whole = finite & (number == number.floor()) & (number.abs() < _LARGEST_EXACT_COUNT)
        return (
            pl.when(is_present & whole).then(number.cast(pl.Int64)),
            is_present,
            present & value.is_null(),
            pl.format("cannot read '{}' as a whole number.", _shown(source)),
            "write a whole number of at most 15 digits, e.g. 12.",
        )
    return (
        pl.when(is_present & finite).then(number),
        is_present,
        present & value.is_null(),
        pl.format("cannot read '{}' as a number.", _shown(source)),
        _NUMBER_HINT,
    )


def _native_cast(source: pl.Expr, dtype: pl.DataType, col: ColumnSpec) -> pl.Expr:
    if col.kind == "datetime":
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            source = source.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return source.cast(pl.Datetime("us"))
    number = source.cast(pl.Float64)
    if col.kind == "count":
        ok = number.is_finite() & (number == number.floor()) & (number.abs() < _LARGEST_EXACT_COUNT)
        return pl.when(ok).then(number.cast(pl.Int64))
    return pl.when(number.is_finite()).then(number)


def parse_iso_datetime(text: pl.Expr) -> pl.Expr:
    """ISO 8601 text to naive UTC timestamps; anything else gives null."""
    well_formed = text.str.contains(_TIMESTAMP_SHAPE)
    full = (
        text.str.replace(r"^(\d{4}-\d{2}-\d{2})$", "${1}T00:00:00")
        .str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
        .str.replace(r"T(\d{2}:\d{2})([^:]|$)", "T${1}:00${2}")
        .str.replace(r"[Zz]$", "+00:00")
        .str.replace(r"([+-]\d{2})(\d{2})$", "${1}:${2}")
    )
    has_offset = full.str.contains(r"[+-]\d{2}:\d{2}$")
    naive = full.str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S%.f", strict=False, exact=True)
    aware = full.str.strptime(
        pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, exact=True
    ).dt.replace_time_zone(None)
    return pl.when(well_formed & has_offset).then(aware).when(well_formed).then(naive)


def _bound_check(col: ColumnSpec) -> tuple[pl.Expr, pl.Expr, str] | None:
    if col.minimum is None:
        return None
    value = pl.col(_parsed(col.name))
    if col.strictly_positive:
        return (
            value <= col.minimum,
            pl.format(
                f"{col.name} must be more than {col.minimum:g}, found {{}}.",
                _shown(pl.col(col.name)),
            ),
            f"{col.name} counts people: use 1 or more.",
        )
    return (
        value < col.minimum,
        pl.format(f"negative {col.name} {{}}.", _shown(pl.col(col.name))),
        f"{col.name} must be 0 or more; leave it empty when unknown.",
    )


def _shown(expr: pl.Expr) -> pl.Expr:
    """A cell as it appears in messages: text, cut to 60 characters."""
    text = expr.cast(pl.String)
    return pl.when(text.str.len_chars() > 60).then(text.str.slice(0, 57) + "...").otherwise(text)


def _flag(
    frame: pl.DataFrame,
    condition: pl.Expr | None,
    label: str,
    column: str,
    value: pl.Expr,
    message: pl.Expr,
    hint: str,
) -> pl.DataFrame:
    """One problem row per row of ``frame`` where ``condition`` holds (every row when it is None)."""
    # Never a literal predicate: in polars 2.1, filter(pl.lit(False).fill_null(False)) raises ShapeError
    # on some frames read from CSV (seen from about 20,000 rows; see tests/test_sample.py).
    rows = frame if condition is None else frame.filter(condition.fill_null(False))
    return rows.select(
        pl.lit(label).alias("file"),
        pl.col(ROW).alias("row"),
        pl.lit(column).alias("column"),
        value.cast(pl.String).alias("value"),
        message.cast(pl.String).alias("message"),
        pl.lit(hint).alias("hint"),
    )


def _empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


# --- rules across rows and tables ----------------------------------------------------------------


def _key_problems(typed: dict[str, pl.DataFrame], labels: dict[str, str]) -> list[pl.DataFrame]:
    out = []
    for name, frame in typed.items():
        key = TABLES[name].key
        if not key:
            continue
        (column,) = key
        first = frame.group_by(column).agg(pl.col(ROW).min().alias("_first"))
        dupes = frame.join(first, on=column).filter(
            pl.col(column).is_not_null() & (pl.col(ROW) != pl.col("_first"))
        )
        out.append(
            _flag(
                dupes,
                None,
                labels[name],
                column,
                pl.col(column),
                pl.format(
                    f"duplicate {column} '{{}}' (first at row {{}}).",
                    _shown(pl.col(column)),
                    "_first",
                ),
                f"each {column} must appear once; remove or renumber the repeated row.",
            )
        )
    return out


def _orphan_problems(
    typed: dict[str, pl.DataFrame], labels: dict[str, str], *, rejected_tickets: bool
) -> pl.DataFrame:
    known = typed["tickets"].select("ticket_id").drop_nulls().unique()
    out = [_empty_problems()]
    for name, frame in typed.items():
        if name == "tickets" or "ticket_id" not in TABLES[name].schema:
            continue
        orphans = frame.filter(pl.col("ticket_id").is_not_null()).join(known, on="ticket_id", how="anti")
        message = (
            "ticket_id '{}' is not in "
            + labels["tickets"]
            + (" (or its row was rejected)." if rejected_tickets else ".")
        )
        out.append(
            _flag(
                orphans,
                None,
                labels[name],
                "ticket_id",
                pl.col("ticket_id"),
                pl.format(message, _shown(pl.col("ticket_id"))),
                f"every {name} row must belong to a ticket listed in {labels['tickets']}.",
            )
        )
    return pl.concat(out)


def _drop_rows(
    typed: dict[str, pl.DataFrame], problems: pl.DataFrame, labels: dict[str, str]
) -> dict[str, pl.DataFrame]:
    out = {}
    for name, frame in typed.items():
        bad_rows = problems.filter(pl.col("file") == labels[name]).select(pl.col("row").alias(ROW)).unique()
        out[name] = frame.join(bad_rows, on=ROW, how="anti")
    return out


def _warnings(frames: dict[str, pl.DataFrame], present: frozenset[str]) -> tuple[str, ...]:
    warnings = []
    if "teams" in present:
        known = frames["teams"].select("team")
        mentions = [
            ("tickets", "owner_team"),
            ("ticket_teams", "team"),
            ("signoffs", "team"),
            ("systems", "owner_team"),
            ("handoffs", "from_team"),
            ("handoffs", "to_team"),
        ]
        unknown = (
            pl.concat(
                [
                    frames[t].select(pl.col(c).alias("team"), pl.lit(f"{t}.{c}").alias("where"))
                    for t, c in mentions
                ]
            )
            .drop_nulls("team")
            .join(known, on="team", how="anti")
            .group_by("team")
            .agg(pl.col("where").unique().sort(), pl.len().alias("n"))
            .sort("team")
        )
        for team, where, n in unknown.iter_rows():
            warnings.append(f"team {team!r} appears {n} times ({', '.join(where)}) but is not in teams.")
    if "systems" in present and "ticket_systems" in present:
        unknown_systems = (
            frames["ticket_systems"]
            .select("system")
            .unique()
            .join(frames["systems"].select("system"), on="system", how="anti")
            .sort("system")
        )
        for (system,) in unknown_systems.iter_rows():
            warnings.append(f"system {system!r} appears in ticket_systems but is not in systems.")
    return tuple(warnings)
