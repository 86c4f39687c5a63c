"""CODEOWNERS parsing and matching with GitHub's semantics, on hand-checked patterns and paths."""

from __future__ import annotations

import polars as pl
import pytest

from orgfriction import DataError
from orgfriction.importers.codeowners import match_paths, owners_of, parse_codeowners

# (pattern, {path: matches}) — each worked out by hand from GitHub's "About code owners" rules
CASES = [
    ("foo", {"foo": True, "foo.txt": False, "foo/bar": True, "bar/foo": True, "bar/foo/baz": True}),
    ("/foo", {"foo": True, "fool.txt": False, "foo/bar/baz": True, "bar/foo": False}),
    ("foo/", {"foo": False, "foo/bar": True, "bar/foo/baz": True}),
    ("/foo/", {"foo/bar": True, "bar/foo/baz": False}),
    ("foo/bar", {"foo/bar": True, "foo/bart": False, "foo/bar/baz": True, "baz/foo/bar": False}),
    ("*", {"foo": True, "foo/bar": True, "x/y/z.go": True}),
    ("*.js", {"a.js": True, "src/app/b.js": True, "a.jsx": False}),
    ("/*", {"foo": True, "foo/bar": False}),
    ("docs/*", {"docs/getting-started.md": True, "docs/build-app/troubleshooting.md": False, "docs": False}),
    ("foo/*.txt", {"foo/bar.txt": True, "foo/bar/baz.txt": False, "qux/foo/bar.txt": False}),
    ("foo/*/baz", {"foo/bar/baz": True, "foo/bar/baz/qux": True, "foo/baz": False}),
    ("f?o", {"foo": True, "fo": False, "fooo": False}),
    ("**/logs", {"logs/a": True, "build/logs/a.log": True, "deeply/nested/logs/x": True, "logsx": False}),
    ("foo/bar/**", {"foo/bar": False, "foo/bar/baz": True, "foo/bar/baz/qux": True}),
    ("foo/**/bar", {"foo/bar": True, "foo/a/b/bar/c": True, "qux/foo/bar": False}),
    ("/apps/**/", {"apps/a/b.go": True, "apps": False}),
    (r"f\*o", {"foo": False, "f*o": True}),
    (r"my\ file.txt", {"my file.txt": True, "my": False}),
    (r"\#notes", {"#notes": True, "notes": False}),
    ("/build/logs/", {"build/logs/a.log": True, "build/logs": False, "x/build/logs/a": False}),
]


@pytest.mark.parametrize(("pattern", "paths"), CASES, ids=[c[0] for c in CASES])
def test_patterns_match_as_github_documents(pattern, paths):
    rules = parse_codeowners(f"{pattern} @org/team\n")
    for path, expected in paths.items():
        assert bool(owners_of(rules, path)) is expected, path
    vectorised = match_paths(rules, pl.Series(list(paths)))
    assert [value is not None for value in vectorised] == list(paths.values())


def test_last_matching_rule_wins_and_an_ownerless_rule_removes_ownership():
    text = """
# comment lines and blank lines are ignored

*                 @org/core   # an inline comment
/docs/            @org/docs docs-team@example.com
*.md              @org/writers
/docs/generated/
/apps/            @alice @org/apps
"""
    rules = parse_codeowners(text)
    assert owners_of(rules, "main.go") == ("@org/core",)
    assert owners_of(rules, "docs/guide.txt") == ("@org/docs", "docs-team@example.com")
    assert owners_of(rules, "docs/guide.md") == ("@org/writers",)  # the later *.md wins
    assert owners_of(rules, "docs/generated/api.txt") == ()  # no owners: ownership removed
    assert owners_of(rules, "apps/x.go") == ("@alice", "@org/apps")
    index = match_paths(rules, pl.Series(["main.go", "docs/guide.md", "docs/generated/a", "none"]))
    assert index.to_list() == [0, 2, 3, 0]
    assert [r.line for r in rules] == [4, 5, 6, 7, 8]


def test_unknown_syntax_is_an_error_naming_every_line():
    text = "*.go @org/go\n!vendor/ @org/x\nsrc/[ab].c @org/c\n/lib owner-without-at\n"
    with pytest.raises(DataError) as caught:
        parse_codeowners(text, source="CODEOWNERS")
    problems = caught.value.problems
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "pattern", "!vendor/"),
        (3, "pattern", "src/[ab].c"),
        (4, "owners", "owner-without-at"),
    ]
    assert "negated" in problems[0].message
    assert problems[0].hint
    assert "CODEOWNERS, row 4, column owners" in str(caught.value)
