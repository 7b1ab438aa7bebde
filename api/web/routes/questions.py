"""The questions of a review as pages: which mechanisms fire in which contexts (the matrix,
each cell leading to its CMOcs), the drawn mechanism network and the context × mechanism heatmap."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from api.deps import StoreDep
from api.web.deps import PageReview
from api.web.pages import PageRoute, render
from cmo.questions.engine import context_mechanism_matrix
from cmo.views import heatmap_view_html, mechanism_view_html
from cmo.views.page import CSP as VIEW_CSP

router = APIRouter(prefix="/reviews/{review_id}", route_class=PageRoute,
                   include_in_schema=False)


@router.get("/questions")
def questions_page(request: Request, review: PageReview, store: StoreDep) -> Response:
    """Which mechanisms fire in which contexts: CMOcs, studies, fired and not fired per pair."""
    matrix = context_mechanism_matrix(store, [review.id])
    rows = sorted(matrix.rows, key=lambda r: (r.context.label.casefold(), -r.cmocs,
                                              r.mechanism.label.casefold()))
    return render(request, "questions.html", review=review, rows=rows)


@router.get("/network")
def network_page(review: PageReview, store: StoreDep) -> Response:
    """The mechanism network, drawn: one self-contained page (its own policy forbids every
    request; its script and styles are inline, as in an offline report)."""
    return HTMLResponse(mechanism_view_html(store, review.id),
                        headers={"Content-Security-Policy": VIEW_CSP + "; frame-ancestors 'self'"})


@router.get("/heatmap")
def heatmap_page(review: PageReview, store: StoreDep) -> Response:
    """Contexts × mechanisms as a heatmap: one self-contained page, under the same policy as
    the network's."""
    return HTMLResponse(heatmap_view_html(store, review.id),
                        headers={"Content-Security-Policy": VIEW_CSP + "; frame-ancestors 'self'"})
