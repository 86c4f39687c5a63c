"""The HTTP requests a browser sends to the orgfriction app, built from the app's own
``/_dash-dependencies`` so that the benchmarks exercise Dash's real dispatch (routing, JSON in and
out) rather than calling the Python functions directly.

A request is ``(name, method, path, body)``; ``body`` is the JSON payload of a callback POST, or
``None`` for a GET. ``requests_for(deps, analysis)`` lists the page renders and callbacks a session
triggers, with inputs picked from the data (a team, an org unit, a cluster, a suggestion).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

Request = tuple[str, str, str, dict[str, Any] | None]


def _split_outputs(output: str) -> list[dict[str, Any]]:
    """``"..a.prop...b.prop.."`` (several outputs) or ``"a.prop"`` into ``[{"id", "property"}]``."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    result = []
    for part in parts:
        ident, _, prop = part.rpartition(".")
        result.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop})
    return result


class Payloads:
    """Builds callback payloads for an app, given its dependency list."""

    def __init__(self, dependencies: list[dict[str, Any]]) -> None:
        self.by_output = {d["output"]: d for d in dependencies if not d.get("clientside_function")}

    def find(self, first_output: str) -> str:
        """The full output key of the server callback whose first output is ``first_output``."""
        for key in self.by_output:
            outputs = _split_outputs(key)
            if outputs[0]["id"] == first_output.rpartition(".")[0] or (
                isinstance(outputs[0]["id"], dict) and outputs[0]["id"].get("type") == first_output
            ):
                return key
        raise KeyError(first_output)

    def build(
        self,
        first_output: str,
        values: dict[str, Any],
        changed: list[str],
        match: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The payload of the callback whose first output is ``first_output`` ("id.property"),
        with ``values`` keyed "id.property" for its inputs and states (missing ones are None) and
        ``changed`` the triggering "id.property" keys. ``match`` fills MATCH wildcards of
        pattern-matching ids (``{"sid": ...}``); an ALL input is given as a list of
        ``(id, value)`` under its "type.property" key."""
        key = self.find(first_output)
        dep = self.by_output[key]

        def concrete(ident: Any) -> Any:
            if isinstance(ident, str) and ident.startswith("{"):
                ident = json.loads(ident)
            if isinstance(ident, dict):
                return {k: (match or {}).get(k, v) if v == ["MATCH"] else v for k, v in ident.items()}
            return ident

        def item(spec: dict[str, Any]) -> Any:
            ident = concrete(spec["id"])
            name = f"{ident['type'] if isinstance(ident, dict) else ident}.{spec['property']}"
            value = values.get(name)
            if isinstance(ident, dict) and ["ALL"] in ident.values():
                return [{"id": one, "property": spec["property"], "value": v} for one, v in (value or [])]
            return {"id": ident, "property": spec["property"], "value": value}

        outputs = [{**o, "id": concrete(o["id"])} for o in _split_outputs(key)]
        return {
            "output": key,
            "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": [item(spec) for spec in dep["inputs"]],
            "state": [item(spec) for spec in dep["state"]],
            "changedPropIds": changed,
        }


def page(payloads: Payloads, path: str, search: str = "") -> Request:
    """The callback that renders a page's layout (Dash pages' router)."""
    body = payloads.build(
        "_pages_content.children",
        {"_pages_location.pathname": path, "_pages_location.search": search},
        ["_pages_location.pathname"],
    )
    label = f"{path}?{search[1:].split('=')[0]}=…" if search else path
    return (f"page {label}", "POST", "/_dash-update-component", body)


def requests_for(
    payloads: Payloads, analysis: Any, rng: random.Random, version_of: Callable[[str], int]
) -> list[Request]:
    """One of each request a session sends, with inputs picked at random from the data;
    ``version_of(suggestion_id)`` is the review version the reviewer's page shows."""
    teams = analysis.layout["team"].to_list()
    units = [u for u in analysis.teams["org_unit"].drop_nulls().unique().sort().to_list()]
    clusters = analysis.clusters["cluster_id"].to_list()
    suggestions = analysis.suggestions["suggestion_id"].to_list()
    team, unit = rng.choice(teams), rng.choice(units)
    graph = {
        "graph-dates.start_date": None,
        "graph-dates.end_date": None,
        "graph-unit.value": None,
        "graph-simple.value": True,
        "graph-min-weight.value": 3,
        "graph-team.value": None,
    }
    build = payloads.build
    update = "/_dash-update-component"
    requests: list[Request] = [
        ("GET /", "GET", "/", None),
        page(payloads, "/"),
        page(payloads, "/graph", f"?team={team}"),
        page(payloads, "/clusters"),
        page(payloads, "/suggestions"),
        page(payloads, "/what-if"),
        page(payloads, "/tickets"),
        ("graph: all teams", "POST", update, build("graph-network.figure", graph, ["graph-simple.value"])),
        (
            "graph: one org unit",
            "POST",
            update,
            build("graph-network.figure", {**graph, "graph-unit.value": unit}, ["graph-unit.value"]),
        ),
        (
            "graph: one quarter, shared tickets",
            "POST",
            update,
            build(
                "graph-network.figure",
                {
                    **graph,
                    "graph-dates.start_date": "2025-04-01",
                    "graph-dates.end_date": "2025-06-30",
                    "graph-simple.value": False,
                },
                ["graph-dates.start_date"],
            ),
        ),
        (
            "graph: a team selected",
            "POST",
            update,
            build("graph-network.figure", {**graph, "graph-team.value": team}, ["graph-team.value"]),
        ),
        (
            "graph: team panel",
            "POST",
            update,
            build("graph-team-panel.children", {"graph-team.value": team}, ["graph-team.value"]),
        ),
        (
            "graph: click",
            "POST",
            update,
            build(
                "graph-team.value",
                {"graph-network.clickData": {"points": [{"customdata": [team, 1, 1]}]}},
                ["graph-network.clickData"],
            ),
        ),
        (
            "clusters: select one",
            "POST",
            update,
            build(
                "clusters-graph.figure",
                {"clusters-table.selectedRows": [{"cluster_id": rng.choice(clusters)}] if clusters else []},
                ["clusters-table.selectedRows"],
            ),
        ),
        (
            "tickets: first rows by priority",
            "POST",
            update,
            build(
                "tickets-table.getRowsResponse",
                {"tickets-table.getRowsRequest": {"startRow": 0, "endRow": 100, "sortModel": []}},
                ["tickets-table.getRowsRequest"],
            ),
        ),
        (
            "tickets: filtered, sorted, scrolled",
            "POST",
            update,
            build(
                "tickets-table.getRowsResponse",
                {
                    "tickets-table.getRowsRequest": {
                        "startRow": 200,
                        "endRow": 300,
                        "sortModel": [{"colId": "lead_time_days", "sort": "desc"}],
                        "filterModel": {"owner_team": {"filter": team[:4], "type": "contains"}},
                    }
                },
                ["tickets-table.getRowsRequest"],
            ),
        ),
        (
            "what-if: simulate a merge",
            "POST",
            update,
            build(
                "whatif-list.children",
                {"whatif-changes.data": [{"kind": "merge_teams", "teams": sorted(rng.sample(teams, 2))}]},
                ["whatif-changes.data"],
            ),
        ),
    ]
    if suggestions:
        requests.append(
            (
                "what-if: simulate the top suggestion",
                "POST",
                update,
                build(
                    "whatif-list.children",
                    {"whatif-changes.data": [{"kind": "suggested", "suggestion_id": suggestions[0]}]},
                    ["whatif-changes.data"],
                ),
            )
        )
        sid = rng.choice(suggestions)
        requests.append(
            (
                "suggestions: a review decision",
                "POST",
                update,
                build(
                    "suggestions-status",
                    {
                        "suggestions-decide.n_clicks": [
                            (
                                {"type": "suggestions-decide", "sid": sid, "decision": d},
                                1 if d == "defer" else None,
                            )
                            for d in ("accept", "reject", "defer")
                        ],
                        "suggestions-comment.value": "benchmark",
                        "suggestions-version.data": version_of(sid),
                        "shell-reviewer.data": "bench",
                    },
                    [
                        json.dumps({"decision": "defer", "sid": sid, "type": "suggestions-decide"})
                        + ".n_clicks"
                    ],
                    match={"sid": sid},
                ),
            )
        )
        requests.append(
            (
                "suggestions: export CSV",
                "POST",
                update,
                build(
                    "suggestions-download.data",
                    {"suggestions-export.n_clicks": 1},
                    ["suggestions-export.n_clicks"],
                ),
            )
        )
    return requests
