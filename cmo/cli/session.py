"""What every `cmo` command shares: the settings, and the store `cmo --store` names.

The store opens when a command first needs it, not before, so `--help` and a usage error leave
no store behind, and it closes when the command ends.

An embedded on-disk store has one writer. When another process holds it (a `cmo serve`, an
import), a command that only reads (`pass_reader`, `reading`) opens a read-only view beside it:
what that process had committed when the command started. A command that writes (`pass_store`)
is refused, unless it can act through a running `cmo serve` (`Session.writer`, then
`cmo.cli.via_server`); docs/architecture.md says why.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import click
from pydantic import ValidationError

from cmo.cli.server_file import running_server
from cmo.cli.via_server import RunningServer
from cmo.errors import StoreError, StoreLocked, UsageError
from cmo.settings import Settings
from cmo.store import OxigraphStore, Store, open_store

P = ParamSpec("P")
R = TypeVar("R")


def load_settings() -> Settings:
    """The settings from the CMO_* variables; UsageError naming each one that is invalid, such as
    a CMO_ADMIN_TOKEN shorter than 24 characters."""
    try:
        return Settings()
    except ValidationError as exc:
        raise UsageError("; ".join(
            f"CMO_{'.'.join(map(str, e['loc'])).upper()}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors())) from exc


#: How often a read beside a writer starts again when the writer removed a file it was reading.
_READ_ATTEMPTS = 3


@dataclass
class Session:
    """The `cmo` group's state: the store URL given with ``--store`` (or none), opened once."""

    url: str | None = None
    _store: Store | None = None
    #: Whether the store is a read-only view beside another process that holds it.
    beside: bool = False

    def _keep(self, store: Store) -> Store:
        self._store = store
        click.get_current_context().find_root().call_on_close(store.close)
        return store

    def _locked_path(self) -> tuple[str, Path]:
        """The store's URL, and its folder if it is an embedded on-disk store."""
        url = self.url or load_settings().store
        scheme, _, rest = url.partition(":")
        return url, Path(rest).expanduser() if scheme == "oxigraph" else Path()

    def writer(self) -> Store | RunningServer:
        """The store, or the `cmo serve` holding it (writes then go through its API).

        StoreLocked if another process that is not a server holds it.
        """
        if self._store is not None and not self.beside:
            return self._store
        url, path = self._locked_path()
        try:
            return self._keep(open_store(url))
        except StoreLocked:
            server = running_server(path)
            if server is None:
                raise
            return RunningServer(server, str(path))

    def store(self) -> Store:
        """The store, opened for writing on first use and closed when the command ends."""
        found = self.writer()
        if isinstance(found, RunningServer):
            command = click.get_current_context().command_path
            if command.endswith(" serve"):
                raise StoreLocked(f"{found.describe()} already serves the store at "
                                  f"{found.store_path}.")
            raise StoreLocked(f"The store at {found.store_path} is held by {found.describe()}. "
                              f"`{command}` cannot act through it: stop the server first, or "
                              f"use its API ({found.info.url}/docs).")
        return found

    def reader(self) -> Store:
        """The store for reading; beside a process that holds it, a read-only view of what
        that process has committed."""
        if self._store is not None:
            return self._store
        url, path = self._locked_path()
        try:
            return self._keep(open_store(url))
        except StoreLocked:
            pass
        for attempt in range(_READ_ATTEMPTS):
            try:
                view = OxigraphStore.read_only(str(path))
                break
            except StoreError:
                if attempt == _READ_ATTEMPTS - 1:
                    raise
                time.sleep(0.05)
        self.beside = True
        return self._keep(view)

    def read(self, work: Callable[[Store], R]) -> R:
        """`work(store)` for a command that only reads. Beside a writer, a read that finds a
        file gone (the writer compacted it away) starts again on a fresh view."""
        for _ in range(_READ_ATTEMPTS - 1):
            try:
                return work(self.reader())
            except (OSError, RuntimeError) as exc:
                if not self.beside or "No such file" not in str(exc):
                    raise
                self._drop()
                time.sleep(0.05)
        try:
            return work(self.reader())
        except (OSError, RuntimeError) as exc:
            if not self.beside:
                raise
            raise StoreError(f"The store changed under this read {_READ_ATTEMPTS} times "
                             f"(another process writes it); try again: {exc}") from exc

    def _drop(self) -> None:
        if self._store is not None:
            self._store.close()
        self._store, self.beside = None, False


def current_session() -> Session:
    """The state of the command being run."""
    return click.get_current_context().ensure_object(Session)


def current_store() -> Store:
    """The store of the command being run, for writing."""
    return current_session().store()


def reading(work: Callable[[Store], R]) -> R:
    """`work(store)` for a command that only reads (`Session.read`)."""
    return current_session().read(work)


def writing(here: Callable[[Store], R], through: Callable[[RunningServer], R]) -> R:
    """`here(store)` for a command that writes; while `cmo serve` holds the store,
    `through(server)`, so the write goes through its API (`Session.writer`)."""
    found = current_session().writer()
    return through(found) if isinstance(found, RunningServer) else here(found)


def pass_store(command: Callable[Concatenate[Store, P], R]) -> Callable[P, R]:
    """Call `command` with the store as its first argument (sqlite-utils hands over its `db`)."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return command(current_store(), *args, **kwargs)
    return run


def pass_reader(command: Callable[Concatenate[Store, P], R]) -> Callable[P, R]:
    """`pass_store` for a command that only reads: it also runs beside a writer."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return reading(lambda store: command(store, *args, **kwargs))
    return run
