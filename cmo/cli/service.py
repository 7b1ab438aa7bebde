"""The `cmo serve` and `cmo token` commands: run the service, and manage who may use it.

`cmo serve` creates an admin token on its first start unless ``CMO_ADMIN_TOKEN`` is set (at least
24 characters). The token is printed once, or, with ``--admin-token-file PATH`` (or
``CMO_ADMIN_TOKEN_FILE``), written to that file with mode 0600 and not printed: standard output
often ends up in logs. On SIGTERM the service lets requests in flight finish for up to
``CMO_SHUTDOWN_SECONDS`` (10), then stops them and exits.

On an embedded on-disk store, `cmo serve` serves the store it opened (no other process can take
it in between) and leaves a server file in the store's folder while it runs
(`cmo.cli.server_file`): `cmo token` and `cmo import` then act through the server, and the
commands that only read open a read-only view beside it.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path
from typing import IO

import click

from cmo.cli.output import echo_listing, format_option
from cmo.cli.server_file import local_url, remove_server_file, write_server_file
from cmo.cli.session import current_session, load_settings, pass_reader, pass_store
from cmo.cli.via_server import RunningServer
from cmo.errors import CmoError, UsageError
from cmo.review.tokens import ROLES, create_token, has_admin_token, list_tokens, revoke_token
from cmo.store import OxigraphStore, Store


def open_private(path: Path) -> IO[str]:
    """Open `path` for writing a secret: created with mode 0600, or an existing regular file
    that only its owner may read. A symlink or a file others may read is refused."""
    try:
        if path.is_symlink():
            raise UsageError(f"{path} is a symbolic link; name the file itself.")
        if path.exists() and not path.is_file():
            raise UsageError(f"{path} is not a regular file.")
        if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            raise UsageError(f"{path} may be read by others (mode "
                             f"{stat.S_IMODE(path.stat().st_mode):04o}); make it 0600 or remove "
                             "it.")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise UsageError(f"Cannot write the admin token to {path}: {exc.strerror}.") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode) or stat.S_IMODE(mode) & 0o077:  # changed since it was checked
        os.close(fd)
        raise UsageError(f"{path} changed while it was opened; nothing was written.")
    return os.fdopen(fd, "w", encoding="utf-8")


def _first_admin_token(store: Store, token_file: str | None) -> None:
    """Issue the first admin token: into `token_file` (0600) if given, else on stdout."""
    if has_admin_token(store):
        return
    if token_file:
        with open_private(Path(token_file).expanduser()) as out:
            out.write(create_token(store, "admin", name="admin") + "\n")
        click.echo(f"Admin token written to {token_file} (mode 0600; only its hash is stored).")
        return
    secret = create_token(store, "admin", name="admin")
    click.echo(f"Admin token (shown once; only its hash is stored):\n    {secret}\n")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=int, default=8000, show_default=True, help="port to listen on")
@click.option("--workers", type=int, default=1, show_default=True,
              help="worker processes (one only on an embedded store)")
@click.option("--admin-token-file", metavar="PATH",
              help="write a newly generated admin token to PATH (mode 0600) instead of "
                   "printing it (default: the CMO_ADMIN_TOKEN_FILE setting)")
@pass_store
def serve(store: Store, host: str, port: int, workers: int, admin_token_file: str | None) -> None:
    """Run the HTTP API, the SPARQL endpoint and the views.

    The first start prints an admin token once (only its hash is stored), unless CMO_ADMIN_TOKEN
    is set. On SIGTERM, requests in flight get CMO_SHUTDOWN_SECONDS to finish.
    """
    import uvicorn
    from uvicorn.importer import import_from_string

    if workers > 1 and store.url.startswith("oxigraph:"):
        raise CmoError("The embedded store can be opened by one process only: run one worker, "
                       "or serve a SPARQL server's store (see 'Running for a team').")
    settings = load_settings()
    if not settings.admin_token:
        _first_admin_token(store, admin_token_file or settings.admin_token_file)
    click.echo(f"Serving http://{host}:{port}/ (the workbench: sign in with a token), /docs (API "
               "docs), /sparql, /reviews")
    if not isinstance(store, OxigraphStore) or store.path is None:
        store.close()  # the service opens it again, in each of its processes
        os.environ["CMO_STORE"] = store.url  # how the service's processes learn the store
        uvicorn.run("api.main:app_from_environment", factory=True, host=host, port=port,
                    workers=workers, log_level="warning",
                    timeout_graceful_shutdown=settings.shutdown_seconds)
        return
    # One process: it serves the store it holds, so no other process can take it in between.
    # The service is named by a string, as above: the library does not import it.
    create_app = import_from_string("api.main:create_app")
    mine = write_server_file(store.path, local_url(host, port))
    try:
        uvicorn.run(create_app(settings, store, local_secret=mine.secret), host=host, port=port,
                    log_level="warning", timeout_graceful_shutdown=settings.shutdown_seconds)
    finally:
        remove_server_file(store.path, mine)


@click.group()
def token() -> None:
    """Issue, list or revoke access tokens for the API."""


@token.command()
@click.option("--role", type=click.Choice(ROLES), required=True, help="what the token may do")
@click.option("--review", help="limit the token to one review")
@click.option("--name", help="who the token is for (recorded with their writes)")
def create(role: str, review: str | None, name: str | None) -> None:
    """Issue a token; its secret is printed once (only its hash is stored).

    While `cmo serve` runs on the store, the token is issued through it.
    """
    store = current_session().writer()
    issue = store.create_token if isinstance(store, RunningServer) \
        else functools.partial(create_token, store)
    click.echo(issue(role, review, name))


@token.command("list")
@click.option("--review", help="only the tokens for this review")
@format_option("table", "json")
@pass_reader
def list_(store: Store, review: str | None, fmt: str) -> None:
    """List the tokens: id, name, role, review, created; never a secret."""
    tokens = list_tokens(store, review)
    echo_listing(fmt, [t.model_dump(mode="json") for t in tokens],
                 [(t.id, t.name, t.role, t.review or "(all)",
                   t.created.isoformat(timespec="seconds") if t.created else "")
                  for t in tokens], ["id", "name", "role", "review", "created"])


@token.command()
@click.argument("token_id", metavar="ID")
def revoke(token_id: str) -> None:
    """Revoke a token by its id (from `cmo token list`).

    A running service stops accepting it within CMO_TOKEN_CACHE_SECONDS (at once when it is
    the `cmo serve` on this store: the token is revoked through it).
    """
    store = current_session().writer()
    if isinstance(store, RunningServer):
        store.revoke_token(token_id)
    else:
        revoke_token(store, token_id)
    click.echo(f"Revoked {token_id}. A running service stops accepting it within "
               "CMO_TOKEN_CACHE_SECONDS (10 s).")
