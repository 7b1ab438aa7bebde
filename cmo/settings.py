"""Every setting of realist-kg, read from the environment (prefix ``CMO_``) in this one place.

The library, the `cmo` command and the service all take their settings from `Settings`; no other
module reads a ``CMO_*`` variable. `docs/configuration.md` lists each one (a test keeps it in
step with this class).

>>> Settings(store="memory:").sparql_timeout_seconds
30.0
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cmo.errors import InvalidInput, Problem
from cmo.limits import LIMITS, Limits

DEFAULT_STORE = "oxigraph:./cmo-data"
#: The shortest admin token the service accepts.
ADMIN_TOKEN_MIN_CHARS = 24
#: The shortest key that may sign session cookies.
SESSION_SECRET_MIN_CHARS = 32
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

    store: str = Field(default=DEFAULT_STORE, description=(
        "The graph store: `oxigraph:PATH`, `memory:`, `sparql+http://host:port` or "
        "`virtuoso+http://host:8890` (docs/triplestores.md)."))
    store_query_url: str | None = Field(default=None, description=(
        "A remote store's query endpoint, when it is not `{store}/query`."))
    store_update_url: str | None = Field(default=None, description=(
        "A remote store's update endpoint, when it is not `{store}/update`."))
    store_token: str | None = Field(default=None, description=(
        "A bearer token sent to a remote store."))
    admin_token: str | None = Field(default=None, description=(
        "The service's admin token (at least 24 characters); generated on first start if "
        "unset."))
    admin_token_file: str | None = Field(default=None, description=(
        "Where `cmo serve` writes the admin token it generates (mode 0600) instead of "
        "printing it."))
    token_cache_seconds: float = Field(default=KNOWN_TOKEN_SECONDS, description=(
        "How long a process trusts a recognised token: the longest a revoked token still "
        "works in the service's other processes."))
    max_body_bytes: int = Field(default=50 * 1024 * 1024, description=(
        "Request bodies over this many bytes get 413."))
    max_nesting: int = Field(default=LIMITS.nesting, description=(
        "Nesting of brackets in a query, an RDF body or a JSON body (deeper gets 400)."))
    sparql_timeout_seconds: float = Field(default=30.0, description=(
        "A /sparql query is stopped after this many seconds (503). On a team's Oxigraph "
        "server set `oxigraph serve --timeout-s` to this value or less."))
    sparql_concurrency: int = Field(default=2, description=(
        "/sparql queries running at once; each runs in its own worker process."))
    sparql_memory_mb: int = Field(default=2048, description=(
        "Memory one query's worker process may take, in MB (past it the query gets 400)."))
    sparql_max_query_chars: int = Field(default=LIMITS.query_chars, description=(
        "Characters in one /sparql query."))
    index_dir: str | None = Field(default=None, description=(
        "Where snapshots of review indexes are kept, so a new process's first cross-review "
        "answer need not read every review: a folder (made if missing), or `off`. Unset: "
        "`PATH.index` beside an embedded store `oxigraph:PATH`, none for `memory:` and a "
        "remote store."))
    shutdown_seconds: int = Field(default=10, description=(
        "On SIGTERM, how long `cmo serve` lets requests in flight finish before it stops."))
    session_secret: str | None = Field(default=None, description=(
        "The key that signs the workbench's session cookies (at least 32 characters). Unset: "
        "a random key per process, so sessions end when the service restarts; set it when "
        "several processes serve one store."))
    session_hours: float = Field(default=8.0, gt=0, description=(
        "How long a workbench session lasts after signing in."))
    public_url: str | None = Field(default=None, description=(
        "The address readers reach the service at (such as `https://kg.example.org`), for the "
        "links of shared views. Unset: the address a request came to; `cmo share create` uses "
        "the running `cmo serve`'s, else `http://127.0.0.1:8000`."))

    @classmethod
    def reference(cls) -> str:
        """Every setting as a Markdown table: variable, default, meaning (docs/configuration.md)."""
        rows = ["| variable | default | meaning |", "|---|---|---|"]
        for name, field in cls.model_fields.items():
            default = "unset" if field.default is None else f"`{field.default}`"
            rows.append(f"| `CMO_{name.upper()}` | {default} | {field.description} |")
        return "\n".join(rows) + "\n"

    @property
    def limits(self) -> Limits:
        """The caps of `cmo.limits`, with the ones set here."""
        return replace(LIMITS, query_chars=self.sparql_max_query_chars, nesting=self.max_nesting)

    @field_validator("session_secret")
    @classmethod
    def _long_session_key(cls, value: str | None) -> str | None:
        """A session key must be at least `SESSION_SECRET_MIN_CHARS` long."""
        if value and len(value) < SESSION_SECRET_MIN_CHARS:
            raise ValueError(f"CMO_SESSION_SECRET has {len(value)} characters; it needs at "
                             f"least {SESSION_SECRET_MIN_CHARS}.")
        return value or None

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
