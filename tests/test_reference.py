"""orgfriction's polars metrics agree with an independent pandas + Python-loop implementation
(tests/reference_pandas.py) on the whole sample company."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from orgfriction import analyze, load
from tests.conftest import SAMPLE_DATA
from tests.reference_pandas import reference_metrics


def test_polars_and_pandas_agree_on_the_sample_company():
    expected_tickets, expected_pairs = reference_metrics(SAMPLE_DATA)
    analysis = analyze(load(SAMPLE_DATA))
    columns = [
        "ticket_id",
        "teams_required",
        "signoffs_required",
        "is_simple",
        "coordinated",
        "open",
        "lead_time_days",
        "excess_days",
        "blocked",
        "cost_of_delay_usd",
    ]
    assert_frame_equal(
        analysis.tickets.select(columns),
        _to_polars(expected_tickets[columns]),
        check_dtypes=False,
        abs_tol=1e-9,
    )
    shared = ["team_a", "team_b", "shared_tickets", "shared_simple", "blocked_simple"]
    got_pairs = analysis.team_pairs.filter(pl.col("shared_tickets") > 0).select(shared)
    assert_frame_equal(got_pairs, _to_polars(expected_pairs), check_dtypes=False)
    assert expected_tickets["blocked"].sum() == 1167  # the figure `orgfriction analyze` prints


def _to_polars(frame) -> pl.DataFrame:
    """pandas to polars without pyarrow; NaN (pandas' missing number) becomes null."""
    data = {
        column: series.tolist() if series.dtype.kind not in "biuf" else series.to_numpy()
        for column, series in frame.items()
    }
    return pl.DataFrame(data, nan_to_null=True)
