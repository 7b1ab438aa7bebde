"""What every question shares: which CMOcs count (`CmocFilter`), how a row counts them
(`Tally`), how concepts are named and found, and how appraisal levels are read.

A CMOc's rigour (or relevance), for the `min_rigour` / `min_relevance` filters, is the best over
its studies of that study's level, where a quote of the CMOc from that study carrying its own
level (an override) counts instead of the study's (the lowest such override). A row's rigour
counts describe its distinct studies by their own appraisal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypedDict, TypeVar

from cmo.errors import UnknownConcept
from cmo.model.answers import ConceptRef, EvidenceItem, RigourCounts, Side, StudyRef
from cmo.model.appraisal import RANK, Relevance, Rigour
from cmo.model.ids import normalise_label
from cmo.model.records import Confidence, Direction, StudyDesign, choose
from cmo.model.vocabulary import closest
from cmo.questions.filters import check_theory
from cmo.review.index import CmocFacts, ReviewIndex, review_indexes
from cmo.store import Store

E = TypeVar("E", StudyDesign, Confidence, Direction, Relevance, Rigour)
UNAPPRAISED = -1


def by_study(index: ReviewIndex, c: CmocFacts, aspect: str) -> dict[str, int]:
    """Study IRI -> the rank of `aspect` for what this CMOc draws from it: the lowest override
    on its quotes from that study (or on quotes of no known study), else the study's own
    appraisal (0 low, 1 moderate, 2 high; -1 not appraised)."""
    own: dict[str | None, int] = {}
    for ev in c.evidence:
        judged = index.appraisals.get(ev)
        if judged is not None and aspect in judged and ev in index.evidence:
            rank = RANK[judged[aspect].level]
            e = index.evidence[ev]
            source = e.source or (c.studies[0] if len(c.studies) == 1 else None)
            own[source] = min(own.get(source, rank), rank)
    anywhere = own.get(None)
    out = {}
    for s in c.studies:
        found = [x for x in (own.get(s), anywhere) if x is not None]
        if found:
            out[s] = min(found)
        else:
            judged = index.appraisals.get(s)
            out[s] = RANK[judged[aspect].level] if judged and aspect in judged else UNAPPRAISED
    return out


def levels(index: ReviewIndex, aspect: str) -> dict[str, int]:
    """CMOc IRI -> its rank for `aspect`: the best over its studies (`by_study`), computed
    once per index (a write makes a new index)."""
    key = ("levels", aspect)
    found: dict[str, int] | None = index.memo.get(key)
    if found is None:
        found = index.memo[key] = {c.iri: max(by_study(index, c, aspect).values(),
                                              default=UNAPPRAISED) for c in index.cmocs}
    return found


def study_rigour(indexes: Sequence[ReviewIndex]) -> dict[str, str]:
    """Study IRI -> its rigour token, over these reviews (appraised studies only)."""
    return {s: a["rigour"].level for ix in indexes for s, a in ix.appraisals.items()
            if "rigour" in a and s in ix.studies}


def rigour_counts(studies: Iterable[str], rigour: dict[str, str]) -> RigourCounts:
    """How many of `studies` are of high, moderate, low rigour, or not appraised."""
    counts = {"high": 0, "moderate": 0, "low": 0, "unappraised": 0}
    for s in studies:
        counts[rigour.get(s, "unappraised")] += 1
    # Four ints counted here: nothing to check again (model_construct, ~3x faster).
    return RigourCounts.model_construct(None, **counts)


@dataclass(frozen=True)
class CmocFilter:
    """Which CMOcs count: by study design, minimum confidence, firing, direction, theory,
    minimum relevance and minimum rigour of their sources."""

    design: StudyDesign | str | None = None
    min_confidence: Confidence | str | None = None
    fired_only: bool = False
    direction: Direction | str | None = None
    theory: str | None = None
    min_relevance: Relevance | str | None = None
    min_rigour: Rigour | str | None = None

    @classmethod
    def of(cls, *, design: str | None = None, min_confidence: str | None = None,
           fired_only: bool = False, direction: str | None = None,
           theory: str | None = None, min_relevance: str | None = None,
           min_rigour: str | None = None) -> CmocFilter:
        """The filter people's words ask for: a design by token, label or synonym, any value in
        any case; UnknownValue (naming the field and the closest values) for one outside its
        set. A theory is checked against the reviews when a question is asked."""
        def word(choices: type[E], name: str, value: str | None) -> E | None:
            return choose(choices, name, value) if value is not None else None

        return cls(word(StudyDesign, "design", design),
                   word(Confidence, "min_confidence", min_confidence), fired_only,
                   word(Direction, "direction", direction), theory,
                   word(Relevance, "min_relevance", min_relevance),
                   word(Rigour, "min_rigour", min_rigour))

    def accepts(self, c: CmocFacts, index: ReviewIndex) -> bool:
        """Whether a CMOc passes every filter that is set."""
        if self.fired_only and not c.fired:
            return False
        if self.direction is not None and c.direction != str(self.direction):
            return False
        if self.min_confidence is not None and (
                c.confidence is None or RANK[c.confidence] < RANK[str(self.min_confidence)]):
            return False
        if self.design is not None and not any(
                index.studies[s].design == str(self.design) for s in c.studies
                if s in index.studies):
            return False
        for aspect, least in (("relevance", self.min_relevance), ("rigour", self.min_rigour)):
            if least is not None and levels(index, aspect)[c.iri] < RANK[str(least)]:
                return False
        if self.theory is not None:
            wanted = normalise_label(self.theory)
            if not any(t in index.theories and wanted in (
                    normalise_label(index.theories[t][0]), normalise_label(index.theories[t][1]))
                    for t in c.theories):
                return False
        return True


NO_FILTER = CmocFilter()


def ref(index: ReviewIndex, iri: str) -> ConceptRef:
    """A concept as answers show it."""
    return ConceptRef(iri=iri, label=index.label.get(iri, iri.rsplit("/", 1)[-1]))


def order(r: ConceptRef) -> tuple[str, str]:
    """How concepts are sorted in answers: by label in any case, then IRI."""
    return (r.label.casefold(), r.iri)


class CountsDict(TypedDict):
    """A row's counts, as keyword arguments for the answer models."""

    cmocs: int
    studies: int
    fired: int
    not_fired: int
    rigour: RigourCounts


