"""The mechanism network and the context × mechanism heatmap of a review as interactive,
self-contained pages (or iframes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.deps import ReadableReview, StoreDep
from cmo.limits import LIMITS
from cmo.views import heatmap_view_html, mechanism_view_html

router = APIRouter(prefix="/reviews/{review_id}/views", tags=["views"])


@router.get("/mechanisms", response_class=HTMLResponse)
def mechanisms_view(review: ReadableReview, store: StoreDep,
                    context: Annotated[str | None, Query(description="a context subtree")] = None,
                    theory: Annotated[str | None, Query(description="theory id or label")] = None,
                    min_studies: Annotated[int, Query(ge=1)] = 1, fired_only: bool = False,
                    embed: Annotated[bool, Query(description="1: no chrome, for an <iframe>")]
                    = False) -> HTMLResponse:
    """Contexts → mechanisms → outcomes, drawn from the graph: one HTML page that requests
    nothing from the network (``?embed=1`` for an iframe)."""
    return HTMLResponse(mechanism_view_html(store, review.id, context=context, theory=theory,
                                            min_studies=min_studies, fired_only=fired_only,
                                            embed=embed))


@router.get("/heatmap", response_class=HTMLResponse)
def heatmap_view(review: ReadableReview, store: StoreDep,
                 context: Annotated[str | None, Query(description="a context subtree",
                                                      max_length=LIMITS.label_chars)] = None,
                 theory: Annotated[str | None, Query(description="theory id or label",
                                                     max_length=LIMITS.label_chars)] = None,
                 min_studies: Annotated[int, Query(ge=1)] = 1, fired_only: bool = False,
                 embed: Annotated[bool, Query(description="1: no chrome, for an <iframe>")]
                 = False) -> HTMLResponse:
    """Contexts (grouped by hierarchy) × mechanisms, each cell shaded by its studies with fired
    and not-fired CMOcs apart; one HTML page that requests nothing (``?embed=1`` for an iframe)."""
    return HTMLResponse(heatmap_view_html(store, review.id, context=context, theory=theory,
                                          min_studies=min_studies, fired_only=fired_only,
                                          embed=embed))
