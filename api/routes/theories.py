"""Programme theories of a review, version by version: their parts and recorded changes, the
CMOcs related to each version, and two versions compared."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

import cmo
from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from api.idempotency import IdempotencyKey, added_once
from api.problems import ApiError
from cmo.model.theories import (
    NewTheoryVersion,
    TheoryDetail,
    TheoryDiff,
    TheoryLinking,
    TheoryLinkRequest,
)
from cmo.questions.bulk import chooser
from cmo.rdf.provenance import acting_as
from cmo.review import theories
from cmo.review.theory_diff import diff_theories
from cmo.review.theory_links import link_cmocs, new_theory_version, theory_detail

router = APIRouter(prefix="/reviews/{review_id}/theories", tags=["theories"])


class TheoryShown(TheoryDetail):
    """A version with its linked CMOcs and the link to its diagram: the mechanism network drawn
    from its CMOcs alone."""

    diagram: str = Field(description="the mechanism view filtered to this version")


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
    """One theory version, with its parts and the change that made it."""
    return theories.get_theory(store, review.id, theory_id)


@router.put("/{theory_id}", response_model=cmo.ProgrammeTheory)
def update_theory(review: WritableReview, theory_id: str, body: cmo.ProgrammeTheory,
                  store: StoreDep, principal: PrincipalDep) -> cmo.ProgrammeTheory:
    """Replace a theory version's label, statement, parts or revision link (its recorded change
    stays unless the body gives `change`)."""
    if body.id != theory_id:
        raise ApiError(422, "InvalidInput", f"The body's id {body.id!r} is not {theory_id!r}.")
    with acting_as(principal.name):
        return theories.update_theory(store, review.id, body)


@router.delete("/{theory_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_theory(review: WritableReview, theory_id: str, store: StoreDep,
                  principal: PrincipalDep) -> Response:
    """Delete a theory version nothing uses (409 otherwise), with its recorded change."""
    with acting_as(principal.name):
        theories.delete_theory(store, review.id, theory_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{theory_id}/versions", status_code=status.HTTP_201_CREATED,
             response_model=cmo.ProgrammeTheory)
def new_version(review: WritableReview, theory_id: str, body: NewTheoryVersion,
                store: StoreDep, principal: PrincipalDep) -> cmo.ProgrammeTheory:
    """Make the next version from this one with its recorded change (what, rationale,
    justifying CMOcs; the token holder and the time are recorded), optionally carrying over
    its CMOc links with their relations: one write."""
    with acting_as(principal.name):
        return new_theory_version(store, review.id, theory_id, body)


@router.get("/{theory_id}/links", response_model=TheoryShown)
def theory_links(review: ReadableReview, theory_id: str, store: StoreDep) -> TheoryShown:
    """The version with each linked CMOc's relation (tested, supports, refutes, refines), and
    the link to its diagram."""
    detail = theory_detail(store, review.id, theory_id)
    diagram = (f"/reviews/{quote(review.id, safe='')}/views/mechanisms"
               f"?theory={quote(theory_id, safe='')}")
    return TheoryShown(**detail.model_dump(), diagram=diagram)


@router.post("/{theory_id}/links", response_model=TheoryLinking)
def link(review: WritableReview, theory_id: str, body: TheoryLinkRequest, store: StoreDep,
         principal: PrincipalDep) -> TheoryLinking:
    """Relate many CMOcs to this version in one write: by `ids`, or every CMOc matching the
    filters. Any unknown CMOc, concept or theory: 404/422 naming it, and nothing is written."""
    with acting_as(principal.name):
        return link_cmocs(store, review.id, theory_id, body.relation, chooser(body))


@router.get("/{theory_id}/diff/{other_id}", response_model=TheoryDiff)
def diff(review: ReadableReview, theory_id: str, other_id: str, store: StoreDep) -> TheoryDiff:
    """What changed from this version to the other: statements, parts, CMOcs added, removed
    or re-related (with their quotes), and the recorded changes between them."""
    return diff_theories(store, review.id, theory_id, other_id)
