"""The ``Idempotency-Key`` header on imports and creates: HTTP on top of `cmo.store.idempotency`.

A client that got no answer to a write sends it again with the same key and gets the first
answer (status, body, Location, ETag) instead of a second write. Keys belong to the caller's
token, are remembered for 24 hours, and a key sent again with a different request is refused
with 422 naming the header.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Header, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from cmo.rdf.provenance import acting_as
from cmo.review.tokens import Principal
from cmo.store import Store
from cmo.store.idempotency import Answer, earlier_answer, once

__all__ = ["Answer", "IdempotencyKey", "added_once", "fingerprint", "json_answer",
           "replayed", "respond_once"]
M = TypeVar("M", bound=BaseModel)

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", description="any unique string (e.g. a UUID): a retry with the same "
    "key and body gets the first answer and writes nothing again (remembered for 24 hours)")]


def fingerprint(request: Request, *parts: Any) -> str:
    """What makes two requests the same: method, path, query and the parsed body `parts`
    (bytes by their hash; models by their JSON, so spacing and key order do not matter)."""
    def plain(part: Any) -> Any:
        if isinstance(part, bytes):
            return hashlib.sha256(part).hexdigest()
        return jsonable_encoder(part)

    text = json.dumps([request.method, request.url.path, request.url.query,
                       *map(plain, parts)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def json_answer(status: int, content: Any, location: str | None = None,
                etag: str | None = None) -> Answer:
    """An answer with a JSON body, as FastAPI would have sent `content`."""
    body = JSONResponse(jsonable_encoder(content)).body
    return Answer(status, bytes(body).decode(), location=location, etag=etag)


def _scope(principal: Principal) -> str:
    return principal.token_id or f"{principal.role}:{principal.name}"


def _response(answer: Answer) -> Response:
    headers = {name: value for name, value in [("Location", answer.location),
                                                ("ETag", answer.etag)] if value is not None}
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                    headers=headers)


def respond_once(store: Store, principal: Principal, key: str | None, review_id: str,
                 request_fingerprint: str, run: Callable[[], Answer]) -> Response:
    """The response of the write `run`; with a key, a retry gets the first answer instead."""
    if key is None:
        return _response(run())
    return _response(once(store, _scope(principal), key, request_fingerprint, review_id, run))


def replayed(store: Store, principal: Principal, key: str | None,
             request_fingerprint: str) -> Response | None:
    """The first answer when this request is a retry (same key), else None: for a route whose
    own checks come before `respond_once` and must not refuse a retry of what it did."""
    if key is None:
        return None
    answer = earlier_answer(store, _scope(principal), key, request_fingerprint)
    return None if answer is None else _response(answer)


def added_once(request: Request, store: Store, principal: Principal, key: str | None,
               review_id: str, body: M, add: Callable[[Store, str, M], M]) -> Response:
    """201 with what `add(store, review_id, body)` returns, written as the caller; with a key,
    a retry gets that first answer instead of a second write."""
    def run() -> Answer:
        with acting_as(principal.name):
            return json_answer(201, add(store, review_id, body))

    return respond_once(store, principal, key, review_id, fingerprint(request, body), run)
