"""The `cmo` command: import, export, validate, query, draw and serve realist reviews.

A thin click layer over the library: each command parses its options and calls `cmo`. The store
comes from ``--store URL``, else the ``CMO_STORE`` setting (default ``oxigraph:./cmo-data``).
Exit status: 0 on success, 1 when the input or the data is refused (``cmo: why`` on standard
error), 2 for a mistake in the command line or the settings themselves. `docs/cli.md` is
generated from these commands (`cmo.cli.reference`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import IO, Any

import click

from cmo.cli.appraise import appraise, confidence
from cmo.cli.concepts import concepts
from cmo.cli.draw import draw
from cmo.cli.figure import figure
from cmo.cli.query import query
from cmo.cli.reviews import export, import_files, reviews, stats, validate, visibility
from cmo.cli.service import serve, token
from cmo.cli.session import Session
from cmo.cli.shares import share
from cmo.cli.sources import quotes, source
from cmo.cli.theories import theory
from cmo.errors import CmoError, UsageError


class Refused(click.ClickException):
    """A CmoError on its way out: ``cmo: message`` on standard error, exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message the way `cmo` always has."""
        click.echo(f"cmo: {self.message}", file=file, err=file is None)


class Misused(Refused):
    """A UsageError on its way out: exit status 2."""

    exit_code = 2


class CmoGroup(click.Group):
    """The `cmo` group: any CmoError a command raises becomes a `Refused`."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, turning the library's refusals into exit statuses."""
        try:
            return super().invoke(ctx)
        except CmoError as exc:
            raise (Misused if isinstance(exc, UsageError) else Refused)(exc.message) from exc


@click.group("cmo", cls=CmoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", metavar="URL", help="oxigraph:PATH, memory:, sparql+http://host:port or "
              "virtuoso+http://host:port "
              "(default: the CMO_STORE setting, else oxigraph:./cmo-data)")
@click.pass_context
def cli(ctx: click.Context, store: str | None) -> None:
    """A knowledge graph for realist reviews: CMO configurations as RDF."""
    ctx.obj = Session(store)


for command in (import_files, export, validate, stats, query, draw, figure, serve, token,
                reviews, concepts, visibility, source, quotes, share, theory, appraise,
                confidence):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `cmo` command with `argv` (default: the process's arguments); the exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="cmo")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
