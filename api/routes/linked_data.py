"""Every IRI the service mints dereferences: Turtle, JSON-LD or JSON by Accept."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

import cmo
from api.deps import PrincipalDep, StoreDep, readable_review_ids
from cmo.model.namespace import ID_IRI
from cmo.review.linked_data import describe_agent, describe_resource, render, review_of
from cmo.review.reviews import get_review
from cmo.store.protocol import choose_media

router = APIRouter(tags=["linked data"])
TYPES = ["application/json", "text/turtle", "application/ld+json"]


@router.get("/id/review/{path:path}", response_class=Response,
            responses={200: {"content": {t: {} for t in TYPES}}})
def dereference(path: str, request: Request, store: StoreDep,
                principal: PrincipalDep) -> Response:
    """What the graph says about a minted IRI (a review, CMOc, concept, study, evidence...)."""
    iri = cmo.model.ids.review_iri(path)
    review = get_review(store, review_of(iri))
    if not principal.can_read(review.id, review.public):
        raise cmo.NotFound(f"No review {review.id!r}.")
    media = choose_media(request.headers.get("accept", ""), TYPES, "application/json")
    _, triples = describe_resource(store, iri)
    return Response(render(triples, media), media_type=media)


@router.get("/id/agent/{name}", response_class=Response,
            responses={200: {"content": {t: {} for t in TYPES}}})
def dereference_agent(name: str, request: Request, store: StoreDep,
                      principal: PrincipalDep) -> Response:
    """What the reviews the caller may read say about a reviewer."""
    graphs = [cmo.model.ids.review_iri(r) for r in readable_review_ids(store, principal, None)]
    triples = describe_agent(store, f"{ID_IRI}agent/{name}", graphs)
    media = choose_media(request.headers.get("accept", ""), TYPES, "application/json")
    return Response(render(triples, media), media_type=media)
