"""Appraisal of a review's studies and fragments, and confidence in its findings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import PrincipalDep, ReadableReview, StoreDep, WritableReview
from cmo.model.appraisal import (
    AppraisalUpdate,
    ConfidenceJudgements,
    EvidenceAppraisal,
    EvidenceOverride,
    Finding,
    StudyAppraisal,
)
from cmo.model.records import validated
from cmo.questions.confidence import ConfidenceProfile, confidence_profile, judge_confidence
from cmo.rdf.provenance import acting_as
from cmo.review import appraisals

router = APIRouter(prefix="/reviews/{review_id}", tags=["appraisal"])


@router.get("/appraisals", response_model=list[StudyAppraisal])
def list_appraisals(review: ReadableReview, store: StoreDep) -> list[StudyAppraisal]:
    """Every study's appraisal: relevance, richness and rigour, each judged or null."""
    return appraisals.list_appraisals(store, review.id)


@router.get("/studies/{key}/appraisal", response_model=StudyAppraisal)
def get_appraisal(review: ReadableReview, key: str, store: StoreDep) -> StudyAppraisal:
    """A study's appraisal, with each rationale, appraiser and date."""
    return appraisals.get_appraisal(store, review.id, key)


@router.put("/studies/{key}/appraisal", response_model=StudyAppraisal)
def appraise_study(review: WritableReview, key: str, body: AppraisalUpdate, store: StoreDep,
                   principal: PrincipalDep) -> StudyAppraisal:
    """Judge the aspects given (relevance, richness, rigour); the others keep their
    judgement. The appraiser is the caller unless `appraiser` names someone."""
    with acting_as(principal.name):
        return appraisals.appraise_study(store, review.id, key, body)


@router.get("/cmocs/{cmoc_id}/evidence/{item}/appraisal", response_model=EvidenceAppraisal)
def get_evidence_appraisal(review: ReadableReview, cmoc_id: str, item: int,
                           store: StoreDep) -> EvidenceAppraisal:
    """The rigour and relevance one quote (1-based) of a CMOc has of its own, if any."""
    return appraisals.get_evidence_appraisal(store, review.id, cmoc_id, item)


@router.put("/cmocs/{cmoc_id}/evidence/{item}/appraisal", response_model=EvidenceAppraisal)
def override_evidence(review: WritableReview, cmoc_id: str, item: int, body: EvidenceOverride,
                      store: StoreDep, principal: PrincipalDep) -> EvidenceAppraisal:
    """Give one quote its own rigour and/or relevance, instead of its study's, with why."""
    with acting_as(principal.name):
        return appraisals.override_evidence(store, review.id, cmoc_id, item, body)


@router.get("/confidence", response_model=ConfidenceProfile)
def confidence(review: ReadableReview, store: StoreDep,
               cmoc: Annotated[list[str] | None, Query(description="CMOc ids")] = None,
               theory: str | None = None, context: str | None = None,
               mechanism: str | None = None, outcome: str | None = None,
               direction: str | None = None, fired: bool = True,
               roll_up: bool = False) -> ConfidenceProfile:
    """The confidence profile of a finding: a pattern (`context`, `mechanism`, `outcome`,
    `direction`, `fired`, `roll_up`), the CMOcs of a `theory`, or CMOcs by id (`cmoc`)."""
    finding = validated(Finding, {"cmocs": cmoc or [], "theory": theory, "context": context,
                                  "mechanism": mechanism, "outcome": outcome,
                                  "direction": direction, "fired": fired, "roll_up": roll_up})
    return confidence_profile(store, review.id, finding)


@router.put("/confidence", response_model=ConfidenceProfile)
def judge(review: WritableReview, body: ConfidenceJudgements, store: StoreDep,
          principal: PrincipalDep) -> ConfidenceProfile:
    """Confirm or override the suggested concern of components of a finding, each with a
    reason; stored with who and when."""
    with acting_as(principal.name):
        return judge_confidence(store, review.id, body)
