"""Import into and export out of a review, in the RDF formats (and, later, sheets)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

import cmo
from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from api.idempotency import Answer, IdempotencyKey, fingerprint, json_answer, respond_once
from cmo.errors import Problem, UnsupportedFormat
from cmo.interchange import rdf_files
from cmo.interchange.importer import import_file
from cmo.model.records import NewConcepts
from cmo.rdf.provenance import acting_as
from cmo.store.protocol import choose_media

router = APIRouter(prefix="/reviews/{review_id}", tags=["import and export"])

IMPORT_TYPES = {"text/turtle": "ttl", "application/trig": "trig", "application/n-quads": "nq",
                "application/n-triples": "nt", "application/ld+json": "jsonld",
                "text/csv": "csv", "text/tab-separated-values": "csv",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
                "application/x-research-info-systems": "ris", "application/x-bibtex": "bib"}
EXPORT_TYPES = {"text/turtle": "ttl", "application/trig": "trig", "application/n-quads": "nq",
                "application/ld+json": "jsonld"}


@router.post("/import", response_model=None, openapi_extra={"requestBody": {"content": {
    **{t: {"schema": {"type": "string"}} for t in IMPORT_TYPES},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"},
        "concepts": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}})
async def import_into_review(review: WritableReview, request: Request, store: StoreDep,
                             principal: PrincipalDep, check: bool = False,
                             idempotency_key: IdempotencyKey = None,
                             new_concepts: NewConcepts = "allow") -> Response:
    """Import a file into the review: all of it or nothing. A raw body (by Content-Type) or
    multipart `file` (format from its name and content) with an optional `concepts` sheet;
    RDF, CMO extraction sheets (CSV/XLSX), RIS and BibTeX. `?check=true` reports without
    writing. The answer names the concepts created (`new_concepts`) and warns of labels close to
    existing ones (`warnings`); `?new_concepts=refuse` refuses (422, naming row and column) a
    file that would create any. With an Idempotency-Key, a retry gets the first answer and
    imports nothing again."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    concepts: tuple[str, bytes] | None = None
    if media == "multipart/form-data":
        async with request.form() as form:
            upload, extra = form.get("file"), form.get("concepts")
            if upload is None or isinstance(upload, str):
                raise cmo.InvalidInput("No file to import.", [Problem(
                    field="file", reason="send the file in the multipart field 'file'")])
            name, data = upload.filename or "upload", await upload.read()
            fmt = IMPORT_TYPES.get((upload.content_type or "").lower())
            if extra is not None and not isinstance(extra, str):
                concepts = (extra.filename or "concepts", await extra.read())
    elif media in IMPORT_TYPES:
        name, data, fmt = "request body", await request.body(), IMPORT_TYPES[media]
    else:
        raise UnsupportedFormat(f"Cannot import {media or 'a body without Content-Type'}.",
                                [Problem(field="Content-Type", reason="use one of: " + ", ".join(
                                    [*IMPORT_TYPES, "multipart/form-data"]))])

    def run() -> Answer:
        with acting_as(principal.name):
            report = import_file(store, review.id, name, data, fmt, concepts, check,
                                 new_concepts=new_concepts)
        return json_answer(200, {
            "review": report.review, "triples": report.triples, "cmocs": report.cmocs,
            "studies": report.studies, "concepts": report.concepts, "checked": report.checked,
            "notes": report.notes, "new_concepts": report.new_concepts,
            "warnings": report.warnings})

    return await run_in_threadpool(
        respond_once, store, principal, idempotency_key, review.id,
        fingerprint(request, media, name, data, fmt, *(concepts or ("", b""))), run)


@router.get("/export", responses={200: {"content": {t: {} for t in EXPORT_TYPES}}},
            response_class=Response)
def export_review(review: ReadableReview, request: Request, store: StoreDep) -> Response:
    """The review as RDF, in the format the Accept header asks for (Turtle by default)."""
    media = choose_media(request.headers.get("accept", ""), list(EXPORT_TYPES), "text/turtle")
    data = rdf_files.export_review(store, review.id, EXPORT_TYPES[media])
    return Response(data, media_type=media)
