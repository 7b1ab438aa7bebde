"""The names of one review: which IRI a label, synonym, key or id stands for, and back.

Labels are compared after `normalise_label` (case and runs of white space do not make a new
concept), and a synonym (`skos:altLabel`) resolves to its concept. A label that names nothing yet
is given a fresh IRI, remembered in `new_concepts` / `new_studies` so the caller can describe it
in the same write.
"""

from __future__ import annotations

from cmo.errors import NotFound, UnknownConcept
from cmo.model import ids
from cmo.model.ids import normalise_label
from cmo.model.records import ConceptKind
from cmo.model.vocabulary import closest
from cmo.review.index import ReviewIndex, review_indexes
from cmo.store import Store


class ReviewNames:
    """Both directions between IRIs and the words reviewers use, for one review."""

    def __init__(self, review_id: str) -> None:
        self.review_id = review_id
        self.concepts: dict[tuple[ConceptKind, str], str] = {}
        self.kind: dict[str, ConceptKind] = {}
        self.labels: dict[str, str] = {}
        self.studies: dict[str, str] = {}
        self.theories: dict[str, str] = {}
        self.cmocs: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.broader: dict[str, str] = {}
        self.new_concepts: dict[str, tuple[ConceptKind, str]] = {}
        self.new_studies: dict[str, str] = {}

    @classmethod
    def load(cls, store: Store, review_id: str) -> ReviewNames:
        """The names of a review, from its revision-checked index (read again only after a
        write), so writes and questions share one reading of the review."""
        return cls.from_index(review_indexes(store, [review_id])[0])

    @classmethod
    def from_index(cls, index: ReviewIndex) -> ReviewNames:
        """Names copied from a review index (copied: minting new names must not touch it)."""
        names = cls(index.review_id)
        names.kind = {iri: ConceptKind(kind) for iri, kind in index.kind.items()}
        names.concepts = {(ConceptKind(kind), label): iri
                          for (kind, label), iri in index.by_label.items()}
        names.labels = {**index.agents, **index.label}
        names.broader = {iri: parents[0] for iri, parents in index.broader.items() if parents}
        for iri, study in index.studies.items():
            names.studies[normalise_label(study.key)] = iri
            names.ids[iri] = study.key
        for iri, (theory_id, _, _) in index.theories.items():
            names.theories[theory_id] = iri
            names.ids[iri] = theory_id
        for cmoc in index.cmocs:
            names.cmocs[cmoc.id] = cmoc.iri
            names.ids[cmoc.iri] = cmoc.id
        return names

    # Refs: words -> IRIs ----------------------------------------------------------------------
    def find_concept(self, kind: ConceptKind, label: str) -> str | None:
        """The IRI of the concept a label or synonym names, or None."""
        return self.concepts.get((kind, normalise_label(label)))

    def require_concept(self, kind: ConceptKind, label: str) -> str:
        """The IRI of the concept a label names; UnknownConcept (with close labels) if none."""
        iri = self.find_concept(kind, label)
        if iri is None:
            raise UnknownConcept(kind.value, label, self.suggest(kind, label))
        return iri

    def suggest(self, kind: ConceptKind, label: str, n: int = 3) -> list[str]:
        """The existing labels and synonyms of `kind` closest to `label`."""
        known = {lbl: iri for (k, lbl), iri in self.concepts.items() if k == kind}
        return list(dict.fromkeys(self.labels[known[c]] for c in closest(label, known, n)))

    def concept(self, kind: ConceptKind, label: str) -> str:
        """The IRI of the concept a label names, minting one for a new label."""
        found = self.find_concept(kind, label)
        if found is not None:
            return found
        iri = base = ids.concept_iri(self.review_id, kind.value, label)
        n = 1
        while iri in self.kind:  # another label with the same slug ("UK-setting", "UK setting")
            n += 1
            iri = f"{base}-{n}"
        self.kind[iri] = kind
        self.labels[iri] = ids.clean_label(label)
        self.concepts[(kind, normalise_label(label))] = iri
        self.new_concepts[iri] = (kind, ids.clean_label(label))
        return iri

    def study(self, key: str) -> str:
        """The IRI of the study with `key`, minting one for a new key."""
        found = self.studies.get(normalise_label(key))
        if found is not None:
            return found
        iri = base = ids.study_iri(self.review_id, key)
        n = 1
        while iri in self.ids:
            n += 1
            iri = f"{base}-{n}"
        self.studies[normalise_label(key)] = iri
        self.ids[iri] = ids.clean_label(key)
        self.new_studies[iri] = ids.clean_label(key)
        return iri

    def theory(self, theory_id: str) -> str:
        """The IRI of an existing programme theory version."""
        if theory_id not in self.theories:
            known = ", ".join(sorted(self.theories)) or "none yet"
            raise NotFound(f"No programme theory {theory_id!r} in review {self.review_id!r} "
                           f"(known: {known}).")
        return self.theories[theory_id]

    def cmoc(self, cmoc_id: str) -> str:
        """The IRI of an existing CMOc."""
        if cmoc_id not in self.cmocs:
            raise NotFound(f"No CMOc {cmoc_id!r} in review {self.review_id!r}.")
        return self.cmocs[cmoc_id]

    # Names: IRIs -> words ----------------------------------------------------------------------
    def label_of(self, iri: str) -> str:
        """The preferred label of a concept (or the label of a reviewer)."""
        return self.labels.get(iri) or ids.local_id(iri)

    def key_of(self, iri: str) -> str:
        """The key of a study."""
        return self.ids.get(iri) or ids.local_id(iri)

    def id_of(self, iri: str) -> str:
        """The id of a theory version or CMOc."""
        return self.ids.get(iri) or ids.local_id(iri)
