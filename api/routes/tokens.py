"""Access tokens: issue, list and revoke them (admins only). No answer carries a hash, and only
the answer that issues a token carries its secret."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.deps import PrincipalDep, StoreDep, refuse
from api.schemas import TokenCreate
from cmo.review import tokens

router = APIRouter(prefix="/tokens", tags=["tokens"])


def _need_admin(principal: tokens.Principal) -> None:
    if principal.role != "admin":
        raise refuse(principal, "manage tokens")


@router.get("", response_model=list[tokens.AccessToken])
def list_tokens(store: StoreDep, principal: PrincipalDep,
                review: str | None = None) -> list[tokens.AccessToken]:
    """The tokens issued (for one review with `?review=`), oldest first: id, name, role, review
    and creation time. Admins only."""
    _need_admin(principal)
    return tokens.list_tokens(store, review)


@router.delete("/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: str, store: StoreDep, principal: PrincipalDep) -> Response:
    """Revoke a token by its id (404 if unknown). Admins only. It stops working at once in
    this process, and within `CMO_TOKEN_CACHE_SECONDS` (10 s) in the service's other
    processes."""
    _need_admin(principal)
    tokens.revoke_token(store, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=tokens.IssuedToken)
def issue_token(body: TokenCreate, store: StoreDep,
                principal: PrincipalDep) -> tokens.IssuedToken:
    """Issue a token (admins only): the answer is the only place its secret is ever shown
    (only its hash is stored). 404 for an unknown review."""
    _need_admin(principal)
    return tokens.issue_token(store, body.role, body.review, body.name)
