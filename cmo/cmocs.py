"""CMO configurations: create, read, list, replace and delete the CMOcs of a review.

Concept labels in a CMOc resolve to the review's concepts (any case or spacing, or a synonym);
a label that names nothing yet becomes a new concept in the same atomic write, as does a study key.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from pyoxigraph import Triple

from cmo import ids
from cmo.errors import AlreadyExists, PreconditionFailed
from cmo.model import CMOConfiguration, Concept, NewCMOc, Study
from cmo.names import ReviewNames
from cmo.namespace import RKG
from cmo.provenance import current_agent
from cmo.rdf import Description, cmoc_triples, concept_triples, read_cmoc, study_triples
from cmo.reviews import get_review
from cmo.store import Store
from cmo.writes import (
    current_revision,
    describe_all,
    describe_one,
    transact,
    write,
)


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


def next_cmoc_id(names: ReviewNames) -> str:
    """The next free id in the review's `c<number>` sequence (c01, c02, ... c44)."""
    numbered = [m for i in names.cmocs if (m := re.fullmatch(r"c(\d+)", i))]
    if not numbered:
        return "c01"
    widest = max(numbered, key=lambda m: int(m.group(1)))
    return f"c{int(widest.group(1)) + 1:0{len(widest.group(1))}d}"


def create_cmoc(store: Store, review_id: str, cmoc: CMOConfiguration | NewCMOc
                ) -> CMOConfiguration:
    """Store a new CMOc (an id is assigned when it has none); AlreadyExists if the id is taken.

    Unknown concept labels and study keys become new concepts and studies; a `leads_to` or
    theory id that does not exist is NotFound, and nothing is written.
    """
    get_review(store, review_id)

    def attempt() -> str:
        # Read the token first: if anyone writes after it, the guarded write does nothing.
        expected = current_revision(store, review_id)
        names = ReviewNames.load(store, review_id)
        new = (cmoc if isinstance(cmoc, CMOConfiguration)
               else CMOConfiguration(id=next_cmoc_id(names), **cmoc.model_dump()))
        if new.id in names.cmocs:
            raise AlreadyExists(f"Review {review_id!r} already has a CMOc {new.id!r}.")
        new = new.model_copy(update={"created": new.created or datetime.now(UTC),
                                     "reviewer": new.reviewer or current_agent()})
        names.cmocs.setdefault(new.id, ids.cmoc_iri(review_id, new.id))
        write(store, review_id, add=_triples(review_id, new, names), expected=expected)
        return new.id

    cmoc_id = transact(store, review_id, attempt)
    return get_cmoc(store, review_id, cmoc_id)


def cmoc_etag(store: Store, review_id: str, cmoc_id: str) -> str:
    """A version tag derived from the CMOc's stored triples: any change to it changes the tag."""
    names = ReviewNames.load(store, review_id)
    return _etag(describe_one(store, review_id, names.cmoc(cmoc_id)))


def _etag(desc: Description) -> str:
    lines = sorted(f"{s} {p} {o}" for s, d in desc.items() for p, objs in d.items()
                   for o in objs)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


def _check_version(desc: Description, cmoc_id: str, if_match: str | None) -> None:
    """PreconditionFailed unless the stored CMOc (`desc`) still has the ETag `if_match`."""
    if if_match is not None and _etag(desc) != if_match.strip('"'):
        raise PreconditionFailed(f"CMOc {cmoc_id!r} has changed since version {if_match}; "
                                 "read it again and reapply your change.")


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


def replace_cmoc(store: Store, review_id: str, cmoc: CMOConfiguration, *,
                 if_match: str | None = None) -> CMOConfiguration:
    """Replace a CMOc with a new version (same id); its creation time stays.

    With `if_match` (an ETag from `cmoc_etag`), PreconditionFailed if it has changed since.
    """
    def attempt() -> None:
        expected = current_revision(store, review_id)
        names = ReviewNames.load(store, review_id)
        iri = names.cmoc(cmoc.id)
        desc = describe_one(store, review_id, iri)
        _check_version(desc, cmoc.id, if_match)
        old = read_cmoc(desc, iri, names)
        new = cmoc.model_copy(update={"created": old.created, "modified": datetime.now(UTC),
                                      "reviewer": cmoc.reviewer or old.reviewer})
        write(store, review_id, remove=[iri], add=_triples(review_id, new, names),
              expected=expected)

    transact(store, review_id, attempt)
    return get_cmoc(store, review_id, cmoc.id)


def delete_cmoc(store: Store, review_id: str, cmoc_id: str, *,
                if_match: str | None = None) -> None:
    """Delete a CMOc, its evidence, and the chain links that point at it."""
    def attempt() -> None:
        expected = current_revision(store, review_id)
        iri = ReviewNames.load(store, review_id).cmoc(cmoc_id)
        _check_version(describe_one(store, review_id, iri), cmoc_id, if_match)
        write(store, review_id, remove=[iri], unlink=[iri], expected=expected)

    transact(store, review_id, attempt)
