"""The ``orgfriction`` command: parses arguments, calls the library, maps errors to exit codes.

Exit codes (DESIGN §5): 0 success, 2 bad input or options (a message, never a traceback),
1 an internal error.
"""

from __future__ import annotations

import functools
import ipaddress
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from orgfriction import __version__
from orgfriction.config import Config
from orgfriction.dataset import Dataset, load
from orgfriction.errors import ConfigError, OrgfrictionError
from orgfriction.io import write_table_atomic

__all__ = ["app", "main"]

PASSWORD_ENV = "ORGFRICTION_PASSWORD"
MAX_WARNINGS_SHOWN = 20
MAX_CLUSTERS_SHOWN = 10

app = typer.Typer(
    name="orgfriction",
    help="Find where organisational boundaries make simple work slow, and propose what to change.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
# in a pipe or a log rich would assume 80 columns and wrap every table cell; use a wide page there
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)

F = TypeVar("F", bound=Callable[..., Any])


def _friendly_errors(command: F) -> F:
    """Turn library errors into a message and exit code 2; anything unexpected into exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OrgfrictionError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            err.print(f"internal error: {type(exc).__name__}: {exc}", markup=False)
            err.print(
                "This is a bug in orgfriction; please report it with the command you ran.",
                markup=False,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def _status(message: str) -> Iterator[None]:
    """A spinner on a terminal; silence in a pipe."""
    if err.is_terminal:
        with err.status(message):
            yield
    else:
        yield


def _version(value: bool) -> None:
    if value:
        out.print(f"orgfriction {__version__}", markup=False)
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Find where organisational boundaries make simple work slow, and propose what to change."""


@app.command()
@_friendly_errors
def sample(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the dataset to (replaced atomically).")
    ],
    teams: Annotated[int, typer.Option("--teams", help="Number of teams (at least 24).")] = 40,
    tickets: Annotated[int, typer.Option("--tickets", help="Number of tickets (at least 200).")] = 5000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same data.")] = 7,
) -> None:
    """Generate a realistic sample company with planted friction (and planted_truth.json)."""
    from orgfriction.sample import write_sample

    with _status(f"Generating {tickets:,} tickets for {teams:,} teams"):
        company = write_sample(out_dir, n_teams=teams, n_tickets=tickets, seed=seed)
    rows = ", ".join(f"{name} {frame.height:,}" for name, frame in company.frames.items())
    out.print(f"Wrote {out_dir}: {rows}; planted truth in planted_truth.json.", markup=False)


@app.command()
@_friendly_errors
def validate(
    data: Annotated[Path, typer.Argument(help="Dataset folder (tickets.csv, ticket_teams.csv, ...).")],
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Leave bad rows out, list them in --rejected, and go on."),
    ] = False,
    rejected: Annotated[
        Path, typer.Option("--rejected", help="Where --skip-invalid writes the rejected rows.")
    ] = Path("rejected_rows.csv"),
) -> None:
    """Check a dataset against the data contract: exit 0 when valid, 2 with every problem listed."""
    with _status(f"Validating {data}"):
        dataset = load(data, skip_invalid=skip_invalid)
    _print_dataset_summary(dataset)
    if skip_invalid:
        _write_rejected(dataset, rejected)
    if dataset.tickets.height == 0:
        err.print("error: no valid tickets are left.", markup=False)
        raise typer.Exit(2)


class OutputFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


