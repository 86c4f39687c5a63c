"""The public surface is deliberate: the list is checked, and the app imports nothing else."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import orgfriction

ROOT = Path(__file__).resolve().parent.parent


def test_public_api_list():
    assert sorted(orgfriction.__all__) == [
        "Analysis",
        "Change",
        "Config",
        "ConfigError",
        "DECISIONS",
        "DataError",
        "Dataset",
        "MergeSystems",
        "MergeTeams",
        "OrgfrictionError",
        "Plan",
        "PlatformTeam",
        "Problem",
        "RelaxSignoff",
        "ReviewConflict",
        "ReviewError",
        "ReviewStore",
        "SampleCompany",
        "SplitSystem",
        "TransferSystem",
        "WhatIf",
        "analyze",
        "explore",
        "figures",
        "generate_sample",
        "importers",
        "load",
        "optimize",
        "overview_counts",
        "quarterly_counts",
        "report_html",
        "ticket_basics",
        "write_report",
        "write_sample",
    ]
    assert all(hasattr(orgfriction, name) for name in orgfriction.__all__)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_app_and_notebooks_use_only_the_public_api():
    sources = list((ROOT / "app").rglob("*.py"))
    assert sources
    for path in sources:
        private = {m for m in _imports(path) if m.startswith("orgfriction.")}
        assert not private, f"{path.relative_to(ROOT)} imports {private}"
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        assert "from orgfriction." not in notebook.read_text(encoding="utf-8"), notebook.name


def test_notebooks_are_stored_without_outputs():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 5
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = [cell for cell in cells if cell["cell_type"] == "code"]
        assert code, notebook.name
        for cell in code:
            assert cell["outputs"] == [], notebook.name
            assert cell["execution_count"] is None, notebook.name
