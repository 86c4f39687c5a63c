"""A public command or option that the README does not mention is a bug."""

from __future__ import annotations

from pathlib import Path

import typer.main

from orgfriction.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_documented():
    group = typer.main.get_command(app)
    undocumented = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if f"orgfriction {name}" not in README:
            undocumented.append(name)
        for param in command.params:
            for flag in param.opts:
                if flag.startswith("--") and flag not in README:
                    undocumented.append(f"{name} {flag}")
    assert undocumented == []


def test_environment_variable_documented():
    assert "ORGFRICTION_PASSWORD" in README