@app.command()
@_friendly_errors
def analyze(
    data: Annotated[Path, typer.Argument(help="Dataset folder (tickets.csv, ticket_teams.csv, ...).")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the outputs to (replaced atomically).")
    ],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="File format of the output tables.")
    ] = OutputFormat.csv,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="TOML file of analysis settings (see the README).")
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Leave bad rows out (listed in OUT/rejected_rows) and go on."),
    ] = False,
) -> None:
    """Compute ticket metrics, the team graph and the blocking clusters; write them to --out."""
    from orgfriction.analysis import analyze as run_analysis

    config = Config.from_toml(config_file) if config_file else Config()
    with _status(f"Loading {data}"):
        dataset = load(data, skip_invalid=skip_invalid)
    if dataset.tickets.height == 0:
        err.print("error: no valid tickets are left.", markup=False)
        raise typer.Exit(2)
    with _status(f"Analysing {dataset.tickets.height:,} tickets"):
        analysis = run_analysis(dataset, config)
        written = analysis.write(out_dir, fmt=fmt.value)
    _print_analysis_summary(analysis)
    for warning in dataset.warnings[:MAX_WARNINGS_SHOWN]:
        err.print(f"warning: {warning}", markup=False)
    if len(dataset.warnings) > MAX_WARNINGS_SHOWN:
        err.print(f"warning: ... and {len(dataset.warnings) - MAX_WARNINGS_SHOWN} more.", markup=False)
    if dataset.rejected.height:
        rows = dataset.rejected.select("file", "row").n_unique()
        out.print(f"Left out {rows:,} invalid rows, listed in rejected_rows.{fmt.value}.", markup=False)
    out.print(f"Wrote {written}.", markup=False)


def _print_analysis_summary(analysis: Any) -> None:
    summary = analysis.summary()
    counts, headline = summary["counts"], summary["headline"]
    out.print(
        f"{counts['tickets']:,} tickets, {counts['simple_fixes']:,} simple fixes, "
        f"{counts['coordinated_simple_fixes']:,} coordinated, {counts['blocked_simple_fixes']:,} blocked.",
        markup=False,
    )
    if summary["blocked_basis"] == "coordinated":
        err.print(f"note: {summary['notes'][0]}", markup=False)
    else:
        out.print(
            f"Baseline lead time {headline['baseline_days']:.1f} days; cost of delay of blocked simple "
            f"fixes ${headline['cost_of_delay_usd']:,.0f}.",
            markup=False,
        )
    clusters = analysis.clusters.head(MAX_CLUSTERS_SHOWN)
    if clusters.is_empty():
        out.print("No blocking clusters found.", markup=False)
        return
    table = Table(title="Blocking clusters (worst first)", show_edge=False)
    for column in ("rank", "teams", "blocked / coordinated", "quarters", "p-value", "cost of delay"):
        table.add_column(column, justify="left" if column == "teams" else "right", overflow="fold")
    for row in clusters.iter_rows(named=True):
        p_value = "-" if row["p_value"] is None else f"{row['p_value']:.2g}"
        table.add_row(
            str(row["rank"]),
            Text(row["teams"].replace(";", ", ")),
            f"{row['blocked_simple']} / {row['coordinated_simple']}",
            f"{row['periods_recurring']} / {row['periods_total']}",
            p_value,
            f"${row['cost_of_delay_usd']:,.0f}",
        )
    out.print(table)
    _print_suggestions(analysis.suggestions)


def _print_suggestions(suggestions: Any) -> None:
    if suggestions.is_empty():
        out.print("No boundary suggestions.", markup=False)
        return
    table = Table(title="Suggestions (best first; effects simulated, per year)", show_edge=False)
    for column in (
        "rank",
        "kind",
        "subject",
        "target",
        "unblocked",
        "days saved",
        "cost avoided",
        "feasible",
    ):
        table.add_column(
            column, justify="left" if column in ("kind", "subject", "target") else "right", overflow="fold"
        )
    for row in suggestions.head(MAX_CLUSTERS_SHOWN).iter_rows(named=True):
        table.add_row(
            str(row["rank"]),
            row["kind"],
            Text(row["subject"].replace(";", ", ")),
            Text((row["target"] or "").replace(";", ", ")),
            f"{row['simple_fixes_unblocked']:,}",
            f"{row['days_saved_per_year']:,.0f}",
            f"${row['cost_of_delay_avoided_usd']:,.0f}",
            "yes" if row["feasible"] else "no",
        )
    out.print(table)


