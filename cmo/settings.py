"""Every setting of realist-kg, read from the environment (prefix ``CMO_``) in this one place.

The library, the `cmo` command and the service all take their settings from `Settings`; no other
module reads a ``CMO_*`` variable. `docs/configuration.md` lists each one (a test keeps it in
step with this class).

>>> Settings(store="memory:").sparql_timeout_seconds
30.0
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cmo.errors import InvalidInput, Problem
from cmo.limits import LIMITS, Limits

DEFAULT_STORE = "oxigraph:./cmo-data"
#: The shortest admin token the service accepts.
ADMIN_TOKEN_MIN_CHARS = 24
#: How long a process trusts a token it has recognised, by default.
KNOWN_TOKEN_SECONDS = 10.0


def check_admin_token(secret: str) -> str:
    """`secret` if it is long enough to be CMO_ADMIN_TOKEN; InvalidInput otherwise.

    >>> check_admin_token("x" * 24) == "x" * 24
    True
    """
    if len(secret) < ADMIN_TOKEN_MIN_CHARS:
        raise InvalidInput(
            f"CMO_ADMIN_TOKEN has {len(secret)} characters; it needs at least "
            f"{ADMIN_TOKEN_MIN_CHARS}. Make one with: python -c \"import secrets; "
            "print(secrets.token_urlsafe(32))\"",
            [Problem(field="CMO_ADMIN_TOKEN",
                     reason=f"at least {ADMIN_TOKEN_MIN_CHARS} characters")])
    return secret


class Settings(BaseSettings):
    """How realist-kg runs: its store, the service's admin token, limits and timeouts."""

    model_config = SettingsConfigDict(env_prefix="CMO_")

    #: The graph store: ``oxigraph:PATH``, ``memory:`` or ``sparql+http://host:port``.
    store: str = DEFAULT_STORE
    #: A remote store's query endpoint, when it is not ``{store}/query``.
    store_query_url: str | None = None
    #: A remote store's update endpoint, when it is not ``{store}/update``.
    store_update_url: str | None = None
    #: A bearer token sent to a remote store.
    store_token: str | None = None
    #: The service's admin token (at least 24 characters); generated on first start if unset.
    admin_token: str | None = None
    #: Where `cmo serve` writes the admin token it generates (mode 0600) instead of printing it.
    admin_token_file: str | None = None
    #: How long a process trusts a recognised token: the longest a revoked token still works
    #: in the service's other processes.
    token_cache_seconds: float = KNOWN_TOKEN_SECONDS
    #: Request bodies over this many bytes get 413.
    max_body_bytes: int = 50 * 1024 * 1024
    #: Nesting of brackets in a query, an RDF body or a JSON body.
    max_nesting: int = LIMITS.nesting
    #: A /sparql query is stopped after this many seconds (503). On a team's Oxigraph server
    #: set `oxigraph serve --timeout-s` to this value or less.
    sparql_timeout_seconds: float = 30.0
    #: Queries running at once; each runs in its own worker process.
    sparql_concurrency: int = 2
    #: Memory one query's worker process may take, in MB (past it the query is refused).
    sparql_memory_mb: int = 2048
    #: Characters in one /sparql query.
    sparql_max_query_chars: int = LIMITS.query_chars
    #: On SIGTERM, how long `cmo serve` lets requests in flight finish before it stops them.
    shutdown_seconds: int = 10

    @property
    def limits(self) -> Limits:
        """The caps of `cmo.limits`, with the ones set here."""
        return replace(LIMITS, query_chars=self.sparql_max_query_chars, nesting=self.max_nesting)

    @field_validator("admin_token")
    @classmethod
    def _strong_enough(cls, value: str | None) -> str | None:
        """An admin token must be at least `ADMIN_TOKEN_MIN_CHARS` long."""
        if not value:
            return None
        try:
            return check_admin_token(value)
        except InvalidInput as exc:
            raise ValueError(exc.summary) from exc
