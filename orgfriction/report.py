"""The leadership report: one self-contained HTML file (plotly's JavaScript inlined, no network
needed to open it) with the headline figures, the worst blocking clusters with a sentence and
their evidence each, the top suggestions with their simulated effect and feasibility, the ticket
quality audit and the quarterly trend. Charts come from :mod:`orgfriction.figures`, the same the
app and the notebooks draw.

:func:`report_html` is pure (an analysis in, text out); :func:`write_report`, :func:`write_pdf`
(headless chromium) and :func:`write_pngs` (kaleido, with the machine's chromium) write files.
Every piece of the data's text (team names, ticket titles) is escaped: it shows as text, never as
HTML.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go
import plotly.offline
import polars as pl

from orgfriction import explore, figures
from orgfriction._version import __version__
from orgfriction.errors import ConfigError
from orgfriction.io import atomic_file
from orgfriction.overview import overview_counts, quarterly_counts
from orgfriction.suggestions import join_names, suggestion_title

if TYPE_CHECKING:
    from orgfriction.analysis import Analysis

__all__ = [
    "CHROMIUM_FLAGS",
    "find_chromium",
    "report_figures",
    "report_html",
    "write_pdf",
    "write_pngs",
    "write_report",
]

#: headless chromium without any network: it may load the report's own file, nothing else
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
_CRITERIA = {
    "visual": "a clear visual",
    "problem": "a specific problem",
    "fix": "a suggested fix",
    "impact": "an impact estimate",
    "effort": "an effort estimate",
    "owner": "a clear owner",
}
_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529;
       max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #dee2e6; }
.muted { color: #6c757d; } .small { font-size: 0.875rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 0.8rem; }
.card { border: 1px solid #dee2e6; border-radius: 0.4rem; padding: 0.7rem 0.9rem; }
.card .value { font-size: 1.6rem; font-weight: 600; }
.note { background: #fff3cd; border: 1px solid #ffe69c; padding: 0.6rem 0.9rem; border-radius: 0.4rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.875rem; margin: 0.5rem 0 1rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #dee2e6; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.item { border: 1px solid #dee2e6; border-radius: 0.4rem; padding: 0.6rem 0.9rem; margin: 0.8rem 0;
        break-inside: avoid; }
.badge { display: inline-block; font-size: 0.75rem; padding: 0.1rem 0.45rem; border-radius: 0.3rem;
         background: #e9ecef; margin-left: 0.4rem; }
.badge.warn { background: #ffe69c; }
.figure { break-inside: avoid; }
@page { size: A4; margin: 12mm; }
@media print { body { margin: 0; padding: 0; max-width: none; font-size: 10pt; line-height: 1.3; }
               h1 { font-size: 18pt; } h2 { font-size: 13pt; margin-top: 1.2rem; break-after: avoid; }
               .card { padding: 0.4rem 0.6rem; } .card .value { font-size: 1.25rem; }
               .item { margin: 0.5rem 0; padding: 0.4rem 0.7rem; } .item p { margin: 0.3rem 0; }
               table { font-size: 8.5pt; margin: 0.3rem 0 0.5rem; } th, td { padding: 0.15rem 0.4rem; }
               .modebar-container { display: none !important; } }
"""


def report_figures(analysis: Analysis) -> dict[str, go.Figure]:
    """The report's charts by name (also what ``--png`` writes)."""
    quarterly = quarterly_counts(analysis.dataset, config=analysis.config)
    return {
        "trend": figures.friction_trend_chart(explore.quarterly_friction(analysis)),
        "tickets_per_quarter": figures.quarterly_chart(quarterly),
        "clusters": figures.cluster_chart(analysis.clusters),
        "quality": figures.quality_chart(analysis.quality_by_team),
    }


