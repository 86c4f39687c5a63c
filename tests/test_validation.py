"""Every validation rule of DESIGN §2, on tiny hand-written files."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from orgfriction import DataError, Dataset, load
from orgfriction.errors import MAX_PROBLEMS_SHOWN

HEADER = "ticket_id,title,created_at,resolved_at,owner_team,effort_days,impact_usd,occurrences\n"


def problems_of(folder, **kwargs):
    with pytest.raises(DataError) as info:
        load(folder, **kwargs)
    return info.value


def only_problem(folder):
    error = problems_of(folder)
    assert error.total == 1, str(error)
    return error.first


def test_valid_minimal_dataset_loads_with_types(make_dataset):
    ds = load(make_dataset())
    expected = pl.DataFrame(
        {
            "ticket_id": ["T1", "T2"],
            "created_at": [datetime(2025, 1, 1), datetime(2025, 1, 2, 9, 30)],
            "resolved_at": [datetime(2025, 1, 3), None],
            "effort_days": [1.0, 3.0],
            "occurrences": [4, 1],
        },
        schema_overrides={"created_at": pl.Datetime("us"), "resolved_at": pl.Datetime("us")},
    )
    assert ds.tickets.select(expected.columns).equals(expected)
    assert ds.present == frozenset({"tickets", "ticket_teams"})
    assert ds.signoffs.columns == ["ticket_id", "team", "requested_at", "decided_at", "outcome"]
    assert ds.as_of == datetime(2025, 1, 3)


def test_duplicate_ticket_id_names_both_rows(make_dataset):
    problem = only_problem(
        make_dataset(
            tickets=HEADER + "T1,a,2025-01-01,,web,1,1,1\nT1,b,2025-01-02,,web,1,1,1\n",
            ticket_teams="ticket_id,team\n",
        )
    )
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "tickets.csv",
        3,
        "ticket_id",
        "T1",
    )
    assert "first at row 2" in problem.message


@pytest.mark.parametrize("table", ["ticket_teams", "signoffs", "ticket_systems", "handoffs"])
def test_child_row_of_unknown_ticket(make_dataset, table):
    content = {
        "ticket_teams": "ticket_id,team\nT1,api\nT9,web\n",
        "signoffs": "ticket_id,team\nT9,legal\n",
        "ticket_systems": "ticket_id,system\nT9,billing\n",
        "handoffs": "ticket_id,at,from_team,to_team\nT9,2025-01-01,web,api\n",
    }[table]
    problem = only_problem(make_dataset(**{table: content}))
    assert problem.file == f"{table}.csv"
    assert problem.row == (3 if table == "ticket_teams" else 2)
    assert (problem.column, problem.value) == ("ticket_id", "T9")
    assert "not in tickets.csv" in problem.message


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("31/02/2025", "created_at", "cannot read '31/02/2025' as a date"),
        ("2025-02-30", "created_at", "cannot read '2025-02-30' as a date"),
        ("tomorrow", "resolved_at", "cannot read 'tomorrow' as a date"),
        ("1,5", "effort_days", "cannot read '1,5' as a number"),
        ("inf", "impact_usd", "cannot read 'inf' as a number"),
        ("1e400", "impact_usd", "cannot read '1e400' as a number"),
        ("2.5", "occurrences", "cannot read '2.5' as a whole number"),
        ("99999999999999999999", "occurrences", "as a whole number"),
        ("-1", "effort_days", "negative effort_days -1"),
        ("-0.5", "impact_usd", "negative impact_usd -0.5"),
        ("-3", "occurrences", "negative occurrences -3"),
        ('=HYPERLINK("http://x")', "effort_days", "cannot read '=HYPERLINK"),
    ],
)
def test_unreadable_or_negative_ticket_value(make_dataset, cell, column, message):
    values = {
        "created_at": "2025-01-01",
        "resolved_at": "",
        "effort_days": "1",
        "impact_usd": "1",
        "occurrences": "1",
    }
    values[column] = f'"{cell}"' if "," in cell or '"' in cell else cell
    if '"' in cell:
        values[column] = '"' + cell.replace('"', '""') + '"'
    row = "T1,t,{created_at},{resolved_at},web,{effort_days},{impact_usd},{occurrences}\n".format(**values)
    problem = only_problem(make_dataset(tickets=HEADER + row, ticket_teams="ticket_id,team\n"))
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "tickets.csv",
        2,
        column,
        cell,
    )
    assert message in problem.message
    assert problem.hint


def test_headcount_must_be_positive(make_dataset):
    error = problems_of(make_dataset(teams="team,org_unit,headcount\nweb,Web,0\napi,Web,-2\nops,Ops,3\n"))
    assert [(p.row, p.column, p.value) for p in error.problems] == [
        (2, "headcount", "0"),
        (3, "headcount", "-2"),
    ]


def test_resolved_before_created(make_dataset):
    problem = only_problem(
        make_dataset(
            tickets=HEADER + "T1,t,2025-03-01,2025-02-01,web,1,1,1\n",
            ticket_teams="ticket_id,team\n",
        )
    )
    assert (problem.row, problem.column) == (2, "resolved_at")
    assert "before created_at" in problem.message


def test_decided_before_requested_and_unknown_outcome(make_dataset):
    error = problems_of(
        make_dataset(
            signoffs="ticket_id,team,requested_at,decided_at,outcome\n"
            "T1,legal,2025-01-05,2025-01-04,approved\n"
            "T2,legal,2025-01-05,,maybe\n"
        )
    )
    assert [(p.row, p.column) for p in error.problems] == [(2, "decided_at"), (3, "outcome")]
    assert "approved, rejected, changes_requested, pending" in error.problems[1].hint


def test_outcome_is_case_insensitive(make_dataset):
    ds = load(
        make_dataset(signoffs="ticket_id,team,outcome\nT1,legal,Approved\nT2,legal,CHANGES_REQUESTED\n")
    )
    assert ds.signoffs["outcome"].to_list() == ["approved", "changes_requested"]


@pytest.mark.parametrize(
    ("table", "header"),
    [
        ("tickets", "ticket_id,title\nT1,x\n"),
        ("ticket_teams", "ticket_id\nT1\n"),
        ("handoffs", "ticket_id,from_team,to_team\nT1,a,b\n"),
    ],
)
def test_required_column_missing(make_dataset, table, header):
    error = problems_of(make_dataset(**{table: header}))
    assert all(p.file == f"{table}.csv" and p.row == 1 for p in error.problems)
    missing = {"tickets": ["created_at"], "ticket_teams": ["team"], "handoffs": ["at"]}[table]
    assert [p.column for p in error.problems] == missing


def test_required_value_empty(make_dataset):
    problem = only_problem(make_dataset(ticket_teams="ticket_id,team\nT1,\n"))
    assert (problem.file, problem.row, problem.column) == ("ticket_teams.csv", 2, "team")
    assert "team is empty" in problem.message


@pytest.mark.parametrize("content", [b"", b"   \n", b"ticket_id,created_at\n"])
def test_empty_tickets_file(make_dataset, content):
    problem = only_problem(make_dataset(tickets=content))
    assert problem.file == "tickets.csv"
    assert "empty" in problem.message or "no data rows" in problem.message


def test_empty_optional_file_is_an_error_with_a_hint(make_dataset):
    problem = only_problem(make_dataset(signoffs=b""))
    assert problem.file == "signoffs.csv"
    assert "or remove the file" in problem.hint


def test_missing_required_table(make_dataset):
    problem = only_problem(make_dataset(ticket_teams=None))
    assert problem.file == "ticket_teams.csv"
    assert "missing" in problem.message


def test_missing_folder(tmp_path):
    problem = problems_of(tmp_path / "nope").first
    assert "no such folder" in problem.message


def test_csv_and_parquet_for_one_table(make_dataset):
    folder = make_dataset()
    pl.DataFrame({"ticket_id": ["T1"], "team": ["x"]}).write_parquet(folder / "ticket_teams.parquet")
    assert "both ticket_teams.csv and ticket_teams.parquet" in only_problem(folder).message


def test_non_utf8_byte_names_row_and_column(make_dataset):
    content = (HEADER + "T1,caf\xe9,2025-01-01,,web,1,1,1\n").encode("latin-1")
    problem = only_problem(make_dataset(tickets=content, ticket_teams="ticket_id,team\n"))
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "tickets.csv",
        2,
        "title",
        "0xe9",
    )
    assert "UTF-8" in problem.hint


def test_too_many_fields(make_dataset):
    problem = only_problem(make_dataset(ticket_teams="ticket_id,team\nT1,api\nT2,api,extra\n"))
    assert (problem.file, problem.row) == ("ticket_teams.csv", 3)
    assert "3 fields where the header has 2" in problem.message


def test_duplicate_header(make_dataset):
    problem = only_problem(make_dataset(ticket_teams="ticket_id,team,team\nT1,a,b\n"))
    assert (problem.row, problem.column) == (1, "team")


def test_many_problems_reported_at_once_with_total(make_dataset):
    rows = "".join(f"T{i},t,not-a-date,,web,1,1,1\n" for i in range(50))
    error = problems_of(make_dataset(tickets=HEADER + rows, ticket_teams="ticket_id,team\n"))
    assert error.total == 50
    assert len(error.problems) == MAX_PROBLEMS_SHOWN
    assert [p.row for p in error.problems] == list(range(2, 2 + MAX_PROBLEMS_SHOWN))
    assert "50 problems" in str(error)
    assert "... and 30 more." in str(error)


def test_problems_across_tables_all_reported(make_dataset):
    error = problems_of(
        make_dataset(
            tickets=HEADER + "T1,t,bad,,web,1,1,1\n",
            ticket_teams="ticket_id,team\nT1,api\nT7,api\n",
            teams="team,headcount\nweb,0\n",
        )
    )
    assert [(p.file, p.row) for p in error.problems] == [
        ("tickets.csv", 2),
        ("ticket_teams.csv", 3),
        ("teams.csv", 2),
    ]


def test_timestamps_iso_forms_and_offsets_become_naive_utc(make_dataset):
    rows = (
        "A,t,2025-01-01,,w,1,1,1\nB,t,2025-01-01T10:00:00+02:00,,w,1,1,1\n"
        "C,t,2025-01-01 10:00,,w,1,1,1\nD,t,2025-01-01T10:00:00.250Z,,w,1,1,1\n"
        "E,t,2025-01-01T23:30:00-01:00,,w,1,1,1\n"
    )
    ds = load(make_dataset(tickets=HEADER + rows, ticket_teams="ticket_id,team\n"))
    assert ds.tickets["created_at"].to_list() == [
        datetime(2025, 1, 1),
        datetime(2025, 1, 1, 8),
        datetime(2025, 1, 1, 10),
        datetime(2025, 1, 1, 10, 0, 0, 250000),
        datetime(2025, 1, 2, 0, 30),
    ]


def test_bom_crlf_blank_lines_quotes_and_extra_columns(make_dataset):
    content = (
        "\ufeff" + HEADER.strip() + ",sprint\r\n" + 'T1,"Label, cut ""off""",2025-01-01,,web,1,1,1,S1\r\n'
        "\r\n" + "T2,t,2025-01-02,,web,x,1,1,S2\r\n"
    ).encode()
    problem = only_problem(make_dataset(tickets=content, ticket_teams="ticket_id,team\n"))
    assert (problem.row, problem.column, problem.value) == (
        4,
        "effort_days",
        "x",
    )  # the blank row 3 still counts
    ok = content.replace(b",x,", b",2,")
    ds = load(make_dataset(tickets=ok, ticket_teams="ticket_id,team\n"))
    assert ds.tickets["title"].to_list() == ['Label, cut "off"', "t"]
    assert ds.tickets.columns[-1] == "sprint"