@app.command()
@_friendly_errors
def optimize(
    data: Annotated[Path, typer.Argument(help="Dataset folder (tickets.csv, ticket_teams.csv, ...).")],
    out_file: Annotated[
        Path, typer.Option("--out", help="CSV file to write the plan to (replaced atomically).")
    ],
    max_moves: Annotated[int, typer.Option("--max-moves", help="Most changes in the plan.", min=1)] = 5,
    max_team_size: Annotated[
        int | None,
        typer.Option(
            "--max-team-size", help="Largest team a merge may make (default: the config's, 9).", min=1
        ),
    ] = None,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="TOML file of analysis settings (see the README).")
    ] = None,
) -> None:
    """Propose the set of up to --max-moves changes that removes the most cost of delay."""
    from orgfriction.analysis import analyze as run_analysis
    from orgfriction.optimize import optimize as run_optimize

    config = Config.from_toml(config_file) if config_file else Config()
    with _status(f"Loading {data}"):
        dataset = load(data)
    with _status("Analysing and searching for the best plan"):
        analysis = run_analysis(dataset, config)
        plan = run_optimize(analysis, max_moves=max_moves, max_team_size=max_team_size)
        write_table_atomic(plan.steps, out_file)
    totals = plan.totals()
    table = Table(title=f"Plan of {totals['moves']} moves", show_edge=False)
    for column in ("step", "kind", "subject", "target", "unblocked", "cost avoided"):
        table.add_column(
            column, justify="left" if column in ("kind", "subject", "target") else "right", overflow="fold"
        )
    for row in plan.steps.iter_rows(named=True):
        table.add_row(
            str(row["step"]),
            row["kind"],
            Text(row["subject"].replace(";", ", ")),
            Text((row["target"] or "").replace(";", ", ")),
            f"{row['simple_fixes_unblocked']:,}",
            f"${row['cost_of_delay_avoided_usd']:,.0f}",
        )
    out.print(table)
    blocked, cost, days = (
        totals["blocked_simple_fixes"],
        totals["cost_of_delay_usd_per_year"],
        totals["excess_days_per_year"],
    )
    out.print(
        f"Blocked simple fixes: {blocked[0]:,} before, {blocked[1]:,} after.\n"
        f"Cost of delay per year: ${cost[0]:,.0f} before, ${cost[1]:,.0f} after.\n"
        f"Excess days per year: {days[0]:,.0f} before, {days[1]:,.0f} after.",
        markup=False,
    )
    out.print(f"Wrote {out_file}.", markup=False)


@app.command()
@_friendly_errors
def report(
    data: Annotated[Path, typer.Argument(help="Dataset folder (tickets.csv, ticket_teams.csv, ...).")],
    out_file: Annotated[
        Path, typer.Option("--out", help="HTML file to write (self-contained; replaced atomically).")
    ],
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also print the report to this PDF (headless chromium).")
    ] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also write each chart as a PNG into this folder (kaleido).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Clusters and suggestions shown.", min=1)] = 5,
    title: Annotated[str | None, typer.Option("--title", help="The report's title.")] = None,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="TOML file of analysis settings (see the README).")
    ] = None,
) -> None:
    """Write the leadership report: one HTML file that opens offline, optionally a PDF and PNGs."""
    from orgfriction.analysis import analyze as run_analysis
    from orgfriction.report import find_chromium, write_pdf, write_pngs, write_report

    config = Config.from_toml(config_file) if config_file else Config()
    if pdf or png:
        find_chromium()  # before the work: say at once when it cannot be done
    with _status(f"Loading {data}"):
        dataset = load(data)
    with _status(f"Analysing {dataset.tickets.height:,} tickets"):
        analysis = run_analysis(dataset, config)
    with _status("Writing the report"):
        write_report(analysis, out_file, top=top, title=title)
    out.print(f"Wrote {out_file}.", markup=False)
    if pdf:
        with _status("Printing the PDF"):
            write_pdf(out_file, pdf)
        out.print(f"Wrote {pdf}.", markup=False)
    if png:
        with _status("Drawing the charts"):
            paths = write_pngs(analysis, png)
        out.print(f"Wrote {len(paths)} charts to {png}.", markup=False)


import_app = typer.Typer(
    help="Turn real data (git + CODEOWNERS, event logs, Jira exports) into a dataset folder.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")


def _existing(path: Path, what: str) -> Path:
    if not path.exists():
        msg = f"{path}: no such {what}.\n  Hint: check the path."
        raise ConfigError(msg)
    return path


