"""The reviewer's questions, over one review or several; the same JSON as `cmo query`."""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel

from api.deps import PrincipalDep, ReadableReview, StoreDep, readable_review_ids
from cmo.model import answers
from cmo.model.appraisal import Relevance, Rigour
from cmo.model.records import Confidence, Direction, StudyDesign
from cmo.questions import engine
from cmo.questions.engine import (
    CmocFilter,
    context_mechanism_matrix,
    contexts_for_mechanism,
    evidence_trail,
    mechanisms_for_context,
    outcomes_for_mechanism,
    recurring_patterns,
)

router = APIRouter(tags=["questions"])
E = TypeVar("E", StudyDesign, Confidence, Direction, Relevance, Rigour)


def _json(answer: BaseModel) -> Response:
    """The answer as JSON, serialised once: it was typed when built, so FastAPI need not
    validate it again (that doubled the time of a 100k-cell matrix)."""
    return Response(answer.model_dump_json(), media_type="application/json")


def _words(choices: type[E], more: str = "") -> str:
    return f"one of: {', '.join(choices)}{more} (any case)"


def cmoc_filter(
        design: Annotated[str | None, Query(description=_words(
            StudyDesign, ", or a design's label or synonym"))] = None,
        min_confidence: Annotated[str | None, Query(description=_words(Confidence))] = None,
        fired_only: bool = False,
        direction: Annotated[str | None, Query(description=_words(Direction))] = None,
        theory: Annotated[str | None, Query(description="theory id or label")] = None,
        min_relevance: Annotated[str | None, Query(description=_words(Relevance))] = None,
        min_rigour: Annotated[str | None, Query(description=_words(Rigour))] = None
        ) -> CmocFilter:
    """Which CMOcs count: by study design, confidence, firing, direction, theory, or the
    appraised relevance and rigour of their sources. An unknown value is refused (422, naming
    the field, the value and the closest allowed values)."""
    return CmocFilter.of(design=design, min_confidence=min_confidence, fired_only=fired_only,
                         direction=direction, theory=theory, min_relevance=min_relevance,
                         min_rigour=min_rigour)


FilterDep = Annotated[CmocFilter, Depends(cmoc_filter)]


@router.get("/matrix", response_model=answers.Matrix)
def cross_review_matrix(store: StoreDep, principal: PrincipalDep, filters: FilterDep,
                        review: Annotated[list[str] | None, Query()] = None) -> Response:
    """The context x mechanism matrix across the given reviews (all readable ones if none)."""
    ids = readable_review_ids(store, principal, review)
    answer = context_mechanism_matrix(store, ids, filters) if ids else answers.Matrix(rows=[])
    return _json(answer)


@router.get("/reviews/{review_id}/matrix", response_model=answers.Matrix)
def matrix(review: ReadableReview, store: StoreDep, filters: FilterDep) -> Response:
    """For every (context, mechanism) pair: CMOcs, distinct studies, fired and not fired."""
    return _json(context_mechanism_matrix(store, [review.id], filters))


@router.get("/reviews/{review_id}/mechanisms", response_model=answers.MechanismsForContext)
def mechanisms(review: ReadableReview, store: StoreDep, filters: FilterDep, context: str,
               include_narrower: bool = True) -> Response:
    """Which mechanisms fire (or not) in a context and its narrower contexts, with outcomes."""
    return _json(mechanisms_for_context(store, context, include_narrower=include_narrower,
                                        reviews=[review.id], filters=filters))


@router.get("/reviews/{review_id}/contexts", response_model=answers.ContextsForMechanism)
def contexts(review: ReadableReview, store: StoreDep, filters: FilterDep, mechanism: str,
             include_narrower: bool = True) -> Response:
    """The contexts where a mechanism fired and those where it did not, side by side."""
    return _json(contexts_for_mechanism(store, mechanism, include_narrower=include_narrower,
                                        reviews=[review.id], filters=filters))


@router.get("/reviews/{review_id}/outcomes", response_model=answers.OutcomesForMechanism)
def outcomes(review: ReadableReview, store: StoreDep, filters: FilterDep, mechanism: str,
             include_narrower: bool = True) -> Response:
    """What a mechanism produces: outcomes by direction, with counts."""
    return _json(outcomes_for_mechanism(store, mechanism, include_narrower=include_narrower,
                                        reviews=[review.id], filters=filters))


@router.get("/reviews/{review_id}/evidence", response_model=answers.EvidenceTrail)
def evidence(review: ReadableReview, store: StoreDep, filters: FilterDep,
             cmoc: str | None = None, concept: str | None = None,
             kind: Literal["context", "mechanism", "outcome"] = "context",
             context: str | None = None, mechanism: str | None = None,
             include_narrower: bool = True) -> Response:
    """Studies, quotes and pages behind a CMOc (`cmoc`), a concept (`concept`, `kind`) or a
    matrix cell (`context` and `mechanism`)."""
    return _json(evidence_trail(store, cmoc=cmoc, concept=concept, kind=kind,
                                context=context, mechanism=mechanism,
                                include_narrower=include_narrower, reviews=[review.id],
                                filters=filters))


@router.get("/reviews/{review_id}/chains", response_model=answers.Chains)
def chains(review: ReadableReview, store: StoreDep, start: str | None = None,
           max_length: Annotated[int, Query(ge=1, le=100, description="links per chain")] = 10,
           limit: Annotated[int, Query(ge=0, le=1000, description="chains per page (0: the graph "
                                                            "and total only)")] = 100,
           offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """CMO chains along rkg:leadsTo, from `start` or from every chain head: the chain graph
    (`cmocs`, `links`) and one page of the maximal chains (`chains`, `total`, `truncated`,
    `next_offset`).

    Cost: maximal chains can be exponentially many (20 CMOcs each leading to every later one
    make 2^18), so they come a page at a time. The answer holds the chain graph (linear in the
    review's CMOcs and links) plus at most `limit` chains of at most `max_length` + 1 ids;
    `total` is left out (null) when the graph has a cycle or is too large to count cheaply,
    and a page that would take too long to reach is cut short (`truncated`)."""
    return _json(engine.chains(store, start, max_length=max_length, limit=limit, offset=offset,
                               reviews=[review.id]))


@router.get("/reviews/{review_id}/patterns", response_model=answers.Patterns)
def patterns(review: ReadableReview, store: StoreDep, filters: FilterDep,
             min_studies: Annotated[int, Query(ge=1)] = 2, roll_up: bool = False) -> Response:
    """Demi-regularities: patterns supported by at least `min_studies` distinct studies; with
    `roll_up`, CMOcs of narrower contexts count toward the broader ones (`gathered`)."""
    return _json(recurring_patterns(store, min_studies, roll_up=roll_up, reviews=[review.id],
                                    filters=filters))


@router.get("/reviews/{review_id}/contradictions", response_model=answers.Contradictions)
def contradictions(review: ReadableReview, store: StoreDep,
                   filters: FilterDep) -> Response:
    """Same mechanism and a shared context with opposite directions, or fired here and not
    there: `rows` with the same context configuration on both sides (unexplained), and
    `explained`, where the configurations differ (`explained_by`)."""
    return _json(engine.contradictions(store, reviews=[review.id], filters=filters))