def test_text_is_trimmed_and_empty_means_missing(make_dataset):
    ds = load(
        make_dataset(
            tickets=HEADER + "T1,  spaced  ,2025-01-01, ,  web ,,,\n",
            ticket_teams="ticket_id,team\n",
        )
    )
    row = ds.tickets.row(0, named=True)
    assert (row["title"], row["owner_team"], row["resolved_at"], row["effort_days"]) == (
        "spaced",
        "web",
        None,
        None,
    )


def test_unknown_team_is_a_warning_not_an_error(make_dataset):
    ds = load(make_dataset(teams="team,org_unit,headcount\nweb,Web,4\n"))
    assert ds.warnings == (
        "team 'api' appears 3 times (ticket_teams.team, tickets.owner_team) but is not in teams.",
    )


def test_unknown_system_is_a_warning(make_dataset):
    ds = load(
        make_dataset(
            systems="system,owner_team\nbilling,api\n",
            ticket_systems="ticket_id,system\nT1,search\n",
        )
    )
    assert ds.warnings == ("system 'search' appears in ticket_systems but is not in systems.",)


def test_parquet_tables_typed_and_untyped(make_dataset):
    folder = make_dataset(tickets=None)
    pl.DataFrame(
        {
            "ticket_id": ["T1", "T2"],
            "created_at": pl.Series([datetime(2025, 1, 1, 12), datetime(2025, 1, 2)]).dt.replace_time_zone(
                "Europe/Berlin"
            ),
            "resolved_at": ["2025-01-03", None],
            "effort_days": [1, 2],
            "occurrences": [3.0, None],
        },
    ).write_parquet(folder / "tickets.parquet")
    ds = load(folder)
    assert ds.tickets["created_at"].to_list() == [
        datetime(2025, 1, 1, 11),
        datetime(2025, 1, 1, 23),
    ]
    assert ds.tickets["resolved_at"].to_list() == [datetime(2025, 1, 3), None]
    assert ds.tickets["effort_days"].dtype == pl.Float64
    assert ds.tickets["occurrences"].to_list() == [3, None]


