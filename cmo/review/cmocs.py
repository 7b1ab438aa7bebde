"""CMO configurations: create, read, list, replace and delete the CMOcs of a review.

Concept labels in a CMOc resolve to the review's concepts (any case or spacing, or a synonym);
a label that names nothing yet becomes a new concept in the same atomic write, as does a study key.

A version of a CMOc (`CMOcVersion`) is the CMOc and its ETag made from one read: the CMOc's
triples, its evidence and the names of what it links to (`queries/describe_cmoc.rq`). A write
reads what it stored back under the same lock, so its answer is the version it wrote.

>>> from cmo.model.records import Review
>>> from cmo.review.reviews import create_review
>>> from cmo.store import open_store
>>> store = open_store("memory:")
>>> _ = create_review(store, Review(id="r", title="R"))
>>> first = create_cmoc_version(store, "r", NewCMOc(studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"]))
>>> second = edit_cmoc(store, "r", first.cmoc.id,
...     lambda c: c.model_copy(update={"notes": "seen"}), if_match=first.etag)
>>> second.cmoc.notes, second.etag == get_cmoc_version(store, "r", "c01").etag != first.etag
('seen', True)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from pyoxigraph import NamedNode, Triple

from cmo.errors import AlreadyExists, NotFound
from cmo.model import ids
from cmo.model.namespace import RKG
from cmo.model.records import (
    CMOConfiguration,
    Concept,
    NewCMOc,
    NewConcept,
    NewConcepts,
    Study,
)
from cmo.rdf.mapping import (
    Description,
    P,
    cmoc_triples,
    concept_triples,
    describe,
    read_cmoc,
    study_triples,
)
from cmo.rdf.provenance import agent_triples, current_agent
from cmo.rdf.sparql import query_text
from cmo.review.appraisals import appraisal_nodes
from cmo.review.index import CmocFacts, index_after_adding, review_indexes
from cmo.review.names import ReviewNames
from cmo.review.new_concepts import created, near_duplicate_warnings, refuse_for_cmoc
from cmo.review.reviews import get_review
from cmo.review.versions import check_if_match, etag_of
from cmo.sources.evidence import place_evidence
from cmo.store import Store
from cmo.store.writes import current_revision, describe_all, transact, write


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


class CMOcVersion(NamedTuple):
    """One version of a CMOc and its ETag, both made from the same read of the store; after a
    write, also the concepts it created and the warnings about them (`new_concepts`)."""

    cmoc: CMOConfiguration
    etag: str
    new_concepts: tuple[NewConcept, ...] = ()
    warnings: tuple[str, ...] = ()


def _written(store: Store, review_id: str, cmoc: CMOConfiguration, iri: str,
             names: ReviewNames, policy: NewConcepts, write_it: Callable[[], object]
             ) -> CMOcVersion:
    """Refuse new concepts (if asked), write, and answer the version stored with the concepts
    the write created and the warnings about them."""
    if policy == "refuse":
        refuse_for_cmoc(names, cmoc)
    made = created(names)
    write_it()
    stored = _read(store, review_id, cmoc.id, iri)
    return stored._replace(new_concepts=tuple(made),
                           warnings=tuple(near_duplicate_warnings(names, made)))


class _LinkedNames:
    """What the IRIs a CMOc links to are called, from the names read with it (`Names`)."""

    def __init__(self, desc: Description) -> None:
        self.desc = desc

    def _first(self, iri: str, *predicates: NamedNode) -> str:
        d = self.desc.get(iri, {})
        for p in predicates:
            values = sorted(v.value for v in d.get(p.value, []))
            if values:
                return values[0]
        return ids.local_id(iri)

    def label_of(self, iri: str) -> str:
        """A concept's preferred label, or a reviewer's label."""
        return self._first(iri, P.pref_label, P.label)

    def key_of(self, iri: str) -> str:
        """A study's key."""
        return self._first(iri, P.identifier)

    def id_of(self, iri: str) -> str:
        """A theory version's or a CMOc's id."""
        return self._first(iri, P.identifier)


def _read(store: Store, review_id: str, cmoc_id: str, iri: str) -> CMOcVersion:
    """The CMOc at `iri` and its ETag, from one query; NotFound if it is not (or no longer)
    stored."""
    desc = describe(store.construct(query_text("describe_cmoc"), {"owner": NamedNode(iri)},
                                    graphs=[ids.review_iri(review_id)]))
    if str(RKG.CMOConfiguration) not in {t.value for t in desc.get(iri, {}).get(
            P.type.value, [])}:
        raise NotFound(f"No CMOc {cmoc_id!r} in review {review_id!r}.")
    return CMOcVersion(read_cmoc(desc, iri, _LinkedNames(desc)), _etag(desc))


