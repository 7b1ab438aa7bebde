"""The reviews a reader may see, a new review, and a review's home page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from starlette.concurrency import run_in_threadpool

import cmo
from api.deps import StoreDep, refuse
from api.web.deps import PagePrincipal, PageReview, WritablePageReview, Writer
from api.web.pages import PageRoute, redirect, render
from cmo.errors import InvalidInput, Problem
from cmo.questions.stats import review_stats
from cmo.rdf.provenance import acting_as
from cmo.review import reviews
from cmo.review.studies import get_study, list_studies
from cmo.review.table import recent_cmocs
from cmo.sources.catalogue import list_sources
from cmo.sources.documents import add_source
from cmo.sources.model import Source

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def reviews_page(request: Request, store: StoreDep, principal: PagePrincipal) -> Response:
    """The reviews this reader may see, with what each holds."""
    shown = [r for r in reviews.list_reviews(store) if principal.can_read(r.id, r.public)]
    return render(request, "reviews.html", reviews=[(r, review_stats(store, r.id)) for r in shown])


@router.post("/")
def create_review(request: Request, store: StoreDep, principal: Writer,
                  id: Annotated[str, Form(max_length=200)],
                  title: Annotated[str, Form(max_length=2000)],
                  question: Annotated[str, Form(max_length=20000)] = "",
                  public: Annotated[bool, Form()] = False) -> Response:
    """Start a review (admins and editors not tied to one review), then open it."""
    if not principal.can_create_reviews:
        raise refuse(principal, "create reviews")
    with acting_as(principal.name):
        review = reviews.create_review(store, cmo.Review(
            id=id.strip(), title=title.strip(), question=question.strip() or None, public=public))
    return redirect(f"/reviews/{quote(review.id)}/overview")


@router.get("/reviews/{review_id}/overview")
def review_page(request: Request, review: PageReview, store: StoreDep,
                principal: PagePrincipal) -> Response:
    """A review's home: its question, counts, studies, recent CMOcs and where to go next."""
    sources: dict[str, list[Source]] = {}
    for source in list_sources(store, review.id):
        sources.setdefault(source.study, []).append(source)
    return render(request, "review.html", review=review, stats=review_stats(store, review.id),
                  can_write=principal.can_write(review.id), sources=sources,
                  studies=list_studies(store, review.id), recent=recent_cmocs(store, review.id))


@router.get("/reviews/{review_id}/studies/{key}/overview")
def study_page(request: Request, review: PageReview, key: str, store: StoreDep,
               principal: PagePrincipal) -> Response:
    """A study: what is known of it, its documents (each opens for reading), and a form to add
    one."""
    study = get_study(store, review.id, key)
    return render(request, "study.html", review=review, study=study,
                  sources=[s for s in list_sources(store, review.id) if s.study == study.key],
                  can_write=principal.can_write(review.id))


@router.post("/reviews/{review_id}/studies/{key}/upload")
async def upload_source(request: Request, review: WritablePageReview, key: str,
                        store: StoreDep, principal: Writer) -> Response:
    """Add a document to the study (PDF, Word, HTML, text); back to the study's page."""
    async with request.form() as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise InvalidInput("Choose a document to add.", [Problem(
                field="file", reason="a PDF, Word, HTML, Markdown or text file")])
        name, data = upload.filename, await upload.read()

    def run() -> None:
        with acting_as(principal.name):
            add_source(store, review.id, key, name, data)

    await run_in_threadpool(run)
    return redirect(f"/reviews/{quote(review.id)}/studies/{quote(key, safe='')}/overview")
