"""Signing in with a token, and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.deps import principal_for_digest
from api.web.deps import SessionDep, Writer, replace_session
from api.web.pages import PageRoute, redirect, render
from api.web.session import Session
from cmo.review.tokens import token_digest
from cmo.settings import Settings

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _local(target: str | None) -> str:
    """`target` if it is a path on this server, else the home page (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:
    """The sign-in page: one field, the token."""
    return render(request, "sign_in.html", next=_local(next))


@router.post("/sign-in")
def sign_in(request: Request, session: SessionDep, _: Writer,
            token: Annotated[str, Form(max_length=512)] = "",
            next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    """Start a session for the token, if the service knows it; back to the sign-in page if not."""
    digest = token_digest(token.strip())
    if not token.strip() or principal_for_digest(request, digest) is None:
        return render(request, "sign_in.html", 401, next=_local(next),
                      error="This token is not known. Check it, or ask your review's admin "
                            "for a new one.")
    settings: Settings = request.app.state.settings
    replace_session(request, session.signed_in(digest, settings.session_hours))
    return redirect(_local(next))


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, _: Writer) -> Response:
    """End the session: this cookie no longer signs anyone in, here or replayed."""
    request.app.state.ended_sessions.add(session.id)
    settings: Settings = request.app.state.settings
    replace_session(request, Session.anonymous(settings.session_hours))
    return redirect("/")
