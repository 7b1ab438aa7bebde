"""A synthetic corpus of realist reviews for the benchmarks: N-Quads and plain Python.

    python bench/corpus.py --cmocs 100000 --reviews 334 --studies-per-review 30 --seed 1 \\
        --out bench/data/corpus-100k.nq

Each review lives in its own named graph `id:review/{rid}` (rid `r0001`, `r0002`, ...) and has the
shape of docs/data-model.md: the rkg:Review node and skos:ConceptScheme (written by
`cmo.rdf.mapping.review_triples`), its studies, its concepts (written by `concept_triples`), two
versions of a programme theory, and its CMOcs, each with one piece of evidence. What it looks like:

- CMOcs split evenly over the reviews; ids `c0001`, `c0002`, ... within a review;
- Zipf-like concept reuse within a review: a few contexts, mechanisms and outcomes are used very
  often, a long tail rarely (weight 1/rank over a shuffled order of the review's concepts);
- 3-level context hierarchies (skos:broader): ~5 top-level, ~15 mid-level, the rest leaves; a CMOc's
  contexts are leaves, or mid-level ones 15% of the time; mechanisms and outcomes are flat;
- 1-3 contexts, one mechanism, 1-2 outcomes and 1-2 studies per CMOc; 15% with the mechanism not
  fired; a direction (positive, negative, none, mixed) and a confidence (high, moderate, low) on
  every CMOc; ~10% lead to (rkg:leadsTo) a later CMOc of the same review;
- two programme theory versions per review (v2 prov:wasRevisionOf v1); most CMOcs are part of one;
- ~10% of concepts carry a synonym (skos:altLabel);
- labels built from small vocabularies ("low delivery intensity", "mothers feel understood",
  "improved attendance"), unique within (review, kind) after `cmo.model.ids.normalise_label`.

`generate()` is deterministic for a seed; each review draws from its own generator seeded with
(seed, review id), so review r0001 is the same whatever the number of reviews after it.

By default every review graph also gets the revision token (`<g> rkg:revision "..."`) that the
store's writes and `cmo import` add, so the software's per-review caches behave as they would on
imported data (`--no-revision` leaves it out).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from cmo.model import ids
from cmo.model.records import (
    Concept,
    ConceptKind,
    Confidence,
    Direction,
    ProgrammeTheory,
    Review,
    Study,
    StudyDesign,
)
from cmo.rdf.mapping import (
    CONFIDENCE_IRI,
    DIRECTION_IRI,
    P,
    R,
    concept_triples,
    review_triples,
    study_triples,
    theory_triples,
)

K = TypeVar("K", str, int)

# Shares and weights ------------------------------------------------------------------------------

NOT_FIRED_SHARE = 0.15
MID_CONTEXT_SHARE = 0.15          # a CMOc context is mid-level this often, else a leaf
LEADS_TO_SHARE = 0.10
ALT_LABEL_SHARE = 0.10
CONTEXTS_PER_CMOC = {1: 0.50, 2: 0.35, 3: 0.15}
OUTCOMES_PER_CMOC = {1: 0.70, 2: 0.30}
STUDIES_PER_CMOC = {1: 0.75, 2: 0.25}
DIRECTION_FIRED = {"positive": 0.60, "mixed": 0.15, "negative": 0.10, "none": 0.15}
DIRECTION_NOT_FIRED = {"none": 0.60, "negative": 0.25, "mixed": 0.15}
CONFIDENCE = {"high": 0.30, "moderate": 0.45, "low": 0.25}
THEORY = {"v2": 0.60, "v1": 0.30, "": 0.10}   # "" = part of no theory
DESIGN = {"qualitative": 0.20, "rct": 0.15, "quasi-experimental": 0.10,
          "process-evaluation": 0.12, "mixed-methods": 0.12, "systematic-review": 0.10,
          "realist-review": 0.05, "grey-literature": 0.10, "commentary": 0.06}
CONCEPT_ZIPF = 1.0                 # exponent of the rank weighting for concepts
STUDY_ZIPF = 0.7                   # studies are cited less unevenly
TOP_CONTEXTS = (4, 6)              # inclusive range per review
MID_CONTEXTS = (13, 17)


def leaf_contexts_for(n_cmocs: int) -> int:
    """How many leaf contexts a review with n CMOcs has."""
    return max(15, round(n_cmocs * 0.20))


def mechanisms_for(n_cmocs: int) -> int:
    """How many mechanisms a review with n CMOcs has."""
    return max(8, round(n_cmocs * 0.12))


def outcomes_for(n_cmocs: int) -> int:
    """How many outcomes a review with n CMOcs has."""
    return max(8, round(n_cmocs * 0.10))


# Vocabularies (lower-case ASCII letters and spaces only, so a unique label has a unique slug) ----

CONTEXT_DOMAINS = (
    "delivery", "setting", "population", "workforce", "organisation", "policy", "culture",
    "resources", "family", "community", "technology", "funding")
CONTEXT_FACETS = (
    "intensity", "timing", "mode", "continuity", "training", "supervision", "location",
    "leadership", "language", "income", "age", "parity", "education", "ethnicity", "rurality",
    "staffing", "workload", "trust", "norms", "access", "capacity", "stability", "support",
    "commitment")
CONTEXT_QUALIFIERS = (
    "low", "high", "early", "late", "limited", "extended", "weak", "strong", "informal", "formal",
    "flexible", "rigid", "rural", "urban", "remote", "in person", "group", "individual",
    "intermittent", "sustained", "minimal", "intensive", "shared", "targeted", "universal",
    "voluntary", "mandatory", "paid", "unpaid", "new", "established", "declining")
MECHANISM_ACTORS = (
    "mothers", "fathers", "parents", "patients", "peers", "staff", "nurses", "carers",
    "volunteers", "managers", "young people", "older adults", "clinicians", "teachers",
    "students", "residents")
MECHANISM_RESPONSES = (
    "feel understood", "gain confidence", "build trust", "feel judged", "lose motivation",
    "feel supported", "share experience", "recognise benefits", "feel obliged", "feel empowered",
    "seek help", "fear stigma", "value flexibility", "feel isolated", "commit to change",
    "see a role model", "gain knowledge", "feel accountable", "resist change", "feel respected")
OUTCOME_CHANGES = (
    "improved", "reduced", "sustained", "earlier", "increased", "lower", "better", "greater",
    "poorer", "delayed")
OUTCOME_THINGS = (
    "breastfeeding continuation", "service uptake", "attendance", "self efficacy", "wellbeing",
    "adherence", "retention", "satisfaction", "knowledge", "readmission", "anxiety", "isolation",
    "employment", "smoking cessation", "physical activity", "weight loss", "medication use",
    "quality of life", "school attendance", "engagement", "blood pressure control",
    "help seeking")
SURNAMES = (
    "Jolly", "Renfrew", "Hoddinott", "Trickey", "Dennis", "Chapman", "Ingram", "Khan", "Deeks",
    "MacArthur", "Pawson", "Tilley", "Wong", "Greenhalgh", "Westhorp", "Jagosh", "Dalkin",
    "Rycroft", "Manzano", "Marchal", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson",
    "Evans", "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
    "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Patel",
    "Nguyen", "Garcia", "Muller", "Rossi", "Andersen", "Kowalski", "Okafor", "Mensah", "Tanaka",
    "Silva", "Cohen", "Larsen", "Novak", "Horvat", "Dubois")
JOURNALS = (
    "BMJ", "BMJ Open", "The Lancet", "Implementation Science", "BMC Health Services Research",
    "Social Science and Medicine", "Maternal and Child Nutrition", "Evaluation",
    "Health Expectations", "Journal of Advanced Nursing", "PLoS One", "Public Health")
REVIEW_INTERVENTIONS = (
    "Peer support", "Community health workers", "Text message reminders", "Home visiting",
    "Group education", "Mentoring", "Care coordination", "Lay health advisors",
    "Online forums", "Health coaching", "Social prescribing", "Family group conferencing")
REVIEW_TARGETS = (
    "breastfeeding", "hypertension", "diabetes self management", "smoking cessation",
    "mental health recovery", "medication adherence", "early years development",
    "physical activity", "HIV care retention", "postnatal depression", "school attendance",
    "falls prevention")
THEORY_THEMES = (
    "peer relationship", "trust building", "social norms", "capability", "role modelling",
    "continuity of care", "empowerment", "reciprocity", "legitimacy", "readiness")
DESIGN_WORDS = {
    "qualitative": "A qualitative study", "rct": "A randomised controlled trial",
    "quasi-experimental": "A controlled before and after study",
    "process-evaluation": "A process evaluation", "mixed-methods": "A mixed methods evaluation",
    "systematic-review": "A systematic review", "realist-review": "A realist review",
    "grey-literature": "A service report", "commentary": "A commentary"}


# The corpus as plain Python ----------------------------------------------------------------------

@dataclass(slots=True)
class ConceptData:
    """One concept of a review: kind token, preferred label, IRI, broader IRI, synonyms."""

    kind: str                       # "context" | "mechanism" | "outcome"
    label: str
    iri: str
    broader: str | None = None      # IRI of the broader concept (contexts only)
    alt_labels: tuple[str, ...] = ()
    depth: int = 1                  # 1 top-level, 2 mid-level, 3 leaf (mechanisms, outcomes: 1)


@dataclass(slots=True)
class StudyData:
    """One study of a review."""

    key: str
    iri: str
    title: str
    authors: str
    year: int
    design: str                     # a StudyDesign token, e.g. "rct"
    journal: str | None = None
    doi: str | None = None


@dataclass(slots=True)
class TheoryData:
    """One version of the review's programme theory."""

    id: str
    iri: str
    label: str
    statement: str
    version: int
    revision_of: str | None = None  # IRI of the version it revises


