"""Import incident or ticket event logs (process mining): CSV, gzipped CSV, or XES (gzipped or not).

Files are streamed: a CSV row or an XES event at a time, keeping only the four fields used.

* A **case** becomes a ticket: ``created_at`` its first event, ``resolved_at`` its last, or the last
  event of ``resolved_activity`` when one is named (a case without it is open). Its
  ``owner_team`` is the team of its last event with a team (the one that closed it).
* The distinct teams of a case are its ``ticket_teams``; each consecutive change of team is a
  ``handoffs`` row (``at`` = the time of the event in the new team). For every pair of different
  teams, the number of handoffs equals the classical handover-of-work count (van der Aalst; PM4Py's
  ``discover_handover_of_work_network`` with ``beta=0``, not normalised): :func:`handover_of_work`.
  Events without a team are left out of the team sequence and counted.
* Event logs record no effort: every case is given ``effort_days`` (1 day by default, so every
  case is a simple fix; the report says so). Impact and occurrences are left empty.

Columns are named by options, or found among common names (XES: ``case:concept:name``,
``time:timestamp``, ``org:group``, ``concept:name``; CSVs: ``case_id``, ``timestamp``,
``assignment_group``, ``activity`` and the like). Timestamps are ISO 8601, or all in the one
``time_format`` given (``%d/%m/%Y %H:%M`` for ``29/2/2016 01:16``): anything else is an error,
never a guess between day-first and month-first.
"""

from __future__ import annotations

import csv
import gzip
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from orgfriction.errors import DataError, Problem
from orgfriction.importers._common import (
    ImportResult,
    counts,
    open_binary,
    open_text,
    problems_from_rows,
)
from orgfriction.validation import parse_iso_datetime

__all__ = ["COLUMN_NAMES", "handover_of_work", "import_events"]

#: the names each field is looked for under, in order (compared without case)
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "case": (
        "case:concept:name",
        "case_id",
        "case id",
        "caseid",
        "case",
        "ticket_id",
        "incident_id",
        "number",
    ),
    "timestamp": (
        "time:timestamp",
        "timestamp",
        "time",
        "event_time",
        "datetime",
        "complete_timestamp",
        "date",
    ),
    "team": (
        "org:group",
        "team",
        "group",
        "assignment_group",
        "assignment group",
        "workgroup",
        "support_group",
    ),
    "activity": ("concept:name", "activity", "activity_name", "event", "status"),
}
_RAW_SCHEMA = {
    "position": pl.Int64,
    "case": pl.String,
    "at_text": pl.String,
    "team": pl.String,
    "activity": pl.String,
}
_OPTION = {"case": "--case", "timestamp": "--timestamp", "team": "--team", "activity": "--activity"}
_TIME_HINT = (
    "write ISO 8601 timestamps (2016-02-29T01:16:00), or give the log's one format with --time-format, "
    "e.g. '%d/%m/%Y %H:%M' for 29/2/2016 01:16 (day first) or '%m/%d/%Y %H:%M' (month first)."
)


def import_events(
    path: Path,
    *,
    case: str | None = None,
    timestamp: str | None = None,
    team: str | None = None,
    activity: str | None = None,
    time_format: str | None = None,
    resolved_activity: str | None = None,
    effort_days: float = 1.0,
) -> ImportResult:
    """Import an event log (see the module docstring); the format is read from the file's name."""
    label = path.name
    chosen = {"case": case, "timestamp": timestamp, "team": team, "activity": activity}
    name = path.name.lower().removesuffix(".gz")
    try:
        if name.endswith(".xes"):
            raw, columns = _read_xes(path, chosen, label)
            where = "event"
        else:
            raw, columns = _read_csv(path, chosen, label)
            where = "row"
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        hint = "the file ends early or is damaged: export it again."
        raise DataError([Problem(label, f"cannot gunzip the file ({exc}).", hint)]) from None
    except UnicodeDecodeError:
        raise DataError(
            [Problem(label, "the file is not UTF-8 text.", "save or export it as UTF-8.")]
        ) from None
    if raw.is_empty():
        raise DataError([Problem(label, "the log has no events.", "give a log with at least one event.")])
    if resolved_activity is not None:
        _check_resolution(raw, columns, resolved_activity, label)
    events = _parse_times(raw, columns["timestamp"], time_format, label, where)
    return _build(
        events, path, columns, resolved_activity=resolved_activity, effort_days=effort_days, where=where
    )


def _check_resolution(raw: pl.DataFrame, columns: dict[str, str | None], activity: str, label: str) -> None:
    """A named resolution activity must exist: otherwise every case would silently stay open."""
    if columns["activity"] is None:
        hint = "name the activity column with --activity NAME, or leave out --resolved-activity."
        raise DataError(
            [Problem(label, "--resolved-activity needs an activity column, and none was found.", hint)]
        )
    if not raw.filter(pl.col("activity") == activity).height:
        seen = raw["activity"].drop_nulls().unique().sort().head(20).to_list()
        raise DataError(
            [
                Problem(
                    label,
                    f"no event has the activity {activity!r} (--resolved-activity).",
                    f"the activities include: {', '.join(map(str, seen))}.",
                    column=columns["activity"],
                    value=activity,
                )
            ]
        )


