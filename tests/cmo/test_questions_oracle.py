"""Every question's answer equals a plain-Python computation over the same random reviews."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cmo
from cmo.interchange.rdf_files import import_rdf
from cmo.model import ids
from cmo.questions import engine as q
from cmo.rdf.appraisals import appraisal_triples
from cmo.rdf.mapping import MintedRefs, cmoc_triples, concept_triples, review_triples, study_triples
from cmo.store import Store, open_store

DESIGNS = ["rct", "qualitative", "process-evaluation"]
LEVELS = ["high", "moderate", "low"]
RANK = {"low": 0, "moderate": 1, "high": 2}


@dataclass
class Generated:
    """A random review as plain Python: labels, hierarchy, CMOcs."""

    parent: dict[str, str | None]
    synonyms: dict[str, str]
    design: dict[str, str]
    cmocs: list[cmo.CMOConfiguration]
    rigour: dict[str, str | None] = field(default_factory=dict)
    relevance: dict[str, str | None] = field(default_factory=dict)
    #: CMOc id -> the rigour its one quote (from its first study) is given instead.
    override: dict[str, str] = field(default_factory=dict)


@st.composite
def reviews(draw: st.DrawFn) -> Generated:
    rnd = random.Random(draw(st.integers(0, 10**6)))
    n_ctx, n_mech, n_out = draw(st.integers(1, 7)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    contexts = [f"context {i}" for i in range(n_ctx)]
    parent = {c: (rnd.choice(contexts[:i]) if i and rnd.random() < 0.7 else None)
              for i, c in enumerate(contexts)}
    synonyms = {c: f"Alias of {c}" for c in contexts if rnd.random() < 0.3}
    studies = [f"Study {i}" for i in range(draw(st.integers(1, 5)))]
    design = {s: rnd.choice(DESIGNS) for s in studies}
    cmocs = []
    for i in range(draw(st.integers(1, 25))):
        ctx = rnd.sample(contexts, rnd.randint(1, min(3, n_ctx)))
        # Sometimes name a context by its synonym in odd case and spacing: it must resolve.
        named = [f"  {synonyms[c].upper()} " if c in synonyms and rnd.random() < 0.5 else c
                 for c in ctx]
        cmocs.append(cmo.CMOConfiguration(
            id=f"c{i}", studies=rnd.sample(studies, rnd.randint(1, min(3, len(studies)))),
            contexts=named, mechanism=f"mechanism {rnd.randrange(n_mech)}",
            outcomes=[f"outcome {o}" for o in rnd.sample(range(n_out), rnd.randint(1, 2)
                                                         if n_out > 1 else 1)],
            mechanism_fired=rnd.random() > 0.3,
            outcome_direction=rnd.choice(["positive", "negative", "none", None]),
            confidence=rnd.choice(["high", "moderate", "low"]),
            leads_to=[f"c{rnd.randrange(i)}"] if i and rnd.random() < 0.2 else []))
    rigour = {s: rnd.choice([*LEVELS, None]) for s in studies}
    relevance = {s: rnd.choice([*LEVELS, None]) for s in studies}
    override = {}
    for i, c in enumerate(cmocs):
        if rnd.random() < 0.25:
            override[c.id] = rnd.choice(LEVELS)
            cmocs[i] = c.model_copy(update={"evidence": [cmo.Evidence(
                quote=f"quote of {c.id}", study=c.studies[0])]})
    return Generated(parent, synonyms, design, cmocs, rigour, relevance, override)


def _rank(g: Generated, c: cmo.CMOConfiguration, aspect: str) -> int:
    """A CMOc's rigour or relevance: the best over its studies, the quote's override standing
    in for its study's level."""
    levels = g.rigour if aspect == "rigour" else g.relevance
    best = -1
    for s in c.studies:
        level = g.override[c.id] if (aspect == "rigour" and c.id in g.override
                                     and s == c.studies[0]) else levels[s]
        best = max(best, RANK[level] if level else -1)
    return best


