"""Dependencies of the workbench's pages: the session, who the page is for, the review they may
use, and the CSRF check every write passes. Roles and private reviews work as in the API: the
session names a token, and `api.deps.principal_for_digest` says who holds it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

import cmo
from api.deps import StoreDep, principal_for_digest, refuse, review_readable_by
from api.problems import ApiError
from api.web.session import COOKIE, Session
from cmo.review.tokens import ANONYMOUS, Principal
from cmo.settings import Settings


def session_of(request: Request) -> Session:
    """This browser's session; a new anonymous one (sent back with the page) if it has none,
    or a forged, expired or signed-out one."""
    known: Session | None = getattr(request.state, "session", None)
    if known is not None:
        return known
    key: bytes = request.app.state.session_key
    session = Session.decode(request.cookies.get(COOKIE, ""), key)
    if session is None or session.id in request.app.state.ended_sessions:
        settings: Settings = request.app.state.settings
        session = Session.anonymous(settings.session_hours)
        request.state.session_changed = True
    request.state.session = session
    return session


def replace_session(request: Request, session: Session) -> None:
    """Use `session` from now on, and send it back with the response."""
    request.state.session = session
    request.state.session_changed = True


SessionDep = Annotated[Session, Depends(session_of)]


def page_principal(request: Request, session: SessionDep) -> Principal:
    """Who the page is for: the signed-in token's principal, or anonymous. A session whose
    token was revoked (or never known) is a signed-out one."""
    if session.token is None:
        principal = ANONYMOUS
    else:
        found = principal_for_digest(request, session.token)
        if found is None:
            settings: Settings = request.app.state.settings
            replace_session(request, Session.anonymous(settings.session_hours))
        principal = found or ANONYMOUS
    request.state.principal = principal
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def page_review(review_id: str, store: StoreDep, principal: PagePrincipal) -> cmo.Review:
    """The review in the path, if the page's principal may read it; a private one is hidden."""
    return review_readable_by(store, review_id, principal)


PageReview = Annotated[cmo.Review, Depends(page_review)]


async def checked_write(request: Request, session: SessionDep,
                        principal: PagePrincipal) -> Principal:
    """Refuse (403) a write without this session's CSRF token, or from another origin; the
    principal who writes otherwise. Forms send the token as ``csrf``; scripts as the header
    ``X-CSRF-Token``."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise ApiError(403, "Forbidden", "This form was sent from another site.")
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get("csrf")
        sent = value if isinstance(value, str) else None
    if not session.csrf_matches(sent):
        raise ApiError(403, "Forbidden", "This form has expired or was not sent by this "
                       "page: reload the page and try again.")
    return principal


Writer = Annotated[Principal, Depends(checked_write)]


def page_writable(review: PageReview, principal: Writer) -> cmo.Review:
    """The review in the path, if the (CSRF-checked) writer may change it."""
    if not principal.can_write(review.id):
        raise refuse(principal, f"change review {review.id!r}")
    return review


WritablePageReview = Annotated[cmo.Review, Depends(page_writable)]
