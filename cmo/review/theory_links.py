"""CMOcs related to programme theory versions, and new versions made with a recorded change.

A link says how a CMOc bears on a version: `tested` (rkg:partOfTheory alone), `supports`,
`refutes` or `refines` (the relation's predicate beside rkg:partOfTheory). Linking many CMOcs,
and making a version with its change and the CMOcs carried over, are each one guarded write:
on any error (a CMOc, version or concept the review lacks) nothing is written.

>>> from cmo.model.records import NewCMOc, ProgrammeTheory, Review
>>> from cmo.review.cmocs import create_cmoc
>>> from cmo.review.reviews import create_review
>>> from cmo.review.theories import add_theory
>>> from cmo.store import open_store
>>> store = open_store("memory:")
>>> _ = create_review(store, Review(id="r", title="R"))
>>> _ = add_theory(store, "r", ProgrammeTheory(id="t-v1", label="T"))
>>> _ = create_cmoc(store, "r", NewCMOc(studies=["S"], contexts=["rural"], mechanism="trust",
...                                    outcomes=["uptake"], theories=["t-v1"]))
>>> done = link_cmocs(store, "r", "t-v1", TheoryRelation.supports, ["c01"])
>>> done.added, done.changed, links_of(store, "r", "t-v1")
(0, 1, {'c01': <TheoryRelation.supports: 'supports'>})
>>> v2 = new_theory_version(store, "r", "t-v1", NewTheoryVersion(
...     what="adds the rural context", cmocs=["c01"], carry_over=True))
>>> v2.id, v2.change.cmocs, links_of(store, "r", "t-v2")
('t-v2', ['c01'], {'c01': <TheoryRelation.supports: 'supports'>})
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from pyoxigraph import NamedNode, Triple

from cmo.errors import AlreadyExists, NotFound
from cmo.model import ids
from cmo.model.records import ProgrammeTheory, TheoryChange, TheoryRelation
from cmo.model.theories import NewTheoryVersion, TheoryDetail, TheoryLinking
from cmo.rdf.mapping import _RELATION_OF, RELATION_IRI, R
from cmo.rdf.provenance import current_agent
from cmo.rdf.sparql import delete_triples, query_text
from cmo.review.index import ReviewIndex, review_indexes
from cmo.review.names import ReviewNames
from cmo.review.theories import get_theory, list_theories, version_triples
from cmo.store import Store
from cmo.store.writes import current_revision, transact, write

#: CMOcs chosen by id, or by a function of the review's index (a filter).
Choice = Sequence[str] | Callable[[ReviewIndex], list[str]]
_LISTED = 20
_LINKS = ("theory links",)


def links_by_iri(store: Store, review_id: str, theory_iri: str | None = None
                 ) -> dict[str, dict[str, TheoryRelation]]:
    """Theory IRI -> CMOc IRI -> relation, for one version or all (one query)."""
    bound = {"t": NamedNode(theory_iri)} if theory_iri else {}
    out: dict[str, dict[str, TheoryRelation]] = {}
    tested = TheoryRelation.tested
    for triple in store.construct(query_text("theory_links"), bound,
                                  graphs=[ids.review_iri(review_id)]):
        c, t = triple.subject, triple.object
        if not isinstance(c, NamedNode) or not isinstance(t, NamedNode):
            continue
        links = out.setdefault(t.value, {})
        relation = _RELATION_OF.get(triple.predicate.value, tested)
        if relation != tested or c.value not in links:
            links[c.value] = relation
    return out


def review_links(store: Store, index: ReviewIndex) -> dict[str, dict[str, TheoryRelation]]:
    """`links_by_iri` for every version, kept with the review's index (a write renews it)."""
    if _LINKS not in index.memo:
        index.memo[_LINKS] = links_by_iri(store, index.review_id)
    found: dict[str, dict[str, TheoryRelation]] = index.memo[_LINKS]
    return found


def _index_after_linking(store: Store, review_id: str, before: str, after: str | None,
                         theory_iri: str, theory: tuple[str, str, int] | None,
                         links: dict[str, TheoryRelation]) -> None:
    """Bring this process's index of a review from `before` to `after` when the one write
    between them only linked CMOcs to `theory_iri` (and perhaps added that version): the next
    question or diff then need not read the whole review again (1.5 s on disk at 2,000
    CMOcs). Nothing is done unless the cache holds `before`; the next reading then reads it."""
    cache: dict[str, ReviewIndex] = store.state.indexes
    old = cache.get(review_id)
    if after is None or old is None or old.revision is None or old.revision != before:
        return
    cmocs = [replace(c, theories=(*c.theories, theory_iri))
             if c.iri in links and theory_iri not in c.theories else c for c in old.cmocs]
    known = dict(old.memo.get(_LINKS, {}))
    known[theory_iri] = {**known.get(theory_iri, {}), **links}
    agent = current_agent()
    cache[review_id] = replace(
        old, revision=after, cmocs=cmocs, cmoc_by_id={c.id: c for c in cmocs},
        theories={**old.theories, **({theory_iri: theory} if theory else {})},
        agents={**old.agents, **({ids.agent_iri(agent): agent} if agent else {})},
        memo={_LINKS: known} if _LINKS in old.memo else {})


def links_of(store: Store, review_id: str, theory_id: str) -> dict[str, TheoryRelation]:
    """CMOc id -> its relation to a theory version, by CMOc id; NotFound for an unknown
    version."""
    names = ReviewNames.load(store, review_id)
    iri = names.theory(theory_id)
    found = links_by_iri(store, review_id, iri).get(iri, {})
    return {names.id_of(c): r for c, r in sorted(found.items(), key=lambda x: names.id_of(x[0]))}


