"""End to end: the analysis finds what the sample company's generator planted, and writes the
outputs of DESIGN §4 atomically in every format."""

from __future__ import annotations

import json

import polars as pl
import pytest

from orgfriction import Analysis, Dataset, analyze
from orgfriction.analysis import TICKET_COLUMNS
from tests.conftest import SAMPLE_DATA

TRUTH = json.loads((SAMPLE_DATA / "planted_truth.json").read_text(encoding="utf-8"))
CONTRACT = {
    "tickets": TICKET_COLUMNS[:12],
    "team_pairs": (
        "team_a",
        "team_b",
        "shared_tickets",
        "shared_simple",
        "blocked_simple",
        "signoffs",
        "cost_of_delay_usd",
        "coupling",
    ),
    "clusters": (
        "cluster_id",
        "teams",
        "n_teams",
        "blocked_simple",
        "coordinated_simple",
        "periods_recurring",
        "periods_total",
        "p_value",
        "cost_of_delay_usd",
        "rank",
    ),
    "suggestions": (
        "suggestion_id",
        "kind",
        "subject",
        "target",
        "rationale",
        "simple_fixes_unblocked",
        "days_saved_per_year",
        "cost_of_delay_avoided_usd",
        "people_affected",
        "rank",
    ),
}


@pytest.fixture(scope="module")
def analysis(sample_dataset: Dataset) -> Analysis:
    return analyze(sample_dataset)


def _teams(names: list[str]) -> str:
    return ";".join(sorted(names))


def test_every_planted_cluster_is_found_in_the_top_ranks(analysis):
    clusters = analysis.clusters
    rank = dict(zip(clusters["teams"], clusters["rank"], strict=True))
    planted = [_teams(c["teams"]) for c in TRUTH["blocking_clusters"]]
    # the misowned system and the co-changed systems also make their two teams block each other
    also_planted = [
        _teams([TRUTH["misowned_system"]["owner_team"], TRUTH["misowned_system"]["driving_team"]]),
        _teams(TRUTH["co_changed_systems"]["owners"]),
    ]
    top = set(clusters.filter(pl.col("rank") <= len(planted) + len(also_planted))["teams"])
    assert top == set(planted) | set(also_planted)
    for teams in planted:
        row = clusters.row(rank[teams] - 1, named=True)
        assert row["confident"], teams
        assert row["periods_recurring"] >= row["periods_total"] - 1, teams
        assert row["p_value"] < 1e-6, teams


def test_decoys_rank_below_every_planted_cluster(analysis):
    clusters = analysis.clusters
    worst_planted = clusters.filter(
        pl.col("teams").is_in([_teams(c["teams"]) for c in TRUTH["blocking_clusters"]])
    )["rank"].max()
    for decoy in TRUTH["decoys"]:
        row = clusters.filter(pl.col("teams") == _teams(decoy["teams"]))
        if row.is_empty():
            continue  # not even a candidate: below every cluster listed
        assert row["rank"].item() > worst_planted, decoy["kind"]
        assert not row["confident"].item(), decoy["kind"]
        assert row["periods_recurring"].item() <= 1, decoy["kind"]
    burst = clusters.filter(pl.col("teams") == _teams(TRUTH["decoys"][1]["teams"]))
    assert burst["recurring_quarters"].to_list() in ([TRUTH["decoys"][1]["quarter"]], [])


def test_slow_approver_stands_out_in_the_signoff_graph(analysis):
    by_approver = analysis.signoff_edges.group_by("approver").agg(
        (pl.col("approved").sum() / pl.col("decided").sum()).alias("approval_rate"),
        pl.col("median_wait_days").median(),
    )
    slow = TRUTH["slow_approver"]
    row = by_approver.filter(pl.col("approver") == slow["team"]).row(0, named=True)
    assert row["approval_rate"] > 0.9
    assert row["median_wait_days"] > 5 * slow["contrast"]["median_wait_days"]
    assert analysis.signoff_graph.in_degree(slow["team"]) >= 20


def test_summary_headline(analysis):
    summary = analysis.summary()
    counts, headline = summary["counts"], summary["headline"]
    assert summary["blocked_basis"] == "lead_time"
    assert counts["tickets"] == 5000
    assert counts["blocked_simple_fixes"] == analysis.tickets["blocked"].sum()
    assert (
        headline["median_lead_time_days_simple_multi_team"]
        > 2 * headline["median_lead_time_days_simple_single_team"]
    )
    assert 0.6 < headline["delegable_share"] < 0.9
    assert summary["config"]["blocked_factor"] == 2.0
    assert summary["as_of"] == "2025-12-31T15:38:00"  # the latest timestamp in the data
    assert 0 < headline["congruence"] < 1


def test_team_graph_nodes_carry_their_cluster(analysis):
    graph = analysis.graph
    first = analysis.clusters.row(0, named=True)
    for team in first["teams"].split(";"):
        assert graph.nodes[team]["cluster_id"] == first["cluster_id"]
    assert graph.number_of_edges() == analysis.team_pairs.height


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_outputs_in_every_format(analysis, tmp_path, fmt):
    out = analysis.write(tmp_path / "out", fmt=fmt)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{name}.{fmt}" for name in analysis.outputs()] + ["summary.json"])
    for name, columns in CONTRACT.items():
        path = out / f"{name}.{fmt}"
        frame = {"csv": pl.read_csv, "parquet": pl.read_parquet, "json": pl.read_json}[fmt](path)
        assert frame.columns[: len(columns)] == list(columns), name
        assert frame.height == getattr(analysis, name).height
    assert json.loads((out / "summary.json").read_text())["counts"]["tickets"] == 5000


def test_csv_booleans_and_lists(analysis, tmp_path):
    out = analysis.write(tmp_path / "out")
    text = (out / "tickets.csv").read_text(encoding="utf-8").splitlines()
    assert text[0].startswith(",".join(CONTRACT["tickets"]))
    assert ",true," in text[1] or ",false," in text[1]
    clusters = pl.read_csv(out / "clusters.csv")
    assert all(t == ";".join(sorted(t.split(";"))) for t in clusters["teams"])


def test_failed_write_leaves_the_previous_output(analysis, tmp_path, monkeypatch):
    out = analysis.write(tmp_path / "out")
    before = sorted(p.name for p in out.iterdir())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("orgfriction.io.write_frames", broken)
    with pytest.raises(OSError, match="disk full"):
        analysis.write(tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_dataset_without_coordination_has_no_clusters(make_dataset, tmp_path):
    from orgfriction import load

    folder = make_dataset(ticket_teams="ticket_id,team\n")  # two one-team tickets
    analysis = analyze(load(folder))
    assert analysis.clusters.is_empty()
    assert analysis.team_pairs.is_empty()
    assert analysis.summary()["counts"]["clusters"] == 0
    out = analysis.write(tmp_path / "out")
    assert pl.read_csv(out / "clusters.csv").columns[:10] == list(CONTRACT["clusters"])
    assert pl.read_csv(out / "team_pairs.csv").columns == list(CONTRACT["team_pairs"])
