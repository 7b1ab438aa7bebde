"""An in-memory index of each review's CMOcs, kept valid by the review's revision token.

Answering "which mechanisms fire in which contexts" by GROUP BY over the whole store takes seconds
on disk at 100k CMOcs (see ENGINE-NOTES). Instead each review is read once into plain Python
(one query), kept with the revision token it was read at, and re-read only when a write has
renewed that token. Every question first asks the store for the current tokens (one small query),
so an answer never comes from a stale index — even when another process wrote. A new process
loads the indexes it has no copy of from their snapshots on disk (`cmo.review.snapshots`), checked
against the same tokens, and reads the store only for reviews whose snapshot does not match.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pyoxigraph import NamedNode, Triple

from cmo.errors import NotFound
from cmo.model import ids
from cmo.model.ids import normalise_label
from cmo.rdf.appraisals import GENERATED_AT, LEVEL_OF, A
from cmo.rdf.mapping import (
    _CONFIDENCE_OF,
    _DESIGN_OF,
    _DIRECTION_OF,
    CLASS_KIND,
    RELATION_IRI,
    P,
    R,
)
from cmo.rdf.sparql import query_text
from cmo.store import Store, Term

if TYPE_CHECKING:
    from cmo.review.snapshots import Snapshots

T = TypeVar("T")
_TYPE, _CMOC, _STUDY = P.type.value, R["CMOConfiguration"].value, R["Study"].value
_THEORY = R["ProgrammeTheory"].value
_AGENT = P.agent.value
_APPRAISAL, _APPRAISES = A["Appraisal"].value, A["appraises"].value
_RATIONALE, _AT = A["rationale"].value, GENERATED_AT.value
_ASPECTS = tuple((aspect, A[aspect].value) for aspect in ("relevance", "richness", "rigour"))


@dataclass(slots=True)
class CmocFacts:
    """What the questions need of one CMOc (IRIs as strings, tokens for direction/confidence)."""

    iri: str
    id: str
    review: str
    contexts: tuple[str, ...] = ()
    mechanism: str | None = None
    outcomes: tuple[str, ...] = ()
    studies: tuple[str, ...] = ()
    fired: bool = True
    direction: str | None = None
    confidence: str | None = None
    theories: tuple[str, ...] = ()
    leads_to: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()


@dataclass(slots=True)
class StudyFacts:
    """A study's key and the metadata questions filter or show by."""

    iri: str
    key: str
    title: str | None = None
    year: int | None = None
    design: str | None = None


@dataclass(slots=True)
class EvidenceFacts:
    """A quote, its page and the study it comes from."""

    quote: str
    page: str | None = None
    source: str | None = None


@dataclass(slots=True)
class AppraisalFacts:
    """One appraisal of one aspect: its level token, rationale, appraiser (agent IRI), time."""

    level: str
    rationale: str | None = None
    agent: str | None = None
    time: str | None = None


@dataclass
class ReviewIndex:
    """One review, read into dictionaries."""

    review_id: str
    revision: str | None
    cmocs: list[CmocFacts] = field(default_factory=list)
    cmoc_by_id: dict[str, CmocFacts] = field(default_factory=dict)
    kind: dict[str, str] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    broader: dict[str, list[str]] = field(default_factory=dict)
    narrower: dict[str, list[str]] = field(default_factory=dict)
    by_label: dict[tuple[str, str], str] = field(default_factory=dict)
    studies: dict[str, StudyFacts] = field(default_factory=dict)
    theories: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    evidence: dict[str, EvidenceFacts] = field(default_factory=dict)
    # Answers computed from this review alone; a write replaces the index, and so clears them.
    memo: dict[Hashable, Any] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)
    # Study or evidence IRI -> aspect ("relevance", "richness", "rigour") -> its appraisal.
    appraisals: dict[str, dict[str, AppraisalFacts]] = field(default_factory=dict)

    def descendants(self, iri: str) -> set[str]:
        """The concept and every concept narrower than it, transitively."""
        seen, todo = {iri}, [iri]
        while todo:
            for child in self.narrower.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    def level(self, target: str, aspect: str) -> str | None:
        """The level a study or evidence item is appraised at for `aspect`, if it is."""
        found = self.appraisals.get(target)
        judged = found.get(aspect) if found else None
        return judged.level if judged else None

    def resolve(self, kind: str, text: str) -> str | None:
        """The IRI of the `kind` concept named by an IRI, label or synonym (any case/spacing)."""
        if self.kind.get(text) == kind:
            return text
        return self.by_label.get((kind, normalise_label(text)))