def handover_of_work(handoffs: pl.DataFrame) -> pl.DataFrame:
    """Handovers between different teams: (from_team, to_team, handovers), most first.

    >>> h = pl.DataFrame({"from_team": ["A", "B", "A"], "to_team": ["B", "A", "B"]})
    >>> handover_of_work(h).rows()
    [('A', 'B', 2), ('B', 'A', 1)]
    """
    return (
        handoffs.filter(pl.col("from_team").is_not_null() & (pl.col("from_team") != pl.col("to_team")))
        .group_by("from_team", "to_team")
        .agg(pl.len().cast(pl.Int64).alias("handovers"))
        .sort(["handovers", "from_team", "to_team"], descending=[True, False, False])
    )


def _resolve_columns(
    available: Sequence[str], chosen: dict[str, str | None], label: str
) -> dict[str, str | None]:
    """Which column holds each field: as named by an option, or the first common name found."""
    lower = {c.lower(): c for c in available}
    found: dict[str, str | None] = {}
    problems = []
    for field, given in chosen.items():
        if given is not None:
            if given not in available:
                problems.append(
                    Problem(
                        label,
                        f"there is no column {given!r} ({_OPTION[field]}).",
                        f"the columns are: {', '.join(available[:30])}.",
                        column=given,
                    )
                )
            found[field] = given
            continue
        found[field] = next((lower[n] for n in COLUMN_NAMES[field] if n in lower), None)
        if found[field] is None and field != "activity":
            problems.append(
                Problem(
                    label,
                    f"cannot tell which column holds the {field}.",
                    f"name it with {_OPTION[field]} NAME; the columns are: {', '.join(available[:30])}.",
                )
            )
    if problems:
        raise DataError(problems)
    return found


def _read_csv(
    path: Path, chosen: dict[str, str | None], label: str
) -> tuple[pl.DataFrame, dict[str, str | None]]:
    with open_text(path) as handle:
        sample = handle.read(65536)
        try:
            dialect: Any = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
    with open_text(path) as handle:
        reader = csv.reader(handle, dialect)
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        if not header:
            raise DataError(
                [Problem(label, "the file is empty.", "give a CSV with a header row and one row per event.")]
            )
        columns = _resolve_columns(header, chosen, label)
        index = {field: (header.index(name) if name else None) for field, name in columns.items()}
        rows = _csv_rows(reader, index, len(header), label)
        frame = pl.DataFrame(rows, schema=_RAW_SCHEMA, orient="row")
    return frame, columns


def _csv_rows(
    reader: Iterator[list[str]], index: dict[str, int | None], width: int, label: str
) -> list[tuple[Any, ...]]:
    rows = []
    for number, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) > width:
            raise DataError(
                [
                    Problem(
                        label,
                        f"this row has {len(row)} fields but the header has {width}.",
                        "quote values that contain the delimiter.",
                        row=number,
                        value=str(row[width]),
                    )
                ]
            )
        cells = [(row[i].strip() or None) if i is not None and i < len(row) else None for i in index.values()]
        rows.append((number, *cells))
    return rows


def _read_xes(
    path: Path, chosen: dict[str, str | None], label: str
) -> tuple[pl.DataFrame, dict[str, str | None]]:
    """Stream the events of each trace, with the trace's attributes as ``case:<key>``; a trace's
    events wait in a buffer until the trace ends, as its attributes may follow them."""
    rows: list[tuple[Any, ...]] = []
    columns: dict[str, str | None] | None = None
    trace: dict[str, str] = {}
    pending: list[dict[str, str]] = []
    in_trace = in_event = False
    number = 0
    with open_binary(path) as handle:
        try:
            for event, element in ET.iterparse(handle, events=("start", "end")):
                tag = element.tag.rpartition("}")[2]
                if event == "start":
                    if tag == "trace":
                        in_trace, trace, pending = True, {}, []
                    elif tag == "event":
                        in_event = True
                    continue
                if tag == "event":
                    pending.append({c.get("key", ""): c.get("value", "") for c in element})
                    in_event = False
                    element.clear()
                elif tag == "trace":
                    for values in pending:
                        number += 1
                        values.update(trace)
                        if columns is None:
                            columns = _resolve_columns(list(values), chosen, label)
                        rows.append((number, *(values.get(n) if n else None for n in columns.values())))
                    in_trace = False
                    element.clear()
                elif in_trace and not in_event and element.get("key"):
                    trace[f"case:{element.get('key')}"] = element.get("value", "")
        except ET.ParseError as exc:
            line, _ = exc.position
            raise DataError(
                [
                    Problem(
                        label,
                        f"this is not well-formed XES: {exc}.",
                        "export the log again; a log cut short ends mid-element.",
                        row=line,
                    )
                ]
            ) from None
    frame = pl.DataFrame(rows, schema=_RAW_SCHEMA, orient="row")
    return frame, columns or dict(chosen)