@dataclass(slots=True)
class CmocData:
    """One CMOc: IRIs of what it links to, tokens for direction and confidence, one evidence."""

    id: str
    iri: str
    studies: tuple[str, ...]
    contexts: tuple[str, ...]
    mechanism: str
    outcomes: tuple[str, ...]
    fired: bool
    direction: str                  # "positive" | "negative" | "none" | "mixed"
    confidence: str                 # "high" | "moderate" | "low"
    theory: str | None              # IRI of the theory version it is part of
    leads_to: tuple[str, ...]       # IRIs of later CMOcs of the same review
    quote: str
    page: str

    @property
    def evidence_iri(self) -> str:
        """The IRI of its (single) evidence: `{cmoc iri}/evidence/1`."""
        return f"{self.iri}/evidence/1"

    @property
    def evidence_study(self) -> str:
        """The IRI of the study the quote comes from (the first of its studies)."""
        return self.studies[0]


@dataclass(slots=True)
class ReviewData:
    """One review and everything in its graph."""

    id: str
    iri: str
    title: str
    concepts: list[ConceptData] = field(default_factory=list)
    studies: list[StudyData] = field(default_factory=list)
    theories: list[TheoryData] = field(default_factory=list)
    cmocs: list[CmocData] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ConceptData]:
        """The review's concepts of one kind ("context", "mechanism", "outcome")."""
        return [c for c in self.concepts if c.kind == kind]

    def concept_index(self) -> dict[str, ConceptData]:
        """Concepts by IRI."""
        return {c.iri: c for c in self.concepts}


