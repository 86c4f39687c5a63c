"""A public command or option that the documentation does not mention is a bug: every command is
in the README's table and has a section in docs/reference.md naming each of its options; the
README links the reference and a guide per role."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from orgfriction.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
GUIDES = ("docs/guide-leadership.md", "docs/guide-architects.md", "docs/guide-analysts.md")


def _commands(group, prefix="orgfriction"):
    """Every command, sub-commands of groups (``orgfriction import git``) included."""
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path, command


def test_every_command_and_option_is_documented():
    commands = dict(_commands(typer.main.get_command(app)))
    assert "orgfriction import git" in commands  # the walk reaches into groups
    undocumented = []
    for path, command in commands.items():
        if f"`{path} " not in README:
            undocumented.append(f"{path} (README)")
        if f"\n## `{path} " not in REFERENCE:
            undocumented.append(f"{path} (reference)")
            continue
        section = REFERENCE.split(f"\n## `{path} ", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            for flag in param.opts:
                if flag.startswith("--") and f"`{flag}" not in section:
                    undocumented.append(f"{path} {flag}")
    assert undocumented == []


def test_the_readme_links_the_reference_and_a_guide_per_role():
    for target in ("docs/reference.md", *GUIDES):
        assert f"]({target})" in README, target
        assert (ROOT / target).is_file(), target
    for guide in GUIDES:
        text = (ROOT / guide).read_text(encoding="utf-8")
        for link in re.findall(r"\]\(([^)#]+)", text):
            if not link.startswith("http"):
                assert (ROOT / guide).parent.joinpath(link).resolve().exists(), f"{guide}: {link}"


def test_environment_variable_documented():
    assert "ORGFRICTION_PASSWORD" in README
    assert "ORGFRICTION_PASSWORD" in REFERENCE
