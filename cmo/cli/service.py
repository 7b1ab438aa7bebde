"""The `cmo serve` and `cmo token` commands: run the service, and manage who may use it.

`cmo serve` creates an admin token on its first start unless ``CMO_ADMIN_TOKEN`` is set (at least
24 characters). The token is printed once, or, with ``--admin-token-file PATH`` (or
``CMO_ADMIN_TOKEN_FILE``), written to that file with mode 0600 and not printed: standard output
often ends up in logs. On SIGTERM the service lets requests in flight finish for up to
``CMO_SHUTDOWN_SECONDS`` (10), then stops them and exits.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cmo.cli.query import print_table
from cmo.errors import CmoError
from cmo.review.tokens import ROLES, create_token, has_admin_token, list_tokens, revoke_token
from cmo.store import Store

if TYPE_CHECKING:
    from cmo.settings import Settings


class UsageError(CmoError):
    """A mistake in how `cmo serve` was set up (exit status 2)."""


def _settings() -> Settings:
    """The service's settings from CMO_* (read where the service reads them); UsageError if one
    is invalid, such as a CMO_ADMIN_TOKEN shorter than 24 characters."""
    from pydantic import ValidationError

    from cmo.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        raise UsageError("; ".join(
            f"CMO_{'.'.join(map(str, e['loc'])).upper()}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors())) from exc


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
        print(f"Admin token written to {token_file} (mode 0600; only its hash is stored).")
        return
    secret = create_token(store, "admin", name="admin")
    print(f"Admin token (shown once; only its hash is stored):\n    {secret}\n")


def cmd_serve(args: argparse.Namespace, store: Store) -> int:
    """cmo serve [--host] [--port] [--workers] [--admin-token-file PATH]: run the HTTP service."""
    import uvicorn

    if args.workers > 1 and store.url.startswith("oxigraph:"):
        raise CmoError("The embedded store can be opened by one process only: run one worker, "
                       "or serve a SPARQL server's store (see 'Running for a team').")
    settings = _settings()
    if not settings.admin_token:
        _first_admin_token(store, args.admin_token_file or settings.admin_token_file)
    store.close()  # the service opens it again, in its own process
    os.environ["CMO_STORE"] = store.url
    print(f"Serving http://{args.host}:{args.port}/docs (API docs), /sparql, /reviews",
          flush=True)
    uvicorn.run("api.main:app_from_environment", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning",
                timeout_graceful_shutdown=settings.shutdown_seconds)
    return 0


def cmd_token_create(args: argparse.Namespace, store: Store) -> int:
    """cmo token create --role admin|editor|viewer [--review ID] [--name NAME]"""
    print(create_token(store, args.role, args.review, args.name))
    return 0


def cmd_token_list(args: argparse.Namespace, store: Store) -> int:
    """cmo token list [--review ID] [--format table|json]: ids, names, roles; never secrets."""
    tokens = list_tokens(store, args.review)
    if args.format == "json":
        print(json.dumps([t.model_dump(mode="json") for t in tokens], indent=2))
    else:
        print_table([(t.id, t.name, t.role, t.review or "(all)",
                      t.created.isoformat(timespec="seconds") if t.created else "")
                     for t in tokens], ["id", "name", "role", "review", "created"])
    return 0


def cmd_token_revoke(args: argparse.Namespace, store: Store) -> int:
    """cmo token revoke ID: the token stops working (running services: within their cache)."""
    revoke_token(store, args.id)
    print(f"Revoked {args.id}. A running service stops accepting it within "
          "CMO_TOKEN_CACHE_SECONDS (10 s).")
    return 0


def add_service_parsers(sub: Any) -> None:
    """Add `cmo serve` and `cmo token` to the command's subparsers."""
    p = sub.add_parser("serve", help="run the HTTP API, SPARQL endpoint and views")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--admin-token-file", metavar="PATH",
                   help="write a newly generated admin token to PATH (mode 0600) instead of "
                        "printing it (default: $CMO_ADMIN_TOKEN_FILE)")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("token", help="issue, list or revoke access tokens for the API")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("create", help="issue a token; its secret is printed once")
    p.add_argument("--role", choices=ROLES, required=True)
    p.add_argument("--review", help="limit the token to one review")
    p.add_argument("--name", help="who the token is for (recorded with their writes)")
    p.set_defaults(handler=cmd_token_create)
    p = actions.add_parser("list", help="list the tokens: id, name, role, review, created")
    p.add_argument("--review", help="only the tokens for this review")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_token_list)
    p = actions.add_parser("revoke", help="revoke a token by its id")
    p.add_argument("id", help="the token's id (from cmo token list)")
    p.set_defaults(handler=cmd_token_revoke)