class Tally:
    """Counts for one row: CMOcs, distinct studies, fired and not fired."""

    __slots__ = ("cmocs", "fired", "not_fired", "studies")

    def __init__(self) -> None:
        self.cmocs = self.fired = self.not_fired = 0
        self.studies: set[str] = set()

    def add(self, c: CmocFacts) -> None:
        """Count one CMOc."""
        self.cmocs += 1
        self.studies.update(c.studies)
        if c.fired:
            self.fired += 1
        else:
            self.not_fired += 1

    def counts(self, rigour: dict[str, str]) -> CountsDict:
        """The row's counts, with its studies by rigour (`study_rigour`)."""
        return {"cmocs": self.cmocs, "studies": len(self.studies), "fired": self.fired,
                "not_fired": self.not_fired, "rigour": rigour_counts(self.studies, rigour)}


def selected(indexes: Iterable[ReviewIndex],
             filters: CmocFilter) -> Iterator[tuple[ReviewIndex, CmocFacts]]:
    """Every CMOc of these reviews that passes the filter, with its review's index."""
    for index in indexes:
        for c in index.cmocs:
            if filters is NO_FILTER or filters.accepts(c, index):
                yield index, c


def ids_of(reviews: Sequence[str] | None) -> list[str] | None:
    """The reviews asked, as a list (None: all)."""
    return list(reviews) if reviews else None


def asked(store: Store, reviews: Sequence[str] | None,
          filters: CmocFilter) -> list[ReviewIndex]:
    """The indexes of the reviews asked, once the filter's theory is known to be in them."""
    indexes = review_indexes(store, ids_of(reviews))
    check_theory(indexes, filters.theory)
    return indexes


def resolve(indexes: Sequence[ReviewIndex], kind: str,
            text: str) -> list[tuple[ReviewIndex, ConceptRef]]:
    """The concept `text` names in each review that has it; UnknownConcept if none does."""
    found = [(ix, ref(ix, iri)) for ix in indexes if (iri := ix.resolve(kind, text))]
    if not found:
        # Every known label and synonym, normalised, pointing at the preferred label to suggest.
        known = {name: ix.label[iri] for ix in indexes for (k, name), iri in ix.by_label.items()
                 if k == kind}
        near = closest(text, known)
        raise UnknownConcept(kind, text, list(dict.fromkeys(known[c] for c in near)))
    return found


def study_ref(index: ReviewIndex, iri: str) -> StudyRef:
    """A study as answers show it."""
    s = index.studies.get(iri)
    return StudyRef(iri=iri, key=s.key if s else iri.rsplit("/", 1)[-1],
                    title=s.title if s else None, design=s.design if s else None)


def evidence_items(index: ReviewIndex, c: CmocFacts) -> list[EvidenceItem]:
    """The quotes behind one CMOc."""
    items = []
    for ev in c.evidence:
        e = index.evidence.get(ev)
        if e is None:
            continue
        source = e.source or (c.studies[0] if len(c.studies) == 1 else None)
        items.append(EvidenceItem(review=index.review_id, cmoc=c.id, fired=c.fired,
                                  direction=c.direction, quote=e.quote, page=e.page,
                                  study=study_ref(index, source) if source else None))
    return items


def side(claim: str, pairs: list[tuple[ReviewIndex, CmocFacts]],
         contexts: list[ConceptRef] | None = None) -> Side:
    """One side of a contradiction: its claim, contexts, CMOcs and their quotes."""
    pairs = sorted(pairs, key=lambda p: (p[0].review_id, p[1].id))
    return Side(claim=claim, contexts=contexts or [], cmocs=[c.id for _, c in pairs],
                evidence=[e for ix, c in pairs for e in evidence_items(ix, c)])