_WANTED = frozenset(p.value for p in (
    P.type, P.identifier, R["fromStudy"], R["hasContext"], R["hasMechanism"], R["hasOutcome"],
    R["mechanismFired"], R["outcomeDirection"], R["confidence"], R["partOfTheory"],
    R["leadsTo"], R["supportedBy"], *RELATION_IRI.values(), P.pref_label, P.alt_label,
    P.broader, P.definition, P.label,
    P.title, R["year"], R["studyDesign"], R["version"], R["quote"], R["page"], P.source,
    R["revision"], A["appraises"], A["relevance"], A["richness"], A["rigour"], A["rationale"],
    GENERATED_AT, P.attributed_to))


def build_index(review_id: str,
                triples: Iterable[tuple[Term, NamedNode, Term]]) -> ReviewIndex:
    """A ReviewIndex from the triples of the review's graph (one scan)."""
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for subject, p, o in triples:
        predicate = p.value
        if predicate in _WANTED and isinstance(subject, NamedNode):
            props[subject.value][predicate].append(o.value)
    index = ReviewIndex(review_id, None)
    review_iri = ids.review_iri(review_id)
    index.revision = next(iter(props.get(review_iri, {}).get(R["revision"].value, [])), None)
    alts: list[tuple[str, str]] = []
    for s, d in props.items():
        for t in d.get(_TYPE, ()):
            kind = CLASS_KIND.get(t)
            if kind is not None:
                index.kind[s] = kind.value
                index.label[s] = next(iter(d.get(P.pref_label.value, [])), ids.local_id(s))
                if P.definition.value in d:
                    index.definition[s] = d[P.definition.value][0]
                index.broader[s] = d.get(P.broader.value, [])
                alts += [(s, a) for a in d.get(P.alt_label.value, [])]
            elif t == _CMOC:
                _add_cmoc(index, s, d, review_id)
            elif t == _STUDY:
                year = next(iter(d.get(R["year"].value, [])), None)
                design = next(iter(d.get(R["studyDesign"].value, [])), None)
                index.studies[s] = StudyFacts(
                    s, next(iter(d.get(P.identifier.value, [])), ids.local_id(s)),
                    next(iter(d.get(P.title.value, [])), None),
                    int(year) if year and year.lstrip("-").isdigit() else None,
                    _DESIGN_OF[design].value if design in _DESIGN_OF else None)
            elif t == _THEORY:
                version = next(iter(d.get(R["version"].value, [])), "1")
                index.theories[s] = (next(iter(d.get(P.identifier.value, [])), ids.local_id(s)),
                                     next(iter(d.get(P.label.value, [])), ids.local_id(s)),
                                     int(version) if version.isdigit() else 1)
            elif t == _AGENT and P.label.value in d:
                index.agents[s] = d[P.label.value][0]
            elif t == _APPRAISAL:
                _add_appraisal(index, d)
        if R["quote"].value in d:
            index.evidence[s] = EvidenceFacts(d[R["quote"].value][0],
                                              next(iter(d.get(R["page"].value, [])), None),
                                              next(iter(d.get(P.source.value, [])), None))
    for s, alt in alts:
        index.alt_labels.setdefault(s, []).append(alt)
        index.by_label.setdefault((index.kind[s], normalise_label(alt)), s)
    for s, kind_name in index.kind.items():  # preferred labels win over synonyms
        index.by_label[(kind_name, normalise_label(index.label[s]))] = s
        for parent in index.broader[s]:
            index.narrower.setdefault(parent, []).append(s)
    index.cmocs.sort(key=lambda c: c.id)
    return index


def index_after_adding(store: Store, review_id: str, before: str, after: str,
                       triples: Sequence[Triple]) -> None:
    """Bring a review's cached index from revision `before` to `after`, when the one write
    between them only added `triples` describing new resources (a new CMOc, its evidence, new
    concepts and studies): so the next write or question does not read the whole review again
    (~300 ms at 5,000 concepts). Nothing is done unless the cache holds `before`, or if a
    resource of `triples` is already indexed; the next reading then reads the review."""
    cache: dict[str, ReviewIndex] = store.state.indexes
    old = cache.get(review_id)
    if old is None or old.revision is None or old.revision != before:
        return
    new = build_index(review_id, ((t.subject, t.predicate, t.object) for t in triples  # type: ignore[misc]
                                  if isinstance(t.predicate, NamedNode)))
    if any(a.keys() & b.keys() for a, b in ((new.kind, old.kind), (new.studies, old.studies),
                                             (new.cmoc_by_id, old.cmoc_by_id),
                                             (new.evidence, old.evidence))):
        return
    narrower = {k: list(v) for k, v in old.narrower.items()}
    for parent, children in new.narrower.items():
        narrower.setdefault(parent, []).extend(children)
    cache[review_id] = ReviewIndex(
        review_id, after, cmocs=sorted([*old.cmocs, *new.cmocs], key=lambda c: c.id),
        cmoc_by_id={**old.cmoc_by_id, **new.cmoc_by_id}, kind={**old.kind, **new.kind},
        label={**old.label, **new.label}, definition={**old.definition, **new.definition},
        alt_labels={**old.alt_labels, **new.alt_labels}, broader={**old.broader, **new.broader},
        narrower=narrower, by_label={**new.by_label, **old.by_label},
        studies={**old.studies, **new.studies}, theories={**old.theories, **new.theories},
        evidence={**old.evidence, **new.evidence}, agents={**old.agents, **new.agents},
        appraisals={**old.appraisals, **new.appraisals})


