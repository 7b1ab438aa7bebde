"""Reading a source and tagging CMOcs while reading: the reading page, and the JSON its script
asks for (autocomplete, new labels, saving a CMOc). Documents are added on a study's page.

The JSON routes live under ``/workbench/``: they answer the signed-in session (the JSON API
wants a bearer token), every write passes the CSRF check, and errors are problem+json.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

import cmo
from api.deps import StoreDep
from api.schemas import CMOcCreate, CMOcWritten, merge_cmoc
from api.web.deps import PagePrincipal, PageReview, WritablePageReview
from api.web.pages import PageRoute, render
from cmo.model.suggestions import ConceptSuggestion, LabelsCheck
from cmo.rdf.provenance import acting_as
from cmo.review import cmocs, suggestions
from cmo.review.reading import reading_view

router = APIRouter(route_class=PageRoute, include_in_schema=False)
data = APIRouter(prefix="/workbench/reviews/{review_id}", include_in_schema=False)

Labels = Annotated[list[str], Query(max_length=50)]
PARTS = (("context", "Context", "C"), ("mechanism", "Mechanism", "M"),
         ("resource", "Resource", "R"), ("outcome", "Outcome", "O"), (None, "Quote", "Q"))


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
