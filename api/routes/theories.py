"""Programme theories of a review, version by version."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

import cmo
from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from api.idempotency import IdempotencyKey, added_once
from api.problems import ApiError
from cmo.rdf.provenance import acting_as
from cmo.review import theories

router = APIRouter(prefix="/reviews/{review_id}/theories", tags=["theories"])


@router.get("", response_model=list[cmo.ProgrammeTheory])
def list_theories(review: ReadableReview, store: StoreDep) -> list[cmo.ProgrammeTheory]:
    """Every version of every programme theory."""
    return theories.list_theories(store, review.id)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=cmo.ProgrammeTheory)
def add_theory(review: WritableReview, body: cmo.ProgrammeTheory, store: StoreDep,
               principal: PrincipalDep, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
    """Add a theory version (`revision_of` names the version it refines); honours
    Idempotency-Key."""
    return added_once(request, store, principal, idempotency_key, review.id, body,
                      theories.add_theory)


@router.get("/{theory_id}", response_model=cmo.ProgrammeTheory)
def get_theory(review: ReadableReview, theory_id: str, store: StoreDep) -> cmo.ProgrammeTheory:
    """One theory version."""
    return theories.get_theory(store, review.id, theory_id)


@router.put("/{theory_id}", response_model=cmo.ProgrammeTheory)
def update_theory(review: WritableReview, theory_id: str, body: cmo.ProgrammeTheory,
                  store: StoreDep, principal: PrincipalDep) -> cmo.ProgrammeTheory:
    """Replace a theory version's label, statement or revision link."""
    if body.id != theory_id:
        raise ApiError(422, "InvalidInput", f"The body's id {body.id!r} is not {theory_id!r}.")
    with acting_as(principal.name):
        return theories.update_theory(store, review.id, body)


@router.delete("/{theory_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_theory(review: WritableReview, theory_id: str, store: StoreDep,
                  principal: PrincipalDep) -> Response:
    """Delete a theory version nothing uses (409 otherwise)."""
    with acting_as(principal.name):
        theories.delete_theory(store, review.id, theory_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
