"""Dereferencing the IRIs realist-kg mints: what the store says about one resource."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
import rdflib

from cmo.errors import NotFound
from cmo.model import ids
from cmo.model.namespace import ID_IRI, PREFIXES
from cmo.rdf.resources import jsonld_context
from cmo.rdf.sparql import query_text
from cmo.review.reviews import review_exists
from cmo.store import Store


def review_of(iri: str) -> str:
    """The id of the review a minted IRI belongs to; NotFound for IRIs outside any review."""
    prefix = ids.review_iri("")
    if not iri.startswith(prefix):
        raise NotFound(f"{iri} is not a resource of a review.")
    return iri[len(prefix):].split("/", 1)[0]


def describe_resource(store: Store, iri: str) -> tuple[str, list[ox.Triple]]:
    """The review a minted IRI belongs to and the triples about it (and its evidence)."""
    review_id = review_of(iri)
    if not review_exists(store, review_id):
        raise NotFound(f"No review {review_id!r}.")
    try:
        node = ox.NamedNode(iri)
    except ValueError as exc:
        raise NotFound(f"{iri!r} is not an IRI.") from exc
    triples = store.construct(query_text("describe_one"), {"owner": node},
                              graphs=[ids.review_iri(review_id)])
    if not triples:
        raise NotFound(f"Nothing is known about {iri}.")
    return review_id, triples


def describe_agent(store: Store, iri: str, graphs: list[str]) -> list[ox.Triple]:
    """What the given review graphs say about a reviewer (a prov:Agent minted under id:agent/)."""
    if not iri.startswith(f"{ID_IRI}agent/"):
        raise NotFound(f"{iri} is not a reviewer.")
    try:
        node = ox.NamedNode(iri)
    except ValueError as exc:
        raise NotFound(f"{iri!r} is not an IRI.") from exc
    triples = store.construct(query_text("describe_one"), {"owner": node}, graphs=graphs) \
        if graphs else []
    if not triples:
        raise NotFound(f"Nothing is known about {iri}.")
    return sorted(set(triples), key=str)


def render(triples: list[ox.Triple], media: str) -> bytes:
    """Triples as Turtle, JSON-LD (compacted with our context) or plain JSON."""
    if media == "text/turtle":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                            prefixes={**PREFIXES, "id": ID_IRI}) or b""
    if media == "application/ld+json":
        g = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                                 format="nt")
        doc = json.loads(g.serialize(format="json-ld", context=jsonld_context(),
                                     auto_compact=True))
        return json.dumps(doc, ensure_ascii=False).encode()
    subjects: dict[str, dict[str, list[Any]]] = {}
    for t in triples:
        props = subjects.setdefault(str(getattr(t.subject, "value", t.subject)), {})
        obj = t.object
        value: Any = ({"iri": obj.value} if isinstance(obj, ox.NamedNode)
                      else str(getattr(obj, "value", obj)))
        props.setdefault(t.predicate.value, []).append(value)
    return json.dumps({"resources": subjects}, ensure_ascii=False).encode()