def _by_rigour(g: Generated, studies: set[str]) -> tuple[int, int, int, int]:
    return tuple(sum(g.rigour[s] == level for s in studies)  # type: ignore[return-value]
                 for level in [*LEVELS, None])


def _canonical(g: Generated, label: str) -> str:
    for c, alias in g.synonyms.items():
        if cmo.model.ids.normalise_label(alias) == cmo.model.ids.normalise_label(label):
            return c
    return label


def _store(g: Generated) -> Store:
    store = open_store("memory:")
    refs = MintedRefs("r")
    triples = review_triples(cmo.Review(id="r", title="R"))
    for c, parent in g.parent.items():
        concept = cmo.Concept(kind="context", label=c,
                              alt_labels=[g.synonyms[c]] if c in g.synonyms else [])
        triples += concept_triples("r", concept, refs.concept(concept.kind, c),
                                   refs.concept(concept.kind, parent) if parent else None)
    for kind, labels in [("mechanism", {c.mechanism for c in g.cmocs}),
                         ("outcome", {o for c in g.cmocs for o in c.outcomes})]:
        for label in labels:
            concept = cmo.Concept(kind=kind, label=label)
            triples += concept_triples("r", concept, refs.concept(concept.kind, label), None)
    for key, design in g.design.items():
        triples += study_triples(cmo.Study(key=key, design=design), refs.study(key))
    for c in g.cmocs:
        plain = c.model_copy(update={"contexts": [_canonical(g, x) for x in c.contexts]})
        triples += cmoc_triples("r", plain, refs)
    when = datetime(2026, 11, 30, tzinfo=UTC)
    for aspect, levels in (("rigour", g.rigour), ("relevance", g.relevance)):
        for key, level in levels.items():
            if level:
                triples += appraisal_triples(refs.study(key), aspect, level, "why", "Ann", when)
    for cid, level in g.override.items():
        triples += appraisal_triples(ids.evidence_iri("r", cid, 1), "rigour", level, "one quote",
                                     None, when)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    import_rdf(store, "r", [("gen.nt", data, ox.RdfFormat.N_TRIPLES)], validate=False)
    return store


def _under(g: Generated, context: str) -> set[str]:
    out = {context}
    changed = True
    while changed:
        new = {c for c, p in g.parent.items() if p in out} - out
        out |= new
        changed = bool(new)
    return out


def _counts(cmocs: list[cmo.CMOConfiguration]) -> tuple[int, int, int, int]:
    return (len(cmocs), len({s for c in cmocs for s in c.studies}),
            sum(c.mechanism_fired for c in cmocs), sum(not c.mechanism_fired for c in cmocs))


ORACLE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


LEAST = st.none() | st.sampled_from(LEVELS)


@ORACLE
@given(g=reviews(), fired_only=st.booleans(), design=st.none() | st.sampled_from(DESIGNS),
       min_rigour=LEAST, min_relevance=LEAST)
def test_matrix_matches_plain_python(g: Generated, fired_only: bool, design: str | None,
                                     min_rigour: str | None, min_relevance: str | None) -> None:
    keep = [c for c in g.cmocs if (c.mechanism_fired or not fired_only)
            and (design is None or any(g.design[s] == design for s in c.studies))
            and (min_rigour is None or _rank(g, c, "rigour") >= RANK[min_rigour])
            and (min_relevance is None or _rank(g, c, "relevance") >= RANK[min_relevance])]
    cells: dict[tuple[str, str], list[cmo.CMOConfiguration]] = defaultdict(list)
    for c in keep:
        for ctx in {_canonical(g, x) for x in c.contexts}:
            cells[(ctx, c.mechanism)].append(c)
    expected = {k: (*_counts(v), _by_rigour(g, {s for c in v for s in c.studies}))
                for k, v in cells.items()}
    got = q.context_mechanism_matrix(_store(g), filters=q.CmocFilter.of(
        fired_only=fired_only, design=design, min_rigour=min_rigour,
        min_relevance=min_relevance))
    assert {(r.context.label, r.mechanism.label): (
        r.cmocs, r.studies, r.fired, r.not_fired,
        (r.rigour.high, r.rigour.moderate, r.rigour.low, r.rigour.unappraised))
        for r in got.rows} == expected
    assert [(r.context.label, r.mechanism.label) for r in got.rows] == sorted(expected)


