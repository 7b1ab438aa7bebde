"""Errors as RFC 9457 problem details (application/problem+json), mapped in one place.

    cmo error               HTTP status
    UpdateRefused           403
    LimitExceeded           413
    QueryRefused            400
    NotFound                404
    Conflict (AlreadyExists, InUse)   409
    PreconditionFailed      412
    UnsupportedFormat       415
    ParseError              400
    InvalidInput, ValidationFailed    422 (QuoteNotFound, AmbiguousQuote, NoText among them)
    StoreError (QueryTimeout, StoreLocked) 503
    a request body the schemas refuse 422 (each problem names its field; a cap also its limit)
    anything else                     500, without a traceback (the log has it)
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cmo.errors import (
    CmoError,
    Conflict,
    InvalidInput,
    LimitExceeded,
    NotFound,
    ParseError,
    PreconditionFailed,
    QueryRefused,
    StoreError,
    UnsupportedFormat,
    UpdateRefused,
    ValidationFailed,
)

PROBLEM = "application/problem+json"
log = logging.getLogger("cmo.api")

STATUS: list[tuple[type[CmoError], int]] = [
    (UpdateRefused, 403), (LimitExceeded, 413), (QueryRefused, 400), (NotFound, 404),
    (Conflict, 409), (PreconditionFailed, 412),
    (UnsupportedFormat, 415), (ParseError, 400), (InvalidInput, 422), (ValidationFailed, 422),
    (StoreError, 503),
]


class ApiError(Exception):
    """An HTTP-level refusal (401, 403, 413, 428, ...) with a reason for the caller."""

    def __init__(self, status: int, title: str, detail: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.headers = status, title, detail, headers


def problem(status: int, title: str, detail: str, extra: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            **(extra or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def status_of(exc: CmoError) -> int:
    """The HTTP status a cmo error stands for."""
    return next((code for cls, code in STATUS if isinstance(exc, cls)), 400)


async def _cmo_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CmoError)
    data = exc.to_dict()
    extra = {k: v for k, v in data.items() if k not in ("error", "message")}
    return problem(status_of(exc), data["error"], data["message"], extra)


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem(exc.status, exc.title, exc.detail, headers=exc.headers)


async def _request_invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_request_problem(e) for e in exc.errors()]
    return problem(422, "InvalidInput", "The request does not fit: see problems.",
                   {"problems": problems})


def _request_problem(error: Any) -> dict[str, Any]:
    """One refused field of a request: where, why, and the cap it broke (`Capped`)."""
    out = {"field": ".".join(str(p) for p in error["loc"]), "reason": error["msg"]}
    ctx = error.get("ctx") or {}
    if "limit" in ctx:
        out |= {"limit": ctx["limit"], "allowed": ctx["allowed"]}
    return out


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(exc.status_code, "HTTPError", str(exc.detail),
                   headers=dict(exc.headers) if exc.headers else None)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "InternalError", "Something went wrong on our side. Please report it "
                   "if it happens again.")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""
    app.add_exception_handler(CmoError, _cmo_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
