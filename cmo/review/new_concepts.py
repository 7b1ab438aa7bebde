"""The concepts a write creates: named in its answer, warned about when they look like a typo of
an existing label or synonym, or refused altogether.

A label that names no concept yet becomes a new concept (`ReviewNames.concept`). So that a typo
("perceived usefullness") cannot hide, every write answers the concepts it created, and each new
label close to an existing one draws a warning from the matcher that suggests labels in queries
(`cmo.model.vocabulary.closest`). With ``new_concepts="refuse"`` a write that would create one
is refused instead, naming each unknown label and where it is, and nothing is written.

>>> from cmo.review.names import ReviewNames
>>> names = ReviewNames("r")
>>> old = names.concept(ConceptKind.mechanism, "perceived usefulness")
>>> names.new_concepts.clear()  # as if it had been stored before
>>> new = names.concept(ConceptKind.mechanism, "perceived usefullness")
>>> near_duplicate_warnings(names, created(names))
["new mechanism 'perceived usefullness': did you mean 'perceived usefulness'?"]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import InvalidInput, Problem
from cmo.model import ids
from cmo.model.records import CMOConfiguration, ConceptKind, NewConcept, NewConcepts
from cmo.model.vocabulary import Matcher
from cmo.rdf.mapping import CLASS_KIND, P
from cmo.review.names import ReviewNames

CMOC_FIELDS = (("contexts", ConceptKind.context), ("mechanism", ConceptKind.mechanism),
               ("outcomes", ConceptKind.outcome), ("intervention", ConceptKind.intervention),
               ("actor", ConceptKind.actor))
"""The fields of a CMOc that name concepts, and the kind each names."""


def created(names: ReviewNames, iris: Iterable[str] | None = None) -> list[NewConcept]:
    """The concepts `names` minted in this write (or these `iris`), in the order minted."""
    chosen = names.new_concepts if iris is None else iris
    return [NewConcept(kind=names.kind[iri], label=names.label_of(iri), iri=iri)
            for iri in chosen]


class Existing:
    """The labels and synonyms a review had before a write (the concepts `fresh` in it left
    out), by kind: gathered once, so a big import asks the matcher without rescanning them."""

    def __init__(self, names: ReviewNames, fresh: Iterable[str]) -> None:
        left_out = set(fresh)
        self.names = names
        self.known: dict[ConceptKind, dict[str, str]] = {}
        for (kind, label), iri in names.concepts.items():
            if iri not in left_out:
                self.known.setdefault(kind, {})[label] = iri
        self.matchers: dict[ConceptKind, Matcher] = {}  # made when first asked: most writes
        # create no concept, and indexing thousands of labels costs ~50 ms a kind

    def near(self, kind: ConceptKind, label: str) -> list[str]:
        """The preferred labels of the existing concepts closest to `label` (the matcher that
        suggests labels for an unknown concept in a query)."""
        if kind not in self.known:
            return []
        known = self.known[kind]
        if kind not in self.matchers:
            self.matchers[kind] = Matcher(known)
        near = self.matchers[kind].closest(label)
        return list(dict.fromkeys(self.names.labels[known[c]] for c in near))

    def refused(self, kind: ConceptKind, label: str) -> str:
        """Why a label is refused when new concepts are: it names none; what it is close to."""
        near = self.near(kind, label)
        hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
        return f"no {kind.value} called {label!r} (new concepts are refused){hint}"


def near_duplicate_warnings(names: ReviewNames, new: Sequence[NewConcept]) -> list[str]:
    """One warning for each new concept whose label is close to an existing label or synonym
    of its kind (the other new concepts of the write left out)."""
    if not new:
        return []
    existing = Existing(names, (c.iri for c in new))
    out = []
    for c in new:
        near = existing.near(c.kind, c.label)
        if near:
            out.append(f"new {c.kind.value} {c.label!r}: did you mean "
                       f"{' or '.join(map(repr, near))}?")
    return out


def refuse_for_cmoc(names: ReviewNames, cmoc: CMOConfiguration) -> None:
    """InvalidInput naming each label of `cmoc` that made a new concept (field and position)."""
    fresh = set(names.new_concepts)
    if not fresh:
        return
    existing, problems = Existing(names, fresh), []
    for field, kind in CMOC_FIELDS:
        value = getattr(cmoc, field)
        labels = value if isinstance(value, list) else [value] if value else []
        for n, label in enumerate(labels):
            if names.find_concept(kind, label) in fresh:
                where = f"{field}[{n}]" if isinstance(value, list) else field
                problems.append(Problem(existing.refused(kind, label), field=where))
    raise InvalidInput(f"The CMOc names {len(fresh)} concept(s) the review does not have, and new "
                       "concepts are refused; nothing was written.", problems)


def in_rdf(names: ReviewNames, triples: Sequence[Triple], policy: NewConcepts,
           source: str) -> tuple[list[NewConcept], list[str]]:
    """The concepts RDF for a review would create (typed as a concept kind, and not yet a
    concept of the review), with the warnings about them; InvalidInput naming each one when
    `policy` refuses them."""
    for t in triples:
        subject, obj = t.subject, t.object
        if (t.predicate == P.type and isinstance(subject, NamedNode)
                and isinstance(obj, NamedNode) and subject.value not in names.kind
                and (kind := CLASS_KIND.get(obj.value)) is not None):
            names.kind[subject.value] = kind
            names.new_concepts[subject.value] = (kind, ids.local_id(subject.value))
    for t in triples:
        subject, obj = t.subject, t.object
        if (t.predicate == P.pref_label and isinstance(subject, NamedNode)
                and isinstance(obj, Literal) and subject.value in names.new_concepts):
            names.labels[subject.value] = obj.value
    made = created(names)
    if policy == "refuse" and made:
        existing = Existing(names, (c.iri for c in made))
        raise InvalidInput(
            f"{source} would create {len(made)} concept(s), and new concepts are refused; "
            "nothing was imported.",
            [Problem(f"{existing.refused(c.kind, c.label)}: <{c.iri}>",
                     field=c.kind.value, file=source) for c in made])
    return made, near_duplicate_warnings(names, made)