@ORACLE
@given(g=reviews(), include_narrower=st.booleans(), pick=st.integers(0, 100))
def test_mechanisms_for_context_matches_plain_python(g: Generated, include_narrower: bool,
                                                    pick: int) -> None:
    context = sorted(g.parent)[pick % len(g.parent)]
    asked = _under(g, context) if include_narrower else {context}
    by_mech: dict[str, list[cmo.CMOConfiguration]] = defaultdict(list)
    for c in g.cmocs:
        if asked & {_canonical(g, x) for x in c.contexts}:
            by_mech[c.mechanism].append(c)  # once per CMOc, however many contexts match
    name = f" {g.synonyms.get(context, context).upper()}  "  # asked by synonym, odd spacing
    got = q.mechanisms_for_context(_store(g), name, include_narrower=include_narrower)
    assert got.context.label == context
    assert {r.mechanism.label: (r.cmocs, r.studies, r.fired, r.not_fired) for r in got.rows} == {
        m: _counts(cs) for m, cs in by_mech.items()}
    for row in got.rows:
        expected: dict[tuple[str, str | None], int] = defaultdict(int)
        for c in by_mech[row.mechanism.label]:
            for o in set(c.outcomes):
                expected[(o, c.outcome_direction)] += 1
        assert {(o.outcome.label, o.direction): o.cmocs for o in row.outcomes} == expected


@ORACLE
@given(g=reviews(), pick=st.integers(0, 100))
def test_contexts_and_outcomes_for_mechanism_match(g: Generated, pick: int) -> None:
    mechanism = sorted({c.mechanism for c in g.cmocs})[pick % len({c.mechanism for c in g.cmocs})]
    mine = [c for c in g.cmocs if c.mechanism == mechanism]
    store = _store(g)
    got = q.contexts_for_mechanism(store, mechanism.upper())
    by_ctx: dict[str, list[cmo.CMOConfiguration]] = defaultdict(list)
    for c in mine:
        for ctx in {_canonical(g, x) for x in c.contexts}:
            by_ctx[ctx].append(c)
    # Each side counts its own CMOcs once: the fired side only fired ones, and so on.
    for rows, fired in ((got.fired_in, True), (got.not_fired_in, False)):
        assert {r.context.label: (r.cmocs, r.studies, r.fired, r.not_fired) for r in rows} == {
            k: _counts(side) for k, v in by_ctx.items()
            if (side := [c for c in v if c.mechanism_fired == fired])}
    outcomes = q.outcomes_for_mechanism(store, mechanism)
    by_out: dict[tuple[str, str | None], list[cmo.CMOConfiguration]] = defaultdict(list)
    for c in mine:
        for o in set(c.outcomes):
            by_out[(o, c.outcome_direction)].append(c)
    assert {(r.outcome.label, r.direction): (r.cmocs, r.studies, r.fired, r.not_fired)
            for r in outcomes.rows} == {k: _counts(v) for k, v in by_out.items()}


def _ancestors(g: Generated, context: str) -> set[str]:
    out, parent = set(), g.parent[context]
    while parent is not None:
        out.add(parent)
        parent = g.parent[parent]
    return out


