"""The git importer on a small repository built here, commit by commit, with hand-checked answers;
on exported logs of both layouts; and on malformed input."""

from __future__ import annotations

import gzip
import os
import subprocess
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from orgfriction import ConfigError, DataError, load
from orgfriction.importers import import_git
from orgfriction.importers.git import PRETTY

OWNERS_V1 = "*.py @acme/core\n/web/ @acme/web\n"
OWNERS_V2 = "*.py @acme/core\n/web/ @acme/web\n/web/api/ @acme/api @pat\n"


class Repo:
    """A git repository whose every commit has the dates it is given."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str = "2025-01-01T10:00:00+00:00", author: str = "Ada Lovelace") -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": "a@example.com",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": "a@example.com",
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
        done = subprocess.run(["git", "-C", str(self.path), *args], env=env, check=True, capture_output=True)
        return done.stdout.decode()

    def commit(self, files: dict[str, str], message: str, **kw: str) -> None:
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            self.git("add", name)
        self.git("commit", "-q", "-m", message, **kw)


def lines(n: int) -> str:
    return "".join(f"line {i}\n" for i in range(n))


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Repo:
    """main: CODEOWNERS v1 (Jan 1); PR #1 (branch from Jan 2, merged Jan 5) touching core and web;
    two direct commits (Jan 6), one of them to web/api/ while web still owned it; CODEOWNERS v2
    (Jan 7) giving web/api to api and a person; PR #2 (Jan 8 → Jan 10) touching web/api; a bot's
    commit (Jan 11)."""
    r = Repo(tmp_path_factory.mktemp("git") / "repo")
    r.commit({".github/CODEOWNERS": OWNERS_V1, "README": "hi\n"}, "Start", when="2025-01-01T10:00:00+00:00")
    r.git("checkout", "-q", "-b", "feature")
    r.commit({"app.py": lines(30)}, "Add the app", when="2025-01-02T09:00:00+00:00", author="Bob Byte")
    r.commit({"web/page.html": lines(10)}, "Add a page", when="2025-01-03T09:00:00+00:00", author="Bob Byte")
    r.git("checkout", "-q", "main")
    r.git(
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge pull request #1 from bobbyte/feature",
        when="2025-01-05T12:00:00+00:00",
    )
    r.commit({"web/style.css": lines(4)}, "Fix the colours (#7)", when="2025-01-06T08:00:00+02:00")
    r.commit({"web/api/old.py": lines(3)}, "An API stub (#8)", when="2025-01-06T09:00:00+00:00")
    r.commit({".github/CODEOWNERS": OWNERS_V2}, "Give the API its owners", when="2025-01-07T10:00:00+00:00")
    r.git("checkout", "-q", "-b", "api")
    r.commit({"web/api/handler.py": lines(500)}, "Add the API", when="2025-01-08T09:00:00+00:00")
    r.git("checkout", "-q", "main")
    r.git(
        "merge",
        "-q",
        "--no-ff",
        "api",
        "-m",
        "Merge pull request #2 from ada/api",
        when="2025-01-10T18:00:00+00:00",
    )
    r.commit({"app.py": lines(31)}, "Bump", when="2025-01-11T10:00:00+00:00", author="renovate[bot]")
    return r


def _tickets(result) -> dict[str, dict]:
    return {row["ticket_id"]: row for row in result.frames["tickets"].iter_rows(named=True)}


def test_a_repository_gives_pull_requests_with_lead_times_and_the_owners_then_in_force(repo):
    result = import_git(repo.path)
    tickets = _tickets(result)
    # "Start" and the CODEOWNERS change touch no owned file; the bot's commit is left out
    assert set(tickets) == {"PR-1", "PR-2", "PR-7", "PR-8"}
    pr1, pr2, direct = tickets["PR-1"], tickets["PR-2"], tickets["PR-7"]
    assert pr1["ticket_kind"] == "pull_request"
    assert pr1["created_at"] == datetime(2025, 1, 2, 9)  # the first branch commit's author date
    assert pr1["resolved_at"] == datetime(2025, 1, 5, 12)  # the merge's commit date
    assert pr1["commits"] == 3
    assert pr1["lines_changed"] == 40
    assert pr1["files_changed"] == 2
    assert pr1["owner_team"] == "core"  # 30 (+1) lines of app.py against 10 (+1) of web
    assert pr1["effort_days"] == pytest.approx(0.4)  # 40 lines / 100 a day
    assert direct["ticket_kind"] == "commit"
    assert direct["created_at"] == direct["resolved_at"] == datetime(2025, 1, 6, 6)  # +02:00 → UTC
    assert direct["owner_team"] == "web"
    # PR-2 landed under CODEOWNERS v2: web/api belongs to api and to a person, and *.py to core,
    # but the last matching rule wins: /web/api/ over *.py
    assert pr2["owner_team"] == "api"
    teams = result.frames["ticket_teams"]
    assert teams.filter(pl.col("ticket_id") == "PR-2")["team"].to_list() == ["api", "people-0001"]
    assert teams.filter(pl.col("ticket_id") == "PR-1")["team"].to_list() == ["core", "web"]
    # PR-8 changed web/api/ before v2 gave it to api: web owned it then
    assert teams.filter(pl.col("ticket_id") == "PR-8")["team"].to_list() == ["web"]
    signoffs = result.frames["signoffs"].sort("ticket_id", "team")
    assert signoffs.select("ticket_id", "team", "outcome").rows() == [
        ("PR-1", "web", "approved"),
        ("PR-2", "people-0001", "approved"),
    ]
    assert result.report["codeowners"] == "2 versions from the repository's history"
    assert result.report["left_out"]["bot authors"] == 1
    assert result.report["left_out"]["no file with an owner team"] == 2
    assert result.report["lead_times"] is True


def test_names_are_pseudonymised_unless_kept(repo):
    hidden = import_git(repo.path).frames["tickets"]
    assert set(hidden["author"]) <= {"author-0001", "author-0002"}
    text = hidden.write_csv()
    assert "Bob" not in text
    assert "bobbyte" not in text
    assert "Ada" not in text
    assert "pat" not in text
    assert _tickets(import_git(repo.path))["PR-1"]["title"] == "Merge pull request #1: Add the app"
    kept = import_git(repo.path, keep_names=True)
    assert _tickets(kept)["PR-1"]["author"] == "Bob Byte"
    assert _tickets(kept)["PR-1"]["title"] == "Merge pull request #1 from bobbyte/feature"
    assert "@pat" in kept.frames["ticket_teams"]["team"].to_list()


def test_an_exported_log_imports_like_the_repository_with_one_codeowners(repo, tmp_path):
    log = repo.git("log", "--numstat", "--date=iso-strict", "--no-renames", f"--pretty=format:{PRETTY}")
    exported = tmp_path / "gitlog.txt.gz"
    exported.write_bytes(gzip.compress(log.encode()))
    owners = tmp_path / "CODEOWNERS"
    owners.write_text(OWNERS_V2)
    result = import_git(exported, codeowners=owners)
    tickets = _tickets(result)
    assert set(tickets) == {"PR-1", "PR-2", "PR-7", "PR-8"}
    # today's CODEOWNERS applied to the old change: two owner teams where there was one
    teams = result.frames["ticket_teams"].filter(pl.col("ticket_id") == "PR-8")["team"].to_list()
    assert teams == ["api", "people-0001"]
    assert tickets["PR-1"]["created_at"] == datetime(2025, 1, 2, 9)
    assert any("One CODEOWNERS file was applied" in w for w in result.report["warnings"])
    with pytest.raises(DataError, match="--codeowners"):
        import_git(exported)


def test_merges_only_and_the_team_limit(repo):
    only = import_git(repo.path, merges_only=True)
    assert set(_tickets(only)) == {"PR-1", "PR-2"}
    assert only.report["left_out"]["single commits (merges_only)"] == 5
    narrow = import_git(repo.path, max_teams=1)
    assert set(_tickets(narrow)) == {"PR-7", "PR-8"}
    assert narrow.report["left_out"]["touching more than 1 teams"] == 2


def test_a_team_map_owns_the_unowned_files_of_its_authors(repo, tmp_path):
    team_map = tmp_path / "team_map.csv"
    team_map.write_text("author,team\nAda Lovelace,platform\n")
    tickets = _tickets(import_git(repo.path, team_map=team_map))
    # "Start" (README) and the CODEOWNERS change are Ada's: now the platform team's
    assert sum(t["owner_team"] == "platform" for t in tickets.values()) == 2


def test_an_author_mapped_twice_is_an_error(repo, tmp_path):
    team_map = tmp_path / "team_map.csv"
    team_map.write_text("author,team\nAda Lovelace,platform\nGrace Hopper,web\nAda Lovelace,web\n")
    with pytest.raises(DataError) as caught:
        import_git(repo.path, team_map=team_map)
    problem = caught.value.first
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "team_map.csv",
        4,
        "author",
        "Ada Lovelace",
    )
    assert "first at row 2" in problem.message


def test_an_unreadable_author_pattern_is_a_config_error(repo):
    with pytest.raises(ConfigError, match=r"--exclude-author '\[bot' is not a regular expression"):
        import_git(repo.path, exclude_authors=["[bot"])


def test_plain_code_maat_logs_are_single_commits(tmp_path):
    log = tmp_path / "maat.log"
    log.write_text(
        "--586b4eb--2015-06-15--Adam Tornhill\n35\t0\tsrc/code_maat/mining/vcs.clj\n\n"
        "--1d9c2b1--2015-06-12--Ada\n2\t2\tweb/a.css\n1\t0\tsrc/x.clj\n"
    )
    owners = tmp_path / "CODEOWNERS"
    owners.write_text("/src/ @org/mining\n/web/ @org/web\n")
    result = import_git(log, codeowners=owners)
    tickets = _tickets(result)
    assert set(tickets) == {"586b4eb", "1d9c2b1"}
    assert tickets["1d9c2b1"]["owner_team"] == "web"
    assert tickets["1d9c2b1"]["lines_changed"] == 5
    assert result.report["lead_times"] is False
    assert result.report["layout"] == "plain"


def test_the_written_folder_validates(repo, tmp_path):
    out = tmp_path / "out"
    import_git(repo.path).write(out)
    dataset = load(out)
    assert dataset.tickets.height == 4
    assert (out / "import_report.json").exists()


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("--abc1234--2015-06-15--Ada\n1\t2\n", 2, "numstat"),  # a numstat line cut short
        ("--abc1234--2015-06-15--Ada\n1\t2\ta.txt\n--def5678--2015-06\n", 3, "header"),  # header cut short
        ("hello\n--abc1234--2015-06-15--Ada\n", 1, None),  # not a log
        ("--abc1234--2015-06-15--Ada\n1\t1\told.txt => new.txt\n", 2, "numstat"),  # renames
    ],
)
def test_malformed_logs_name_the_line(tmp_path, text, row, column):
    log = tmp_path / "bad.log"
    log.write_text(text)
    owners = tmp_path / "CODEOWNERS"
    owners.write_text("* @org/all\n")
    with pytest.raises(DataError) as caught:
        import_git(log, codeowners=owners)
    problem = caught.value.first
    assert (problem.file, problem.row, problem.column) == ("bad.log", row, column)
    assert problem.hint


def test_a_truncated_gzip_is_a_clear_error(tmp_path):
    log = tmp_path / "cut.log.gz"
    log.write_bytes(gzip.compress(b"--abc1234--2015-06-15--Ada\n1\t1\ta.txt\n" * 100)[:60])
    owners = tmp_path / "CODEOWNERS"
    owners.write_text("* @org/all\n")
    with pytest.raises(DataError, match="cannot gunzip"):
        import_git(log, codeowners=owners)


def test_a_repository_without_codeowners(tmp_path):
    bare = Repo(tmp_path / "bare")
    bare.commit({"a.txt": "hi\n"}, "First", when="2025-02-01T10:00:00+00:00")
    with pytest.raises(DataError, match="no change is left to import \\(1 no file with an owner team\\)"):
        import_git(bare.path)
    team_map = tmp_path / "team_map.csv"
    team_map.write_text("author,team\nAda Lovelace,platform\n")
    result = import_git(bare.path, team_map=team_map)
    assert result.frames["tickets"]["owner_team"].to_list() == ["platform"]
    assert "The repository has no CODEOWNERS" in result.report["warnings"][0]
