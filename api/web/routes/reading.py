"""Reading a source and tagging CMOcs while reading: the sources of a review (and adding one),
the reading page, and the JSON its script asks for (autocomplete, new labels, saving a CMOc).

The JSON routes live under ``/workbench/``: they answer the signed-in session (the JSON API
wants a bearer token), every write passes the CSRF check, and errors are problem+json.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

import cmo
from api.deps import StoreDep
from api.schemas import CMOcCreate, CMOcWritten, merge_cmoc
from api.web.deps import PagePrincipal, PageReview, WritablePageReview
from api.web.pages import PageRoute, redirect, render
from cmo.errors import InvalidInput, Problem
from cmo.model.suggestions import ConceptSuggestion, LabelsCheck
from cmo.rdf.provenance import acting_as
from cmo.review import cmocs, suggestions
from cmo.review.reading import reading_view
from cmo.review.studies import list_studies
from cmo.sources.catalogue import list_sources
from cmo.sources.documents import add_source
from cmo.sources.model import AnchorReport

router = APIRouter(route_class=PageRoute, include_in_schema=False)
data = APIRouter(prefix="/workbench/reviews/{review_id}", include_in_schema=False)

Labels = Annotated[list[str], Query(max_length=50)]
PARTS = (("context", "Context", "C"), ("mechanism", "Mechanism", "M"),
         ("resource", "Resource", "R"), ("outcome", "Outcome", "O"), (None, "Quote", "Q"))


@router.get("/reviews/{review_id}/read")
def sources_page(request: Request, review: PageReview, store: StoreDep,
                 principal: PagePrincipal, added: str | None = None) -> Response:
    """The review's studies and their sources, to open one and read it; editors add one."""
    by_study: dict[str, list[object]] = {}
    for source in list_sources(store, review.id):
        by_study.setdefault(source.study, []).append(source)
    return render(request, "sources.html", review=review, studies=list_studies(store, review.id),
                  sources=by_study, can_write=principal.can_write(review.id))


@router.post("/reviews/{review_id}/read")
async def upload_source(review: WritablePageReview, store: StoreDep, principal: PagePrincipal,
                        file: UploadFile,
                        study: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Add a document to a study (the form's `study` and `file`), then read it."""
    if not study.strip():
        raise InvalidInput("Which study is the document of?",
                           [Problem(field="study", reason="choose the study")])
    name, body = file.filename or "document", await file.read()

    def run() -> AnchorReport:
        with acting_as(principal.name):
            return add_source(store, review.id, study, name, body)

    report = await run_in_threadpool(run)
    return redirect(f"/reviews/{quote(review.id)}/sources/{report.source.id}/read")


@router.get("/reviews/{review_id}/sources/{source_id}/read")
def reading_page(request: Request, review: PageReview, source_id: str, store: StoreDep,
                 principal: PagePrincipal, saved: str | None = None) -> Response:
    """A source page by page, its coded passages marked, and (for editors) the CMOc builder."""
    reading = reading_view(store, review.id, source_id)
    return render(request, "read.html", review=review, reading=reading, parts=PARTS,
                  can_write=principal.can_write(review.id),
                  saved=saved if saved in reading.cmocs else None)


@data.get("/concepts", response_model=list[ConceptSuggestion])
def suggest(review: PageReview, store: StoreDep,
            prefix: Annotated[str, Query(max_length=200)] = "",
            kind: cmo.ConceptKind | None = None,
            limit: Annotated[int, Query(ge=1, le=50)] = 8) -> list[ConceptSuggestion]:
    """Autocomplete for a concept field: by prefix, a word's start, then likely typos."""
    return suggestions.suggest_concepts(store, review.id, prefix, kind, limit)


@data.get("/concepts/check", response_model=LabelsCheck)
def check(review: PageReview, store: StoreDep, context: Labels = [],  # noqa: B006
          mechanism: Annotated[str, Query(max_length=500)] = "",
          outcome: Labels = []) -> LabelsCheck:  # noqa: B006
    """Which labels of the draft would create concepts, with "did you mean" warnings."""
    pairs = [*(("contexts", c) for c in context), ("mechanism", mechanism),
             *(("outcomes", o) for o in outcome)]
    return suggestions.check_labels(store, review.id, [(f, v) for f, v in pairs if v.strip()])


@data.post("/cmocs", status_code=201, response_model=CMOcWritten)
def save_cmoc(review: WritablePageReview, store: StoreDep, principal: PagePrincipal,
              body: CMOcCreate) -> CMOcWritten:
    """Save the builder's CMOc with its anchored passages (CSRF-checked, editors)."""
    with acting_as(principal.name):
        new = merge_cmoc(store, review.id, body)
        version = cmocs.create_cmoc_version(store, review.id, new)
    return CMOcWritten.of_version(review.id, version)
