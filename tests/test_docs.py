"""A public command or option that the README does not mention is a bug."""

from __future__ import annotations

from pathlib import Path

import typer.main

from orgfriction.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


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
        if path not in README:
            undocumented.append(path)
        section = README.split(f"### `{path}", 1)[-1].split("\n### ", 1)[0]
        for param in command.params:
            for flag in param.opts:
                if flag.startswith("--") and flag not in section:
                    undocumented.append(f"{path} {flag}")
    assert undocumented == []


def test_environment_variable_documented():
    assert "ORGFRICTION_PASSWORD" in README
