"""Every question's answer equals a plain-Python computation over the same random reviews."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cmo
from cmo.interchange.rdf_files import import_rdf
from cmo.questions import engine as q
from cmo.rdf.mapping import MintedRefs, cmoc_triples, concept_triples, review_triples, study_triples
from cmo.store import Store, open_store

DESIGNS = ["rct", "qualitative", "process-evaluation"]


@dataclass
class Generated:
    """A random review as plain Python: labels, hierarchy, CMOcs."""

    parent: dict[str, str | None]
    synonyms: dict[str, str]
    design: dict[str, str]
    cmocs: list[cmo.CMOConfiguration]


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
    return Generated(parent, synonyms, design, cmocs)


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


@ORACLE
@given(g=reviews(), fired_only=st.booleans(), design=st.none() | st.sampled_from(DESIGNS))
def test_matrix_matches_plain_python(g: Generated, fired_only: bool, design: str | None) -> None:
    keep = [c for c in g.cmocs if (c.mechanism_fired or not fired_only)
            and (design is None or any(g.design[s] == design for s in c.studies))]
    cells: dict[tuple[str, str], list[cmo.CMOConfiguration]] = defaultdict(list)
    for c in keep:
        for ctx in {_canonical(g, x) for x in c.contexts}:
            cells[(ctx, c.mechanism)].append(c)
    expected = {k: _counts(v) for k, v in cells.items()}
    got = q.context_mechanism_matrix(_store(g), filters=q.CmocFilter(fired_only=fired_only,
                                                                     design=design))
    assert {(r.context.label, r.mechanism.label): (r.cmocs, r.studies, r.fired, r.not_fired)
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
    assert {r.context.label for r in got.fired_in} == {k for k, v in by_ctx.items()
                                                       if any(c.mechanism_fired for c in v)}
    assert {r.context.label for r in got.not_fired_in} == {k for k, v in by_ctx.items()
                                                           if any(not c.mechanism_fired for c in v)}
    outcomes = q.outcomes_for_mechanism(store, mechanism)
    by_out: dict[tuple[str, str | None], list[cmo.CMOConfiguration]] = defaultdict(list)
    for c in mine:
        for o in set(c.outcomes):
            by_out[(o, c.outcome_direction)].append(c)
    assert {(r.outcome.label, r.direction): (r.cmocs, r.studies, r.fired, r.not_fired)
            for r in outcomes.rows} == {k: _counts(v) for k, v in by_out.items()}


@ORACLE
@given(g=reviews(), min_studies=st.integers(1, 3))
def test_patterns_and_contradictions_match(g: Generated, min_studies: int) -> None:
    store = _store(g)
    groups: dict[tuple[str, str, str, str | None, bool], set[str]] = defaultdict(set)
    cells: dict[tuple[str, str], list[cmo.CMOConfiguration]] = defaultdict(list)
    for c in g.cmocs:
        for ctx in {_canonical(g, x) for x in c.contexts}:
            cells[(ctx, c.mechanism)].append(c)
            for o in set(c.outcomes):
                key = (ctx, c.mechanism, o, c.outcome_direction, c.mechanism_fired)
                groups[key].update(c.studies)
    patterns = q.recurring_patterns(store, min_studies)
    assert {(r.context.label, r.mechanism.label, r.outcome.label, r.direction, r.fired): r.studies
            for r in patterns.rows} == {k: len(v) for k, v in groups.items()
                                        if len(v) >= min_studies}
    expected = set()
    for (ctx, mech), cs in cells.items():
        if any(c.mechanism_fired for c in cs) and any(not c.mechanism_fired for c in cs) and len(
                {s for c in cs for s in c.studies}) > 1:
            expected.add(("firing", ctx, mech, None))
        for o in {o for c in cs for o in c.outcomes}:
            dirs = {c.outcome_direction for c in cs if o in c.outcomes}
            if {"positive", "negative"} <= dirs:
                expected.add(("direction", ctx, mech, o))
    got = q.contradictions(store)
    assert {(r.kind, r.context.label, r.mechanism.label, r.outcome.label if r.outcome else None)
            for r in got.rows} == expected


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
