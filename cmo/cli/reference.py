"""The CLI reference, `docs/cli.md`, generated from the click commands themselves.

Regenerate it with ``python -m cmo.cli.reference > docs/cli.md``; `tests/test_cli_reference.py`
fails when the page and the commands disagree.

>>> "## cmo query mechanisms" in reference()
True
"""

from __future__ import annotations

import sys

import click

from cmo.cli.main import cli

#: Help is wrapped at this width, whatever the terminal, so the page does not depend on it.
WIDTH = 88

INTRO = """\
# `cmo` command reference

<!-- Generated from the click commands by `python -m cmo.cli.reference > docs/cli.md`;
     tests/test_cli_reference.py fails when this page and the commands disagree. -->

Every command takes the store from `cmo --store URL`, else the `CMO_STORE` setting
([configuration.md](configuration.md)), else `oxigraph:./cmo-data`. Exit status: 0 on success,
1 when the input or the data is refused (`cmo: why` on standard error), 2 for a mistake in the
command line (a missing option, a value not among the choices) or in the settings.
"""


def _sections(command: click.Command, ctx: click.Context) -> list[str]:
    """`command`'s help, then that of each of its subcommands, depth first."""
    path = ctx.command_path
    parts = [f"## {path}\n\n```text\n{command.get_help(ctx)}\n```\n"]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                parts += _sections(sub, click.Context(sub, info_name=name, parent=ctx,
                                                      **sub.context_settings))
    return parts


def reference() -> str:
    """Every `cmo` command's usage, options and help, as the Markdown of docs/cli.md."""
    ctx = click.Context(cli, info_name="cmo", terminal_width=WIDTH, max_content_width=WIDTH,
                        **cli.context_settings)
    return "\n".join([INTRO, *_sections(cli, ctx)])


if __name__ == "__main__":
    sys.stdout.write(reference())