@ORACLE
@given(g=reviews(), min_studies=st.integers(1, 3), roll_up=st.booleans(), min_rigour=LEAST)
def test_patterns_match(g: Generated, min_studies: int, roll_up: bool,
                        min_rigour: str | None) -> None:
    groups: dict[tuple[str, str, str, str | None, bool], set[str]] = defaultdict(set)
    gathered: dict[tuple[str, str, str, str | None, bool], set[str]] = defaultdict(set)
    for c in g.cmocs:
        if min_rigour is not None and _rank(g, c, "rigour") < RANK[min_rigour]:
            continue
        for ctx in {_canonical(g, x) for x in c.contexts}:
            for up in {ctx} | (_ancestors(g, ctx) if roll_up else set()):
                for o in set(c.outcomes):
                    key = (up, c.mechanism, o, c.outcome_direction, c.mechanism_fired)
                    groups[key].update(c.studies)
                    if up != ctx:
                        gathered[key].add(ctx)
    got = q.recurring_patterns(_store(g), min_studies, roll_up=roll_up,
                               filters=q.CmocFilter.of(min_rigour=min_rigour))
    assert {(r.context.label, r.mechanism.label, r.outcome.label, r.direction, r.fired): (
        r.studies, {x.label for x in r.gathered}, r.low_rigour_only) for r in got.rows} == {
        k: (len(v), gathered[k], all(g.rigour[s] == "low" for s in v))
        for k, v in groups.items() if len(v) >= min_studies}


@ORACLE
@given(g=reviews())
def test_contradictions_match(g: Generated) -> None:
    # Plain Python: every pair of context configurations with a context in common and
    # opposite claims; same configuration: unexplained, else explained by the difference.
    config = {c.id: frozenset(_canonical(g, x) for x in c.contexts) for c in g.cmocs}
    expected: set[tuple[object, ...]] = set()

    def opposed(kind: str, mech: str, outcome: str | None, one: list[cmo.CMOConfiguration],
                other: list[cmo.CMOConfiguration]) -> None:
        for a in {config[c.id] for c in one}:
            for b in {config[c.id] for c in other}:
                studies = {s for c in one + other if config[c.id] in (a, b) for s in c.studies}
                if not a & b or (a == b and kind == "firing" and len(studies) < 2):
                    continue
                expected.add((a == b, kind, mech, outcome, a, b, frozenset(a ^ b)))

    for mech in {c.mechanism for c in g.cmocs}:
        mine = [c for c in g.cmocs if c.mechanism == mech]
        opposed("firing", mech, None, [c for c in mine if c.mechanism_fired],
                [c for c in mine if not c.mechanism_fired])
        for o in {o for c in mine for o in c.outcomes}:
            with_o = [c for c in mine if o in c.outcomes]
            opposed("direction", mech, o,
                    [c for c in with_o if c.outcome_direction == "positive"],
                    [c for c in with_o if c.outcome_direction == "negative"])
    got = q.contradictions(_store(g))

    def seen(rows: list[Any], same: bool) -> set[tuple[object, ...]]:
        return {(same, r.kind, r.mechanism.label, r.outcome.label if r.outcome else None,
                 frozenset(x.label for x in r.sides[0].contexts),
                 frozenset(x.label for x in r.sides[1].contexts),
                 frozenset(x.label for x in r.explained_by)) for r in rows}

    assert seen(got.rows, True) | seen(got.explained, False) == expected
    assert all(not r.explained_by for r in got.rows) and all(r.explained_by
                                                             for r in got.explained)


@ORACLE
@given(g=reviews())
def test_chains_follow_leads_to(g: Generated) -> None:
    got = q.chains(_store(g))
    targets = {t for c in g.cmocs for t in c.leads_to}
    heads = {c.id for c in g.cmocs if c.leads_to and c.id not in targets}
    assert {chain.cmocs[0] for chain in got.chains} == heads
    by_id = {c.id: c for c in g.cmocs}
    for chain in got.chains:
        for a, b in itertools.pairwise(chain.cmocs):
            assert b in by_id[a].leads_to