def _add_appraisal(index: ReviewIndex, d: dict[str, list[str]]) -> None:
    target = next(iter(d.get(_APPRAISES, ())), None)
    for aspect, predicate in _ASPECTS:
        for level in d.get(predicate, ()):
            known = LEVEL_OF.get(level)
            if target is not None and known is not None and known[0] == aspect:
                index.appraisals.setdefault(target, {})[aspect] = AppraisalFacts(
                    known[1], next(iter(d.get(_RATIONALE, ())), None),
                    next(iter(d.get(P.attributed_to.value, ())), None),
                    next(iter(d.get(_AT, ())), None))


_K = {name: R[name].value for name in (
    "outcomeDirection", "confidence", "hasContext", "hasMechanism", "hasOutcome", "fromStudy",
    "mechanismFired", "partOfTheory", "leadsTo", "supportedBy")}
_ID = P.identifier.value
_RELATIONS = tuple(p.value for p in RELATION_IRI.values())
_EMPTY: list[str] = []
_NONE: list[str | None] = [None]


def _add_cmoc(index: ReviewIndex, s: str, d: dict[str, list[str]], review_id: str) -> None:
    direction = (d.get(_K["outcomeDirection"]) or _NONE)[0]
    confidence = (d.get(_K["confidence"]) or _NONE)[0]
    identifier = d.get(_ID)
    facts = CmocFacts(
        iri=s, id=identifier[0] if identifier else ids.local_id(s), review=review_id,
        contexts=tuple(d.get(_K["hasContext"], _EMPTY)),
        mechanism=(d.get(_K["hasMechanism"]) or _NONE)[0],
        outcomes=tuple(d.get(_K["hasOutcome"], _EMPTY)),
        studies=tuple(d.get(_K["fromStudy"], _EMPTY)),
        fired=(d.get(_K["mechanismFired"]) or ["true"])[0] not in ("false", "0"),
        direction=_DIRECTION_OF[direction].value if direction in _DIRECTION_OF else None,
        confidence=_CONFIDENCE_OF[confidence].value if confidence in _CONFIDENCE_OF else None,
        # A relation (supports, refutes, refines) is membership too, if a file gave it alone.
        theories=tuple(dict.fromkeys([*d.get(_K["partOfTheory"], _EMPTY),
                                      *(t for p in _RELATIONS for t in d.get(p, _EMPTY))])),
        leads_to=tuple(d.get(_K["leadsTo"], _EMPTY)),
        evidence=tuple(sorted(d.get(_K["supportedBy"], _EMPTY))))
    index.cmocs.append(facts)
    index.cmoc_by_id[facts.id] = facts


_MAX_ANSWERS = 64


def remembered(store: Store, indexes: Sequence[ReviewIndex], question: Hashable,
               compute: Callable[[], T]) -> T:
    """The answer to `question` over these indexes, computed once per set of revisions.

    The key holds every review's revision token, so any write to any of them makes a new key;
    reviews without a token (loaded by other tools) are never remembered. The answers are kept
    with the store (`Store.state`).
    """
    versions = [(ix.review_id, ix.revision) for ix in indexes]
    return remembered_at(store, versions, question, lambda: (compute(), versions))


Versions = Sequence[tuple[str, str | None]]
#: How an answer is kept on disk: to a JSON document, and back (any error: not kept).
Keeping = tuple[Callable[[T], Any], Callable[[Any], T]]


