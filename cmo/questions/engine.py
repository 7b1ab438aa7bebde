"""The questions a realist reviewer asks of the graph, over one review, several, or all.

Each answer is computed from the review indexes (`cmo.review.index`), which are re-read whenever a
review's revision token changes, so answers are always those of the stored data.

>>> import cmo
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="R").cmocs.create(id="c1", studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"], mechanism_fired=False)
>>> [(row.context.label, row.mechanism.label, row.not_fired)
...  for row in context_mechanism_matrix(kg.store).rows]
[('rural', 'trust', 1)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from cmo.errors import InvalidInput, NotFound, Problem
from cmo.model.answers import (
    ConceptRef,
    ContextRow,
    ContextsForMechanism,
    EvidenceTrail,
    Matrix,
    MatrixCell,
    MechanismRow,
    MechanismsForContext,
    OutcomeCount,
    OutcomeRow,
    OutcomesForMechanism,
    RigourCounts,
)
from cmo.questions.chains import chains as chains  # a question too: cmo.questions.engine.chains
from cmo.questions.filters import check_theory
from cmo.questions.patterns import contradictions as contradictions
from cmo.questions.patterns import recurring_patterns as recurring_patterns
from cmo.questions.selection import (
    NO_FILTER as NO_FILTER,
)
from cmo.questions.selection import (
    CmocFilter as CmocFilter,
)
from cmo.questions.selection import (
    Tally,
    asked,
    evidence_items,
    ids_of,
    order,
    ref,
    resolve,
    rigour_counts,
    selected,
    study_ref,
    study_rigour,
)
from cmo.review.index import (
    CmocFacts,
    ReviewIndex,
    gc_paused,
    remembered_at,
    review_indexes,
    review_revisions,
)
from cmo.store import Store

_Tally = Tally
_ref, _order, _selected, _ids, _asked, _resolve = ref, order, selected, ids_of, asked, resolve
_study_ref, _evidence = study_ref, evidence_items


def lookup_concept(store: Store, kind: str, text: str,
                   reviews: Sequence[str] | None = None) -> list[ConceptRef]:
    """Concepts of `kind` named by an IRI, label or synonym (any case or spacing), per review."""
    return [ref for _, ref in _resolve(review_indexes(store, _ids(reviews)), kind, text)]


def context_mechanism_matrix(store: Store, reviews: Sequence[str] | None = None,
                             filters: CmocFilter = NO_FILTER) -> Matrix:
    """For every (context, mechanism) pair: CMOcs, distinct studies, fired and not fired.

    The answer is remembered per set of review revisions, in this process and on disk beside
    the review snapshots, so asking again after no write is a lookup, even in a new process;
    any write to one of the reviews makes it be computed afresh.
    """
    asked = _ids(reviews)
    current = review_revisions(store, asked)
    wanted = sorted(current) if asked is None else asked
    missing = [rid for rid in wanted if rid not in current]
    if missing:
        raise NotFound(f"No review {missing[0]!r}.")

    def compute() -> tuple[Matrix, list[tuple[str, str | None]]]:
        indexes = review_indexes(store, asked, current)
        check_theory(indexes, filters.theory)  # an unknown theory is refused, never kept
        with gc_paused():
            return _matrix(indexes, filters), [(ix.review_id, ix.revision) for ix in indexes]

    return remembered_at(store, [(rid, current[rid]) for rid in wanted], ("matrix", filters),
                         compute, keep=(_matrix_doc, _matrix_from_doc))


def _matrix_doc(matrix: Matrix) -> dict[str, Any]:
    """The matrix as compact JSON: each concept once, each row as numbers."""
    number: dict[tuple[str, str], int] = {}

    def n(ref: ConceptRef) -> int:
        return number.setdefault((ref.iri, ref.label), len(number))

    rows = [[n(r.context), n(r.mechanism), r.cmocs, r.studies, r.fired, r.not_fired, r.reviews,
             r.rigour.high, r.rigour.moderate, r.rigour.low, r.rigour.unappraised]
            for r in matrix.rows]
    return {"concepts": list(number), "rows": rows}


def _matrix_from_doc(doc: Any) -> Matrix:
    """`_matrix_doc` read back; every value is validated (a bad one raises)."""
    refs = {i: ConceptRef(iri=iri, label=label) for i, (iri, label) in enumerate(doc["concepts"])}
    return Matrix.model_construct(rows=[
        MatrixCell(context=refs[c], mechanism=refs[m], cmocs=n, studies=s, fired=f, not_fired=nf,
                   reviews=rv, rigour=RigourCounts(high=h, moderate=md, low=lo, unappraised=un))
        for c, m, n, s, f, nf, rv, h, md, lo, un in doc["rows"]])


def _matrix(indexes: Sequence[ReviewIndex], filters: CmocFilter) -> Matrix:
    # Each review's cells are kept with its index (a write to one review recomputes only its
    # part); the parts are then merged in order. Concepts are minted per review, so parts
    # rarely share a cell; when they do (shared IRIs in imported data), count them together.
    parts = [ix.memo.get(("matrix", filters)) or ix.memo.setdefault(
        ("matrix", filters), _cells([ix], filters)) for ix in indexes]
    keys: set[tuple[str, str]] = set()
    for tallies, _ in parts:
        if not keys.isdisjoint(tallies):
            return Matrix.model_construct(rows=[row for _, row in _cells(indexes, filters)[1]])
        keys.update(tallies)
    # One sort of the parts laid end to end merges their sorted runs in C (~3x faster than
    # heapq.merge with a Python key function).
    merged = [pair for _, rows in parts for pair in rows]
    merged.sort(key=itemgetter(0))
    return Matrix.model_construct(rows=[row for _, row in merged])


def _cells(indexes: Sequence[ReviewIndex], filters: CmocFilter
           ) -> tuple[dict[tuple[str, str], _Tally], list[tuple[tuple[str, str, str, str],
                                                               MatrixCell]]]:
    """The matrix cells of some reviews, as tallies and as rows sorted by concept labels."""
    cells: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    owner: dict[str, ReviewIndex] = {}
    # One review's cells (the usual call) all name it; only cells merged across reviews that
    # share concept IRIs need their reviews collected, so the usual path pays nothing for it.
    where: dict[tuple[str, str], set[str]] | None = None if len(indexes) == 1 else defaultdict(set)
    for index, c in _selected(indexes, filters):
        if c.mechanism is None:
            continue
        owner.setdefault(c.mechanism, index)
        for ctx in set(c.contexts):
            owner.setdefault(ctx, index)
            cells[(ctx, c.mechanism)].add(c)
            if where is not None:
                where[(ctx, c.mechanism)].add(index.review_id)
    # Validated once per concept; a cell then takes them as they are (pydantic does not
    # validate a model instance again), ~2x faster than model_construct.
    refs = {iri: _ref(index, iri) for iri, index in owner.items()}
    order = {iri: _order(ref) for iri, ref in refs.items()}
    only = [ix.review_id for ix in indexes]
    rigour = study_rigour(indexes)
    rows = [((*order[ctx], *order[mech]),
             MatrixCell(context=refs[ctx], mechanism=refs[mech], cmocs=t.cmocs,
                        studies=len(t.studies), fired=t.fired, not_fired=t.not_fired,
                        reviews=list(only) if where is None else sorted(where[(ctx, mech)]),
                        rigour=rigour_counts(t.studies, rigour)))
            for (ctx, mech), t in cells.items()]
    rows.sort(key=lambda pair: pair[0])
    return cells, rows


def mechanisms_for_context(store: Store, context: str, *, include_narrower: bool = True,
                           reviews: Sequence[str] | None = None,
                           filters: CmocFilter = NO_FILTER) -> MechanismsForContext:
    """Every mechanism triggered or not in a context (or a narrower one), with its outcomes.

    A CMOc counts once per mechanism even when several of its contexts fall under the context.
    """
    indexes = _asked(store, reviews, filters)
    resolved = _resolve(indexes, "context", context)
    under = {ix.review_id: (ix.descendants(ref.iri) if include_narrower else {ref.iri})
             for ix, ref in resolved}
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    outcomes: dict[str, dict[tuple[str, str | None], int]] = defaultdict(lambda: defaultdict(int))
    refs: dict[str, ConceptRef] = {}
    for index, c in _under(indexes, under, filters):
        if c.mechanism is None:
            continue
        refs.setdefault(c.mechanism, _ref(index, c.mechanism))
        tallies[c.mechanism].add(c)
        for o in set(c.outcomes):
            refs.setdefault(o, _ref(index, o))
            outcomes[c.mechanism][(o, c.direction)] += 1
    rigour = study_rigour(indexes)
    rows = [MechanismRow(mechanism=refs[m], **t.counts(rigour), outcomes=sorted(
        (OutcomeCount(outcome=refs[o], direction=d, cmocs=n) for (o, d), n in outcomes[m].items()),
        key=lambda r: (_order(r.outcome), r.direction or ""))) for m, t in tallies.items()]
    rows.sort(key=lambda r: _order(r.mechanism))
    return MechanismsForContext(context=resolved[0][1], include_narrower=include_narrower,
                                rows=rows)


def _under(indexes: Sequence[ReviewIndex], under: dict[str, set[str]],
           filters: CmocFilter) -> Iterator[tuple[ReviewIndex, CmocFacts]]:
    """The CMOcs with a context in `under` (per review) that pass the filter: the context is
    checked first, so only those CMOcs pay for the filter."""
    for index in indexes:
        asked = under.get(index.review_id)
        if not asked:
            continue
        for c in index.cmocs:
            if not asked.isdisjoint(c.contexts) and (
                    filters is NO_FILTER or filters.accepts(c, index)):
                yield index, c


def _mechanism_cmocs(store: Store, mechanism: str, reviews: Sequence[str] | None,
                     include_narrower: bool, filters: CmocFilter
                     ) -> tuple[ConceptRef, list[tuple[ReviewIndex, CmocFacts]], dict[str, str]]:
    indexes = _asked(store, reviews, filters)
    resolved = _resolve(indexes, "mechanism", mechanism)
    under = {ix.review_id: (ix.descendants(ref.iri) if include_narrower else {ref.iri})
             for ix, ref in resolved}
    chosen = [(ix, c) for ix, c in _selected(indexes, filters)
              if c.mechanism in under.get(ix.review_id, ())]
    return resolved[0][1], chosen, study_rigour(indexes)


def contexts_for_mechanism(store: Store, mechanism: str, *, include_narrower: bool = True,
                           reviews: Sequence[str] | None = None,
                           filters: CmocFilter = NO_FILTER) -> ContextsForMechanism:
    """The contexts where a mechanism fired and those where it did not, side by side: each side
    counts only its own CMOcs (a context on both sides is counted once on each)."""
    mech, chosen, rigour = _mechanism_cmocs(store, mechanism, reviews, include_narrower,
                                            filters)
    sides: tuple[dict[str, Tally], dict[str, Tally]] = (defaultdict(Tally), defaultdict(Tally))
    refs: dict[str, ConceptRef] = {}
    for index, c in chosen:
        for ctx in set(c.contexts):
            refs.setdefault(ctx, _ref(index, ctx))
            sides[0 if c.fired else 1][ctx].add(c)

    def rows(tallies: dict[str, Tally]) -> list[ContextRow]:
        return sorted((ContextRow(context=refs[k], **t.counts(rigour))
                       for k, t in tallies.items()), key=lambda r: _order(r.context))

    return ContextsForMechanism(mechanism=mech, fired_in=rows(sides[0]),
                                not_fired_in=rows(sides[1]))


def outcomes_for_mechanism(store: Store, mechanism: str, *, include_narrower: bool = True,
                           reviews: Sequence[str] | None = None,
                           filters: CmocFilter = NO_FILTER) -> OutcomesForMechanism:
    """What a mechanism produces: each outcome and direction, with its counts."""
    mech, chosen, rigour = _mechanism_cmocs(store, mechanism, reviews, include_narrower,
                                            filters)
    tallies: dict[tuple[str, str | None], _Tally] = defaultdict(_Tally)
    refs: dict[str, ConceptRef] = {}
    for index, c in chosen:
        for o in set(c.outcomes):
            refs.setdefault(o, _ref(index, o))
            tallies[(o, c.direction)].add(c)
    rows = sorted((OutcomeRow(outcome=refs[o], direction=d, **t.counts(rigour))
                   for (o, d), t in tallies.items()),
                  key=lambda r: (_order(r.outcome), r.direction or ""))
    return OutcomesForMechanism(mechanism=mech, rows=rows)


def _trail(pairs: Iterable[tuple[ReviewIndex, CmocFacts]]) -> EvidenceTrail:
    pairs = sorted(pairs, key=lambda p: (p[0].review_id, p[1].id))
    studies = {s: _study_ref(ix, s) for ix, c in pairs for s in c.studies}
    return EvidenceTrail(cmocs=[c.id for _, c in pairs],
                         studies=sorted(studies.values(), key=lambda s: (s.key.casefold(), s.iri)),
                         items=[item for ix, c in pairs for item in _evidence(ix, c)])


def evidence_trail(store: Store, *, cmoc: str | None = None, concept: str | None = None,
                   kind: str = "context", context: str | None = None,
                   mechanism: str | None = None, include_narrower: bool = True,
                   reviews: Sequence[str] | None = None,
                   filters: CmocFilter = NO_FILTER) -> EvidenceTrail:
    """The studies, quotes and pages behind a CMOc, a concept, or a matrix cell (context and
    mechanism given together; a cell is exact, as in the matrix). A context or a mechanism given
    alone is asked about as a concept (with its narrower concepts unless told otherwise)."""
    if concept is None and (context is None) != (mechanism is None):
        concept, kind = (context, "context") if context is not None else (mechanism, "mechanism")
        context = mechanism = None
    indexes = _asked(store, reviews, filters)
    if cmoc is not None:
        pairs = [(ix, ix.cmoc_by_id[cmoc]) for ix in indexes if cmoc in ix.cmoc_by_id]
        if not pairs:
            raise NotFound(f"No CMOc {cmoc!r}.")
        return _trail(pairs)
    if context is not None and mechanism is not None:
        ctxs = {ix.review_id: ref.iri for ix, ref in _resolve(indexes, "context", context)}
        mechs = {ix.review_id: ref.iri for ix, ref in _resolve(indexes, "mechanism", mechanism)}
        return _trail((ix, c) for ix, c in _selected(indexes, filters)
                      if c.mechanism == mechs.get(ix.review_id)
                      and ctxs.get(ix.review_id) in c.contexts)
    if concept is None:
        raise InvalidInput("Ask for the evidence of a CMOc, a concept, or a context and mechanism.",
                           [Problem(field="cmoc", reason="give a CMOc id, a concept, or both "
                                                         "a context and a mechanism")])
    under = {ix.review_id: (ix.descendants(ref.iri) if include_narrower else {ref.iri})
             for ix, ref in _resolve(indexes, kind, concept)}

    def links(c: CmocFacts) -> Iterable[str]:
        if kind == "context":
            return c.contexts
        if kind == "outcome":
            return c.outcomes
        return (c.mechanism,) if c.mechanism else ()

    return _trail((ix, c) for ix, c in _selected(indexes, filters)
                  if not under.get(ix.review_id, set()).isdisjoint(links(c)))
