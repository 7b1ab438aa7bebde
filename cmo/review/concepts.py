"""Concepts: the contexts, mechanisms, outcomes, interventions and actors of a review.

A label is the same concept under any case or spacing, and a synonym resolves to its concept, so
"Trusting relationship", "trusting  relationship" and the synonym "authentic presence" are one node.
"""

from __future__ import annotations

from cmo.errors import AlreadyExists, InUse, InvalidInput, Problem
from cmo.model import ids
from cmo.model.records import Concept, ConceptKind
from cmo.rdf.mapping import KIND_CLASS, concept_triples, read_concept
from cmo.rdf.sparql import query_text
from cmo.review.names import ReviewNames
from cmo.review.versions import check_if_match, etag_of
from cmo.store import Store
from cmo.store.writes import (
    current_revision,
    describe_all,
    describe_one,
    locked,
    referrers,
    transact,
    write,
)


def find_concept(store: Store, review_id: str, kind: ConceptKind, label: str) -> Concept:
    """The concept a label or synonym names; UnknownConcept with the closest labels if none."""
    names = ReviewNames.load(store, review_id)
    iri = names.require_concept(kind, label)
    return read_concept(describe_one(store, review_id, iri), iri, kind, names)


def concept_etag(concept: Concept) -> str:
    """The ETag of a concept as it is shown (as read from the store, e.g. by `find_concept`):
    any change a reader could see changes it."""
    return etag_of(concept.model_dump_json())


def _check_version(store: Store, review_id: str, names: ReviewNames, kind: ConceptKind,
                   label: str, iri: str, if_match: str | None) -> None:
    if if_match is not None:
        stored = read_concept(describe_one(store, review_id, iri), iri, kind, names)
        check_if_match(f"The {kind.value} {label!r}", concept_etag(stored), if_match)


def list_concepts(store: Store, review_id: str,
                  kind: ConceptKind | None = None) -> list[Concept]:
    """The concepts of a review (of one kind, or all), by kind then label."""
    names = ReviewNames.load(store, review_id)
    out: list[Concept] = []
    for k in [kind] if kind else list(ConceptKind):
        desc = describe_all(store, review_id, KIND_CLASS[k].value)
        out += [read_concept(desc, iri, k, names) for iri in desc if names.kind.get(iri) == k]
    return sorted(out, key=lambda c: (list(ConceptKind).index(c.kind), c.label.casefold()))


def _check_labels_free(names: ReviewNames, concept: Concept, own_iri: str | None) -> None:
    for label in [concept.label, *concept.alt_labels]:
        taken = names.find_concept(concept.kind, label)
        if taken is not None and taken != own_iri:
            raise AlreadyExists(f"The {concept.kind.value} label {label!r} already names "
                                f"{names.label_of(taken)!r}.")


def _broader_iri(names: ReviewNames, concept: Concept, own_iri: str) -> str | None:
    if concept.broader is None:
        return None
    parent = names.require_concept(concept.kind, concept.broader)
    ancestor: str | None = parent
    while ancestor is not None:  # refuse a hierarchy that loops back to the concept itself
        if ancestor == own_iri:
            raise InvalidInput(f"{concept.label!r} cannot be narrower than {concept.broader!r}.",
                               [Problem(field="broader", reason="that would make a cycle")])
        ancestor = names.broader.get(ancestor)
    return parent


@locked
def add_concept(store: Store, review_id: str, concept: Concept) -> Concept:
    """Add a concept; AlreadyExists if its label or a synonym already names one of that kind."""
    names = ReviewNames.load(store, review_id)
    _check_labels_free(names, concept, None)
    iri = names.concept(concept.kind, concept.label)
    broader = _broader_iri(names, concept, iri)
    write(store, review_id, add=concept_triples(review_id, concept, iri, broader))
    return concept.model_copy(update={"iri": iri})


@locked
def update_concept(store: Store, review_id: str, kind: ConceptKind, label: str,
                   concept: Concept, *, if_match: str | None = None) -> Concept:
    """Replace a concept's labels, synonyms, parent and definition (its IRI stays), and answer
    it as stored. With `if_match` (its `concept_etag`), PreconditionFailed if it has changed."""
    if concept.kind != kind:
        raise InvalidInput("A concept cannot change kind.", [Problem(field="kind",
                           reason=f"was {kind.value}, asked for {concept.kind.value}")])
    names = ReviewNames.load(store, review_id)
    iri = names.require_concept(kind, label)
    _check_version(store, review_id, names, kind, label, iri, if_match)
    _check_labels_free(names, concept, iri)
    broader = _broader_iri(names, concept, iri)
    write(store, review_id, remove=[iri],
          add=concept_triples(review_id, concept, iri, broader))
    return read_concept(describe_one(store, review_id, iri), iri, kind, names)


@locked
def delete_concept(store: Store, review_id: str, kind: ConceptKind, label: str, *,
                   if_match: str | None = None) -> None:
    """Delete a concept; InUse while a CMOc or a narrower concept points at it.
    With `if_match`, PreconditionFailed if it has changed since."""
    names = ReviewNames.load(store, review_id)
    iri = names.require_concept(kind, label)
    _check_version(store, review_id, names, kind, label, iri, if_match)
    users = referrers(store, review_id, iri)
    if users:
        raise InUse(f"{kind.value.capitalize()} {label!r} is used by {', '.join(users)}.")
    write(store, review_id, remove=[iri])


def orphan_concepts(store: Store, review_id: str) -> list[Concept]:
    """The concepts no CMOc refers to, directly or through a narrower concept (by kind, then
    label): typos whose CMOc was fixed or deleted, and unused parts of a hierarchy."""
    rows = store.select(query_text("orphan_concepts"), graphs=[ids.review_iri(review_id)])
    orphans = {row["x"].value for row in rows if row["x"] is not None}
    return [c for c in list_concepts(store, review_id) if c.iri in orphans]


def prune_orphans(store: Store, review_id: str) -> list[Concept]:
    """Delete every orphan concept (`orphan_concepts`) in one write; answer those deleted.

    Read and deleted under the review's write lock, and only if nobody wrote in between, so a
    concept a new CMOc has just used is never pruned.
    """
    def attempt() -> list[Concept]:
        expected = current_revision(store, review_id)
        orphans = orphan_concepts(store, review_id)
        if orphans:
            write(store, review_id, remove=[c.iri for c in orphans if c.iri], expected=expected)
        return orphans

    return transact(store, review_id, attempt)
