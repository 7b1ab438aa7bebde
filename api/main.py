"""The FastAPI application: routers, error handling, limits, offline docs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

import cmo
from api import problems, web
from api.routes import (
    appraisal,
    cmocs,
    concepts,
    figures,
    linked_data,
    questions,
    reviews,
    shares,
    sources,
    sparql,
    studies,
    theories,
    tokens,
    transfer,
    views,
)
from cmo.errors import ParseError
from cmo.limits import Limits
from cmo.rdf.guards import check_json_body
from cmo.settings import Settings
from cmo.store import Store, open_store
from cmo.store.sandbox import QuerySandbox, SandboxLimits

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]

DESCRIPTION = """A knowledge graph for realist reviews: which mechanisms fire in which contexts,
for whom, and why. Send `Authorization: Bearer <token>`; public reviews can be read without one.
Errors are `application/problem+json` naming the field or line at fault."""


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, before a route reads them, and JSON
    bodies nested deeper than `limits.nesting` with 400, before a parser sees them (Python's and
    Oxigraph's JSON parsers recurse on nesting)."""

    def __init__(self, app: ASGIApp, limit: int, limits: Limits) -> None:
        self.app, self.limit, self.limits = app, limit, limits

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        media = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
        if media.endswith(b"json"):
            await self._json(scope, counted, receive, send)
            return
        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _json(self, scope: Scope, counted: Callable[[], Awaitable[Message]],
                    receive: Callable[[], Awaitable[Message]],
                    send: Callable[[Message], Awaitable[None]]) -> None:
        """Read the whole (size-limited) body, check its nesting, then hand it on."""
        chunks, more = [], True
        try:
            while more:
                message = await counted()
                if message["type"] != "http.request":
                    await self.app(scope, receive, send)
                    return
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
        except _TooLarge:
            await self._refuse(scope, receive, send)
            return
        body = b"".join(chunks)
        try:
            check_json_body(body, "body", self.limits)
        except ParseError as exc:
            data = exc.to_dict()
            response = problems.problem(400, "ParseError", data["message"], {
                k: v for k, v in data.items() if k not in ("error", "message")})
            await response(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                      send: Callable[[Message], Awaitable[None]]) -> None:
        response = problems.problem(413, "ContentTooLarge",
                                    f"The request body is over {self.limit} bytes.")
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def create_app(settings: Settings | None = None, store: Store | None = None,
               local_secret: str | None = None) -> FastAPI:
    """The service over `store` (or the store `settings` name, opened at start-up).

    `local_secret` is the admin secret `cmo serve` leaves for the `cmo` commands on the same
    store (`cmo.cli.server_file`); it is accepted as an admin token for this run only.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store or open_store(settings.store)
        app.state.sandbox = QuerySandbox(app.state.store, SandboxLimits.from_settings(settings))
        app.state.sandbox.start()
        try:
            yield
        finally:
            app.state.sandbox.close()
            if store is None:
                app.state.store.close()

    app = FastAPIOffline(title="realist-kg", version=cmo.__version__, description=DESCRIPTION,
                         lifespan=lifespan,
                         license_info={"name": "Apache-2.0",
                                       "url": "https://www.apache.org/licenses/LICENSE-2.0"})
    app.state.settings = settings
    app.state.local_secret = local_secret
    for module in (reviews, cmocs, studies, sources, concepts, theories, questions, transfer,
                   sparql, linked_data, views, figures, tokens, shares, appraisal):
        app.include_router(module.router)
    app.include_router(shares.page)
    web.install(app, settings)
    problems.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, limits=settings.limits)
    return app


def app_from_environment() -> FastAPI:
    """The app as `cmo serve` runs it: settings from CMO_* environment variables."""
    return create_app(Settings())
