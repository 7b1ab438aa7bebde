"""Service settings, read from the environment (prefix ``CMO_``).

`cmo serve` reads them too before it starts the service: it checks ``CMO_ADMIN_TOKEN`` and uses
``CMO_ADMIN_TOKEN_FILE`` and ``CMO_SHUTDOWN_SECONDS``.
"""

from __future__ import annotations

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cmo.errors import InvalidInput
from cmo.store import DEFAULT_STORE
from cmo.tokens import KNOWN_TOKEN_SECONDS, check_admin_token


class Settings(BaseSettings):
    """How the service runs: its store, admin token, limits and timeouts."""

    model_config = SettingsConfigDict(env_prefix="CMO_")

    store: str = DEFAULT_STORE
    admin_token: str | None = None
    max_body_bytes: int = 50 * 1024 * 1024
    sparql_timeout_seconds: float = 30.0
    sparql_concurrency: int = 2
    #: Where `cmo serve` writes the admin token it generates (mode 0600) instead of printing it.
    admin_token_file: str | None = None
    #: How long a process trusts a recognised token: the longest a revoked token still works
    #: in the service's other processes.
    token_cache_seconds: float = KNOWN_TOKEN_SECONDS
    #: On SIGTERM, how long `cmo serve` lets requests in flight finish before it stops them.
    shutdown_seconds: int = 10

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
