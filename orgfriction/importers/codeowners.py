"""CODEOWNERS files, parsed and matched with GitHub's semantics.

A rule is a line ``pattern owner owner …``. Patterns are gitignore-style, as GitHub reads them:

* a pattern with a ``/`` at its start or in its middle is anchored at the repository root;
  otherwise it matches at any depth (``docs`` matches ``docs/a.md`` and ``src/docs/b.md``);
* ``*`` matches within one path segment, ``?`` one character but ``/``, ``**`` any number of
  segments (``**/x``, ``a/**/b``, ``a/**``);
* a trailing ``/`` matches directories only (so everything below them, never a file of that name);
* a pattern matches a directory's whole contents, except that a last segment of a lone ``*``
  (``docs/*``) matches only the files directly inside (GitHub's documented example);
* ``\\`` escapes the next character (``\\#``, ``\\ ``, ``\\*``); a ``#`` at the start of a line, or
  after white space, begins a comment;
* the **last** matching rule wins, and a rule without owners removes ownership.

Owners are teams (``@org/team``), users (``@login``) or e-mail addresses. GitHub rejects ``!``
negation and ``[…]`` ranges in CODEOWNERS; they are reported as errors, as are owners of any other
form, never silently ignored.

Examples
--------
>>> rules = parse_codeowners("*  @org/core\\n/docs/  @org/docs\\ndocs/*.png\\n")
>>> [owners_of(rules, p) for p in ["main.go", "docs/a.md", "docs/b.png", "docs/x/y.md"]]
[('@org/core',), ('@org/docs',), (), ('@org/docs',)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from orgfriction.errors import DataError, Problem

__all__ = ["Rule", "match_paths", "owners_of", "parse_codeowners", "pattern_regex"]

_OWNER = re.compile(r"^(@[A-Za-z0-9](?:[A-Za-z0-9_.-]*)(?:/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$")
_REGEX_META = set("\\.+*?()|[]{}^$")
_SYNTAX_HINT = (
    "write 'pattern @org/team …' (owners: @org/team, @user or an e-mail address); see GitHub's "
    "'About code owners'. Escape a literal #, space or * with a backslash."
)


@dataclass(frozen=True)
class Rule:
    """One CODEOWNERS line: its pattern, the regex it compiles to, its owners and line number."""

    pattern: str
    regex: str
    owners: tuple[str, ...]
    line: int


def parse_codeowners(text: str, *, source: str = "CODEOWNERS") -> list[Rule]:
    """Parse a CODEOWNERS file into rules, in file order; every bad line is reported at once."""
    rules: list[Rule] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = _tokens(raw)
        if not tokens:
            continue
        pattern, owners = tokens[0], tuple(tokens[1:])
        try:
            regex = pattern_regex(pattern)
        except ValueError as exc:
            problems.append(
                Problem(source, str(exc), _SYNTAX_HINT, row=number, column="pattern", value=pattern)
            )
            continue
        bad = [o for o in owners if not _OWNER.match(o)]
        if bad:
            problems.append(
                Problem(
                    source,
                    f"'{bad[0]}' is not an owner (a team @org/team, a user @login or an e-mail).",
                    _SYNTAX_HINT,
                    row=number,
                    column="owners",
                    value=bad[0],
                )
            )
            continue
        rules.append(Rule(pattern, regex, owners, number))
    if problems:
        raise DataError(problems)
    return rules


def pattern_regex(pattern: str) -> str:
    """The regular expression (Python and Rust syntax alike) matching the paths ``pattern`` covers.

    >>> import re
    >>> bool(re.match(pattern_regex("foo/**/bar"), "foo/a/b/bar/baz.txt"))
    True
    """
    if pattern.startswith("!"):
        msg = "negated patterns ('!…') are not supported in CODEOWNERS."
        raise ValueError(msg)
    segments = _segments(pattern)
    dir_only = len(segments) > 1 and segments[-1] == ""
    if dir_only:
        segments = segments[:-1]
    anchored = segments[0] == ""
    if anchored:
        segments = segments[1:]
    anchored = anchored or len(segments) > 1
    if not segments or segments == [""]:
        msg = "an empty pattern matches nothing."
        raise ValueError(msg)
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            if index == 0:
                parts.append("(?:.*/)?")  # any leading directories, or none
            elif last:
                parts.append(".+")  # everything inside
            else:
                parts.append("(?:[^/]+/)*")
            continue
        parts.append(_segment_regex(segment) + ("" if last else "/"))
    body = "".join(parts)
    if segments[-1] == "**":
        tail = ""
    elif dir_only:
        tail = "/.+"
    elif segments[-1] == "*" and anchored:
        tail = ""  # docs/* : the files directly inside only
    else:
        tail = "(?:/.+)?"
    head = "^" if anchored or segments[0] == "**" else "^(?:.*/)?"
    return f"{head}{body}{tail}$"


def owners_of(rules: list[Rule], path: str) -> tuple[str, ...]:
    """The owners of one path: those of the last rule that matches (none: no owners)."""
    for rule in reversed(rules):
        if re.match(rule.regex, path):
            return rule.owners
    return ()


def match_paths(rules: list[Rule], paths: pl.Series) -> pl.Series:
    """For each path, the index in ``rules`` of the last matching rule (null: none matches),
    vectorised: one regex pass per rule over all paths."""
    frame = pl.DataFrame({"path": paths})
    if not rules:
        return pl.Series("rule", [None] * len(paths), dtype=pl.Int32)
    matched = [
        pl.when(pl.col("path").str.contains(rule.regex)).then(pl.lit(i, pl.Int32))
        for i, rule in enumerate(rules)
    ]
    return frame.select(pl.max_horizontal(matched).alias("rule")).to_series()


def _tokens(line: str) -> list[str]:
    """Split a line on unescaped white space, dropping a comment; escapes are kept for the pattern."""
    tokens: list[str] = []
    current = ""
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            current += line[index : index + 2]
            index += 2
            continue
        if char == "#" and not current:
            break  # a comment: at the start of the line or after white space
        if char.isspace():
            if current:
                tokens.append(current)
                current = ""
        else:
            current += char
        index += 1
    if current:
        tokens.append(current)
    return tokens


def _segments(pattern: str) -> list[str]:
    """Split on unescaped slashes."""
    segments, current, index = [], "", 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            current += pattern[index : index + 2]
            index += 2
        elif char == "/":
            segments.append(current)
            current = ""
            index += 1
        else:
            current += char
            index += 1
    segments.append(current)
    return segments


def _segment_regex(segment: str) -> str:
    out, index = "", 0
    while index < len(segment):
        char = segment[index]
        if char == "\\" and index + 1 < len(segment):
            out += _literal(segment[index + 1])
            index += 2
            continue
        if char == "*":
            while index + 1 < len(segment) and segment[index + 1] == "*":
                index += 1  # '**' inside a segment is a plain '*'
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            msg = "character ranges ('[…]') are not supported in CODEOWNERS; escape '[' as '\\['."
            raise ValueError(msg)
        else:
            out += _literal(char)
        index += 1
    return out


def _literal(char: str) -> str:
    return "\\" + char if char in _REGEX_META else char
