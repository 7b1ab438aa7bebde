"""Studies of a review, known by their key (e.g. 'Jolly 2012')."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

import cmo
from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from api.idempotency import IdempotencyKey, added_once
from cmo.rdf.provenance import acting_as
from cmo.review import studies

router = APIRouter(prefix="/reviews/{review_id}/studies", tags=["studies"])


@router.get("", response_model=list[cmo.Study])
def list_studies(review: ReadableReview, store: StoreDep) -> list[cmo.Study]:
    """Every study of the review."""
    return studies.list_studies(store, review.id)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=cmo.Study)
def add_study(review: WritableReview, body: cmo.Study, store: StoreDep,
              principal: PrincipalDep, request: Request,
              idempotency_key: IdempotencyKey = None) -> Response:
    """Add a study (409 if its key is taken); honours Idempotency-Key."""
    return added_once(request, store, principal, idempotency_key, review.id, body,
                      studies.add_study)


@router.get("/{key}", response_model=cmo.Study)
def get_study(review: ReadableReview, key: str, store: StoreDep) -> cmo.Study:
    """One study, by key in any case or spacing."""
    return studies.get_study(store, review.id, key)


@router.put("/{key}", response_model=cmo.Study)
def update_study(review: WritableReview, key: str, body: cmo.Study, store: StoreDep,
                 principal: PrincipalDep) -> cmo.Study:
    """Replace what is known of a study; its links stay."""
    with acting_as(principal.name):
        return studies.update_study(store, review.id, key, body)


@router.delete("/{key}", status_code=status.HTTP_204_NO_CONTENT)
def delete_study(review: WritableReview, key: str, store: StoreDep,
                 principal: PrincipalDep) -> Response:
    """Delete a study no CMOc cites (409 otherwise)."""
    with acting_as(principal.name):
        studies.delete_study(store, review.id, key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
