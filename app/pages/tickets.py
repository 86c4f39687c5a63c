"""Tickets: the quality audit (which of the six criteria each ticket misses, delegable share by
owner team) and the priority ranking, filterable and sortable. The grid asks the server for the
rows in view (AG Grid's infinite row model): sorting and filtering run in polars on the server,
so the page stays quick with hundreds of thousands of tickets."""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
from dash import Input, Output, callback, dcc, html

from app import state
from app.components import records
from orgfriction import explore, figures

dash.register_page(__name__, path="/tickets", name="Tickets", order=5)

_TEXT_FILTERS = {"ticket_id", "title", "owner_team", "teams", "missing"}
# the rows arrive after the grid is drawn, so columns cannot size to their content: give the text
# columns room and keep flags and figures narrow
_WIDTHS = {"title": 320, "teams": 240, "owner_team": 170, "missing": 170, "ticket_id": 120}


def layout(**_query: str) -> html.Div:
    analysis = state().analysis
    columns = [
        {
            "field": c,
            "headerName": c.replace("_", " "),
            "width": _WIDTHS.get(c, 115),
            **({"tooltipField": c} if c in {"title", "teams"} else {}),
            **(
                {
                    "filter": "agTextColumnFilter",
                    "filterParams": {"filterOptions": ["contains"], "maxNumConditions": 1},
                }
                if c in _TEXT_FILTERS
                else {}
            ),
        }
        for c in explore.TICKET_TABLE_COLUMNS
    ]
    return html.Div(
        [
            html.H2("Tickets"),
            html.P(
                "Priority is impact per day of effort, weighted by how often the problem was seen; "
                "missing lists the actionable criteria a ticket fails. Filter a column from its menu.",
                className="text-muted",
            ),
            dag.AgGrid(
                id="tickets-table",
                columnDefs=columns,
                defaultColDef={
                    "resizable": True,
                    "sortable": True,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                rowModelType="infinite",
                dashGridOptions={"cacheBlockSize": 50, "maxBlocksInCache": 20, "rowBuffer": 10},
                style={"height": 520},
            ),
            dcc.Graph(
                id="tickets-quality",
                figure=figures.quality_chart(analysis.quality_by_team),
                config={"displaylogo": False},
                className="mt-3",
            ),
        ]
    )


@callback(
    Output("tickets-table", "getRowsResponse"),
    Input("tickets-table", "getRowsRequest"),
)
def rows_of_tickets(request: dict[str, Any] | None) -> dict[str, Any]:
    request = request or {}
    contains = {
        column: str(spec.get("filter", ""))
        for column, spec in (request.get("filterModel") or {}).items()
        if isinstance(spec, dict)
    }
    sort_by = [(s["colId"], s.get("sort") == "desc") for s in request.get("sortModel") or []]
    start, end = int(request.get("startRow", 0)), int(request.get("endRow", 50))
    frame, total = explore.ticket_table(
        state().analysis, contains=contains, sort_by=sort_by, start=start, end=end
    )
    return {"rowData": records(frame), "rowCount": total}