def _parse_times(
    raw: pl.DataFrame, column: str | None, time_format: str | None, label: str, where: str
) -> pl.DataFrame:
    text = pl.col("at_text")
    if time_format:
        aware = "%z" in time_format or "%:z" in time_format
        dtype = pl.Datetime("us", "UTC") if aware else pl.Datetime("us")
        parsed = text.str.strptime(dtype, time_format, strict=False, exact=True)
        parsed = parsed.dt.replace_time_zone(None) if aware else parsed
    else:
        parsed = parse_iso_datetime(text)
    events = raw.with_columns(parsed.alias("at"))
    bad = events.filter(pl.col("at").is_null())
    if bad.height:
        missing = bad.filter(pl.col("at_text").is_null())
        shown = missing if missing.height else bad
        message = (
            "the timestamp is empty."
            if missing.height
            else (
                f"cannot read the timestamp with --time-format {time_format!r}."
                if time_format
                else "cannot read the timestamp as ISO 8601."
            )
        )
        error = problems_from_rows(
            shown,
            label=label,
            column=column or "timestamp",
            message=message,
            hint=_TIME_HINT,
            line="position",
            value="at_text",
        )
        if where == "event":
            error = DataError(
                [
                    Problem(p.file, f"event {p.row:,}: {p.message}", p.hint, column=p.column, value=p.value)
                    for p in error.problems
                ],
                total=error.total,
            )
        raise error
    no_case = events.filter(pl.col("case").is_null())
    if no_case.height:
        raise problems_from_rows(
            no_case,
            label=label,
            column="case",
            message="the case id is empty.",
            hint="every event must name its case.",
            line="position",
            value="case",
        )
    return events


def _build(
    events: pl.DataFrame,
    path: Path,
    columns: dict[str, str | None],
    *,
    resolved_activity: str | None,
    effort_days: float,
    where: str,
) -> ImportResult:
    events = events.sort("case", "at", "position")
    teamed = events.filter(pl.col("team").is_not_null())
    cases = events.group_by("case", maintain_order=True).agg(
        pl.col("at").first().alias("created_at"),
        pl.col("at").last().alias("last_at"),
        pl.col("at").filter(pl.col("activity") == resolved_activity).last().alias("resolution")
        if resolved_activity
        else pl.lit(None, pl.Datetime("us")).alias("resolution"),
        pl.col("activity").first().alias("first_activity"),
        pl.len().alias("events"),
    )
    owners = teamed.group_by("case").agg(pl.col("team").last().alias("owner_team"))
    resolved = pl.col("resolution") if resolved_activity else pl.col("last_at")
    tickets = cases.join(owners, on="case", how="left").select(
        pl.col("case").alias("ticket_id"),
        pl.col("first_activity").alias("title"),
        "created_at",
        resolved.alias("resolved_at"),
        "owner_team",
        pl.lit(effort_days, pl.Float64).alias("effort_days"),
        pl.lit(None, pl.Float64).alias("impact_usd"),
        pl.lit(None, pl.Int64).alias("occurrences"),
        pl.lit(None, pl.String).alias("problem"),
        pl.lit(None, pl.String).alias("suggested_fix"),
        pl.lit(None, pl.String).alias("evidence_url"),
        pl.col("events").cast(pl.Int64),
    )
    ticket_teams = teamed.select(pl.col("case").alias("ticket_id"), "team").unique().sort("ticket_id", "team")
    previous = pl.col("team").shift(1).over("case")
    handoffs = (
        teamed.with_columns(previous.alias("from_team"))
        .filter(pl.col("from_team").is_not_null() & (pl.col("from_team") != pl.col("team")))
        .select(pl.col("case").alias("ticket_id"), "at", "from_team", pl.col("team").alias("to_team"))
    )
    teams = pl.DataFrame({"team": sorted(ticket_teams["team"].unique())}, schema={"team": pl.String})
    frames = {"tickets": tickets, "ticket_teams": ticket_teams, "handoffs": handoffs, "teams": teams}
    multi = ticket_teams.group_by("ticket_id").len().filter(pl.col("len") >= 2).height
    ping_pong = (
        handoffs.with_columns(pl.col("from_team").shift(1).over("ticket_id").alias("before"))
        .filter(pl.col("before") == pl.col("to_team"))["ticket_id"]
        .n_unique()
    )
    report: dict[str, Any] = {
        "source": str(path),
        "importer": "events",
        "columns": columns,
        "events": events.height,
        "cases": tickets.height,
        "events_without_team": events.height - teamed.height,
        "cases_with_two_or_more_teams": multi,
        "cases_with_ping_pong": ping_pong,
        "open_cases": tickets.filter(pl.col("resolved_at").is_null()).height,
        "lead_times": True,
        "warnings": [
            f"Event logs record no effort: every case was given effort_days = {effort_days:g}"
            + (", so every case is a simple fix." if effort_days <= 2 else ".")
        ],
        "rows": counts(frames),
    }
    if events.height - teamed.height:
        report["warnings"].append(
            f"{events.height - teamed.height:,} {where}s name no team; "
            "they count for their case's times only."
        )
    return ImportResult(frames, report)
