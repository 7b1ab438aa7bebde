"""Import into and export out of a review: RDF, sheets, references and REFI-QDA projects."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

import cmo
from api.deps import (
    PrincipalDep,
    ReadableReview,
    StoreDep,
    readable_review,
    writable_review,
)
from api.idempotency import Answer, IdempotencyKey, fingerprint, json_answer, respond_once
from cmo.errors import Problem, UnsupportedFormat
from cmo.interchange import rdf_files
from cmo.interchange.importer import anchor_imported, detect_format, import_file
from cmo.interchange.qdpx import QdpxOptions, export_qdpx, parse_assemble, read_code_map
from cmo.interchange.rdf_files import import_rdf
from cmo.model import ids
from cmo.model.records import NewConcepts
from cmo.rdf.provenance import acting_as
from cmo.review.reviews import review_exists
from cmo.store.protocol import choose_media

router = APIRouter(prefix="/reviews/{review_id}", tags=["import and export"])

IMPORT_TYPES = {"text/turtle": "ttl", "application/trig": "trig", "application/n-quads": "nq",
                "application/n-triples": "nt", "application/ld+json": "jsonld",
                "text/csv": "csv", "text/tab-separated-values": "csv",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
                "application/x-research-info-systems": "ris", "application/x-bibtex": "bib",
                "application/x-qdpx": "qdpx"}
EXPORT_TYPES = {"text/turtle": "ttl", "application/trig": "trig", "application/n-quads": "nq",
                "application/ld+json": "jsonld", "application/x-qdpx": "qdpx"}


def importable_review(review_id: str, store: StoreDep, principal: PrincipalDep) -> str:
    """The review to import into: one the caller may change, or a new one if they may start
    reviews (the import creates it, as `cmo import` does)."""
    if review_exists(store, review_id):
        return writable_review(readable_review(review_id, store, principal), principal).id
    if not principal.can_create_reviews:  # as for a review they may not see: no hint
        raise cmo.NotFound(f"No review {review_id!r}.")
    ids.check_id(review_id, "review id")
    return review_id


@router.post("/import", response_model=None, openapi_extra={"requestBody": {"content": {
    **{t: {"schema": {"type": "string"}} for t in IMPORT_TYPES},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "concepts": {"type": "string", "format": "binary"},
        "map": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}})
async def import_into_review(review_id: Annotated[str, Depends(importable_review)],
                             request: Request, store: StoreDep, principal: PrincipalDep,
                             check: bool = False, format: str | None = None,
                             idempotency_key: IdempotencyKey = None,
                             new_concepts: NewConcepts = "allow",
                             assemble: str | None = None) -> Response:
    """Import a file into the review (created when missing, for callers who may start
    reviews): all of it or nothing. A raw body (by Content-Type) or multipart `file` (format
    from its name and content, or `?format=`) with an optional `concepts` sheet; several
    multipart `file`s if all are RDF. RDF, CMO extraction sheets (CSV/XLSX), RIS and BibTeX.
    `?check=true` reports without writing. The answer names the concepts created
    (`new_concepts`) and warns of labels close to existing ones (`warnings`);
    `?new_concepts=refuse` refuses (422, naming row and column) a file that would create any.
    A REFI-QDA project (.qdpx) may come with a multipart `map` (code_path,kind CSV) and
    `?assemble=window=N`. With an Idempotency-Key, a retry gets the first answer and imports
    nothing again."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    concepts: tuple[str, bytes] | None = None
    code_map: tuple[str, bytes] | None = None
    files: list[tuple[str, bytes, str | None]] = []
    if media == "multipart/form-data":
        async with request.form() as form:
            uploads, extra, mapped = form.getlist("file"), form.get("concepts"), form.get("map")
            for upload in uploads:
                if isinstance(upload, str):
                    continue
                files.append((upload.filename or "upload", await upload.read(),
                              format or IMPORT_TYPES.get((upload.content_type or "").lower())))
            if not files:
                raise cmo.InvalidInput("No file to import.", [Problem(
                    field="file", reason="send the file in the multipart field 'file'")])
            if extra is not None and not isinstance(extra, str):
                concepts = (extra.filename or "concepts", await extra.read())
            if mapped is not None and not isinstance(mapped, str):
                code_map = (mapped.filename or "map", await mapped.read())
    elif media in IMPORT_TYPES:
        files = [("request body", await request.body(), format or IMPORT_TYPES[media])]
    else:
        raise UnsupportedFormat(f"Cannot import {media or 'a body without Content-Type'}.",
                                [Problem(field="Content-Type", reason="use one of: " + ", ".join(
                                    [*IMPORT_TYPES, "multipart/form-data"]))])

    qdpx = QdpxOptions(read_code_map(*code_map) if code_map else {},
                       parse_assemble(assemble) if assemble else None)

    def run() -> Answer:
        with acting_as(principal.name):
            if len(files) == 1:
                report = import_file(store, review_id, *files[0], concepts, check,
                                     new_concepts=new_concepts, qdpx=qdpx)
            else:
                report = anchor_imported(store, import_rdf(
                    store, review_id, _rdf_files(files), check=check, new_concepts=new_concepts))
        return json_answer(200, {**asdict(report), "new_concepts": [
            c.model_dump(mode="json") for c in report.new_concepts]})

    return await run_in_threadpool(
        respond_once, store, principal, idempotency_key, review_id,
        fingerprint(request, media, *(part for f in files for part in f),
                    *(concepts or ("", b"")), *(code_map or ("", b""))), run)


def _rdf_files(files: list[tuple[str, bytes, str | None]]) -> list[tuple[str, bytes,
                                                                         ox.RdfFormat]]:
    """Several uploads, which must all be RDF (they are imported together)."""
    out = []
    for name, data, fmt in files:
        kind = fmt or detect_format(name, data)
        if kind not in rdf_files.FORMATS:
            raise cmo.InvalidInput("Import one sheet or reference library at a time (several "
                                   "RDF files may go together).", [Problem(
                                       field="file", reason=f"{name} is {kind}")])
        out.append((name, data, rdf_files.FORMATS[kind]))
    return out


@router.get("/export", responses={200: {"content": {t: {} for t in EXPORT_TYPES}}},
            response_class=Response)
def export_review(review: ReadableReview, request: Request, store: StoreDep) -> Response:
    """The review as RDF, in the format the Accept header asks for (Turtle by default), or as
    a REFI-QDA project (`application/x-qdpx`)."""
    media = choose_media(request.headers.get("accept", ""), list(EXPORT_TYPES), "text/turtle")
    if EXPORT_TYPES[media] == "qdpx":
        return Response(export_qdpx(store, review.id), media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{review.id}.qdpx"'})
    data = rdf_files.export_review(store, review.id, EXPORT_TYPES[media])
    return Response(data, media_type=media)
