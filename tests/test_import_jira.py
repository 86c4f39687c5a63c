"""The Jira importer on the shipped example export (sample_data/jira), checked by hand, and on
malformed exports and mappings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from orgfriction import ConfigError, DataError, analyze
from orgfriction.importers.jira import JiraMapping, import_jira

EXAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "jira"


@pytest.fixture(scope="module")
def result():
    return import_jira(EXAMPLE / "export.csv", mapping=JiraMapping.from_toml(EXAMPLE / "mapping.toml"))


def test_fields_are_mapped_and_typed(result):
    tickets = {r["ticket_id"]: r for r in result.frames["tickets"].iter_rows(named=True)}
    assert len(tickets) == 8
    first = tickets["SHOP-101"]
    assert first["title"] == 'Checkout button label says "Pay now" twice'
    assert first["created_at"] == datetime(2025, 2, 3, 9, 15)  # 03/Feb/25 9:15 AM
    assert first["resolved_at"] == datetime(2025, 2, 14, 16, 40)  # 14/Feb/25 4:40 PM
    assert first["effort_days"] == 0.5  # 14,400 s of an 8-hour day
    assert first["impact_usd"] == 12000
    assert first["occurrences"] == 37
    assert first["evidence_url"].endswith("/button.png")  # the attachment's URL
    assert tickets["SHOP-102"]["evidence_url"] == "https://replay.example.com/s/8812"  # a link field
    assert tickets["SHOP-106"]["resolved_at"] is None  # open
    assert tickets["SHOP-107"]["owner_team"] is None
    assert tickets["SHOP-107"]["effort_days"] is None


def test_repeated_columns_links_and_signoffs(result):
    teams = result.frames["ticket_teams"]
    by_ticket = teams.group_by("ticket_id").agg(pl.col("team").sort()).sort("ticket_id")
    needed = dict(by_ticket.iter_rows())
    # both "Custom field (Teams involved)" columns count
    assert needed["SHOP-105"] == ["checkout-web", "logistics-tracking", "notifications-push"]
    # SHOP-103 blocks SHOP-102 (its owner is payments-api): each needs the other's team
    assert needed["SHOP-103"] == ["notifications-email", "payments-api"]
    assert needed["SHOP-102"] == ["notifications-email", "payments-api"]
    systems = result.frames["ticket_systems"].filter(pl.col("ticket_id") == "SHOP-102")["system"].to_list()
    assert systems == ["notifications", "payments"]
    signoffs = result.frames["signoffs"].sort("ticket_id").select("ticket_id", "team", "outcome").rows()
    assert signoffs == [
        ("SHOP-101", "brand-compliance", "approved"),
        ("SHOP-105", "legal-review", "approved"),
        ("SHOP-106", "legal-review", "pending"),
    ]
    assert (
        result.frames["tickets"].filter(pl.col("ticket_id") == "SHOP-102")["linked_issues"].item()
        == "SHOP-103"
    )


def test_the_import_validates_and_analyses(result):
    analysis = analyze(result.dataset())
    quality = analysis.tickets.filter(pl.col("ticket_id") == "SHOP-107")
    assert quality["actionable"].item() is False
    assert set(quality["missing"].item().split(";")) == {
        "visual",
        "problem",
        "fix",
        "impact",
        "effort",
        "owner",
    }
    assert analysis.tickets.filter(pl.col("ticket_id") == "SHOP-101")["actionable"].item() is True


def test_bad_values_name_row_and_column(tmp_path):
    text = (EXAMPLE / "export.csv").read_text()
    bad = text.replace("14400,12000,37", "14400,12 000,37", 1).replace("04/Feb/25 11:00 AM", "2025/02/04", 1)
    path = tmp_path / "export.csv"
    path.write_text(bad)
    with pytest.raises(DataError) as caught:
        import_jira(path, mapping=JiraMapping.from_toml(EXAMPLE / "mapping.toml"))
    located = {(p.row, p.column, p.value) for p in caught.value.problems}
    assert located == {(3, "Created", "2025/02/04"), (2, "Custom field (Impact USD)", "12 000")}


def test_a_missing_column_and_a_bad_mapping(tmp_path):
    with pytest.raises(DataError, match="there is no column 'Custom field \\(Squad\\)'"):
        import_jira(EXAMPLE / "export.csv", mapping=JiraMapping(owner_team="Custom field (Squad)"))
    mapping = tmp_path / "m.toml"
    mapping.write_text('team = "Squad"\n')
    with pytest.raises(ConfigError, match="unknown setting 'team'"):
        JiraMapping.from_toml(mapping)
    mapping.write_text('effort_unit = "weeks"\n')
    with pytest.raises(ConfigError, match="effort_unit must be one of days, hours, seconds"):
        JiraMapping.from_toml(mapping)


def test_duplicate_and_empty_keys_name_the_export_rows(tmp_path):
    lines = (EXAMPLE / "export.csv").read_text().splitlines()
    copy = lines[1].replace("SHOP-101", "SHOP-102", 1)
    keyless = lines[2].replace("SHOP-102", "", 1)
    path = tmp_path / "export.csv"
    path.write_text("\n".join([*lines, copy, keyless]) + "\n")
    with pytest.raises(DataError) as caught:
        import_jira(path)
    located = [(p.row, p.column, p.value) for p in caught.value.problems]
    assert located == [(11, "Issue key", None), (10, "Issue key", "SHOP-102")]