@dataclass(slots=True)
class Corpus:
    """The generated reviews, with the parameters that made them."""

    seed: int
    studies_per_review: int
    reviews: list[ReviewData]

    def cmocs(self) -> Iterator[tuple[ReviewData, CmocData]]:
        """Every (review, CMOc)."""
        for review in self.reviews:
            for cmoc in review.cmocs:
                yield review, cmoc

    def stats(self) -> dict[str, int]:
        """The counts `review_stats` gives over the whole store once the corpus is loaded."""
        out = dict.fromkeys(("reviews", "cmocs", "studies", "contexts", "mechanisms", "outcomes",
                             "not_fired", "chain_links", "theories", "evidence"), 0)
        for r in self.reviews:
            out["reviews"] += 1
            out["cmocs"] += len(r.cmocs)
            out["studies"] += len(r.studies)
            for kind in ("context", "mechanism", "outcome"):
                out[kind + "s"] += sum(1 for c in r.concepts if c.kind == kind)
            out["not_fired"] += sum(1 for c in r.cmocs if not c.fired)
            out["chain_links"] += len({(c.iri, t) for c in r.cmocs for t in c.leads_to})
            out["theories"] += len(r.theories)
            out["evidence"] += len(r.cmocs)
        return out


# Generation --------------------------------------------------------------------------------------

def _weighted(rng: random.Random, weights: dict[K, float]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Zipf:
    """Draws from `items` with weight 1/rank**s (the order of `items` is the rank)."""

    def __init__(self, items: Sequence[str], s: float) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(len(self.items))))

    def draw(self, rng: random.Random) -> str:
        i = bisect.bisect_right(self.cum, rng.random() * self.cum[-1])
        return self.items[min(i, len(self.items) - 1)]

    def distinct(self, rng: random.Random, k: int) -> tuple[str, ...]:
        k = min(k, len(self.items))
        chosen: list[str] = []
        while len(chosen) < k:
            item = self.draw(rng)
            if item not in chosen:
                chosen.append(item)
        return tuple(chosen)


