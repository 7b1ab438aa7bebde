"""Programme theories: versions of a review's account of how the programme works."""

from __future__ import annotations

from cmo.errors import AlreadyExists, InUse, NotFound
from cmo.model import ids
from cmo.model.namespace import RKG
from cmo.model.records import ProgrammeTheory
from cmo.rdf.mapping import read_theory, theory_triples
from cmo.review.names import ReviewNames
from cmo.store import Store
from cmo.store.writes import describe_all, locked, referrers, write


def list_theories(store: Store, review_id: str) -> list[ProgrammeTheory]:
    """Every version of every programme theory of a review, by label then version."""
    names = ReviewNames.load(store, review_id)
    desc = describe_all(store, review_id, str(RKG.ProgrammeTheory))
    theories = [read_theory(desc, iri, names) for iri in desc]
    return sorted(theories, key=lambda t: (t.label.casefold(), t.version, t.id))


def get_theory(store: Store, review_id: str, theory_id: str) -> ProgrammeTheory:
    """One version of a programme theory, by id; NotFound if there is none."""
    for theory in list_theories(store, review_id):
        if theory.id == theory_id:
            return theory
    raise NotFound(f"No programme theory {theory_id!r} in review {review_id!r}.")


@locked
def add_theory(store: Store, review_id: str, theory: ProgrammeTheory) -> ProgrammeTheory:
    """Add a theory version; the version it revises (if any) must exist."""
    names = ReviewNames.load(store, review_id)
    if theory.id in names.theories:
        raise AlreadyExists(f"Review {review_id!r} already has a theory {theory.id!r}.")
    revised = names.theory(theory.revision_of) if theory.revision_of else None
    write(store, review_id, add=theory_triples(
        theory, ids.theory_iri(review_id, theory.id), revised))
    return theory


@locked
def update_theory(store: Store, review_id: str, theory: ProgrammeTheory) -> ProgrammeTheory:
    """Replace the label, statement, version or revision link of a theory version."""
    names = ReviewNames.load(store, review_id)
    iri = names.theory(theory.id)
    revised = names.theory(theory.revision_of) if theory.revision_of else None
    write(store, review_id, remove=[iri], add=theory_triples(theory, iri, revised))
    return theory


@locked
def delete_theory(store: Store, review_id: str, theory_id: str) -> None:
    """Delete a theory version; InUse while CMOcs or later versions point at it."""
    iri = ReviewNames.load(store, review_id).theory(theory_id)
    users = referrers(store, review_id, iri)
    if users:
        raise InUse(f"Theory {theory_id!r} is used by {', '.join(users)}.")
    write(store, review_id, remove=[iri])


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