def _iri(store: Store, review_id: str, cmoc_id: str) -> str:
    """The IRI of a CMOc, from the review's revision-checked index."""
    found = review_indexes(store, [review_id])[0].cmoc_by_id.get(cmoc_id)
    if found is None:
        raise NotFound(f"No CMOc {cmoc_id!r} in review {review_id!r}.")
    return found.iri


def create_cmoc(store: Store, review_id: str, cmoc: CMOConfiguration | NewCMOc
                ) -> CMOConfiguration:
    """Store a new CMOc (an id is assigned when it has none); AlreadyExists if the id is taken.

    Unknown concept labels and study keys become new concepts and studies; a `leads_to` or
    theory id that does not exist is NotFound, and nothing is written.
    """
    return create_cmoc_version(store, review_id, cmoc).cmoc


def create_cmoc_version(store: Store, review_id: str, cmoc: CMOConfiguration | NewCMOc, *,
                        new_concepts: NewConcepts = "allow") -> CMOcVersion:
    """`create_cmoc`, answering the version it stored and its ETag (read back under the lock),
    the concepts it created and the warnings about them. With ``new_concepts="refuse"``, a
    label that names no concept is InvalidInput (naming the field) and nothing is written."""
    get_review(store, review_id)

    def attempt() -> CMOcVersion:
        # Read the token first: if anyone writes after it, the guarded write does nothing.
        expected = current_revision(store, review_id)
        names = ReviewNames.load(store, review_id)
        new = (cmoc if isinstance(cmoc, CMOConfiguration)
               else CMOConfiguration(id=next_cmoc_id(names), **cmoc.model_dump()))
        if new.id in names.cmocs:
            raise _taken(review_id, new.id)
        new = place_evidence(store, review_id, new.model_copy(update={
            "created": new.created or datetime.now(UTC),
            "reviewer": new.reviewer or current_agent()}))
        names.cmocs.setdefault(new.id, ids.cmoc_iri(review_id, new.id))
        triples = _triples(review_id, new, names)

        def write_and_index() -> None:
            after = write(store, review_id, add=triples, expected=expected)
            if after is not None:  # only added: the index is brought along, not read again
                index_after_adding(store, review_id, expected, after,
                                   [*triples, *agent_triples(current_agent())])

        return _written(store, review_id, new, names.cmocs[new.id], names, new_concepts,
                        write_and_index)

    return transact(store, review_id, attempt)


def _taken(review_id: str, cmoc_id: str) -> AlreadyExists:
    return AlreadyExists(f"Review {review_id!r} already has a CMOc {cmoc_id!r}; give another id, "
                         "or none for the next free one.")


def check_new_cmoc_id(store: Store, review_id: str, cmoc_id: str) -> str:
    """`cmoc_id` if a new CMOc may take it: InvalidInput if it cannot be an id (as a sheet's
    `cmoc_id` is checked), AlreadyExists if the review has a CMOc by that id. Creating checks
    again under the lock; this lets a caller refuse before anything else is written."""
    ids.check_id(cmoc_id, "id")
    if cmoc_id in review_indexes(store, [review_id])[0].cmoc_by_id:
        raise _taken(review_id, cmoc_id)
    return cmoc_id


def cmoc_etag(store: Store, review_id: str, cmoc_id: str) -> str:
    """A version tag derived from the CMOc's stored triples and the names it shows: any change
    to either changes the tag. To send it with a body, take both from `get_cmoc_version`."""
    return get_cmoc_version(store, review_id, cmoc_id).etag


def _etag(desc: Description) -> str:
    return etag_of("\n".join(sorted(f"{s} {p} {o}" for s, d in desc.items()
                                     for p, objs in d.items() for o in objs)))


def _check_version(stored: CMOcVersion, cmoc_id: str, if_match: str | None) -> None:
    """PreconditionFailed unless ``If-Match: if_match`` holds for the stored CMOc."""
    check_if_match(f"CMOc {cmoc_id!r}", stored.etag, if_match)


def get_cmoc(store: Store, review_id: str, cmoc_id: str) -> CMOConfiguration:
    """The CMOc with this id, its concepts by preferred label; NotFound if there is none."""
    return get_cmoc_version(store, review_id, cmoc_id).cmoc


def get_cmoc_version(store: Store, review_id: str, cmoc_id: str) -> CMOcVersion:
    """The CMOc with this id and its ETag, from one read; NotFound if there is none."""
    return _read(store, review_id, cmoc_id, _iri(store, review_id, cmoc_id))