class _Labels:
    """Labels (and synonyms) already taken in one (review, kind), compared normalised."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def take(self, candidates: Iterator[str], fallback: str) -> str:
        """The first free candidate, else `fallback` with the first free number after it."""
        for label in candidates:
            if ids.normalise_label(label) not in self.taken:
                self.taken.add(ids.normalise_label(label))
                return label
        for n in itertools.count(2):
            label = f"{fallback} {n}"
            if ids.normalise_label(label) not in self.taken:
                self.taken.add(ids.normalise_label(label))
                return label
        raise AssertionError("unreachable")

    def synonym(self, label: str) -> str | None:
        """A thesaurus-style synonym ("intensity, low" for "low intensity"), if free."""
        words = label.split(" ")
        alt = f"{' '.join(words[1:])}, {words[0]}" if len(words) > 1 else f"{label} in general"
        if ids.normalise_label(alt) in self.taken:
            return None
        self.taken.add(ids.normalise_label(alt))
        return alt


def _shuffled(rng: random.Random, items: Sequence[str]) -> list[str]:
    out = list(items)
    rng.shuffle(out)
    return out


def _contexts(rng: random.Random, rid: str, n_cmocs: int) -> list[ConceptData]:
    labels = _Labels()
    kind = "context"
    tops = [ConceptData(kind, label, ids.concept_iri(rid, kind, label), depth=1)
            for label in rng.sample(CONTEXT_DOMAINS, rng.randint(*TOP_CONTEXTS))]
    labels.taken.update(ids.normalise_label(t.label) for t in tops)
    # Mid-level: round-robin over the tops (each gets at least one), facet drawn per top.
    facets = {t.label: _shuffled(rng, CONTEXT_FACETS) for t in tops}
    mids = []
    for i in range(rng.randint(*MID_CONTEXTS)):
        top = tops[i % len(tops)] if i < len(tops) else rng.choice(tops)
        label = labels.take((f"{top.label} {f}" for f in facets[top.label]), f"{top.label} other")
        mids.append(ConceptData(kind, label, ids.concept_iri(rid, kind, label), top.iri, depth=2))
    qualifiers = {m.label: _shuffled(rng, CONTEXT_QUALIFIERS) for m in mids}
    leaves = []
    for i in range(leaf_contexts_for(n_cmocs)):
        mid = mids[i % len(mids)] if i < len(mids) else rng.choice(mids)
        label = labels.take((f"{q} {mid.label}" for q in qualifiers[mid.label]),
                            f"other {mid.label}")
        leaves.append(ConceptData(kind, label, ids.concept_iri(rid, kind, label), mid.iri,
                                  depth=3))
    concepts = tops + mids + leaves
    _add_synonyms(rng, labels, concepts)
    return concepts


def _flat(rng: random.Random, rid: str, kind: str, count: int,
          first: Sequence[str], second: Sequence[str]) -> list[ConceptData]:
    labels = _Labels()
    candidates = _shuffled(rng, [f"{a} {b}" for a in first for b in second])
    it = iter(candidates)
    concepts = []
    for _ in range(count):
        label = labels.take(it, candidates[0] if candidates else kind)
        concepts.append(ConceptData(kind, label, ids.concept_iri(rid, kind, label)))
    _add_synonyms(rng, labels, concepts)
    return concepts


def _add_synonyms(rng: random.Random, labels: _Labels, concepts: list[ConceptData]) -> None:
    for c in concepts:
        if rng.random() < ALT_LABEL_SHARE:
            alt = labels.synonym(c.label)
            if alt is not None:
                c.alt_labels = (alt,)


def _studies(rng: random.Random, rid: str, count: int, topic: str) -> list[StudyData]:
    taken: set[str] = set()
    designs = list(DESIGN)
    design_weights = list(DESIGN.values())
    out = []
    while len(out) < count:
        surname, year = rng.choice(SURNAMES), rng.randint(1995, 2025)
        key = f"{surname} {year}"
        for suffix in itertools.chain([""], "abcdefghijklmnopqrstuvwxyz"):
            if ids.normalise_label(key + suffix) not in taken:
                key += suffix
                break
        else:
            continue
        taken.add(ids.normalise_label(key))
        design = rng.choices(designs, weights=design_weights)[0]
        coauthors = rng.sample(SURNAMES, rng.randint(0, 5))
        authors = "; ".join(f"{name} {rng.choice('ABCDEFGHJKLMNPRSTW')}"
                            f"{rng.choice(['', 'A', 'J', 'M'])}"
                            for name in [surname, *[c for c in coauthors if c != surname]])
        has_doi = design not in ("grey-literature", "commentary") or rng.random() < 0.3
        out.append(StudyData(
            key=key, iri=ids.study_iri(rid, key),
            title=f"{DESIGN_WORDS[design]} of {topic.lower()} ({len(out) + 1})",
            authors=authors, year=year, design=design,
            journal=rng.choice(JOURNALS) if design != "grey-literature" else None,
            doi=f"10.{rng.randint(1000, 9999)}/{ids.slugify(key)}.{rng.randint(1, 999)}"
            if has_doi else None))
    return out


def _theories(rng: random.Random, rid: str, contexts: list[ConceptData],
              mechanisms: list[ConceptData], outcomes: list[ConceptData]) -> list[TheoryData]:
    theme = rng.choice(THEORY_THEMES)
    label = f"{theme[0].upper()}{theme[1:]} theory"
    top = next(c for c in contexts if c.depth == 1)
    leaf = next(c for c in contexts if c.depth == 3)
    mech, out = mechanisms[0], outcomes[0]
    v1_id, v2_id = f"{ids.slugify(theme)}-v1", f"{ids.slugify(theme)}-v2"
    v1 = TheoryData(v1_id, ids.theory_iri(rid, v1_id), label,
                    f"If {top.label} is favourable, then {mech.label}, leading to {out.label}.", 1)
    v2 = TheoryData(v2_id, ids.theory_iri(rid, v2_id), label,
                    f"If {top.label} is favourable, then {mech.label}, leading to {out.label}; "
                    f"but not where {leaf.label}, because the mechanism does not fire.", 2,
                    revision_of=v1.iri)
    return [v1, v2]


def _quote(rng: random.Random, contexts: list[str], mechanism: str, outcomes: list[str],
           fired: bool) -> str:
    ctx, out = " and ".join(contexts), " and ".join(outcomes)
    if fired:
        template = rng.choice((
            "Where there was {ctx}, {mech}, which was associated with {out}.",
            "Participants described how, with {ctx}, {mech}; this contributed to {out}.",
            "In settings with {ctx} we observed that {mech}, and reported {out}.",
            "Interviewees linked {out} to the fact that {mech} when there was {ctx}."))
    else:
        template = rng.choice((
            "With {ctx}, there was little sign that {mech}, and {out} did not follow.",
            "Where there was {ctx}, {mech} did not happen; no effect on {out} was seen.",
            "Despite the programme, {ctx} meant that {mech} rarely occurred, so {out} was not "
            "achieved."))
    return template.format(ctx=ctx, mech=mechanism, out=out)


def _page(rng: random.Random) -> str:
    x = rng.random()
    if x < 0.85:
        return str(rng.randint(1, 40))
    if x < 0.95:
        start = rng.randint(1, 39)
        return f"{start}-{start + 1}"
    return f"Table {rng.randint(1, 5)}"


def generate_review(rid: str, n_cmocs: int, studies_per_review: int = 30,
                    seed: int = 1) -> ReviewData:
    """One review with `n_cmocs` CMOcs (deterministic for (seed, rid))."""
    rng = random.Random(f"realist-kg-corpus:{seed}:{rid}")
    intervention, target = rng.choice(REVIEW_INTERVENTIONS), rng.choice(REVIEW_TARGETS)
    topic = f"{intervention} for {target}"
    review = ReviewData(rid, ids.review_iri(rid),
                        f"{topic}: what works, for whom, in what circumstances ({rid})")
    contexts = _contexts(rng, rid, n_cmocs)
    mechanisms = _flat(rng, rid, "mechanism", mechanisms_for(n_cmocs), MECHANISM_ACTORS,
                       MECHANISM_RESPONSES)
    outcomes = _flat(rng, rid, "outcome", outcomes_for(n_cmocs), OUTCOME_CHANGES,
                     OUTCOME_THINGS)
    review.concepts = contexts + mechanisms + outcomes
    review.studies = _studies(rng, rid, studies_per_review, topic)
    review.theories = _theories(rng, rid, contexts, mechanisms, outcomes)

    label = {c.iri: c.label for c in review.concepts}
    # The rank order of the Zipf weighting: a shuffle, so the popular concepts are anywhere.
    leaf_pick = _Zipf(_shuffled(rng, [c.iri for c in contexts if c.depth == 3]), CONCEPT_ZIPF)
    mid_pick = _Zipf(_shuffled(rng, [c.iri for c in contexts if c.depth == 2]), CONCEPT_ZIPF)
    mech_pick = _Zipf(_shuffled(rng, [c.iri for c in mechanisms]), CONCEPT_ZIPF)
    out_pick = _Zipf(_shuffled(rng, [c.iri for c in outcomes]), CONCEPT_ZIPF)
    study_pick = _Zipf(_shuffled(rng, [s.iri for s in review.studies]), STUDY_ZIPF)
    theory_of = {"v1": review.theories[0].iri, "v2": review.theories[1].iri, "": None}

    width = max(4, len(str(n_cmocs)))
    cmoc_iris = [ids.cmoc_iri(rid, f"c{i + 1:0{width}d}") for i in range(n_cmocs)]
    for i, iri in enumerate(cmoc_iris):
        n_ctx = _weighted(rng, CONTEXTS_PER_CMOC)
        ctx: list[str] = []
        while len(ctx) < n_ctx:
            pick = mid_pick if rng.random() < MID_CONTEXT_SHARE else leaf_pick
            iri_c = pick.draw(rng)
            if iri_c not in ctx:
                ctx.append(iri_c)
        mech = mech_pick.draw(rng)
        outs = out_pick.distinct(rng, _weighted(rng, OUTCOMES_PER_CMOC))
        studies = study_pick.distinct(rng, _weighted(rng, STUDIES_PER_CMOC))
        fired = rng.random() >= NOT_FIRED_SHARE
        direction = _weighted(rng, DIRECTION_FIRED if fired else DIRECTION_NOT_FIRED)
        confidence = _weighted(rng, CONFIDENCE)
        theory = theory_of[_weighted(rng, THEORY)]
        leads_to: tuple[str, ...] = ()
        if n_cmocs > 1 and rng.random() < LEADS_TO_SHARE:
            j = rng.randrange(i + 1, n_cmocs) if i < n_cmocs - 1 else rng.randrange(0, i)
            leads_to = (cmoc_iris[j],)
        quote = _quote(rng, [label[c] for c in ctx], label[mech], [label[o] for o in outs],
                       fired)
        review.cmocs.append(CmocData(
            id=iri.rsplit("/", 1)[1], iri=iri, studies=studies, contexts=tuple(ctx),
            mechanism=mech, outcomes=outs, fired=fired, direction=direction,
            confidence=confidence, theory=theory, leads_to=leads_to, quote=quote,
            page=_page(rng)))
    return review


def review_ids(reviews: int) -> list[str]:
    """The review ids r0001, r0002, ... (wider when there are more than 9999 reviews)."""
    width = max(4, len(str(reviews)))
    return [f"r{i + 1:0{width}d}" for i in range(reviews)]


def generate(cmocs: int, reviews: int, studies_per_review: int = 30, seed: int = 1) -> Corpus:
    """`cmocs` CMOcs split evenly over `reviews` reviews (the first ones get the remainder)."""
    if reviews < 1 or cmocs < reviews:
        raise ValueError("need at least one review and at least one CMOc per review")
    if studies_per_review < 2:
        raise ValueError("need at least two studies per review")
    base, extra = divmod(cmocs, reviews)
    return Corpus(seed, studies_per_review, [
        generate_review(rid, base + (1 if i < extra else 0), studies_per_review, seed)
        for i, rid in enumerate(review_ids(reviews))])


# RDF ---------------------------------------------------------------------------------------------

_TRUE, _FALSE = ox.Literal(True), ox.Literal(False)
_DIRECTION = {d.value: DIRECTION_IRI[d] for d in Direction}
_CONFIDENCE = {c.value: CONFIDENCE_IRI[c] for c in Confidence}


def _static_triples(review: ReviewData) -> list[ox.Triple]:
    """Review node, concept scheme, concepts, studies and theories, via the cmo.rdf writers."""
    out = review_triples(Review(id=review.id, title=review.title, public=False))
    by_iri = review.concept_index()
    for c in review.concepts:
        concept = Concept(kind=ConceptKind(c.kind), label=c.label, alt_labels=list(c.alt_labels),
                          broader=by_iri[c.broader].label if c.broader else None)
        out += concept_triples(review.id, concept, c.iri, c.broader)
    for s in review.studies:
        out += study_triples(Study(key=s.key, title=s.title, authors=s.authors, year=s.year,
                                   design=StudyDesign(s.design), doi=s.doi, journal=s.journal),
                             s.iri)
    theory_ids = {t.iri: t.id for t in review.theories}
    for t in review.theories:
        out += theory_triples(ProgrammeTheory(
            id=t.id, label=t.label, statement=t.statement, version=t.version,
            revision_of=theory_ids[t.revision_of] if t.revision_of else None),
            t.iri, t.revision_of)
    return out


def cmoc_quads(review: ReviewData, graph: ox.NamedNode,
               node: dict[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    """The quads of the review's CMOcs and their evidence: what `cmoc_triples` writes
    (checked by `check_writer_shape`), built straight from IRIs for speed."""
    typ, ident, in_review = P.type, P.identifier, R["inReview"]
    from_study, has_ctx, has_mech, has_out = (R["fromStudy"], R["hasContext"],
                                              R["hasMechanism"], R["hasOutcome"])
    fired_p, dir_p, conf_p, theory_p = (R["mechanismFired"], R["outcomeDirection"],
                                        R["confidence"], R["partOfTheory"])
    leads_p, supported, cmoc_cls, ev_cls = (R["leadsTo"], R["supportedBy"],
                                            R["CMOConfiguration"], R["Evidence"])
    quote_p, page_p, source = R["quote"], R["page"], P.source
    review_node = ox.NamedNode(review.iri)

    def n(iri: str) -> ox.NamedNode:
        term = node.get(iri)
        if term is None:
            term = node[iri] = ox.NamedNode(iri)
        return term

    Q = ox.Quad
    for c in review.cmocs:
        s = n(c.iri)
        yield Q(s, typ, cmoc_cls, graph)
        yield Q(s, ident, ox.Literal(c.id), graph)
        yield Q(s, in_review, review_node, graph)
        for x in c.studies:
            yield Q(s, from_study, n(x), graph)
        for x in c.contexts:
            yield Q(s, has_ctx, n(x), graph)
        yield Q(s, has_mech, n(c.mechanism), graph)
        for x in c.outcomes:
            yield Q(s, has_out, n(x), graph)
        yield Q(s, fired_p, _TRUE if c.fired else _FALSE, graph)
        yield Q(s, dir_p, _DIRECTION[c.direction], graph)
        yield Q(s, conf_p, _CONFIDENCE[c.confidence], graph)
        if c.theory:
            yield Q(s, theory_p, n(c.theory), graph)
        for x in c.leads_to:
            yield Q(s, leads_p, n(x), graph)
        ev = ox.NamedNode(c.evidence_iri)
        yield Q(s, supported, ev, graph)
        yield Q(ev, typ, ev_cls, graph)
        yield Q(ev, quote_p, ox.Literal(c.quote), graph)
        yield Q(ev, page_p, ox.Literal(c.page), graph)
        yield Q(ev, source, n(c.evidence_study), graph)


def review_quads(review: ReviewData, *, revision: str | None = None) -> list[ox.Quad]:
    """Every quad of one review's graph (plus its revision token when given)."""
    graph = ox.NamedNode(review.iri)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in _static_triples(review)]
    if revision is not None:
        quads.append(ox.Quad(graph, R["revision"], ox.Literal(revision), graph))
    quads += cmoc_quads(review, graph, {})
    return quads


