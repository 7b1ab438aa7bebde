"""Reviews: create, list, read, change and delete."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

import cmo
from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview, refuse
from api.idempotency import Answer, IdempotencyKey, fingerprint, json_answer, respond_once
from api.schemas import ReviewCreate, ReviewUpdate
from cmo.rdf.provenance import acting_as
from cmo.review import reviews

router = APIRouter(prefix="/reviews", tags=["reviews"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=cmo.Review)
def create_review(body: ReviewCreate, store: StoreDep, principal: PrincipalDep,
                  request: Request, idempotency_key: IdempotencyKey = None) -> Response:
    """Start a review (admins and editors not tied to one review); honours Idempotency-Key."""
    if not principal.can_create_reviews:
        raise refuse(principal, "create reviews")

    def run() -> Answer:
        with acting_as(principal.name):
            review = reviews.create_review(store, cmo.Review(**body.model_dump()))
        return json_answer(201, review, location=f"/reviews/{review.id}")

    return respond_once(store, principal, idempotency_key, body.id,
                        fingerprint(request, body), run)


@router.get("", response_model=list[cmo.Review])
def list_reviews(store: StoreDep, principal: PrincipalDep) -> list[cmo.Review]:
    """The reviews the caller may read (public ones, and those their token opens)."""
    return [r for r in reviews.list_reviews(store) if principal.can_read(r.id, r.public)]


@router.get("/{review_id}", response_model=cmo.Review)
def get_review(review: ReadableReview) -> cmo.Review:
    """One review."""
    return review


@router.patch("/{review_id}", response_model=cmo.Review)
def update_review(review: WritableReview, body: ReviewUpdate, store: StoreDep,
                  principal: PrincipalDep) -> cmo.Review:
    """Change a review's title, question or visibility."""
    with acting_as(principal.name):
        return reviews.update_review(store, review.id, **body.model_dump(exclude_unset=True))


@router.delete("/{review_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_review(review: ReadableReview, store: StoreDep, principal: PrincipalDep) -> Response:
    """Delete a review, everything in it and the tokens issued for it (admins only)."""
    if principal.role != "admin":
        raise refuse(principal, "delete reviews")
    reviews.delete_review(store, review.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
