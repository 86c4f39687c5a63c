"""Import Jira's CSV export ("Export > CSV (all fields)"), with a mapping of its fields.

Jira writes a multi-valued field as several columns of the same name (``Component/s``,
``Labels``, ``Attachment``, a multi-select custom field), custom fields as ``Custom field (Team)``
and links as ``Outward issue link (Blocks)`` / ``Inward issue link (…)``. The mapping (TOML, every
key optional, defaults below) says which columns hold what:

.. code-block:: toml

    id = "Issue key"
    title = "Summary"
    created = "Created"
    resolved = "Resolved"                  # empty: the issue is open
    owner_team = "Custom field (Team)"     # the team that owns the ticket
    teams = []                             # columns naming more teams that had to work on it
    signoffs = []                          # columns naming teams that had to sign off
    systems = ["Component/s"]              # the systems (components) it touched
    effort = ""                            # a number, in effort_unit
    effort_unit = "days"                   # days, hours or seconds (Jira's time tracking: 8 h a day)
    impact = ""                            # simple annual impact in USD
    occurrences = ""                       # customer contacts or sessions that surfaced it
    problem = "Description"
    fix = ""
    evidence = ["Attachment"]              # attachments or links: the first URL found is the evidence
    link_teams = true                      # a linked issue's owner team had to work on it too
    date_format = ""                       # e.g. "%d/%b/%y %I:%M %p"; empty: ISO 8601 or Jira's defaults

Every value of every mapped column is checked: a number or a date that cannot be read is an error
naming the row and column. Linked issues are kept in ``linked_issues``; with ``link_teams``, the
owner team of a linked issue in the same export is one of the teams the ticket needed (a
dependency across teams is what slows a simple fix).
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import polars as pl

from orgfriction.errors import ConfigError, DataError, Problem
from orgfriction.importers._common import ImportResult, counts, open_text
from orgfriction.schema import TABLES
from orgfriction.validation import parse_iso_datetime

__all__ = ["JiraMapping", "import_jira"]

#: Jira's own date forms: unambiguous (the month is a name), so reading them is no guess
JIRA_DATE_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %H:%M")
_SECONDS_PER_DAY = {"days": 1.0, "hours": 8.0, "seconds": 8 * 3600.0}
_LINK_PREFIXES = ("outward issue link", "inward issue link")


@dataclass(frozen=True)
class JiraMapping:
    """Which export columns hold which canonical fields (see the module docstring)."""

    id: str = "Issue key"
    title: str = "Summary"
    created: str = "Created"
    resolved: str = "Resolved"
    owner_team: str = "Custom field (Team)"
    teams: tuple[str, ...] = ()
    signoffs: tuple[str, ...] = ()
    systems: tuple[str, ...] = ("Component/s",)
    effort: str = ""
    effort_unit: str = "days"
    impact: str = ""
    occurrences: str = ""
    problem: str = "Description"
    fix: str = ""
    evidence: tuple[str, ...] = ("Attachment",)
    link_teams: bool = True
    date_format: str = ""

    @classmethod
    def from_toml(cls, path: Path) -> JiraMapping:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"{path}: cannot read the mapping file ({exc})."
            raise ConfigError(msg) from None
        except tomllib.TOMLDecodeError as exc:
            msg = f"{path}: not valid TOML: {exc}.\n  Hint: see the example mapping in sample_data/jira/."
            raise ConfigError(msg) from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "mapping") -> JiraMapping:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                msg = f"{source}: unknown setting {key!r}.\n  Hint: the settings are {', '.join(known)}."
                raise ConfigError(msg)
            default = known[key].default
            if isinstance(default, tuple):
                value = [value] if isinstance(value, str) else value
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    msg = f"{source}: {key} must be a column name or a list of column names."
                    raise ConfigError(msg)
                value = tuple(value)
            elif not isinstance(value, type(default)):
                msg = f"{source}: {key} must be {type(default).__name__}, not {value!r}."
                raise ConfigError(msg)
            values[key] = value
        mapping = cls(**values)
        if mapping.effort_unit not in _SECONDS_PER_DAY:
            units = ", ".join(_SECONDS_PER_DAY)
            msg = f"{source}: effort_unit must be one of {units}, not {mapping.effort_unit!r}."
            raise ConfigError(msg)
        return mapping


def import_jira(path: Path, *, mapping: JiraMapping | None = None) -> ImportResult:
    """Import a Jira CSV export (see the module docstring)."""
    mapping = mapping or JiraMapping()
    label = path.name
    header, rows = _read(path, label)
    columns = _Columns(header, label)
    for name in (mapping.id, mapping.created):
        columns.require(name, "the mapping names it" if name else "")
    single = {
        "ticket_id": mapping.id,
        "title": mapping.title,
        "created_text": mapping.created,
        "resolved_text": mapping.resolved,
        "owner_team": mapping.owner_team,
        "effort_text": mapping.effort,
        "impact_text": mapping.impact,
        "occurrences_text": mapping.occurrences,
        "problem": mapping.problem,
        "suggested_fix": mapping.fix,
    }
    for name in single.values():
        if name:  # "" in the mapping: the export has no such column
            columns.require(name, "")
    links = [i for i, h in enumerate(header) if h.lower().startswith(_LINK_PREFIXES)]
    records = []
    for number, row in rows:
        record: dict[str, Any] = {"row": number}
        for key, name in single.items():
            record[key] = columns.first(row, name) if name else None
        record["more_teams"] = columns.all(row, mapping.teams)
        record["signoff_teams"] = columns.all(row, mapping.signoffs)
        record["systems"] = columns.all(row, mapping.systems)
        record["evidence_url"] = next((_url(v) for v in columns.all(row, mapping.evidence) if _url(v)), None)
        record["linked_issues"] = sorted({row[i].strip() for i in links if i < len(row) and row[i].strip()})
        records.append(record)
    if not records:
        raise DataError([Problem(label, "the export has no issues.", "export at least one issue.")])
    lists = ("more_teams", "signoff_teams", "systems", "linked_issues")
    schema: dict[str, pl.DataType] = {"row": pl.Int64(), **{k: pl.String() for k in single}}
    schema["evidence_url"] = pl.String()
    schema.update({k: pl.List(pl.String) for k in lists})
    frame = pl.DataFrame(records, schema=schema)
    _check_ids(frame, mapping, label)
    frame = _typed(frame, mapping, label)
    return _build(frame, mapping, path)


class _Columns:
    """The export's header, where a name may stand several times."""

    def __init__(self, header: list[str], label: str) -> None:
        self.header, self.label = header, label
        self.positions: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            self.positions.setdefault(name, []).append(index)

    def require(self, name: str, why: str) -> None:
        if name not in self.positions:
            shown = ", ".join(dict.fromkeys(self.header))
            raise DataError(
                [
                    Problem(
                        self.label,
                        f"there is no column {name!r}.",
                        'name the right column in the mapping file (--mapping), or "" for none; '
                        f"the columns are: {shown[:600]}.",
                        row=1,
                        column=name,
                    )
                ]
            )

    def first(self, row: list[str], name: str) -> str | None:
        values = self.all(row, (name,))
        return values[0] if values else None

    def all(self, row: list[str], names: tuple[str, ...]) -> list[str]:
        out = []
        for name in names:
            for index in self.positions.get(name, []):
                if index < len(row) and row[index].strip():
                    out.append(row[index].strip())
        return out