@import_app.command("git")
@_friendly_errors
def import_git_command(
    source: Annotated[
        Path, typer.Argument(help="A git repository folder, or an exported log (.txt or .gz).")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Dataset folder to write (replaced atomically).")],
    codeowners: Annotated[
        Path | None,
        typer.Option(
            "--codeowners", help="CODEOWNERS file (needed for a log; a repository's history has its own)."
        ),
    ] = None,
    team_map: Annotated[
        Path | None, typer.Option("--team-map", help="CSV author,team: who owns the files no rule owns.")
    ] = None,
    exclude_author: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude-author", help="Leave out changes whose author matches this regex (repeatable)."
        ),
    ] = None,
    keep_names: Annotated[
        bool, typer.Option("--keep-names", help="Keep authors' names (default: pseudonymised).")
    ] = False,
    merges_only: Annotated[
        bool,
        typer.Option("--merges-only", help="Only pull requests merged as merge commits (with lead times)."),
    ] = False,
    max_teams: Annotated[
        int, typer.Option("--max-teams", help="Leave out changes touching more teams than this.", min=1)
    ] = 30,
    lines_per_day: Annotated[
        float, typer.Option("--lines-per-day", help="Changed lines that make one day of effort.", min=1)
    ] = 100.0,
    system_depth: Annotated[
        int, typer.Option("--system-depth", help="Directory levels that name a system.", min=1)
    ] = 1,
) -> None:
    """Pull requests (or commits) of a git history as tickets, with CODEOWNERS teams."""
    from orgfriction.importers.git import import_git

    _existing(source, "repository or log file")
    with _status(f"Importing {source}"):
        result = import_git(
            source,
            codeowners=_existing(codeowners, "CODEOWNERS file") if codeowners else None,
            team_map=_existing(team_map, "team map") if team_map else None,
            exclude_authors=tuple(exclude_author) if exclude_author is not None else (r"\[bot\]$",),
            keep_names=keep_names,
            max_teams=max_teams,
            lines_per_day=lines_per_day,
            system_depth=system_depth,
            merges_only=merges_only,
        )
        written = result.write(out_dir)
    _print_import(result, written)


@import_app.command("events")
@_friendly_errors
def import_events_command(
    source: Annotated[Path, typer.Argument(help="Event log: .csv, .csv.gz, .xes or .xes.gz.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Dataset folder to write (replaced atomically).")],
    case: Annotated[str | None, typer.Option("--case", help="Column (attribute) of the case id.")] = None,
    timestamp: Annotated[
        str | None, typer.Option("--timestamp", help="Column (attribute) of the event's time.")
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Column (attribute) of the team, e.g. org:group.")
    ] = None,
    activity: Annotated[
        str | None, typer.Option("--activity", help="Column (attribute) of the activity.")
    ] = None,
    time_format: Annotated[
        str | None,
        typer.Option("--time-format", help="strftime format of every timestamp, e.g. '%d/%m/%Y %H:%M'."),
    ] = None,
    resolved_activity: Annotated[
        str | None,
        typer.Option("--resolved-activity", help="Activity that resolves a case (default: its last event)."),
    ] = None,
    effort_days: Annotated[
        float, typer.Option("--effort-days", help="Effort given to every case (logs record none).", min=0)
    ] = 1.0,
) -> None:
    """Cases of an incident or ticket event log as tickets; changes of team as handoffs."""
    from orgfriction.importers.events import import_events

    _existing(source, "event log")
    with _status(f"Importing {source}"):
        result = import_events(
            source,
            case=case,
            timestamp=timestamp,
            team=team,
            activity=activity,
            time_format=time_format,
            resolved_activity=resolved_activity,
            effort_days=effort_days,
        )
        written = result.write(out_dir)
    _print_import(result, written)


@import_app.command("jira")
@_friendly_errors
def import_jira_command(
    source: Annotated[Path, typer.Argument(help="Jira CSV export (all fields).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Dataset folder to write (replaced atomically).")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="TOML file: which columns hold team, effort, impact, ...")
    ] = None,
) -> None:
    """Issues of a Jira CSV export as tickets, mapped by --mapping."""
    from orgfriction.importers.jira import JiraMapping, import_jira

    _existing(source, "Jira export")
    fields = JiraMapping.from_toml(_existing(mapping, "mapping file")) if mapping else JiraMapping()
    with _status(f"Importing {source}"):
        result = import_jira(source, mapping=fields)
        written = result.write(out_dir)
    _print_import(result, written)


