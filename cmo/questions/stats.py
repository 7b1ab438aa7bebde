"""Counts that summarise what a review (or the whole store) holds."""

from __future__ import annotations

from pydantic import BaseModel

from cmo.model import ids
from cmo.rdf.sparql import query_text
from cmo.review.reviews import get_review, list_reviews
from cmo.store import Store


class ReviewStats(BaseModel):
    """How much a review holds: CMOcs, how many did not fire, concepts, links, evidence."""

    reviews: int
    cmocs: int
    studies: int
    contexts: int
    mechanisms: int
    outcomes: int
    not_fired: int
    chain_links: int
    theories: int
    evidence: int


def review_stats(store: Store, review_id: str | None = None) -> ReviewStats:
    """Counts for one review, or for every review in the store when `review_id` is None."""
    if review_id is not None:
        get_review(store, review_id)
        graphs = [ids.review_iri(review_id)]
    else:
        graphs = [ids.review_iri(r.id) for r in list_reviews(store)]
    row = store.select(query_text("stats"), graphs=graphs)[0]
    counts = {k: int(v.value) if v is not None else 0 for k, v in row.items()}
    return ReviewStats(reviews=len(graphs), **counts)
