"""Sources: the documents of a study, their text page by page, and the quotes checked in them."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from api.idempotency import Answer, IdempotencyKey, fingerprint, json_answer, respond_once
from cmo.errors import InvalidInput, Problem
from cmo.interchange.annotations import ANNOTATION_MEDIA_TYPE, export_annotations
from cmo.rdf.provenance import acting_as
from cmo.review.codings import Coding, list_codings
from cmo.sources.catalogue import get_page, get_source, list_sources
from cmo.sources.documents import add_source, remove_source
from cmo.sources.model import AnchorReport, Page, QuotesReport, Source
from cmo.sources.quotes import check_quotes

router = APIRouter(prefix="/reviews/{review_id}", tags=["sources"])


class AnchorReportOut(AnchorReport):
    """The source added, and what happened to its study's unanchored quotes."""

    message: str


@router.post("/sources", status_code=status.HTTP_201_CREATED, response_model=AnchorReportOut,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"},
                     "study": {"type": "string"}}, "required": ["file", "study"]}}}}})
async def add(review: WritableReview, request: Request, store: StoreDep,
              principal: PrincipalDep, idempotency_key: IdempotencyKey = None) -> Response:
    """Add a document (multipart `file`) to a study (`study`, its key): its text is extracted
    and stored, and the study's unanchored quotes are anchored in it. 415 for a type other than
    PDF, Word, HTML, text or Markdown; 413 over the size limit; 422 for a scan without text.
    Honours Idempotency-Key."""
    async with request.form() as form:
        upload, study = form.get("file"), form.get("study")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("No document to add.", [Problem(
                field="file", reason="send the document in the multipart field 'file'")])
        if not isinstance(study, str) or not study.strip():
            raise InvalidInput("Which study is the document of?", [Problem(
                field="study", reason="send the study's key in the multipart field 'study'")])
        name, data = upload.filename or "document", await upload.read()

    def run() -> Answer:
        with acting_as(principal.name):
            report = add_source(store, review.id, study, name, data)
        return json_answer(201, AnchorReportOut(**report.model_dump(), message=report.summary()),
                           location=f"/reviews/{review.id}/sources/{report.source.id}")

    return await run_in_threadpool(respond_once, store, principal, idempotency_key, review.id,
                                   fingerprint(request, study, name, data), run)


@router.get("/sources", response_model=list[Source])
def list_(review: ReadableReview, store: StoreDep) -> list[Source]:
    """The review's documents, by study, and their pages without their text."""
    return list_sources(store, review.id, pages=True)


@router.get("/sources/{source_id}", response_model=Source)
def show(review: ReadableReview, source_id: str, store: StoreDep) -> Source:
    """One document: what is known of it, and its pages with their text."""
    return get_source(store, review.id, source_id)


@router.get("/sources/{source_id}/pages/{number}", response_model=Page)
def page(review: ReadableReview, source_id: str, number: int, store: StoreDep) -> Page:
    """One page of a document, with its text and where it begins in the whole text."""
    return get_page(store, review.id, source_id, number)


@router.delete("/sources/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove(review: WritableReview, source_id: str, store: StoreDep, principal: PrincipalDep,
           force: bool = False) -> Response:
    """Remove a document; 409 while quotes are anchored in it, unless `force=true`, which
    detaches them (they keep their text and page)."""
    with acting_as(principal.name):
        remove_source(store, review.id, source_id, force=force)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/quotes/check", response_model=QuotesReport)
def check(review: ReadableReview, store: StoreDep) -> QuotesReport:
    """Every quote in its class: anchored, moved, not found (with the closest passage), or
    without a source for its study."""
    return check_quotes(store, review.id)


@router.post("/quotes/fix", response_model=QuotesReport)
def fix(review: WritableReview, store: StoreDep, principal: PrincipalDep) -> QuotesReport:
    """Check every quote, and anchor the moved ones where they are now."""
    with acting_as(principal.name):
        return check_quotes(store, review.id, fix=True)


@router.get("/annotations", response_class=Response,
            responses={200: {"content": {ANNOTATION_MEDIA_TYPE: {}}}})
def web_annotations(review: ReadableReview, store: StoreDep) -> Response:
    """Every quote of the review as a W3C Web Annotation (JSON-LD): the CMOc and its concepts
    as the body, the passage in its source (both selectors) as the target."""
    return Response(export_annotations(store, review.id), media_type=ANNOTATION_MEDIA_TYPE)


@router.get("/codings", response_model=list[Coding])
def codings(review: ReadableReview, store: StoreDep, unassigned: bool = True) -> list[Coding]:
    """Coded passages not yet in a CMOc (from a REFI-QDA import), by source and place: the raw
    material for assembling CMOcs. `?unassigned=false` adds the anchored quotes of CMOcs."""
    return list_codings(store, review.id, unassigned=unassigned)