def list_cmocs(store: Store, review_id: str) -> list[CMOConfiguration]:
    """Every CMOc of a review, by id."""
    return find_cmocs(store, review_id, limit=None)[0]


def find_cmocs(store: Store, review_id: str, *, context: str | None = None,
               mechanism: str | None = None, outcome: str | None = None,
               study: str | None = None, fired: bool | None = None, limit: int | None = 100,
               offset: int = 0) -> tuple[list[CMOConfiguration], int]:
    """One page of a review's CMOcs (by id) that match every filter given, and how many match.

    Concepts are named by label or synonym (any case or spacing), a study by its key. The
    filters are matched in the review's index; only the CMOcs of the page are built.
    """
    index = review_indexes(store, [review_id])[0]
    wanted: dict[str, str | None] = {}
    for kind, text in (("context", context), ("mechanism", mechanism), ("outcome", outcome)):
        if text is not None:
            wanted[kind] = index.resolve(kind, text)
    study_key = ids.normalise_label(study) if study is not None else None
    study_keys = {iri: ids.normalise_label(f.key) for iri, f in index.studies.items()}

    def matches(c: CmocFacts) -> bool:
        return (("context" not in wanted or wanted["context"] in c.contexts)
                and ("mechanism" not in wanted or wanted["mechanism"] == c.mechanism)
                and ("outcome" not in wanted or wanted["outcome"] in c.outcomes)
                and (study_key is None or study_key in {study_keys.get(s) for s in c.studies})
                and (fired is None or c.fired == fired))

    found = sorted((c for c in index.cmocs if matches(c)), key=lambda c: c.id)
    page = found[offset:] if limit is None else found[offset:offset + limit]
    if not page:
        return [], len(found)
    names = ReviewNames.from_index(index)
    desc = describe_all(store, review_id, str(RKG.CMOConfiguration))
    return [read_cmoc(desc, c.iri, names) for c in page], len(found)


def replace_cmoc(store: Store, review_id: str, cmoc: CMOConfiguration, *,
                 if_match: str | None = None) -> CMOConfiguration:
    """Replace a CMOc with a new version (same id); its creation time stays.

    With `if_match` (an ETag from `get_cmoc_version`), PreconditionFailed if it has changed since.
    """
    return edit_cmoc(store, review_id, cmoc.id, lambda _: cmoc, if_match=if_match).cmoc


def edit_cmoc(store: Store, review_id: str, cmoc_id: str,
              change: Callable[[CMOConfiguration], CMOConfiguration], *,
              if_match: str | None = None, new_concepts: NewConcepts = "allow") -> CMOcVersion:
    """Store `change(stored CMOc)` in its place, and answer the version stored with its ETag.

    The stored CMOc is read, checked against `if_match` (PreconditionFailed if it has another
    ETag), changed, written and read back under the review's write lock, so `change` sees exactly
    the version the caller named, and the answer is exactly the version this write stored. The
    creation time stays; `modified` is now. New concepts are answered, warned about or refused
    as in `create_cmoc_version`.
    """
    def attempt() -> CMOcVersion:
        expected = current_revision(store, review_id)
        names = ReviewNames.load(store, review_id)
        iri = names.cmoc(cmoc_id)
        stored = _read(store, review_id, cmoc_id, iri)
        _check_version(stored, cmoc_id, if_match)
        old = stored.cmoc
        wanted = change(old)
        new = place_evidence(store, review_id, wanted.model_copy(update={
            "id": cmoc_id, "created": old.created, "modified": datetime.now(UTC),
            "reviewer": wanted.reviewer or old.reviewer}))
        triples = _triples(review_id, new, names)
        return _written(store, review_id, new, iri, names, new_concepts,
                        lambda: write(store, review_id, remove=[iri], add=triples,
                                      expected=expected))

    return transact(store, review_id, attempt)


def delete_cmoc(store: Store, review_id: str, cmoc_id: str, *,
                if_match: str | None = None) -> None:
    """Delete a CMOc, its evidence (and the appraisals of it), and the chain links that point
    at it."""
    def attempt() -> None:
        expected = current_revision(store, review_id)
        iri = ReviewNames.load(store, review_id).cmoc(cmoc_id)
        stored = _read(store, review_id, cmoc_id, iri)
        _check_version(stored, cmoc_id, if_match)
        quotes = [ids.evidence_iri(review_id, cmoc_id, n + 1)
                  for n in range(len(stored.cmoc.evidence))]
        write(store, review_id, remove=[iri, *appraisal_nodes(quotes)], unlink=[iri],
              expected=expected)

    transact(store, review_id, attempt)