def _print_import(result: Any, written: Path) -> None:
    rows = result.report.get("rows", {})
    out.print(
        f"Wrote {written}: "
        + ", ".join(f"{name} {n:,}" for name, n in rows.items())
        + "; report in import_report.json.",
        markup=False,
    )
    for reason, n in result.report.get("left_out", {}).items():
        if n:
            out.print(f"Left out {n:,} changes: {reason}.", markup=False)
    for warning in result.report.get("warnings", []):
        err.print(f"warning: {warning}", markup=False)


def _print_dataset_summary(dataset: Dataset) -> None:
    counts = dataset.counts()
    table = Table(title=f"{dataset.source}: valid", show_edge=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("rejected rows", justify="right")
    for name, rows in counts["rows"].items():
        rejected = sum(n for file, n in counts["rejected_rows"].items() if file.split(".")[0] == name)
        table.add_row(name, f"{rows:,}", f"{rejected:,}")
    out.print(table)
    out.print(f"Tickets from {counts['first_created_at']} to as-of {counts['as_of']}.", markup=False)
    for warning in dataset.warnings[:MAX_WARNINGS_SHOWN]:
        err.print(f"warning: {warning}", markup=False)
    if len(dataset.warnings) > MAX_WARNINGS_SHOWN:
        err.print(f"warning: ... and {len(dataset.warnings) - MAX_WARNINGS_SHOWN} more.", markup=False)


def _write_rejected(dataset: Dataset, path: Path) -> None:
    write_table_atomic(dataset.rejected, path)
    rows = dataset.rejected.select("file", "row").n_unique()
    out.print(
        f"Rejected {rows:,} rows ({dataset.rejected.height:,} problems), listed in {path}.",
        markup=False,
    )


def _require_password_off_loopback(host: str, password: str | None) -> None:
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not password:
        msg = (
            f"refusing to serve on {host} without a password: anyone who can reach this machine "
            f"could read the data.\n  Hint: pass --password or set {PASSWORD_ENV}, or keep the "
            "default --host 127.0.0.1."
        )
        raise ConfigError(msg)


@app.command()
@_friendly_errors
def serve(
    data: Annotated[Path, typer.Argument(help="Dataset folder to explore.")],
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; other than loopback needs a password.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8050,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            envvar=PASSWORD_ENV,
            show_envvar=True,
            help="Password for HTTP basic auth (user name: any).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Dash debug mode (never on a shared host).")] = False,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store", help="SQLite file of review decisions (default: DATA/orgfriction-decisions.db)."
        ),
    ] = None,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="TOML file of analysis settings (see the README).")
    ] = None,
) -> None:
    """Serve the Dash app on a dataset."""
    config = Config.from_toml(config_file) if config_file else Config()
    _require_password_off_loopback(host, password)
    with _status(f"Loading and analysing {data}"):
        dataset = load(data)
    _serve(dataset, host=host, port=port, password=password, debug=debug, store=store, config=config)


@app.command()
@_friendly_errors
def demo(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8050,
) -> None:
    """Generate the sample company and serve the app on it at http://127.0.0.1:PORT."""
    from orgfriction.sample import write_sample

    folder = Path(tempfile.gettempdir()) / "orgfriction-demo"
    with _status("Generating the sample company"):
        write_sample(folder)
    out.print(f"Sample company written to {folder}.", markup=False)
    _serve(load(folder), host="127.0.0.1", port=port, password=None, debug=False, store=None, config=Config())


def _serve(
    dataset: Dataset,
    *,
    host: str,
    port: int,
    password: str | None,
    debug: bool,
    store: Path | None,
    config: Config,
) -> None:
    _require_password_off_loopback(host, password)
    from app import create_app

    with _status("Analysing"):
        dash_app = create_app(dataset, config=config, password=password, store=store)
    out.print(f"Serving {dataset.source} at http://{host}:{port}/ (Ctrl+C to stop).", markup=False)
    dash_app.run(host=host, port=port, debug=debug)


def main() -> None:
    """Entry point of the ``orgfriction`` script."""
    app(prog_name="orgfriction")


if __name__ == "__main__":  # pragma: no cover
    main()
