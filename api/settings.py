"""Service settings, read from the environment (prefix ``CMO_``)."""

from __future__ import annotations

from dataclasses import replace

from pydantic_settings import BaseSettings, SettingsConfigDict

from cmo.limits import LIMITS, Limits
from cmo.sandbox import SandboxLimits
from cmo.store import DEFAULT_STORE


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

    @property
    def limits(self) -> Limits:
        """The caps of `cmo.limits`, with the ones set here."""
        return replace(LIMITS, query_chars=self.sparql_max_query_chars, nesting=self.max_nesting)

    @property
    def sandbox(self) -> SandboxLimits:
        """Time, memory and concurrency for callers' SPARQL queries."""
        return SandboxLimits(seconds=self.sparql_timeout_seconds,
                             memory_mb=self.sparql_memory_mb, workers=self.sparql_concurrency)