def remembered_at(store: Store, versions: Versions, question: Hashable,
                  compute: Callable[[], tuple[T, Versions]],
                  keep: Keeping[T] | None = None) -> T:
    """`remembered`, given the (review, revision) pairs the answer is to be over; `compute`
    returns the answer and the pairs it was computed over (newer, if a write came between:
    then it is not remembered).

    With `keep` the answer is also kept on disk beside the review snapshots, under the same
    pairs, so a new process asking the same question of the same revisions reads it back
    instead of reading every review.
    """
    key = (question, tuple(versions))
    if any(rev is None for _, rev in key[1]):
        return compute()[0]
    state = store.state
    with state.lock:
        if key in state.answers:
            return state.answers[key]  # type: ignore[no-any-return]
        # Only a process's first answer to a question over these reviews is read from or kept
        # on disk: answering again after a write here stays as fast as it was (the next
        # process computes that answer once, and keeps it).
        reviews = [rid for rid, _ in key[1]]
        first = not any(isinstance(old, tuple) and old[0] == question
                        and [rid for rid, _ in old[1]] == reviews for old in state.answers)
    shelf = None
    # One review's answers come from its index at once; only answers over several are kept.
    if keep is not None and first and len(key[1]) > 1:
        from cmo.review.snapshots import Snapshots  # it builds on this module's classes

        shelf = Snapshots.of(store)
    answer = _kept(shelf, repr(key), keep[1]) if shelf is not None and keep else None
    if answer is None:
        answer, over = compute()
        if tuple(over) != key[1]:
            return answer
        if shelf is not None and keep is not None:
            with gc_paused():
                doc = keep[0](answer)
            shelf.save_answer(repr(key), doc)
    with state.lock:
        if len(state.answers) >= _MAX_ANSWERS:
            state.answers.pop(next(iter(state.answers)))
        state.answers[key] = answer
    return answer


def _kept(shelf: Snapshots, key: str, decode: Callable[[Any], T]) -> T | None:
    doc = shelf.load_answer(key)
    if doc is None:
        return None
    try:
        with gc_paused():
            return decode(doc)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def review_revisions(store: Store, review_ids: list[str] | None = None) -> dict[str, str | None]:
    """Review id -> current revision token (None if it has none), for the given reviews or all.

    One index-backed query: neither this nor anything a question asks first scans review data.
    """
    prefix = ids.review_iri("")
    if review_ids is not None and len(review_ids) <= 8:
        # A few reviews: one bound lookup each, cheaper than listing every review.
        rows = [row for rid in review_ids if ids.is_id(rid)
                for row in store.select(query_text("revisions"),
                                        {"g": NamedNode(ids.review_iri(rid))})]
    else:
        rows = store.select(query_text("revisions"))
    out: dict[str, str | None] = {}
    for row in rows:
        g, revision = row["g"], row["revision"]
        if isinstance(g, NamedNode) and g.value.startswith(prefix):
            review_id = g.value[len(prefix):]
            # Two tokens (one loaded from a file beside ours) name no single version: no caching.
            out[review_id] = None if review_id in out or revision is None else revision.value
    return out


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector while bulk data without cycles is made: at 100k CMOcs its
    passes over the millions of objects already alive cost more than making the new ones."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def review_indexes(store: Store, review_ids: list[str] | None = None,
                   revisions: dict[str, str | None] | None = None) -> list[ReviewIndex]:
    """Current indexes of the given reviews (all when None), re-reading only the changed ones.

    `revisions` is what `review_revisions` just said for the same reviews, if the caller asked.
    The indexes are kept with the store (`Store.state`), so two stores share none.
    """
    from cmo.review.snapshots import Snapshots  # it builds on this module's classes

    current = revisions if revisions is not None else review_revisions(store, review_ids)
    wanted = sorted(current) if review_ids is None else review_ids
    cache: dict[str, ReviewIndex] = store.state.indexes
    out = []
    shelf = Snapshots.of(store) if any(rid not in cache for rid in wanted) else None
    saved = False
    with gc_paused():
        for review_id in wanted:
            if review_id not in current:
                raise NotFound(f"No review {review_id!r}.")
            cached = cache.get(review_id)
            revision = current[review_id]
            if cached is None or cached.revision is None or cached.revision != revision:
                loaded = shelf.load(review_id, revision) \
                    if shelf is not None and cached is None and revision is not None else None
                if loaded is None:
                    loaded = build_index(review_id,
                                         store.graph_triples(ids.review_iri(review_id)))
                    # A process's first reading is kept for the next process; a re-reading
                    # after a write is not (the next process reads that one review once).
                    if shelf is not None and cached is None and loaded.revision == revision:
                        shelf.save(loaded)
                        saved = True
                cached = cache[review_id] = loaded
            out.append(cached)
    if review_ids is None:
        for gone in set(cache) - set(current):
            cache.pop(gone, None)
        if shelf is not None and saved:
            shelf.forget(set(current))
    return out
