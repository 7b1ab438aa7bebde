"""The realist questions, asked of one review (`review.ask`), several or all (`kg.ask`).

Every question takes the same filters on which CMOcs count (`Filters`): a study design, a
minimum confidence, fired CMOcs only, an outcome direction, a programme theory, a minimum
relevance and a minimum rigour of their sources.

>>> import cmo
>>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
>>> _ = review.cmocs.create(studies=["Jolly 2012"], contexts=["low intensity support"],
...     mechanism="mothers engage with the peer", outcomes=["breastfeeding"],
...     mechanism_fired=False)
>>> answer = review.ask.mechanisms_for_context("low intensity support")
>>> [(row.mechanism.label, row.fired, row.not_fired) for row in answer.rows]
[('mothers engage with the peer', 0, 1)]
>>> review.ask.contexts_for_mechanism("mothers engage with the peer", fired_only=True).not_fired_in
[]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

from cmo.model.answers import (
    Chains,
    ConceptRef,
    ContextsForMechanism,
    Contradictions,
    EvidenceTrail,
    Matrix,
    MechanismsForContext,
    OutcomesForMechanism,
    Patterns,
)
from cmo.model.appraisal import Relevance, Rigour
from cmo.model.records import Confidence, Direction, StudyDesign
from cmo.questions import engine
from cmo.questions.chains import chains
from cmo.questions.engine import CmocFilter

if TYPE_CHECKING:
    from cmo.graph.knowledge_graph import KnowledgeGraph


class Filters(TypedDict, total=False):
    """Which CMOcs a question counts (all when none is given)."""

    design: StudyDesign | str
    min_confidence: Confidence | str
    fired_only: bool
    direction: Direction | str
    theory: str
    min_relevance: Relevance | str
    min_rigour: Rigour | str


class Questions:
    """The questions a realist reviewer asks, over one review, some, or all of them."""

    def __init__(self, kg: KnowledgeGraph, reviews: tuple[str, ...] | None) -> None:
        #: The knowledge graph asked.
        self.kg = kg
        #: The reviews asked (None: every review in the graph).
        self.reviews = reviews

    def across(self, review_id: str, *more: str) -> Questions:
        """The same questions over just these reviews."""
        return Questions(self.kg, (review_id, *more))

    def context_mechanism_matrix(self, **filters: Unpack[Filters]) -> Matrix:
        """For every (context, mechanism) pair: CMOcs, distinct studies, fired and not fired."""
        return engine.context_mechanism_matrix(self.kg.store, self.reviews,
                                               _filter(filters))

    def mechanisms_for_context(self, context: str, *, include_narrower: bool = True,
                               **filters: Unpack[Filters]) -> MechanismsForContext:
        """Every mechanism triggered or not in a context (or a narrower one), with outcomes."""
        return engine.mechanisms_for_context(self.kg.store, context,
                                             include_narrower=include_narrower,
                                             reviews=self.reviews, filters=_filter(filters))

    def contexts_for_mechanism(self, mechanism: str, *, include_narrower: bool = True,
                               **filters: Unpack[Filters]) -> ContextsForMechanism:
        """The contexts where a mechanism fired and those where it did not."""
        return engine.contexts_for_mechanism(self.kg.store, mechanism,
                                             include_narrower=include_narrower,
                                             reviews=self.reviews, filters=_filter(filters))

    def outcomes_for_mechanism(self, mechanism: str, *, include_narrower: bool = True,
                               **filters: Unpack[Filters]) -> OutcomesForMechanism:
        """What a mechanism produces: each outcome and direction, with its counts."""
        return engine.outcomes_for_mechanism(self.kg.store, mechanism,
                                             include_narrower=include_narrower,
                                             reviews=self.reviews, filters=_filter(filters))

    def evidence_trail(self, *, cmoc: str | None = None, concept: str | None = None,
                       kind: str = "context", context: str | None = None,
                       mechanism: str | None = None, include_narrower: bool = True,
                       **filters: Unpack[Filters]) -> EvidenceTrail:
        """The studies, quotes and pages behind a CMOc, a concept (of `kind`), or a matrix
        cell (`context` and `mechanism` together)."""
        return engine.evidence_trail(self.kg.store, cmoc=cmoc, concept=concept, kind=kind,
                                     context=context, mechanism=mechanism,
                                     include_narrower=include_narrower, reviews=self.reviews,
                                     filters=_filter(filters))

    def recurring_patterns(self, min_studies: int = 2, *, roll_up: bool = False,
                           **filters: Unpack[Filters]) -> Patterns:
        """Demi-regularities: context-mechanism-outcome patterns backed by `min_studies`
        (with `roll_up`, narrower contexts count toward the broader ones)."""
        return engine.recurring_patterns(self.kg.store, min_studies, roll_up=roll_up,
                                         reviews=self.reviews, filters=_filter(filters))

    def contradictions(self, **filters: Unpack[Filters]) -> Contradictions:
        """Opposite outcomes, or fired here and not there, for the same mechanism and shared
        contexts: unexplained (`rows`, same configuration) and explained by context apart."""
        return engine.contradictions(self.kg.store, reviews=self.reviews,
                                     filters=_filter(filters))

    def chains(self, start: str | None = None, *, max_length: int = 10, limit: int = 100,
               offset: int = 0) -> Chains:
        """The chain graph along leadsTo and one page of its maximal chains."""
        return chains(self.kg.store, start, max_length=max_length, limit=limit,
                      offset=offset, reviews=self.reviews)

    def lookup_concept(self, kind: str, text: str) -> list[ConceptRef]:
        """The concepts of `kind` named by an IRI, label or synonym, one per review."""
        return engine.lookup_concept(self.kg.store, kind, text, self.reviews)


def _filter(filters: Filters) -> CmocFilter:
    """The engine's filter; UnknownValue for a design, confidence or direction it does not know
    (a design may be given by label or synonym, in any case).

    >>> _filter({"min_confidence": "high", "design": "Randomized controlled trial"}).design
    <StudyDesign.rct: 'rct'>
    """
    return CmocFilter.of(**filters)
