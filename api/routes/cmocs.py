"""CMOcs: create, list, read, replace, patch and delete, with ETags and If-Match.

Every ETag is sent with the body made from the same read (`cmo.review.cmocs.CMOcVersion`); a
write answers the version it stored.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

import cmo
from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from api.idempotency import (
    Answer,
    IdempotencyKey,
    fingerprint,
    json_answer,
    replayed,
    respond_once,
)
from api.problems import ApiError
from api.schemas import CMOcCreate, CMOcFields, CMOcOut, CMOcPage, CMOcWritten, merge_cmoc
from cmo.model.records import NewConcepts, validated
from cmo.rdf.provenance import acting_as
from cmo.review import cmocs

router = APIRouter(prefix="/reviews/{review_id}/cmocs", tags=["cmocs"])
IfMatch = Annotated[str | None, Header(description="the ETag of the version you edited")]
NewConceptsQuery = Annotated[NewConcepts, Query(
    description="'refuse': a label that names no concept of the review is refused (422, naming "
                "the field) and nothing is written; 'allow' (default): it becomes a new concept, "
                "named in the answer's `new_concepts`, with `warnings` for likely typos")]


def _tagged(response: Response, review_id: str, version: cmocs.CMOcVersion) -> CMOcOut:
    """The body of one version of a CMOc, with that version's ETag."""
    response.headers["ETag"] = f'"{version.etag}"'
    return CMOcOut.of(review_id, version.cmoc)


def _written(response: Response, review_id: str, version: cmocs.CMOcVersion) -> CMOcWritten:
    """The body of the version a write stored, with its ETag and the concepts it created."""
    response.headers["ETag"] = f'"{version.etag}"'
    return CMOcWritten.of_version(review_id, version)


def _need_if_match(if_match: str | None) -> str:
    if not if_match:
        raise ApiError(428, "PreconditionRequired", "Send If-Match with the ETag of the CMOc "
                       "you edited, so that nobody's change is lost.")
    return if_match


def _with_id(new: cmo.NewCMOc | cmo.CMOConfiguration, cmoc_id: str) -> cmo.CMOConfiguration:
    return validated(cmo.CMOConfiguration, {**new.model_dump(), "id": cmoc_id}, "The CMOc")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CMOcWritten)
def create_cmoc(review: WritableReview, body: CMOcCreate, store: StoreDep,
                principal: PrincipalDep, request: Request,
                idempotency_key: IdempotencyKey = None,
                new_concepts: NewConceptsQuery = "allow") -> Response:
    """Tag a new CMOc; labels resolve to existing concepts (any case, or a synonym) or new ones,
    which the answer names (`new_concepts`, `warnings`). A given `id` is the CMOc's (409 if the
    review has it; default: the next c<number>). Honours Idempotency-Key."""
    request_fingerprint = fingerprint(request, body)
    retry = replayed(store, principal, idempotency_key, request_fingerprint)
    if retry is not None:
        return retry
    # A taken id is refused before anything is written (theories below included).
    wanted = None if body.id is None else cmocs.check_new_cmoc_id(store, review.id, body.id)
    with acting_as(principal.name):
        # Theories named by label are found, or made once, before the CMOc's own write: the
        # idempotency record goes with that write.
        merged = merge_cmoc(store, review.id, body)
    new = merged if wanted is None else _with_id(merged, wanted)

    def run() -> Answer:
        with acting_as(principal.name):
            created = cmocs.create_cmoc_version(store, review.id, new,
                                                new_concepts=new_concepts)
        return json_answer(201, CMOcWritten.of_version(review.id, created),
                           location=f"/reviews/{review.id}/cmocs/{created.cmoc.id}",
                           etag=f'"{created.etag}"')

    return respond_once(store, principal, idempotency_key, review.id, request_fingerprint, run)


@router.get("", response_model=CMOcPage)
def list_cmocs(review: ReadableReview, store: StoreDep,
               context: str | None = None, mechanism: str | None = None,
               outcome: str | None = None, study: str | None = None,
               fired: bool | None = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> CMOcPage:
    """The review's CMOcs by id, filtered by concept (label or synonym), study key or firing;
    paginated."""
    page, total = cmocs.find_cmocs(store, review.id, context=context, mechanism=mechanism,
                                   outcome=outcome, study=study, fired=fired, limit=limit,
                                   offset=offset)
    return CMOcPage(items=[CMOcOut.of(review.id, c) for c in page], total=total, limit=limit,
                    offset=offset)


@router.get("/{cmoc_id}", response_model=CMOcOut)
def get_cmoc(review: ReadableReview, cmoc_id: str, store: StoreDep,
             response: Response) -> CMOcOut:
    """One CMOc, with its ETag."""
    return _tagged(response, review.id, cmocs.get_cmoc_version(store, review.id, cmoc_id))


@router.put("/{cmoc_id}", response_model=CMOcWritten)
def replace_cmoc(review: WritableReview, cmoc_id: str, body: CMOcCreate, store: StoreDep,
                 principal: PrincipalDep, response: Response, if_match: IfMatch = None,
                 new_concepts: NewConceptsQuery = "allow") -> CMOcWritten:
    """Replace a CMOc with the JSON GET returned, edited; needs If-Match (412 if stale)."""
    tag = _need_if_match(if_match)
    with acting_as(principal.name):
        new = _with_id(merge_cmoc(store, review.id, body), cmoc_id)
        saved = cmocs.edit_cmoc(store, review.id, cmoc_id, lambda _: new, if_match=tag,
                                new_concepts=new_concepts)
    return _written(response, review.id, saved)


@router.patch("/{cmoc_id}", response_model=CMOcWritten)
def patch_cmoc(review: WritableReview, cmoc_id: str, body: CMOcFields, store: StoreDep,
               principal: PrincipalDep, response: Response, if_match: IfMatch = None,
               new_concepts: NewConceptsQuery = "allow") -> CMOcWritten:
    """Change some fields of a CMOc; needs If-Match (412 if stale). The fields are applied to
    the very version that If-Match names."""
    tag = _need_if_match(if_match)

    def change(current: cmo.CMOConfiguration) -> cmo.CMOConfiguration:
        new = merge_cmoc(store, review.id, body, base=current)
        return _with_id(new, cmoc_id)

    with acting_as(principal.name):
        saved = cmocs.edit_cmoc(store, review.id, cmoc_id, change, if_match=tag,
                                new_concepts=new_concepts)
    return _written(response, review.id, saved)


@router.delete("/{cmoc_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_cmoc(review: WritableReview, cmoc_id: str, store: StoreDep,
                principal: PrincipalDep, if_match: IfMatch = None) -> Response:
    """Delete a CMOc and the chain links to it; needs If-Match (412 if stale)."""
    with acting_as(principal.name):
        cmocs.delete_cmoc(store, review.id, cmoc_id, if_match=_need_if_match(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
