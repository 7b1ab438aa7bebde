"""docs/cli.md is the `cmo` command's own help, and every command and option has some."""

from __future__ import annotations

import click
import pytest

from cmo.cli.main import cli
from cmo.cli.reference import reference
from tests.conftest import ROOT

CLI_PAGE = ROOT / "docs" / "cli.md"


def _commands(group: click.Group, path: str = "cmo") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        found.append((f"{path} {name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{path} {name}")
    return found


def test_reference_page_matches_commands() -> None:
    assert CLI_PAGE.read_text(encoding="utf-8") == reference(), \
        "docs/cli.md is out of date: regenerate it with python -m cmo.cli.reference > docs/cli.md"


COMMANDS = _commands(cli)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_document_command_with_help_for_every_option(path: str, command: click.Command) -> None:
    assert command.help, f"{path} has no help"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} {param.opts[0]} has no help"
    assert f"## {path}\n" in reference()


def test_readme_links_cli_reference() -> None:
    assert "(docs/cli.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
