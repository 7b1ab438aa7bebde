"""One write to one review: remove some resources, add some triples, as a single atomic update."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pyoxigraph import Literal, NamedNode, Triple

from cmo import ids
from cmo.errors import StoreError
from cmo.namespace import RKG
from cmo.rdf import Description, describe
from cmo.sparql import insert_data, join_updates, query_text, update_text
from cmo.store import Store


def write(store: Store, review_id: str, *, remove: Sequence[str] = (),
          unlink: Sequence[str] = (), add: Sequence[Triple] = ()) -> None:
    """Delete `remove` (and their evidence), drop links to `unlink`, add `add`: all or nothing."""
    graph = NamedNode(ids.review_iri(review_id))
    parts = [update_text("delete_resource", {"g": graph, "s": NamedNode(s)}) for s in remove]
    parts += [update_text("delete_references", {"g": graph, "s": NamedNode(s)}) for s in unlink]
    if add:
        parts.append(insert_data(graph.value, add))
    if parts:
        store.update(join_updates(*parts, new_revision(graph)))


BULK_TRIPLES = 50_000


def add_triples(store: Store, review_id: str, triples: Sequence[Triple], *,
                bulk: bool = False) -> None:
    """Add triples to a review in one transaction, with a new revision token.

    Many triples (`BULK_TRIPLES`) are loaded as N-Triples, ~2x faster than an update: the old
    token is dropped first (while a review has no token, readers re-read it every time), then
    the triples and the new token are loaded in one transaction. `bulk` (for a review that does
    not exist yet) uses Oxigraph's bulk loader, ~3x faster again on disk but not a transaction:
    if it fails the review's graph is dropped.
    """
    if len(triples) < BULK_TRIPLES and not bulk:
        write(store, review_id, add=triples)
        return
    graph = NamedNode(ids.review_iri(review_id))
    token = Triple(graph, NamedNode(str(RKG.revision)), Literal(uuid.uuid4().hex))
    store.update(join_updates(update_text("drop_revision", {"g": graph})))
    try:
        store.load_triples(graph.value, [*triples, token], bulk=bulk)
    except StoreError:
        if bulk:
            store.update(join_updates(update_text("drop_review", {"g": graph})))
        raise


def new_revision(graph: NamedNode) -> str:
    """The update that gives a review a fresh revision token (done in every write to it)."""
    return update_text("new_revision", {"g": graph, "token": Literal(uuid.uuid4().hex)})


def describe_one(store: Store, review_id: str, iri: str) -> Description:
    """The triples of one resource (and of the evidence it owns) in a review."""
    return describe(store.construct(query_text("describe_one"), {"owner": NamedNode(iri)},
                                    graphs=[ids.review_iri(review_id)]))


def describe_all(store: Store, review_id: str, type_iri: str) -> Description:
    """The triples of every resource of a type (and of their evidence) in a review."""
    return describe(store.construct(query_text("describe"), {"type": NamedNode(type_iri)},
                                    graphs=[ids.review_iri(review_id)]))


def referrers(store: Store, review_id: str, iri: str) -> list[str]:
    """Ids or labels of what points at `iri` in a review (at most ten): who still uses it."""
    rows = store.select(query_text("references"), {"s": NamedNode(iri)},
                        graphs=[ids.review_iri(review_id)])
    return [r["id"].value if r["id"] else r["x"].value for r in rows]  # type: ignore[union-attr]