def report_html(analysis: Analysis, *, top: int = 5, title: str | None = None) -> str:
    """The whole report as one HTML document (``top`` clusters and suggestions)."""
    charts = report_figures(analysis)
    source = analysis.dataset.source
    title = title or f"Organisational friction: {source.name if source else 'dataset'}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title><style>{_STYLE}</style>",
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>',
        "</head><body>",
        f"<h1>{_text(title)}</h1>",
        _intro(analysis),
        _headline(analysis),
        "<h2>Trend</h2>",
        _figure(charts["trend"], "figure-trend") if _has_lead_times(analysis) else "",
        _figure(charts["tickets_per_quarter"], "figure-tickets-per-quarter"),
        "<h2>Where the boundaries block simple fixes</h2>",
        _clusters(analysis, top, charts["clusters"]),
        "<h2>What to change</h2>",
        _suggestions(analysis, top),
        "<h2>Ticket quality</h2>",
        _quality(analysis),
        _figure(charts["quality"], "figure-quality"),
        f'<p class="muted small">Made by orgfriction {__version__} on '
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Definitions: “What the figures mean” in "
        "orgfriction's command-line reference (docs/reference.md).</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(analysis: Analysis, out: Path, **options: Any) -> Path:
    """Write :func:`report_html` to ``out`` so that ``out`` is the old file or the whole new one."""
    text = report_html(analysis, **options)
    with atomic_file(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out


def find_chromium() -> str:
    """The machine's chromium (or Chrome); a :class:`ConfigError` with a hint when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    msg = (
        "no chromium to print the PDF with.\n"
        "  Hint: install it (Debian: apt-get install chromium), or leave out --pdf."
    )
    raise ConfigError(msg)


def write_pdf(report: Path, pdf: Path, *, timeout: float = 120) -> Path:
    """Print the HTML report to ``pdf`` with headless chromium (no network)."""
    chromium = find_chromium()
    with atomic_file(pdf) as tmp, tempfile.TemporaryDirectory() as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=20000",
            "--run-all-compositor-stages-before-draw",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            report.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        if done.returncode != 0 or tmp.stat().st_size == 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            msg = f"chromium could not print the PDF: {message[-1] if message else done.returncode}."
            raise ConfigError(msg)
    return pdf


def write_pngs(analysis: Analysis, folder: Path, *, width: int = 1100, height: int = 550) -> list[Path]:
    """Each of :func:`report_figures` as ``folder/<name>.png``, drawn by kaleido with the machine's
    chromium (kaleido downloads nothing)."""
    find_chromium()
    folder.mkdir(parents=True, exist_ok=True)
    charts = report_figures(analysis)
    paths = [folder / f"{name}.png" for name in charts]
    heights = [max(height, int(fig.layout.height or 0)) for fig in charts.values()]
    import plotly.io as pio

    pio.write_images(list(charts.values()), paths, width=width, height=heights)
    return paths


def _text(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _figure(fig: go.Figure, div_id: str) -> str:
    body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config={"displaylogo": False})
    return f'<div class="figure">{body}</div>'


def _intro(analysis: Analysis) -> str:
    summary = analysis.summary()
    first, as_of = (summary["first_created_at"] or "")[:10], (summary["as_of"] or "")[:10]
    limit = analysis.config.simple_effort_days
    text = (
        f'<p class="muted">Tickets created from {_text(first)} to {_text(as_of)}. A <b>simple fix</b> is a '
        f"ticket of at most {limit:g} days of effort; it is <b>blocked</b> when it needed two or more "
        f"teams or a sign-off and took more than {analysis.config.blocked_factor:g} times as long as a "
        "simple fix one team does alone.</p>"
    )
    notes = "".join(f'<p class="note">{_text(note)}</p>' for note in summary["notes"])
    return text + notes


def _has_lead_times(analysis: Analysis) -> bool:
    return analysis.blocked_basis == "lead_time"


def _headline(analysis: Analysis) -> str:
    summary = analysis.summary()
    counts, headline = summary["counts"], summary["headline"]
    timed = _has_lead_times(analysis)
    overview = overview_counts(analysis.dataset, config=analysis.config)
    simple, multi = counts["simple_fixes"], overview["multi_team_simple_fixes"]
    delegable = headline["delegable_share"]
    cards = [
        ("Tickets", f"{counts['tickets']:,}", f"{counts['open_tickets']:,} still open", "headline-tickets"),
        (
            "Delegable",
            "–" if delegable is None else f"{delegable:.0%}",
            "meet all six criteria",
            "headline-delegable",
        ),
        (
            "Simple fixes needing 2+ teams",
            f"{multi:,}",
            f"{multi / simple:.0%} of {simple:,} simple fixes" if simple else "no simple fixes",
            "headline-multi-team",
        ),
        (
            "Simple fix, one team",
            figures.days(headline["median_lead_time_days_simple_single_team"] if timed else None),
            "median lead time" if timed else "no lead times in the data",
            "headline-lead-single",
        ),
        (
            "Simple fix, 2+ teams",
            figures.days(headline["median_lead_time_days_simple_multi_team"] if timed else None),
            "median lead time" if timed else "no lead times in the data",
            "headline-lead-multi",
        ),
        (
            "Cost of delay",
            figures.money(headline["cost_of_delay_usd"] if timed else None),
            f"of {counts['blocked_simple_fixes']:,} blocked simple fixes" if timed else "needs lead times",
            "headline-cost",
        ),
    ]
    body = "".join(
        f'<div class="card" id="{ident}"><div class="muted small">{_text(label)}</div>'
        f'<div class="value">{_text(value)}</div><div class="muted small">{_text(note)}</div></div>'
        for label, value, note, ident in cards
    )
    return f'<div class="cards">{body}</div>'


def _clusters(analysis: Analysis, top: int, chart: go.Figure) -> str:
    clusters = analysis.clusters.sort("rank").head(top)
    if clusters.is_empty():
        return "<p>No team set blocks simple fixes repeatedly.</p>"
    titles = analysis.dataset.tickets.select("ticket_id", "title")
    parts = [
        '<p class="muted">Groups of teams whose shared simple fixes keep getting blocked, worst first. '
        "<i>Confident</i>: blocked more often than comparable coordinated fixes, after allowing for "
        "the number of team sets tested.</p>",
        _figure(chart, "figure-clusters"),
    ]
    for row in clusters.iter_rows(named=True):
        teams = row["teams"].split(";")
        if _has_lead_times(analysis):
            p_value = "no test" if row["p_value"] is None else f"p = {row['p_value']:.2g}"
            comparable = row["comparable_blocked_share"]
            sentence = (
                f"{join_names(teams)} shared {row['coordinated_simple']:,} simple fixes and "
                f"{row['blocked_simple']:,} of them were blocked ({row['blocked_share']:.0%}"
                + (f", against {comparable:.0%} for comparable fixes" if comparable is not None else "")
                + f"), in {row['periods_recurring']} of {row['periods_total']} quarters ({p_value}); "
                f"cost of delay {figures.money(row['cost_of_delay_usd'])}."
            )
        else:
            sentence = (
                f"{join_names(teams)} had to work together on {row['coordinated_simple']:,} simple fixes, in "
                f"{row['periods_recurring']} of {row['periods_total']} quarters (without lead times, "
                "how much this slowed them down is unknown)."
            )
        evidence = _evidence(analysis, row["evidence_tickets"], titles)
        badge = '<span class="badge">confident</span>' if row["confident"] else ""
        parts.append(
            f'<div class="item cluster" id="cluster-{row["rank"]}"><b>#{row["rank"]}</b>{badge}'
            f"<p>{_text(sentence)}</p>{evidence}</div>"
        )
    return "\n".join(parts)


def _suggestions(analysis: Analysis, top: int) -> str:
    suggestions = analysis.suggestions.sort("rank").head(top)
    if suggestions.is_empty():
        return "<p>No change is suggested for this data.</p>"
    titles = analysis.dataset.tickets.select("ticket_id", "title")
    parts = [
        '<p class="muted">Each change was found in the data and its effect simulated: the org is '
        "changed, the metrics computed again and lead times predicted by the delay model fitted on "
        "this data. Effects are per year.</p>"
    ]
    for row in suggestions.iter_rows(named=True):
        heading = suggestion_title(row["kind"], row["subject"], row["target"])
        feasible = (
            '<span class="badge">feasible</span>'
            if row["feasible"]
            else '<span class="badge warn">team too large</span>'
        )
        effect = (
            f"{row['simple_fixes_unblocked']:,} simple fixes unblocked, "
            f"{row['days_saved_per_year']:,.0f} days "
            f"and {figures.money(row['cost_of_delay_avoided_usd'])} of delay avoided a year; "
            f"{row['people_affected'] or 0} people affected."
        )
        alternative = (
            f'<p class="small">Alternative: {_text(row["alternative"])}</p>' if row["alternative"] else ""
        )
        parts.append(
            f'<div class="item suggestion" id="suggestion-{row["rank"]}">'
            f"<b>#{row['rank']} {_text(heading)}</b>"
            f"{feasible}<p>{_text(row['rationale'])}</p><p><b>Effect:</b> {_text(effect)}</p>{alternative}"
            f"{_evidence(analysis, row['evidence_tickets'], titles)}</div>"
        )
    return "\n".join(parts)


def _evidence(analysis: Analysis, ids: str | None, titles: pl.DataFrame) -> str:
    wanted = [i for i in (ids or "").split(";") if i]
    if not wanted:
        return ""
    rows = (
        analysis.tickets.filter(pl.col("ticket_id").is_in(wanted))
        .join(titles, on="ticket_id", how="left")
        .sort("cost_of_delay_usd", descending=True, nulls_last=True)
        .select("ticket_id", "title", "teams", "lead_time_days", "cost_of_delay_usd")
    )
    body = "".join(
        f"<tr><td>{_text(r['ticket_id'])}</td><td>{_text(r['title'] or '')}</td>"
        f"<td>{_text((r['teams'] or '').replace(';', ', '))}</td>"
        f'<td class="num">{figures.days(r["lead_time_days"])}</td>'
        f'<td class="num">{figures.money(r["cost_of_delay_usd"])}</td></tr>'
        for r in rows.iter_rows(named=True)
    )
    return (
        '<table class="evidence"><thead><tr><th>evidence ticket</th><th>title</th><th>teams</th>'
        '<th class="num">lead time</th><th class="num">cost of delay</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _quality(analysis: Analysis) -> str:
    tickets = analysis.tickets
    total = tickets.height
    delegable = int(tickets["actionable"].sum())
    missing = {c: int(tickets.filter(pl.col(f"has_{c}").not_())["ticket_id"].len()) for c in _CRITERIA}
    most = sorted(missing.items(), key=lambda item: -item[1])
    lead = (
        f"{delegable:,} of {total:,} tickets ({delegable / total:.0%}) can be delegated: they have all "
        "six of a clear visual, a specific problem, a suggested fix, an impact estimate, an effort "
        "estimate and a clear owner."
        if total
        else "No tickets."
    )
    rows = "".join(
        f'<tr><td>{_text(_CRITERIA[c])}</td><td class="num">{n:,}</td><td class="num">'
        f"{n / total:.0%}</td></tr>"
        for c, n in most
        if total
    )
    worst = analysis.quality_by_team.head(8)
    team_rows = "".join(
        f'<tr><td>{_text(r["owner_team"] or "(no owner)")}</td><td class="num">{r["tickets"]:,}</td>'
        f'<td class="num">{r["delegable_share"]:.0%}</td></tr>'
        for r in worst.iter_rows(named=True)
    )
    return (
        f'<p id="quality-lead">{_text(lead)}</p>'
        '<table id="quality-criteria"><thead><tr><th>tickets without</th><th class="num">tickets</th>'
        f'<th class="num">share</th></tr></thead><tbody>{rows}</tbody></table>'
        '<p class="muted">Least delegable owner teams:</p>'
        '<table id="quality-teams"><thead><tr><th>owner team</th><th class="num">tickets</th>'
        f'<th class="num">delegable</th></tr></thead><tbody>{team_rows}</tbody></table>'
    )
