"""The event-log importer on small hand-written logs (CSV, gzipped CSV, XES) with hand-computed
answers, the handover-of-work equivalence, and malformed input."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from orgfriction import DataError, load
from orgfriction.importers.events import handover_of_work, import_events

# case 1: A → B → A → C (a ping-pong A→B→A), case 2: A → A → B, case 3: C only
CSV = """case_id,timestamp,assignment_group,activity
1,2025-03-01T09:00:00,A,Logged
1,2025-03-01T10:00:00,B,Investigate
2,2025-03-02T09:00:00,A,Logged
1,2025-03-02T12:00:00,A,Investigate
2,2025-03-02T09:30:00,A,Update
1,2025-03-04T09:00:00,C,Closed
2,2025-03-03T09:00:00,B,Closed
3,2025-03-05T09:00:00+02:00,C,Logged
3,2025-03-05T10:00:00+02:00,C,Closed
"""

XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="org:group" value="UNKNOWN"/></global>
  <trace>
    <string key="concept:name" value="1"/>
    <event><string key="concept:name" value="Logged"/><string key="org:group" value="A"/>
      <date key="time:timestamp" value="2025-03-01T09:00:00.000+00:00"/></event>
    <event><string key="concept:name" value="Investigate"/><string key="org:group" value="B"/>
      <date key="time:timestamp" value="2025-03-01T10:00:00.000+00:00"/></event>
    <event><string key="concept:name" value="Investigate"/><string key="org:group" value="A"/>
      <date key="time:timestamp" value="2025-03-02T12:00:00.000+00:00"/></event>
    <event><string key="concept:name" value="Closed"/><string key="org:group" value="C"/>
      <date key="time:timestamp" value="2025-03-04T09:00:00.000+00:00"/></event>
  </trace>
  <trace>
    <event><string key="concept:name" value="Logged"/><string key="org:group" value="A"/>
      <date key="time:timestamp" value="2025-03-02T09:00:00.000+00:00"/></event>
    <event><string key="concept:name" value="Update"/><string key="org:group" value="A"/>
      <date key="time:timestamp" value="2025-03-02T09:30:00.000+00:00"/></event>
    <event><string key="concept:name" value="Closed"/><string key="org:group" value="B"/>
      <date key="time:timestamp" value="2025-03-03T09:00:00.000+00:00"/></event>
    <string key="concept:name" value="2"/>
  </trace>
</log>
"""


@pytest.fixture
def csv_log(tmp_path) -> Path:
    path = tmp_path / "log.csv"
    path.write_text(CSV)
    return path


def test_cases_become_tickets_with_teams_and_handoffs(csv_log):
    result = import_events(csv_log)
    tickets = result.frames["tickets"].sort("ticket_id")
    assert tickets.select("ticket_id", "created_at", "resolved_at", "owner_team", "title").rows() == [
        ("1", datetime(2025, 3, 1, 9), datetime(2025, 3, 4, 9), "C", "Logged"),
        ("2", datetime(2025, 3, 2, 9), datetime(2025, 3, 3, 9), "B", "Logged"),
        ("3", datetime(2025, 3, 5, 7), datetime(2025, 3, 5, 8), "C", "Logged"),  # +02:00 → UTC
    ]
    assert result.frames["ticket_teams"].rows() == [
        ("1", "A"),
        ("1", "B"),
        ("1", "C"),
        ("2", "A"),
        ("2", "B"),
        ("3", "C"),
    ]
    handoffs = result.frames["handoffs"].sort("ticket_id", "at")
    assert handoffs.select("ticket_id", "from_team", "to_team").rows() == [
        ("1", "A", "B"),
        ("1", "B", "A"),
        ("1", "A", "C"),
        ("2", "A", "B"),
    ]
    assert handoffs["at"][0] == datetime(2025, 3, 1, 10)
    assert result.report["columns"] == {
        "case": "case_id",
        "timestamp": "timestamp",
        "team": "assignment_group",
        "activity": "activity",
    }
    assert result.report["cases_with_ping_pong"] == 1
    assert result.report["cases_with_two_or_more_teams"] == 2


def test_handover_counts_equal_the_classical_handover_of_work(csv_log):
    # van der Aalst's handover of work with beta = 0, unnormalised, counted by hand from the log:
    # case 1 hands A→B, B→A, A→C; case 2 A→A (the same team: not a pair of teams) and A→B
    expected = pl.DataFrame(
        {"from_team": ["A", "A", "B"], "to_team": ["B", "C", "A"], "handovers": [2, 1, 1]}
    )
    assert_frame_equal(handover_of_work(import_events(csv_log).frames["handoffs"]), expected)