def _read(path: Path, label: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        with open_text(path) as handle:
            reader = csv.reader(handle)
            header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
            rows = [
                (number, row) for number, row in enumerate(reader, start=2) if any(c.strip() for c in row)
            ]
    except UnicodeDecodeError:
        raise DataError(
            [Problem(label, "the file is not UTF-8 text.", "export it again as UTF-8.")]
        ) from None
    except csv.Error as exc:
        raise DataError(
            [Problem(label, f"cannot read the CSV: {exc}.", "export it again from Jira.")]
        ) from None
    if not header:
        raise DataError([Problem(label, "the file is empty.", "export the issues from Jira as CSV.")])
    for number, row in rows:
        if len(row) > len(header):
            raise DataError(
                [
                    Problem(
                        label,
                        f"this row has {len(row)} fields but the header has {len(header)}.",
                        "export it again; a value with a comma must be quoted.",
                        row=number,
                    )
                ]
            )
    return header, rows


def _check_ids(frame: pl.DataFrame, mapping: JiraMapping, label: str) -> None:
    """Every issue has a key, and no key appears twice (named by the export's own rows)."""
    problems = [
        Problem(label, f"{mapping.id} is empty.", "every issue needs its key.", row=r, column=mapping.id)
        for r in frame.filter(pl.col("ticket_id").is_null())["row"].head(20)
    ]
    first = frame.group_by("ticket_id").agg(pl.col("row").min().alias("first"))
    again = frame.join(first, on="ticket_id").filter(pl.col("row") != pl.col("first"))
    problems += [
        Problem(
            label,
            f"issue {key} appears twice (first at row {at}).",
            "export each issue once.",
            row=r,
            column=mapping.id,
            value=key,
        )
        for key, r, at in again.select("ticket_id", "row", "first").head(20).iter_rows()
    ]
    if problems:
        raise DataError(problems)


def _typed(frame: pl.DataFrame, mapping: JiraMapping, label: str) -> pl.DataFrame:
    """Parse dates and numbers, reporting every value that cannot be read."""
    problems: list[Problem] = []

    def dates(column: str, name: str) -> pl.Expr:
        text = pl.col(column).str.strip_chars()
        formats = (mapping.date_format,) if mapping.date_format else JIRA_DATE_FORMATS
        parsed = parse_iso_datetime(text) if not mapping.date_format else pl.lit(None, pl.Datetime("us"))
        for fmt in formats:
            parsed = pl.coalesce(parsed, text.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True))
        return parsed

    def numbers(column: str) -> pl.Expr:
        return pl.col(column).str.strip_chars().cast(pl.Float64, strict=False)

    typed = frame.with_columns(
        dates("created_text", mapping.created).alias("created_at"),
        dates("resolved_text", mapping.resolved).alias("resolved_at"),
        (numbers("effort_text") / _SECONDS_PER_DAY[mapping.effort_unit]).alias("effort_days"),
        numbers("impact_text").alias("impact_usd"),
        numbers("occurrences_text").alias("occurrences_number"),
    )
    checks = [
        ("created_text", "created_at", mapping.created, "date", True),
        ("resolved_text", "resolved_at", mapping.resolved, "date", False),
        ("effort_text", "effort_days", mapping.effort, "number", False),
        ("impact_text", "impact_usd", mapping.impact, "number", False),
        ("occurrences_text", "occurrences_number", mapping.occurrences, "number", False),
    ]
    for text, value, column, kind, required in checks:
        bad = typed.filter(
            (pl.col(text).is_not_null() & (pl.col(value).is_null() | ~pl.col(value).is_finite()))
            if kind == "number"
            else pl.col(text).is_not_null() & pl.col(value).is_null()
        )
        if required:
            bad = pl.concat([bad, typed.filter(pl.col(text).is_null())])
        hint = (
            "write a plain number with a dot for decimals."
            if kind == "number"
            else 'set date_format in the mapping (e.g. "%d/%b/%y %I:%M %p"), or export ISO 8601 dates.'
        )
        for row in bad.head(20).iter_rows(named=True):
            what = "is empty" if row[text] is None else f"cannot be read as a {kind}"
            problems.append(
                Problem(label, f"{column} {what}.", hint, row=row["row"], column=column, value=row[text])
            )
    occurrences = pl.col("occurrences_number")
    whole = typed.filter(occurrences.is_not_null() & (occurrences != occurrences.round(0)))
    for row in whole.head(20).iter_rows(named=True):
        problems.append(
            Problem(
                label,
                "occurrences must be a whole number.",
                "count the contacts or sessions.",
                row=row["row"],
                column=mapping.occurrences,
                value=row["occurrences_text"],
            )
        )
    if problems:
        raise DataError(problems)
    return typed.with_columns(occurrences.cast(pl.Int64).alias("occurrences"))