def test_parquet_wrong_type_and_row_numbers(make_dataset):
    folder = make_dataset(tickets=None)
    pl.DataFrame(
        {
            "ticket_id": ["T1", "T2"],
            "created_at": ["2025-01-01", "nope"],
            "effort_days": [True, False],
        }
    ).write_parquet(folder / "tickets.parquet")
    problem = only_problem(folder)
    assert (problem.file, problem.column) == ("tickets.parquet", "effort_days")
    folder = make_dataset(tickets=None)
    pl.DataFrame({"ticket_id": ["T1", "T2"], "created_at": ["2025-01-01", "nope"]}).write_parquet(
        folder / "tickets.parquet"
    )
    problem = only_problem(folder)
    assert (problem.row, problem.column, problem.value) == (2, "created_at", "nope")


def test_corrupt_parquet(make_dataset):
    folder = make_dataset(tickets=None, **{"tickets.parquet": b"PAR1 not really"})
    assert "cannot read as Parquet" in only_problem(folder).message


# --- skip_invalid ----------------------------------------------------------------------------------


def test_skip_invalid_rejects_bad_rows_and_their_children(make_dataset):
    folder = make_dataset(
        tickets=HEADER + "T1,t,2025-01-01,,web,1,1,1\nT2,t,never,,web,1,1,1\nT1,t,2025-01-01,,web,1,1,1\n",
        ticket_teams="ticket_id,team\nT1,api\nT2,api\nT3,api\n",
    )
    ds = load(folder, skip_invalid=True)
    assert ds.tickets["ticket_id"].to_list() == ["T1"]
    assert ds.ticket_teams.rows() == [("T1", "api")]
    rejected = ds.rejected.select("file", "row", "column", "value")
    assert rejected.rows() == [
        ("tickets.csv", 3, "created_at", "never"),
        ("tickets.csv", 4, "ticket_id", "T1"),
        ("ticket_teams.csv", 3, "ticket_id", "T2"),
        ("ticket_teams.csv", 4, "ticket_id", "T3"),
    ]
    assert ds.rejected["reason"][2].startswith(
        "ticket_id 'T2' is not in tickets.csv (or its row was rejected)."
    )
    assert ds.counts()["rejected_rows"] == {"ticket_teams.csv": 2, "tickets.csv": 2}


def test_skip_invalid_still_fails_on_file_problems(make_dataset):
    with pytest.raises(DataError, match="required column 'created_at'"):
        load(make_dataset(tickets="ticket_id\nT1\n"), skip_invalid=True)


def test_from_frames_validates_like_files():
    with pytest.raises(DataError) as info:
        Dataset.from_frames(
            {
                "tickets": pl.DataFrame({"ticket_id": ["T1"], "created_at": ["bad"]}),
                "ticket_teams": pl.DataFrame({"ticket_id": ["T1"], "team": ["a"]}),
            }
        )
    assert (info.value.first.file, info.value.first.row) == ("tickets", 1)
    with pytest.raises(ValueError, match="unknown table"):
        Dataset.from_frames({"tickts": pl.DataFrame()})
