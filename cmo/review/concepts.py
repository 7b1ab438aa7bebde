"""Concepts: the contexts, mechanisms, outcomes, interventions and actors of a review.

A label is the same concept under any case or spacing, and a synonym resolves to its concept, so
"Trusting relationship", "trusting  relationship" and the synonym "authentic presence" are one node.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from cmo.errors import AlreadyExists, InUse, InvalidInput, Problem
from cmo.model import ids
from cmo.model.records import Concept, ConceptKind, ConceptMerge
from cmo.rdf.mapping import KIND_CLASS, concept_triples, read_concept
from cmo.rdf.sparql import query_text, update_text
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


def merge_concepts(store: Store, review_id: str, keep: str, merged: str, *,
                   kind: ConceptKind) -> ConceptMerge:
    """Merge the concept `merged` into `keep` (labels or synonyms of `kind`), in one guarded write.

    The CMOcs and narrower concepts of `merged` move to `keep`; its label and synonyms become
    synonyms of `keep` (which takes its definition if it had none); `merged` is deleted, and a
    prov:Activity records the merge (its label names both, `prov:used` both IRIs). InvalidInput
    for a concept merged into itself or into one of its own narrower concepts; UnknownConcept
    (with the closest labels) for a label the review does not have.
    """
    def attempt() -> ConceptMerge:
        expected = current_revision(store, review_id)
        names = ReviewNames.load(store, review_id)
        keep_iri = names.require_concept(kind, keep)
        gone_iri = names.require_concept(kind, merged)
        if keep_iri == gone_iri:
            raise InvalidInput(f"{merged!r} and {keep!r} are the same {kind.value}; there is "
                               "nothing to merge.", [Problem(field="merged",
                                                             reason="names the kept concept")])
        kept = read_concept(describe_one(store, review_id, keep_iri), keep_iri, kind, names)
        gone = read_concept(describe_one(store, review_id, gone_iri), gone_iri, kind, names)
        broader = _broader_after_merge(names, kept, keep_iri, gone_iri)
        synonyms = [*kept.alt_labels, gone.label, *gone.alt_labels]
        new = kept.model_copy(update={
            "alt_labels": list(dict.fromkeys(synonyms)),
            "definition": kept.definition or gone.definition,
            "broader": names.label_of(broader) if broader else None})
        cmoc_ids = [row["id"].value for row in store.select(  # type: ignore[union-attr]
            query_text("cmocs_using"), {"s": NamedNode(gone_iri)},
            graphs=[ids.review_iri(review_id)])]
        narrower = sorted((names.label_of(c) for c, p in names.broader.items()
                           if p == gone_iri and c != keep_iri), key=str.casefold)
        repoint = update_text("repoint_references", {
            "g": NamedNode(ids.review_iri(review_id)), "s": NamedNode(gone_iri),
            "to": NamedNode(keep_iri)})
        write(store, review_id, remove=[keep_iri, gone_iri], also=[repoint],
              add=concept_triples(review_id, new, keep_iri, broader), expected=expected,
              used=[keep_iri, gone_iri],
              note=f"merged {kind.value} {gone.label!r} into {kept.label!r}")
        stored = find_concept(store, review_id, kind, kept.label)
        return ConceptMerge(kept=stored, merged=gone.label, cmocs=cmoc_ids, narrower=narrower)

    return transact(store, review_id, attempt)


def _broader_after_merge(names: ReviewNames, kept: Concept, keep_iri: str,
                         gone_iri: str) -> str | None:
    """Where the kept concept sits after the merge: where it was, or, when it was directly
    under the merged one, where that one was. Deeper under it, the merge would make a cycle."""
    parent = names.broader.get(keep_iri)
    if parent == gone_iri:
        return names.broader.get(gone_iri)
    ancestor = parent
    while ancestor is not None:
        if ancestor == gone_iri:
            raise InvalidInput(
                f"{kept.label!r} is narrower than {names.label_of(gone_iri)!r}: merging would "
                "make a cycle; move it out from under that concept first.",
                [Problem(field="keep", reason="narrower than the merged concept")])
        ancestor = names.broader.get(ancestor)
    return parent


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
