"""Programme theories: versions of a review's account of how the programme works.

A version may state its "if ... then ... because ..." parts, each tied to concepts the review
already has, and carries the recorded change that made it from the version it revised
(`cmo.review.theory_links.new_theory_version`).
"""

from __future__ import annotations

from pyoxigraph import Triple

from cmo.errors import AlreadyExists, InUse, InvalidInput, NotFound, Problem
from cmo.model import ids
from cmo.model.namespace import RKG
from cmo.model.records import ConceptKind, ProgrammeTheory, TheoryChange
from cmo.rdf.mapping import read_theory, theory_triples
from cmo.rdf.provenance import current_agent
from cmo.rdf.theories import change_iri, change_triples, read_change
from cmo.review.names import ReviewNames
from cmo.store import Store
from cmo.store.writes import describe_all, locked, referrers, write


class KnownConcepts:
    """Concept labels resolved to concepts the review has (UnknownConcept, with the closest
    labels, for one it has not): a theory's parts name concepts, never make them."""

    def __init__(self, names: ReviewNames) -> None:
        self.names = names

    def concept(self, kind: ConceptKind, label: str) -> str:
        """The IRI of the existing concept `label` names."""
        return self.names.require_concept(kind, label)


def list_theories(store: Store, review_id: str) -> list[ProgrammeTheory]:
    """Every version of every programme theory of a review, by label then version."""
    names = ReviewNames.load(store, review_id)
    desc = describe_all(store, review_id, str(RKG.ProgrammeTheory))
    changes = describe_all(store, review_id, str(RKG.TheoryChange))
    theories = [read_theory(desc, iri, names).model_copy(
        update={"change": read_change(changes, change_iri(iri), names)}) for iri in desc]
    return sorted(theories, key=lambda t: (t.label.casefold(), t.version, t.id))


def get_theory(store: Store, review_id: str, theory_id: str) -> ProgrammeTheory:
    """One version of a programme theory, by id; NotFound if there is none."""
    for theory in list_theories(store, review_id):
        if theory.id == theory_id:
            return theory
    raise NotFound(f"No programme theory {theory_id!r} in review {review_id!r}.")


def version_triples(names: ReviewNames, theory: ProgrammeTheory, iri: str) -> list[Triple]:
    """The triples of a theory version and of its change (who and when: as given, else the
    current agent and now); NotFound for a version or CMOc it names that the review lacks."""
    revised = names.theory(theory.revision_of) if theory.revision_of else None
    out = theory_triples(theory, iri, revised, KnownConcepts(names))
    if theory.change is not None:
        if revised is None:
            raise InvalidInput(f"Theory {theory.id!r} records a change but revises no "
                               "version.", [Problem(field="revision_of",
                                                    reason="needed with `change`")])
        change = theory.change
        out += change_triples(change, change_iri(iri), iri, revised,
                              [names.cmoc(c) for c in change.cmocs],
                              change.by or current_agent(), change.at)
    return out


def _stamped(theory: ProgrammeTheory, stored: TheoryChange | None) -> ProgrammeTheory:
    """`theory` with its change's who and when as stored (a change edited keeps them), else
    left for the write to record (the current agent, now): a caller cannot set them."""
    if theory.change is None:
        return theory
    return theory.model_copy(update={"change": theory.change.model_copy(update={
        "by": stored.by if stored else None, "at": stored.at if stored else None})})


@locked
def add_theory(store: Store, review_id: str, theory: ProgrammeTheory) -> ProgrammeTheory:
    """Add a theory version; the version it revises (if any), the concepts its parts name and
    the CMOcs its change names must exist."""
    names = ReviewNames.load(store, review_id)
    if theory.id in names.theories:
        raise AlreadyExists(f"Review {review_id!r} already has a theory {theory.id!r}.")
    iri = ids.theory_iri(review_id, theory.id)
    theory = _stamped(theory, None)
    write(store, review_id, add=version_triples(names, theory, iri))
    return get_theory(store, review_id, theory.id)


@locked
def update_theory(store: Store, review_id: str, theory: ProgrammeTheory) -> ProgrammeTheory:
    """Replace the label, statement, version, parts, revision link or change of a version."""
    names = ReviewNames.load(store, review_id)
    iri = names.theory(theory.id)
    stored = get_theory(store, review_id, theory.id).change
    if "change" not in theory.model_fields_set:  # a body from before changes were recorded
        theory = theory.model_copy(update={"change": stored})
    theory = _stamped(theory, stored)
    write(store, review_id, remove=[iri, change_iri(iri)],
          add=version_triples(names, theory, iri))
    return get_theory(store, review_id, theory.id)


@locked
def delete_theory(store: Store, review_id: str, theory_id: str) -> None:
    """Delete a theory version and its recorded change; InUse while CMOcs or later versions
    point at it."""
    iri = ReviewNames.load(store, review_id).theory(theory_id)
    users = [u for u in referrers(store, review_id, iri) if u != change_iri(iri)]
    if users:
        raise InUse(f"Theory {theory_id!r} is used by {', '.join(users)}.")
    write(store, review_id, remove=[iri, change_iri(iri)])


@locked
def resolve_theory(store: Store, review_id: str, text: str) -> str:
    """The id of the theory named by an id or a label (its latest version), created as a first
    version when no theory has that label — how a sheet or form names a programme theory."""
    theories = list_theories(store, review_id)
    for theory in theories:
        if theory.id == text:
            return theory.id
    wanted = ids.normalise_label(text)
    versions = [t for t in theories if ids.normalise_label(t.label) == wanted]
    if versions:
        return max(versions, key=lambda t: t.version).id
    return add_theory(store, review_id, ProgrammeTheory(
        id=f"{ids.slugify(text)}-v1", label=ids.clean_label(text))).id
