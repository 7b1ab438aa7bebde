"""Concepts of a review: contexts, mechanisms, outcomes, with synonyms and hierarchy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

import cmo
from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from api.idempotency import IdempotencyKey, added_once
from cmo.rdf.provenance import acting_as
from cmo.review import concepts

router = APIRouter(prefix="/reviews/{review_id}/concepts", tags=["concepts"])
IfMatch = Annotated[str | None, Header(description="the ETag of the version you edited "
                                                   "(optional: without it, no check)")]


@router.get("", response_model=list[cmo.Concept])
def list_concepts(review: ReadableReview, store: StoreDep, kind: cmo.ConceptKind | None = None,
                  prefix: Annotated[str | None, Query(description="label or synonym starts "
                                                      "with this (autocomplete)")] = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 1000) -> list[cmo.Concept]:
    """The review's concepts, optionally of one kind and matching a label prefix."""
    found = concepts.list_concepts(store, review.id, kind)
    if prefix:
        start = cmo.model.ids.normalise_label(prefix)
        found = [c for c in found if any(cmo.model.ids.normalise_label(x).startswith(start)
                                         for x in [c.label, *c.alt_labels])]
    return found[:limit]


@router.get("/orphans", response_model=list[cmo.Concept])
def orphan_concepts(review: ReadableReview, store: StoreDep) -> list[cmo.Concept]:
    """The concepts no CMOc refers to, directly or through a narrower concept."""
    return concepts.orphan_concepts(store, review.id)


@router.delete("/orphans", response_model=list[cmo.Concept])
def prune_orphans(review: WritableReview, store: StoreDep,
                  principal: PrincipalDep) -> list[cmo.Concept]:
    """Delete every orphan concept (editors); answers those deleted, which autocomplete and
    suggestions no longer offer."""
    with acting_as(principal.name):
        return concepts.prune_orphans(store, review.id)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=cmo.Concept)
def add_concept(review: WritableReview, body: cmo.Concept, store: StoreDep,
                principal: PrincipalDep, request: Request,
                idempotency_key: IdempotencyKey = None) -> Response:
    """Add a concept with synonyms, a broader concept and a definition; honours
    Idempotency-Key."""
    return added_once(request, store, principal, idempotency_key, review.id, body,
                      concepts.add_concept)


@router.get("/{kind}/{label}", response_model=cmo.Concept)
def get_concept(review: ReadableReview, kind: cmo.ConceptKind, label: str,
                store: StoreDep, response: Response) -> cmo.Concept:
    """One concept by label or synonym, with its ETag (404 suggests the closest labels)."""
    return _tagged(response, concepts.find_concept(store, review.id, kind, label))


@router.put("/{kind}/{label}", response_model=cmo.Concept)
def update_concept(review: WritableReview, kind: cmo.ConceptKind, label: str,
                   body: cmo.Concept, store: StoreDep, principal: PrincipalDep,
                   response: Response, if_match: IfMatch = None) -> cmo.Concept:
    """Replace a concept's label, synonyms, broader concept and definition; answers it as
    stored, with its ETag. With If-Match, 412 if it has changed since."""
    with acting_as(principal.name):
        return _tagged(response, concepts.update_concept(store, review.id, kind, label, body,
                                                         if_match=if_match))


@router.delete("/{kind}/{label}", status_code=status.HTTP_204_NO_CONTENT)
def delete_concept(review: WritableReview, kind: cmo.ConceptKind, label: str,
                   store: StoreDep, principal: PrincipalDep,
                   if_match: IfMatch = None) -> Response:
    """Delete a concept nothing uses (409 otherwise); with If-Match, 412 if it has changed."""
    with acting_as(principal.name):
        concepts.delete_concept(store, review.id, kind, label, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _tagged(response: Response, concept: cmo.Concept) -> cmo.Concept:
    """A concept as stored, with its ETag."""
    response.headers["ETag"] = f'"{concepts.concept_etag(concept)}"'
    return concept
