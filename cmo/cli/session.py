"""What every `cmo` command shares: the settings, and the store `cmo --store` names.

The store opens when a command first needs it, not before, so `--help` and a usage error leave
no store behind, and it closes when the command ends.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

import click
from pydantic import ValidationError

from cmo.errors import UsageError
from cmo.settings import Settings
from cmo.store import Store, open_store

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


@dataclass
class Session:
    """The `cmo` group's state: the store URL given with ``--store`` (or none), opened once."""

    url: str | None = None
    _store: Store | None = None

    def store(self) -> Store:
        """The store, opened on first use and closed when the command's context ends."""
        if self._store is None:
            self._store = open_store(self.url or load_settings().store)
            click.get_current_context().find_root().call_on_close(self._store.close)
        return self._store


def current_store() -> Store:
    """The store of the command being run."""
    return click.get_current_context().ensure_object(Session).store()


def pass_store(command: Callable[Concatenate[Store, P], R]) -> Callable[P, R]:
    """Call `command` with the store as its first argument (sqlite-utils hands over its `db`)."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return command(current_store(), *args, **kwargs)
    return run