def _url(value: str) -> str | None:
    """The URL in an attachment cell (``date;user;name;url``) or a plain link."""
    last = value.rsplit(";", 1)[-1].strip()
    return last if last.startswith(("http://", "https://")) else None


def _build(frame: pl.DataFrame, mapping: JiraMapping, path: Path) -> ImportResult:
    tickets = frame.select(
        *TABLES["tickets"].schema,
        pl.col("linked_issues").list.join(";").replace("", None).alias("linked_issues"),
    )
    owner_of = frame.select(pl.col("ticket_id").alias("linked"), pl.col("owner_team").alias("linked_team"))
    linked = (
        frame.select("ticket_id", pl.col("linked_issues").alias("linked"))
        .explode("linked")
        .join(owner_of, on="linked", how="inner")
        .select("ticket_id", pl.col("linked_team").alias("team"))
    )
    named = frame.select("ticket_id", pl.col("more_teams").alias("team")).explode("team")
    parts = [named, frame.select("ticket_id", pl.col("owner_team").alias("team"))]
    if mapping.link_teams:
        parts.append(linked)
    ticket_teams = pl.concat(parts).drop_nulls().unique().sort("ticket_id", "team")
    signoffs = (
        frame.select("ticket_id", pl.col("signoff_teams").alias("team"), "created_at", "resolved_at")
        .explode("team")
        .drop_nulls("team")
        .select(
            "ticket_id",
            "team",
            pl.lit(None, pl.Datetime("us")).alias("requested_at"),
            pl.lit(None, pl.Datetime("us")).alias("decided_at"),
            pl.when(pl.col("resolved_at").is_not_null())
            .then(pl.lit("approved"))
            .otherwise(pl.lit("pending"))
            .alias("outcome"),
        )
        .unique(["ticket_id", "team"], keep="first", maintain_order=True)
    )
    ticket_systems = (
        frame.select("ticket_id", pl.col("systems").alias("system")).explode("system").drop_nulls().unique()
    )
    ticket_systems = ticket_systems.sort("ticket_id", "system")
    frames = {
        "tickets": tickets,
        "ticket_teams": ticket_teams,
        "signoffs": signoffs,
        "ticket_systems": ticket_systems,
    }
    report: dict[str, Any] = {
        "source": str(path),
        "importer": "jira",
        "mapping": {f.name: getattr(mapping, f.name) for f in fields(mapping)},
        "issues": tickets.height,
        "open_issues": tickets.filter(pl.col("resolved_at").is_null()).height,
        "without_owner_team": tickets.filter(pl.col("owner_team").is_null()).height,
        "links_to_issues_outside_the_export": int(
            frame.select(pl.col("linked_issues").list.len().sum()).item()
            - frame.select("ticket_id", pl.col("linked_issues"))
            .explode("linked_issues")
            .join(owner_of, left_on="linked_issues", right_on="linked")
            .height
        ),
        "lead_times": True,
        "rows": counts(frames),
    }
    if mapping.signoffs:
        report["warnings"] = [
            "A Jira export records no sign-off times: sign-offs have no request or decision time "
            "(approved once the issue is resolved, pending while open), so their waits are unknown."
        ]
    return ImportResult(frames, report)
