"""CMO configurations: create, read, list, replace and delete the CMOcs of a review.

Concept labels in a CMOc resolve to the review's concepts (any case or spacing, or a synonym);
a label that names nothing yet becomes a new concept in the same atomic write, as does a study key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pyoxigraph import Triple

from cmo import ids
from cmo.errors import AlreadyExists, NotFound
from cmo.model import CMOConfiguration, Concept, Study
from cmo.names import ReviewNames
from cmo.namespace import RKG
from cmo.rdf import cmoc_triples, concept_triples, read_cmoc, study_triples
from cmo.reviews import get_review
from cmo.store import Store
from cmo.writes import describe_all, describe_one, write


def _new_resources(review_id: str, names: ReviewNames) -> list[Triple]:
    """Triples describing the concepts and studies `names` minted during this write."""
    out: list[Triple] = []
    for iri, (kind, label) in names.new_concepts.items():
        out += concept_triples(review_id, Concept(kind=kind, label=label), iri, None)
    for iri, key in names.new_studies.items():
        out += study_triples(Study(key=key), iri)
    return out


def _triples(review_id: str, cmoc: CMOConfiguration, names: ReviewNames) -> list[Triple]:
    for study in (e.study for e in cmoc.evidence if e.study):
        names.study(study)
    triples = cmoc_triples(review_id, cmoc, names)
    return triples + _new_resources(review_id, names)


def create_cmoc(store: Store, review_id: str, cmoc: CMOConfiguration) -> CMOConfiguration:
    """Store a new CMOc; AlreadyExists if its id is taken, NotFound for unknown links."""
    get_review(store, review_id)
    names = ReviewNames.load(store, review_id)
    if cmoc.id in names.cmocs:
        raise AlreadyExists(f"Review {review_id!r} already has a CMOc {cmoc.id!r}.")
    cmoc = cmoc.model_copy(update={"created": cmoc.created or datetime.now(UTC)})
    names.cmocs.setdefault(cmoc.id, ids.cmoc_iri(review_id, cmoc.id))
    write(store, review_id, add=_triples(review_id, cmoc, names))
    return get_cmoc(store, review_id, cmoc.id)


def get_cmoc(store: Store, review_id: str, cmoc_id: str) -> CMOConfiguration:
    """The CMOc with this id, its concepts by preferred label; NotFound if there is none."""
    names = ReviewNames.load(store, review_id)
    iri = names.cmoc(cmoc_id)
    return read_cmoc(describe_one(store, review_id, iri), iri, names)


def list_cmocs(store: Store, review_id: str) -> list[CMOConfiguration]:
    """Every CMOc of a review, by id."""
    names = ReviewNames.load(store, review_id)
    desc = describe_all(store, review_id, str(RKG.CMOConfiguration))
    return sorted((read_cmoc(desc, iri, names) for iri in names.cmocs.values()),
                  key=lambda c: c.id)


def replace_cmoc(store: Store, review_id: str, cmoc: CMOConfiguration) -> CMOConfiguration:
    """Replace a CMOc with a new version (same id); its creation time stays."""
    names = ReviewNames.load(store, review_id)
    iri = names.cmoc(cmoc.id)
    old = read_cmoc(describe_one(store, review_id, iri), iri, names)
    cmoc = cmoc.model_copy(update={"created": old.created, "modified": datetime.now(UTC)})
    write(store, review_id, remove=[iri], add=_triples(review_id, cmoc, names))
    return get_cmoc(store, review_id, cmoc.id)


def delete_cmoc(store: Store, review_id: str, cmoc_id: str) -> None:
    """Delete a CMOc, its evidence, and the chain links that point at it."""
    names = ReviewNames.load(store, review_id)
    if cmoc_id not in names.cmocs:
        raise NotFound(f"No CMOc {cmoc_id!r} in review {review_id!r}.")
    iri = names.cmocs[cmoc_id]
    write(store, review_id, remove=[iri], unlink=[iri])
