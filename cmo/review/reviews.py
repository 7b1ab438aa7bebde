"""Reviews: create, read, list, change and delete a review (each in its own named graph)."""

from __future__ import annotations

from datetime import UTC, datetime

from pyoxigraph import NamedNode, Triple

from cmo.errors import AlreadyExists, NotFound
from cmo.model import ids
from cmo.model.records import STORED, Review, validated
from cmo.rdf.mapping import read_review, review_triples
from cmo.rdf.sparql import join_updates, query_text, update_text
from cmo.review.tokens import forget_review_tokens
from cmo.store import Store
from cmo.store.writes import SYSTEM_GRAPH, describe_one, locked, write


def list_reviews(store: Store) -> list[Review]:
    """Every review in the store, by id."""
    found: dict[str, Review] = {}
    for row in store.select(query_text("reviews")):
        s = row["s"]
        if not isinstance(s, NamedNode) or s.value != row["g"].value:  # type: ignore[union-attr]
            continue  # a review described inside another review's graph is not a review here
        created = row["created"]
        review = Review.model_validate({
            "id": row["id"].value if row["id"] else ids.local_id(s.value),
            "title": row["title"].value if row["title"] else ids.local_id(s.value),
            "question": row["question"].value if row["question"] else None,
            "public": bool(row["public"] and row["public"].value == "true"),
            "created": datetime.fromisoformat(created.value) if created else None},
            context=STORED)
        found[review.id] = review
    return [found[k] for k in sorted(found)]


def review_exists(store: Store, review_id: str) -> bool:
    """Whether a review with this id is in the store."""
    if not ids.is_id(review_id):
        return False
    return bool(store.select(query_text("revisions"), {"g": NamedNode(ids.review_iri(review_id))}))


def get_review(store: Store, review_id: str) -> Review:
    """The review with this id; NotFound if there is none."""
    if not ids.is_id(review_id):  # no review can have an id that is not a valid IRI segment
        raise NotFound(f"No review {review_id!r}.")
    iri = ids.review_iri(review_id)
    desc = describe_one(store, review_id, iri)
    if iri not in desc:
        raise NotFound(f"No review {review_id!r}.")
    return read_review(desc, iri)


def create_review(store: Store, review: Review) -> Review:
    """Store a new review; AlreadyExists if the id is taken."""
    ids.check_id(review.id, "review id")
    if review_exists(store, review.id):
        raise AlreadyExists(f"A review {review.id!r} already exists.")
    review = review.model_copy(update={"created": review.created or datetime.now(UTC)})
    write(store, review.id, add=review_triples(review))
    return review


def ensure_review(store: Store, review_id: str, title: str | None = None) -> Review:
    """The review with this id, created (titled by its id) when missing."""
    try:
        return get_review(store, review_id)
    except NotFound:
        return create_review(store, Review(id=review_id, title=title or review_id))


@locked
def update_review(store: Store, review_id: str, *, title: str | None = None,
                  question: str | None = None, public: bool | None = None) -> Review:
    """Change a review's title, question or visibility."""
    current = get_review(store, review_id)
    changes = {k: v for k, v in {"title": title, "question": question, "public": public}.items()
               if v is not None}
    updated = validated(Review, {**current.model_dump(), **changes}, "The review")
    iri = ids.review_iri(review_id)
    write(store, review_id, remove=[iri, ids.scheme_iri(review_id)],
          add=review_triples(updated))
    return updated


def delete_review(store: Store, review_id: str) -> None:
    """Delete a review, everything in its graph, and the tokens issued for it (in one write).

    A new review given the same id later is another review: no old token opens it.
    """
    if not review_exists(store, review_id):
        raise NotFound(f"No review {review_id!r}.")
    graph = NamedNode(ids.review_iri(review_id))
    store.update(join_updates(update_text("drop_review", {"g": graph}), update_text(
        "drop_review_tokens", {"g": graph, "system": NamedNode(SYSTEM_GRAPH)})))
    forget_review_tokens(store, review_id)


def review_graph_triples(store: Store, review_id: str) -> list[Triple]:
    """Every triple in a review's graph; NotFound if there is no such review."""
    if not review_exists(store, review_id):
        raise NotFound(f"No review {review_id!r}.")
    return store.construct(query_text("all_triples"), graphs=[ids.review_iri(review_id)])