def _unknown_cmocs(review_id: str, wanted: Sequence[str], known: dict[str, str]) -> NotFound:
    missing = [c for c in dict.fromkeys(wanted) if c not in known]
    more = f" and {len(missing) - _LISTED} more" if len(missing) > _LISTED else ""
    return NotFound(f"No CMOc {', '.join(map(repr, missing[:_LISTED]))}{more} in review "
                    f"{review_id!r}; nothing was written.")


def link_triples(cmoc_iri: str, theory_iri: str, relation: TheoryRelation) -> list[Triple]:
    """The triples linking a CMOc to a theory version with `relation`."""
    c, t = NamedNode(cmoc_iri), NamedNode(theory_iri)
    out = [Triple(c, R["partOfTheory"], t)]
    if relation in RELATION_IRI:
        out.append(Triple(c, RELATION_IRI[relation], t))
    return out


def link_cmocs(store: Store, review_id: str, theory_id: str, relation: TheoryRelation,
               cmocs: Choice) -> TheoryLinking:
    """Relate CMOcs to a theory version with `relation`, in one guarded write: the CMOcs named
    by id, or those `cmocs(index)` chooses. A CMOc already linked takes the new relation.
    NotFound naming every unknown CMOc id (or the unknown version), and nothing is written."""
    def attempt() -> TheoryLinking:
        expected = current_revision(store, review_id)
        index = review_indexes(store, [review_id])[0]
        names = ReviewNames.from_index(index)
        theory_iri = names.theory(theory_id)
        chosen = list(dict.fromkeys(cmocs(index) if callable(cmocs) else cmocs))
        if any(c not in names.cmocs for c in chosen):
            raise _unknown_cmocs(review_id, chosen, names.cmocs)
        current = links_by_iri(store, review_id, theory_iri).get(theory_iri, {})
        add: list[Triple] = []
        remove: list[Triple] = []
        added = changed = 0
        for cmoc_id in chosen:
            iri = names.cmocs[cmoc_id]
            before = current.get(iri)
            if before == relation:
                continue
            added += before is None
            changed += before is not None
            if before in RELATION_IRI:
                remove.append(Triple(NamedNode(iri), RELATION_IRI[before],
                                     NamedNode(theory_iri)))
            add += link_triples(iri, theory_iri, relation)
        also = [delete_triples(ids.review_iri(review_id), remove)] if remove else []
        if add or also:
            after = write(store, review_id, add=add, also=also, expected=expected)
            _index_after_linking(store, review_id, expected, after, theory_iri, None,
                                 {names.cmocs[c]: relation for c in chosen})
        return TheoryLinking(theory=theory_id, relation=relation, cmocs=sorted(chosen),
                             added=added, changed=changed)

    return transact(store, review_id, attempt)


def next_version_id(earlier: ProgrammeTheory) -> str:
    """`peer-support-v1` -> `peer-support-v2`; an id without a version suffix gains one."""
    stem = re.sub(r"-v\d+$", "", earlier.id)
    return f"{stem}-v{earlier.version + 1}"


def new_theory_version(store: Store, review_id: str, earlier_id: str,
                       new: NewTheoryVersion) -> ProgrammeTheory:
    """A version made from `earlier_id` with its recorded change (what, why, on which CMOcs;
    who and when are the current agent and now), and, with `carry_over`, the earlier
    version's CMOc links with their relations: one guarded write. AlreadyExists for a taken
    id; NotFound naming every justifying CMOc the review lacks; UnknownConcept for a part's
    concept it lacks."""
    def attempt() -> ProgrammeTheory:
        expected = current_revision(store, review_id)
        names = ReviewNames.load(store, review_id)
        earlier = get_theory(store, review_id, earlier_id)
        theory_id = new.id or next_version_id(earlier)
        if theory_id in names.theories:
            raise AlreadyExists(f"Review {review_id!r} already has a theory {theory_id!r}; "
                                "give the new version another id.")
        if any(c not in names.cmocs for c in new.cmocs):
            raise _unknown_cmocs(review_id, new.cmocs, names.cmocs)
        given = new.model_fields_set
        theory = ProgrammeTheory(
            id=theory_id, label=new.label or earlier.label, version=earlier.version + 1,
            revision_of=earlier.id,
            **{f: getattr(new if f in given else earlier, f)
               for f in ("statement", "context", "outcome", "mechanism")},
            change=TheoryChange(what=new.what, rationale=new.rationale, cmocs=new.cmocs))
        iri = ids.theory_iri(review_id, theory_id)
        triples = version_triples(names, theory, iri)
        carried: dict[str, TheoryRelation] = {}
        if new.carry_over:
            earlier_iri = names.theory(earlier.id)
            carried = links_by_iri(store, review_id, earlier_iri).get(earlier_iri, {})
            for cmoc_iri, relation in carried.items():
                triples += link_triples(cmoc_iri, iri, relation)
        after = write(store, review_id, add=triples, expected=expected)
        _index_after_linking(store, review_id, expected, after, iri,
                             (theory.id, theory.label, theory.version), carried)
        return get_theory(store, review_id, theory_id)

    return transact(store, review_id, attempt)


def theory_detail(store: Store, review_id: str, theory_id: str) -> TheoryDetail:
    """A version with its linked CMOcs (id -> relation), how many bear each relation, and the
    versions that revise it."""
    theory = get_theory(store, review_id, theory_id)
    links = links_of(store, review_id, theory_id)
    counts = {r.value: sum(1 for x in links.values() if x == r) for r in TheoryRelation}
    revising = sorted(t.id for t in list_theories(store, review_id)
                      if t.revision_of == theory_id)
    return TheoryDetail(theory=theory, links=links, counts=counts, later_versions=revising)
