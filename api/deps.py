"""Dependencies shared by the routers: the store, the caller, and the review they may use."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

import cmo
from api.problems import ApiError
from cmo.review.reviews import get_review, list_reviews
from cmo.review.tokens import ANONYMOUS, Principal, authenticate_digest, token_digest
from cmo.settings import Settings
from cmo.store import Store


async def get_store(request: Request) -> Store:
    """The store the service was started with."""
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    """The service settings."""
    settings: Settings = request.app.state.settings
    return settings


#: Who the `cmo` commands on the served store are, when they write through the service.
COMMAND_LINE = Principal(name="cmo (command line)", role="admin")

StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


#: Declares the bearer scheme in the OpenAPI document, so /docs has "Authorize"; the header
#: itself is read below (a malformed one is refused, not taken for anonymous).
BEARER = HTTPBearer(auto_error=False, scheme_name="token",
                    description="A token from `cmo token create`, the tokens page of the "
                                "workbench, or the admin token `cmo serve` printed.")


def get_principal(request: Request, declared: Annotated[HTTPAuthorizationCredentials | None,
                                                 Depends(BEARER)] = None) -> Principal:
    """Who is calling: the bearer token's principal, or anonymous without a token."""
    header = request.headers.get("authorization")
    if not header:
        return ANONYMOUS
    scheme, _, secret = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="realist-kg"'}
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "Unauthorized", "Use 'Authorization: Bearer <token>'.", challenge)
    principal = principal_for_digest(request, token_digest(secret.strip()))
    if principal is None:
        raise ApiError(401, "Unauthorized", "This token is not known.", challenge)
    return principal


def principal_for_digest(request: Request, digest: str) -> Principal | None:
    """Who holds the token whose secret has `digest`: the API's bearer and the workbench's
    session cookie (which keeps the digest, never the secret) both ask here."""
    settings: Settings = request.app.state.settings
    local: str | None = getattr(request.app.state, "local_secret", None)
    if local and hmac.compare_digest(digest.encode(), token_digest(local).encode()):
        return COMMAND_LINE
    return authenticate_digest(request.app.state.store, digest, settings.admin_token,
                               cache_seconds=settings.token_cache_seconds)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def refuse(principal: Principal, what: str) -> ApiError:
    """401 for an anonymous caller, 403 for a known one without the right."""
    if principal is ANONYMOUS:
        return ApiError(401, "Unauthorized", f"Sign in with a token to {what}.",
                        {"WWW-Authenticate": 'Bearer realm="realist-kg"'})
    return ApiError(403, "Forbidden", f"Token {principal.name!r} may not {what}.")


def readable_review(review_id: str, store: StoreDep, principal: PrincipalDep) -> cmo.Review:
    """The review in the path, if the caller may read it; a private one is hidden (404)."""
    return review_readable_by(store, review_id, principal)


def review_readable_by(store: Store, review_id: str, principal: Principal) -> cmo.Review:
    """The review, if `principal` may read it; a private one is hidden (NotFound), so nobody
    learns that an id they may not read exists. Shared by the API and the workbench."""
    review = get_review(store, review_id)
    if not principal.can_read(review.id, review.public):
        raise cmo.NotFound(f"No review {review_id!r}.")
    return review


ReadableReview = Annotated[cmo.Review, Depends(readable_review)]


def writable_review(review: ReadableReview, principal: PrincipalDep) -> cmo.Review:
    """The review in the path, if the caller may change it."""
    if not principal.can_write(review.id):
        raise refuse(principal, f"change review {review.id!r}")
    return review


WritableReview = Annotated[cmo.Review, Depends(writable_review)]


def readable_review_ids(store: Store, principal: Principal,
                        asked: list[str] | None) -> list[str]:
    """The asked reviews (or all) the caller may read; an unreadable asked one is NotFound."""
    reviews = {r.id: r for r in list_reviews(store)}
    visible = [rid for rid, r in reviews.items() if principal.can_read(rid, r.public)]
    if not asked:
        return visible
    for rid in asked:
        if rid not in visible:
            raise cmo.NotFound(f"No review {rid!r}.")
    return list(dict.fromkeys(asked))
