"""Service settings, read from the environment (prefix ``CMO_``)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from cmo.store import DEFAULT_STORE


class Settings(BaseSettings):
    """How the service runs: its store, admin token, limits and timeouts."""

    model_config = SettingsConfigDict(env_prefix="CMO_")

    store: str = DEFAULT_STORE
    admin_token: str | None = None
    max_body_bytes: int = 50 * 1024 * 1024
    sparql_timeout_seconds: float = 30.0
    sparql_concurrency: int = 2