def revision_token(corpus: Corpus, review: ReviewData) -> str:
    """The (deterministic) revision token written for a review."""
    return f"corpus-s{corpus.seed}-{review.id}"


def write_nquads(corpus: Corpus, path: str | os.PathLike[str], *, revision: bool = True) -> int:
    """Write the corpus as N-Quads, one review (one chunk) at a time; returns the quad count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as f:
        for review in corpus.reviews:
            quads = review_quads(
                review, revision=revision_token(corpus, review) if revision else None)
            ox.serialize(quads, f, ox.RdfFormat.N_QUADS)
            count += len(quads)
    return count


# Checks ------------------------------------------------------------------------------------------

def check_writer_shape(review: ReviewData) -> list[str]:
    """Differences between `cmoc_quads` and `cmoc_triples` for every CMOc of a review."""
    from cmo.model.records import CMOConfiguration, Evidence
    from cmo.rdf.mapping import MintedRefs, cmoc_triples

    label = {c.iri: c.label for c in review.concepts}
    key = {s.iri: s.key for s in review.studies}
    theory_id = {t.iri: t.id for t in review.theories}
    graph = ox.NamedNode(review.iri)
    ours = {(q.subject, q.predicate, q.object) for q in cmoc_quads(review, graph, {})}
    theirs = set()
    for c in review.cmocs:
        model = CMOConfiguration(
            id=c.id, studies=[key[s] for s in c.studies], contexts=[label[x] for x in c.contexts],
            mechanism=label[c.mechanism], outcomes=[label[x] for x in c.outcomes],
            mechanism_fired=c.fired, outcome_direction=Direction(c.direction),
            confidence=Confidence(c.confidence),
            evidence=[Evidence(quote=c.quote, page=c.page, study=key[c.evidence_study])],
            theories=[theory_id[c.theory]] if c.theory else [],
            leads_to=[x.rsplit("/", 1)[1] for x in c.leads_to])
        theirs |= {(t.subject, t.predicate, t.object)
                   for t in cmoc_triples(review.id, model, MintedRefs(review.id))}
    return ([f"only in corpus: {t}" for t in sorted(ours - theirs, key=str)][:10]
            + [f"only in cmo.rdf: {t}" for t in sorted(theirs - ours, key=str)][:10])


def check(corpus: Corpus, path: str | os.PathLike[str], quads: int,
          review_ids_to_check: Sequence[str] = ()) -> list[str]:
    """Load the file into a fresh memory store and compare it with the corpus; [] when all agree.

    Checks the quad count, `review_stats` over all reviews, that `list_cmocs` reads the
    checked reviews back as generated, that they conform to the SHACL shapes, and that the fast
    CMOc writer matches `cmoc_triples`.
    """
    from cmo.questions.stats import review_stats
    from cmo.review.cmocs import list_cmocs
    from cmo.review.concepts import list_concepts
    from cmo.review.validation import validate_review
    from cmo.store import open_store

    problems: list[str] = []
    store = open_store("memory:")
    store._store.load(path=str(path), format=ox.RdfFormat.N_QUADS)  # type: ignore[attr-defined]
    loaded = len(store._store)  # type: ignore[attr-defined]
    if loaded != quads:
        problems.append(f"store holds {loaded} quads, wrote {quads}")
    got = review_stats(store).model_dump()
    want = corpus.stats()
    if got != want:
        problems.append(f"review_stats {got} != corpus {want}")
    by_id = {r.id: r for r in corpus.reviews}
    for rid in review_ids_to_check or [corpus.reviews[0].id]:
        review = by_id[rid]
        label = {c.iri: c.label for c in review.concepts}
        key = {s.iri: s.key for s in review.studies}
        read = list_cmocs(store, rid)
        if [c.id for c in read] != [c.id for c in review.cmocs]:
            problems.append(f"{rid}: list_cmocs ids differ")
        for back, c in zip(read, review.cmocs, strict=False):
            want_c = (sorted((label[x] for x in c.contexts), key=str.casefold), label[c.mechanism],
                      sorted((label[x] for x in c.outcomes), key=str.casefold),
                      sorted((key[x] for x in c.studies), key=str.casefold), c.fired,
                      c.direction, c.confidence, [x.rsplit("/", 1)[1] for x in c.leads_to],
                      c.quote, c.page, key[c.evidence_study])
            got_c = (back.contexts, back.mechanism, back.outcomes, back.studies,
                     back.mechanism_fired,
                     back.outcome_direction.value if back.outcome_direction else None,
                     back.confidence.value if back.confidence else None, back.leads_to,
                     back.evidence[0].quote, back.evidence[0].page, back.evidence[0].study)
            if got_c != want_c:
                problems.append(f"{rid}/{c.id}: read back {got_c} != {want_c}")
                break
        concepts = {(c.kind.value, c.label, tuple(c.alt_labels), c.broader)
                    for c in (list_concepts(store, rid))}
        want_concepts = {(c.kind, c.label, c.alt_labels,
                          label[c.broader] if c.broader else None) for c in review.concepts}
        if concepts != want_concepts:
            problems.append(f"{rid}: list_concepts differs from the corpus")
        violations = validate_review(store, rid)
        if violations:
            problems.append(f"{rid}: {len(violations)} SHACL violation(s), first: {violations[0]}")
        problems += [f"{rid}: {d}" for d in check_writer_shape(review)]
    return problems


# CLI ---------------------------------------------------------------------------------------------

def _default_out(cmocs: int) -> Path:
    size = f"{cmocs // 1000}k" if cmocs % 1000 == 0 else str(cmocs)
    return Path(__file__).resolve().parent / "data" / f"corpus-{size}.nq"


def main(argv: Sequence[str] | None = None) -> int:
    """Generate a corpus, write it as N-Quads, print what was made (and optionally check it)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cmocs", type=int, default=10_000, help="CMOcs in total (10000)")
    parser.add_argument("--reviews", type=int, default=334, help="reviews (334)")
    parser.add_argument("--studies-per-review", type=int, default=30, help="studies (30)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--out", type=Path, help="N-Quads file (bench/data/corpus-{size}.nq)")
    parser.add_argument("--no-revision", action="store_true",
                        help="leave out the per-review revision token (rkg:revision)")
    parser.add_argument("--check", nargs="*", metavar="RID",
                        help="load the file into a memory store and compare it with the corpus "
                             "(stats; read-back, SHACL and writer shape of the given reviews, "
                             "default the first)")
    args = parser.parse_args(argv)
    out = args.out or _default_out(args.cmocs)

    t0 = time.perf_counter()
    corpus = generate(args.cmocs, args.reviews, args.studies_per_review, args.seed)
    t1 = time.perf_counter()
    quads = write_nquads(corpus, out, revision=not args.no_revision)
    t2 = time.perf_counter()
    stats = corpus.stats()
    print(f"{out}: {quads:,} quads, {out.stat().st_size / 1e6:.1f} MB")
    print(f"generate {t1 - t0:.1f} s, write {t2 - t1:.1f} s")
    print(", ".join(f"{k} {v:,}" for k, v in stats.items()))
    if args.check is not None:
        problems = check(corpus, out, quads, args.check)
        print(f"check {time.perf_counter() - t2:.1f} s: "
              + ("all agree" if not problems else f"{len(problems)} problem(s)"))
        for p in problems:
            print("  -", p)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())


def busiest_mid_context(review: ReviewData) -> ConceptData:
    """The mid-level context of a review whose subtree the most CMOcs use: the context the
    benchmarks ask "which mechanisms fire here?" about."""
    used: dict[str, int] = defaultdict(int)
    for c in review.cmocs:
        for x in c.contexts:
            used[x] += 1
    narrower: dict[str, list[str]] = defaultdict(list)
    for c in review.concepts:
        if c.broader:
            narrower[c.broader].append(c.iri)
    mids = [c for c in review.concepts if c.kind == "context" and c.depth == 2]
    score = {c.iri: used[c.iri] + sum(used[x] for x in narrower[c.iri]) for c in mids}
    return max(mids, key=lambda c: (score[c.iri], c.iri))
