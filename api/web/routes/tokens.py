"""The tokens page (admins only): issue an editor's or a viewer's token, shown once; list and
revoke them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request, Response

from api.deps import StoreDep, refuse
from api.web.deps import PagePrincipal, Writer
from api.web.pages import PageRoute, redirect, render
from cmo.review import tokens
from cmo.review.reviews import list_reviews
from cmo.review.tokens import Principal
from cmo.store import Store

router = APIRouter(prefix="/admin/tokens", route_class=PageRoute, include_in_schema=False)


def _admin(principal: Principal) -> None:
    if principal.role != "admin":
        raise refuse(principal, "manage tokens")


def _page(request: Request, store: Store, status: int = 200, **context: object) -> Response:
    return render(request, "tokens.html", status, tokens=tokens.list_tokens(store),
                  reviews=list_reviews(store), **context)


@router.get("")
def tokens_page(request: Request, store: StoreDep, principal: PagePrincipal) -> Response:
    """Every token issued: who it is for, its role and review; never a secret."""
    _admin(principal)
    return _page(request, store)


@router.post("")
def issue_token(request: Request, store: StoreDep, principal: Writer,
                role: Annotated[Literal["editor", "viewer"], Form()],
                review: Annotated[str, Form(max_length=200)] = "",
                name: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Issue a token and show its secret, this once (the store keeps only its hash)."""
    _admin(principal)
    issued = tokens.issue_token(store, role, review or None, name.strip() or None)
    return _page(request, store, 201, issued=issued)


@router.post("/{token_id}/revoke")
def revoke_token(token_id: str, store: StoreDep, principal: Writer) -> Response:
    """Revoke a token: it stops working at once, in the API and in the workbench."""
    _admin(principal)
    tokens.revoke_token(store, token_id)
    return redirect("/admin/tokens")
