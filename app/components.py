"""Small layout pieces shared by the pages."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import html

from orgfriction import figures

__all__ = ["card", "days", "grid", "money", "records"]

money, days = figures.money, figures.days  # the report's wording too


def card(label: str, value: str, detail: str, card_id: str, *, width: int = 2) -> dbc.Col:
    """A headline figure: label, big value (with ``card_id``), a line of detail."""
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(label, className="text-muted small"),
                    html.Div(value, className="fs-3 fw-semibold", id=card_id),
                    html.Div(detail, className="small text-muted"),
                ]
            )
        ),
        md=width,
        sm=4,
    )


def grid(
    frame: pl.DataFrame,
    grid_id: str,
    *,
    height: int | None = None,
    max_widths: dict[str, int] | None = None,
    **options: Any,
) -> dag.AgGrid:
    """An AG Grid of a frame. Cells are always plain text: no HTML or markdown renderer is used.
    Columns size to their content, up to ``max_widths`` pixels (longer text wraps)."""
    rows = max(frame.height, 1)
    limits = max_widths or {}
    return dag.AgGrid(
        id=grid_id,
        rowData=records(frame),
        columnDefs=[
            {
                "field": c,
                "headerName": c.replace("_", " "),
                **({"maxWidth": limits[c]} if c in limits else {}),
            }
            for c in frame.columns
        ],
        defaultColDef={"resizable": True, "sortable": True, "wrapText": True, "autoHeight": True},
        columnSize="autoSize",
        style={"height": height or min(60 + 42 * rows, 480)},
        **options,
    )


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: floats rounded for reading, timestamps and booleans as text."""
    shown = frame.with_columns(
        [pl.col(c).round(2) for c, t in frame.schema.items() if t.is_float()]
        + [
            pl.col(c).cast(pl.String)
            for c, t in frame.schema.items()
            if isinstance(t, pl.Datetime | pl.Boolean)
        ]
    )
    return shown.to_dicts()