def test_xes_and_gzipped_csv_give_the_same_cases(csv_log, tmp_path):
    xes = tmp_path / "log.xes.gz"
    xes.write_bytes(gzip.compress(XES.encode()))
    from_xes = import_events(xes)
    from_csv = import_events(csv_log)
    assert from_xes.report["columns"]["case"] == "case:concept:name"
    assert from_xes.report["columns"]["team"] == "org:group"
    for table in ("ticket_teams", "handoffs"):
        csv_rows = from_csv.frames[table].filter(pl.col("ticket_id") != "3").sort(pl.all()).rows()
        assert from_xes.frames[table].sort(pl.all()).rows() == csv_rows
    zipped = tmp_path / "log.csv.gz"
    zipped.write_bytes(gzip.compress(CSV.encode()))
    assert import_events(zipped).frames["tickets"].equals(from_csv.frames["tickets"])


def test_a_named_resolution_activity_and_options(tmp_path):
    path = tmp_path / "service.csv"
    path.write_text(
        "Ticket;When;Queue;Step\nT1;29/2/2016 01:16;Desk;Open\nT1;1/3/2016 09:00;Net;Resolve\n"
        "T1;3/3/2016 09:00;Desk;Close\nT2;2/3/2016 10:00;Desk;Open\n"
    )
    result = import_events(
        path,
        case="Ticket",
        timestamp="When",
        team="Queue",
        activity="Step",
        time_format="%d/%m/%Y %H:%M",
        resolved_activity="Resolve",
    )
    tickets = result.frames["tickets"].sort("ticket_id")
    assert tickets.select("ticket_id", "created_at", "resolved_at").rows() == [
        ("T1", datetime(2016, 2, 29, 1, 16), datetime(2016, 3, 1, 9)),
        ("T2", datetime(2016, 3, 2, 10), None),  # never resolved: open
    ]
    assert result.report["open_cases"] == 1


def test_day_first_timestamps_without_a_format_are_an_error_not_a_guess(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("case,timestamp,team\n1,2016-02-28T10:00:00,A\n1,29/2/2016 01:16,B\n")
    with pytest.raises(DataError) as caught:
        import_events(path)
    problem = caught.value.first
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "log.csv",
        3,
        "timestamp",
        "29/2/2016 01:16",
    )
    assert "--time-format" in problem.hint
    with pytest.raises(DataError, match="cannot read the timestamp with --time-format"):
        import_events(path, time_format="%d/%m/%Y %H:%M")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("who,what\n1,2\n", "cannot tell which column holds the case"),
        ("case,timestamp,team\n", "the log has no events"),
        ("case,timestamp,team\n,2025-01-01,A\n", "the case id is empty"),
        ("case,timestamp,team\n1,,A\n", "the timestamp is empty"),
    ],
)
def test_malformed_csv_logs(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        import_events(path)


def test_a_truncated_xes_names_the_line(tmp_path):
    path = tmp_path / "cut.xes"
    path.write_text(XES[: XES.index("<trace>", 200) + 40])
    with pytest.raises(DataError) as caught:
        import_events(path)
    assert "not well-formed XES" in caught.value.first.message
    assert caught.value.first.row is not None


def test_a_resolution_activity_that_never_happens_is_an_error(csv_log, tmp_path):
    with pytest.raises(DataError, match="no event has the activity 'Resolve'"):
        import_events(csv_log, resolved_activity="Resolve")
    bare = tmp_path / "bare.csv"
    bare.write_text("case,timestamp,team\n1,2025-01-01,A\n")
    with pytest.raises(DataError, match="needs an activity column"):
        import_events(bare, resolved_activity="Closed")


def test_an_unknown_column_option(csv_log):
    with pytest.raises(DataError, match="there is no column 'group' \\(--team\\)"):
        import_events(csv_log, team="group")


def test_the_written_folder_validates(csv_log, tmp_path):
    import_events(csv_log).write(tmp_path / "out")
    dataset = load(tmp_path / "out")
    assert dataset.handoffs.height == 4
    assert dataset.tickets["effort_days"].to_list() == [1.0, 1.0, 1.0]
