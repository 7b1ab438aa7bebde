"""A review's concepts: a tree per kind, and for the chosen concept its labels, synonyms,
definition and place in the tree to change, and a form to merge another concept into it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response

import cmo
from api.deps import StoreDep
from api.web.deps import PagePrincipal, PageReview, WritablePageReview, Writer
from api.web.pages import PageRoute, page_url, redirect, render
from cmo.model.records import ConceptKind
from cmo.rdf.provenance import acting_as
from cmo.review.concepts import (
    concept_etag,
    find_concept,
    list_concepts,
    merge_concepts,
    update_concept,
)
from cmo.review.index import review_indexes

router = APIRouter(prefix="/reviews/{review_id}/concept-tree", route_class=PageRoute,
                   include_in_schema=False)
KINDS = (ConceptKind.context, ConceptKind.mechanism, ConceptKind.outcome)


def _tree(concepts: list[cmo.Concept]) -> list[tuple[cmo.Concept, int]]:
    """The concepts in tree order, each with its depth (parents before children)."""
    children: dict[str | None, list[cmo.Concept]] = {}
    labels = {c.label for c in concepts}
    for c in concepts:
        children.setdefault(c.broader if c.broader in labels else None, []).append(c)
    out: list[tuple[cmo.Concept, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for c in sorted(children.get(parent, []), key=lambda c: c.label.casefold()):
            out.append((c, depth))
            if depth < 50:
                walk(c.label, depth + 1)

    walk(None, 0)
    return out


@router.get("")
def concepts_page(request: Request, review: PageReview, store: StoreDep,
                  principal: PagePrincipal, kind: ConceptKind | None = None,
                  label: str | None = None) -> Response:
    """The context, mechanism and outcome trees, with how many CMOcs use each concept."""
    index = review_indexes(store, [review.id])[0]
    used: dict[str, int] = {}
    for c in index.cmocs:
        for iri in {*c.contexts, *c.outcomes, *([c.mechanism] if c.mechanism else [])}:
            used[iri] = used.get(iri, 0) + 1
    concepts = list_concepts(store, review.id)
    trees = {k: _tree([c for c in concepts if c.kind == k]) for k in KINDS}
    chosen = find_concept(store, review.id, kind, label) if kind and label else None
    return render(request, "concepts.html", review=review, trees=trees, used=used,
                  chosen=chosen, etag=concept_etag(chosen) if chosen else None,
                  same_kind=[c for c in concepts if chosen and c.kind == chosen.kind
                             and c.iri != chosen.iri],
                  can_write=principal.can_write(review.id))


def _back(review: cmo.Review, kind: ConceptKind, label: str) -> Response:
    return redirect(page_url(f"/reviews/{quote(review.id)}/concept-tree", kind=kind.value,
                             label=label))


@router.post("/edit")
def edit_concept(review: WritablePageReview, store: StoreDep, principal: Writer,
                 kind: Annotated[ConceptKind, Form()],
                 was: Annotated[str, Form(max_length=2000)],
                 etag: Annotated[str, Form(max_length=200)],
                 label: Annotated[str, Form(max_length=2000)],
                 alt_labels: Annotated[str, Form(max_length=50_000)] = "",
                 definition: Annotated[str, Form(max_length=50_000)] = "",
                 broader: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Rename the concept, set its synonyms and definition, move it under a broader one."""
    synonyms = [s.strip() for s in alt_labels.splitlines() if s.strip()]
    with acting_as(principal.name):
        saved = update_concept(store, review.id, kind, was, cmo.Concept(
            kind=kind, label=label, alt_labels=synonyms, definition=definition.strip() or None,
            broader=broader.strip() or None), if_match=etag)
    return _back(review, kind, saved.label)


@router.post("/merge")
def merge(review: WritablePageReview, store: StoreDep, principal: Writer,
          kind: Annotated[ConceptKind, Form()],
          keep: Annotated[str, Form(max_length=2000)],
          merged: Annotated[str, Form(max_length=2000)]) -> Response:
    """Merge `merged` into `keep`: its CMOcs move, its label becomes a synonym, and the merge
    is recorded in the provenance."""
    with acting_as(principal.name):
        done = merge_concepts(store, review.id, keep, merged, kind=kind)
    return _back(review, kind, done.kept.label)
