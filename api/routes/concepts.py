"""Concepts of a review: contexts, mechanisms, outcomes, with synonyms and hierarchy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

import cmo
from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from api.idempotency import IdempotencyKey, added_once
from api.schemas import ConceptMergeBody
from cmo.model.records import ConceptMerge
from cmo.model.suggestions import ConceptSuggestion, LabelsCheck
from cmo.rdf.provenance import acting_as
from cmo.review import concepts, suggestions

router = APIRouter(prefix="/reviews/{review_id}/concepts", tags=["concepts"])
IfMatch = Annotated[str | None, Header(description="the ETag of the version you edited "
                                                   "(optional: without it, no check)")]


Labels = Annotated[list[str], Query(max_length=50)]


@router.get("", response_model=list[ConceptSuggestion])
def list_concepts(review: ReadableReview, store: StoreDep, kind: cmo.ConceptKind | None = None,
                  prefix: Annotated[str | None, Query(
                      max_length=200, description="autocomplete: the concepts whose label or "
                      "a synonym starts with this, then those with a word that does, then "
                      "those spelt nearly so; each names what `matched` and how (`by`)")] = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 1000) -> list[cmo.Concept]:
    """The review's concepts, optionally of one kind; with `prefix`, the best matches first."""
    if prefix:
        return list(suggestions.suggest_concepts(store, review.id, prefix, kind, limit))
    return concepts.list_concepts(store, review.id, kind)[:limit]


@router.get("/check", response_model=LabelsCheck)
def check_labels(review: ReadableReview, store: StoreDep, context: Labels = [],  # noqa: B006
                 mechanism: Annotated[str | None, Query(max_length=500)] = None,
                 outcome: Labels = [],  # noqa: B006
                 intervention: Annotated[str | None, Query(max_length=500)] = None,
                 actor: Annotated[str | None, Query(max_length=500)] = None) -> LabelsCheck:
    """The labels of a draft CMOc checked before it is saved: which name a concept, which would
    create one (with near-duplicate warnings, "did you mean ...?"). Writes nothing."""
    pairs = [*(("contexts", c) for c in context), *(("outcomes", o) for o in outcome)]
    pairs += [(f, v) for f, v in (("mechanism", mechanism), ("intervention", intervention),
                                  ("actor", actor)) if v]
    return suggestions.check_labels(store, review.id, [(f, v) for f, v in pairs if v.strip()])


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


@router.post("/{kind}/{label}/merge", response_model=ConceptMerge)
def merge_concept(review: WritableReview, kind: cmo.ConceptKind, label: str,
                  body: ConceptMergeBody, store: StoreDep,
                  principal: PrincipalDep) -> ConceptMerge:
    """Merge the concept `body.merged` into this one (editors): its CMOcs and narrower
    concepts move here, its label becomes a synonym, the merge is recorded in the provenance.
    422 for a concept merged into itself; 404 (with the closest labels) for an unknown one."""
    with acting_as(principal.name):
        return concepts.merge_concepts(store, review.id, label, body.merged, kind=kind)


def _tagged(response: Response, concept: cmo.Concept) -> cmo.Concept:
    """A concept as stored, with its ETag."""
    response.headers["ETag"] = f'"{concepts.concept_etag(concept)}"'
    return concept
