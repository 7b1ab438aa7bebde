"""The reviews a reader may see, a new review, and a review's home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

import cmo
from api.deps import StoreDep, refuse
from api.web.deps import PagePrincipal, PageReview, Writer
from api.web.pages import PageRoute, redirect, render
from cmo.questions.stats import review_stats
from cmo.rdf.provenance import acting_as
from cmo.review import reviews

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
    return redirect(f"/reviews/{review.id}/overview")


@router.get("/reviews/{review_id}/overview")
def review_page(request: Request, review: PageReview, store: StoreDep,
                principal: PagePrincipal) -> Response:
    """A review's home: its question, counts, studies, recent CMOcs and where to go next."""
    return render(request, "review.html", review=review, stats=review_stats(store, review.id),
                  can_write=principal.can_write(review.id))
