"""Demi-regularities and contradictions, as a realist reads them.

Patterns may roll up: with `roll_up`, a CMOc tagged with a narrower context also counts toward
every broader one (`skos:broader`, transitively), and the row names the narrower contexts it
gathered. Contradictions are checked against the whole context configuration of each CMOc: two
groups of CMOcs with the same mechanism, at least one context in common and opposite claims
(fired / not fired; positive / negative for one outcome) are *explained by context* when their
configurations differ (the contexts one side has and the other lacks may be why), and stay
*unexplained* only when both have the same configuration (then, for firing, only across more
than one study).

>>> import cmo
>>> review = cmo.open("memory:").reviews.create(id="r", title="R")
>>> _ = review.cmocs.create(id="c1", studies=["A"], contexts=["interactive course"],
...     mechanism="engagement", outcomes=["learning"], outcome_direction="positive")
>>> _ = review.cmocs.create(id="c2", studies=["B"], contexts=["interactive course",
...     "busy clinicians"], mechanism="engagement", outcomes=["learning"],
...     outcome_direction="negative")
>>> found = contradictions(review.kg.store)
>>> found.rows, [c.label for c in found.explained[0].explained_by]
([], ['busy clinicians'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from cmo.model.answers import ConceptRef, Contradiction, Contradictions, Pattern, Patterns
from cmo.questions.selection import (
    NO_FILTER,
    CmocFilter,
    asked,
    order,
    ref,
    rigour_counts,
    selected,
    side,
    study_rigour,
)
from cmo.review.index import CmocFacts, ReviewIndex, gc_paused
from cmo.store import Store

Pair = tuple[ReviewIndex, CmocFacts]


def _broader(index: ReviewIndex, iri: str) -> set[str]:
    """The concepts broader than `iri`, transitively (remembered with the index)."""
    memo: dict[str, set[str]] = index.memo.setdefault(("ancestors",), {})
    found = memo.get(iri)
    if found is None:
        found, todo = set(), list(index.broader.get(iri, ()))
        while todo:
            parent = todo.pop()
            if parent not in found and parent != iri:
                found.add(parent)
                todo.extend(index.broader.get(parent, ()))
        memo[iri] = found
    return found


def recurring_patterns(store: Store, min_studies: int = 2, *, roll_up: bool = False,
                       reviews: Sequence[str] | None = None,
                       filters: CmocFilter = NO_FILTER) -> Patterns:
    """Demi-regularities: context-mechanism-outcome patterns (same direction and firing)
    supported by at least `min_studies` distinct studies; with `roll_up`, CMOcs of narrower
    contexts count toward the broader ones. Each row counts its studies by rigour and is
    flagged when all of them are of low rigour."""
    indexes = asked(store, reviews, filters)
    with gc_paused():  # many small sets while 100k CMOcs are alive: no cycle-collector passes
        return _patterns(indexes, min_studies, roll_up, filters)


def _patterns(indexes: list[ReviewIndex], min_studies: int, roll_up: bool,
              filters: CmocFilter) -> Patterns:
    groups: dict[tuple[str, str, str, str | None, bool],
                 tuple[set[str], set[str], set[str]]] = {}
    refs: dict[str, ConceptRef] = {}
    for index, c in selected(indexes, filters):
        if c.mechanism is None:
            continue
        via: dict[str, set[str]] = {}
        for ctx in set(c.contexts):
            via.setdefault(ctx, set())
            if roll_up:
                for up in _broader(index, ctx):
                    via.setdefault(up, set()).add(ctx)
        for x in (*via, *c.contexts, c.mechanism, *c.outcomes):
            if x not in refs:
                refs[x] = ref(index, x)
        for ctx, narrower in via.items():
            for o in set(c.outcomes):
                studies, cmocs, gathered = groups.setdefault(
                    (ctx, c.mechanism, o, c.direction, c.fired), (set(), set(), set()))
                studies.update(c.studies)
                cmocs.add(c.id)
                gathered |= narrower
    rigour = study_rigour(indexes)
    rows = []
    for (ctx, m, o, d, f), (s, ids, gathered) in groups.items():
        if len(s) < min_studies:
            continue
        counts = rigour_counts(s, rigour)
        # Every value is made here from validated parts: no second validation (~3x faster).
        rows.append(Pattern.model_construct(
            context=refs[ctx], mechanism=refs[m], outcome=refs[o], direction=d, fired=f,
            studies=len(s), cmocs=sorted(ids), rigour=counts,
            low_rigour_only=bool(s) and counts.low == len(s),
            gathered=sorted((refs[g] for g in gathered), key=order) if gathered else []))
    rows.sort(key=lambda r: (-r.studies, order(r.context), order(r.mechanism),
                             order(r.outcome), r.direction or "", not r.fired))
    return Patterns(min_studies=min_studies, roll_up=roll_up, rows=rows)


def _configurations(pairs: list[Pair]) -> dict[frozenset[str], list[Pair]]:
    out: dict[frozenset[str], list[Pair]] = defaultdict(list)
    for p in pairs:
        out[frozenset(p[1].contexts)].append(p)
    return out


def _refs(index: ReviewIndex, iris: frozenset[str]) -> list[ConceptRef]:
    return sorted((ref(index, i) for i in iris), key=order)


def _opposed(kind: str, mechanism: ConceptRef, outcome: ConceptRef | None,
             claims: tuple[str, str], one: list[Pair], other: list[Pair],
             found: tuple[list[Contradiction], list[Contradiction]]) -> None:
    """Pair every configuration of `one` with every configuration of `other` that shares a
    context with it; same configuration: unexplained, else explained by the difference."""
    for cfg_a, a in _configurations(one).items():
        for cfg_b, b in _configurations(other).items():
            shared = cfg_a & cfg_b
            if not shared:
                continue
            index = a[0][0]
            if cfg_a == cfg_b and kind == "firing" and len(
                    {s for _, c in a + b for s in c.studies}) < 2:
                continue  # fired and not, in one study: that study's own nuance
            row = Contradiction(kind=kind, contexts=_refs(index, shared), mechanism=mechanism,
                                outcome=outcome, explained_by=_refs(index, cfg_a ^ cfg_b),
                                sides=[side(claims[0], a, _refs(index, cfg_a)),
                                       side(claims[1], b, _refs(index, cfg_b))])
            found[0 if cfg_a == cfg_b else 1].append(row)


def contradictions(store: Store, *, reviews: Sequence[str] | None = None,
                   filters: CmocFilter = NO_FILTER) -> Contradictions:
    """Same mechanism and contexts in common, with opposite outcome directions (positive vs
    negative) or fired on one side and not on the other; each with the evidence on both
    sides. Kept apart: `rows`, the same context configuration on both sides (unexplained),
    and `explained`, configurations that differ (`explained_by`: the differing contexts)."""
    indexes = asked(store, reviews, filters)
    with gc_paused():
        return _contradictions(indexes, filters)


def _contradictions(indexes: list[ReviewIndex], filters: CmocFilter) -> Contradictions:
    by_mechanism: dict[str, list[Pair]] = defaultdict(list)
    for index, c in selected(indexes, filters):
        if c.mechanism is not None and c.contexts:
            by_mechanism[c.mechanism].append((index, c))
    found: tuple[list[Contradiction], list[Contradiction]] = ([], [])
    for mech, pairs in by_mechanism.items():
        index = pairs[0][0]
        mechanism = ref(index, mech)
        _opposed("firing", mechanism, None, ("fired", "not fired"),
                 [p for p in pairs if p[1].fired], [p for p in pairs if not p[1].fired], found)
        for o in sorted({o for _, c in pairs for o in c.outcomes}):
            with_o = [p for p in pairs if o in p[1].outcomes]
            _opposed("direction", mechanism, ref(index, o), ("positive", "negative"),
                     [p for p in with_o if p[1].direction == "positive"],
                     [p for p in with_o if p[1].direction == "negative"], found)

    def key(r: Contradiction) -> tuple[object, ...]:
        return (r.kind, [order(x) for x in r.contexts], order(r.mechanism),
                order(r.outcome) if r.outcome else ("", ""),
                [[order(x) for x in s.contexts] for s in r.sides])

    return Contradictions(rows=sorted(found[0], key=key), explained=sorted(found[1], key=key))
