"""Service settings, read from the environment (prefix ``CMO_``).

`cmo serve` reads them too before it starts the service: it checks ``CMO_ADMIN_TOKEN`` and uses
``CMO_ADMIN_TOKEN_FILE`` and ``CMO_SHUTDOWN_SECONDS``.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cmo.errors import InvalidInput
from cmo.limits import LIMITS, Limits
from cmo.sandbox import SandboxLimits
from cmo.store import DEFAULT_STORE
from cmo.tokens import KNOWN_TOKEN_SECONDS, check_admin_token


class Settings(BaseSettings):
    """How the service runs: its store, admin token, limits and timeouts."""

    model_config = SettingsConfigDict(env_prefix="CMO_")

    store: str = DEFAULT_STORE
    admin_token: str | None = None
    max_body_bytes: int = 50 * 1024 * 1024
    #: A /sparql query is stopped after this many seconds (503). On a team's Oxigraph server
    #: set `oxigraph serve --timeout-s` to this value or less.
    sparql_timeout_seconds: float = 30.0
    #: Queries running at once; each runs in its own worker process.
    sparql_concurrency: int = 2
    #: Memory one query's worker process may take, in MB (past it the query is refused).
    sparql_memory_mb: int = 2048
    #: Characters in one /sparql query.
    sparql_max_query_chars: int = LIMITS.query_chars
    #: Nesting of brackets in a query, an RDF body or a JSON body.
    max_nesting: int = LIMITS.nesting
    #: Where `cmo serve` writes the admin token it generates (mode 0600) instead of printing it.
    admin_token_file: str | None = None
    #: How long a process trusts a recognised token: the longest a revoked token still works
    #: in the service's other processes.
    token_cache_seconds: float = KNOWN_TOKEN_SECONDS
    #: On SIGTERM, how long `cmo serve` lets requests in flight finish before it stops them.
    shutdown_seconds: int = 10

    @property
    def limits(self) -> Limits:
        """The caps of `cmo.limits`, with the ones set here."""
        return replace(LIMITS, query_chars=self.sparql_max_query_chars, nesting=self.max_nesting)

    @property
    def sandbox(self) -> SandboxLimits:
        """Time, memory and concurrency for callers' SPARQL queries."""
        return SandboxLimits(seconds=self.sparql_timeout_seconds,
                             memory_mb=self.sparql_memory_mb, workers=self.sparql_concurrency)

    @field_validator("admin_token")
    @classmethod
    def _strong_enough(cls, value: str | None) -> str | None:
        """An admin token must be long enough (`cmo.tokens.ADMIN_TOKEN_MIN_CHARS`)."""
        if not value:
            return None
        try:
            return check_admin_token(value)
        except InvalidInput as exc:
            raise ValueError(exc.summary) from exc
