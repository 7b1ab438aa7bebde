"""Appraising a review's studies (relevance, richness, rigour) and overriding one fragment's.

Each judgement is stored with its rationale, who made it and when (`cmo.rdf.appraisals`); a new
judgement of an aspect replaces the old one. Questions read them from the review index.

>>> import cmo
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="R").cmocs.create(id="c1", studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"])
>>> a = appraise_study(kg.store, "r", "s 2020", AppraisalUpdate(rigour="high",
...     rationale="a well-reported trial", appraiser="Ann"))
>>> a.rigour.level, a.rigour.appraiser, a.relevance
('high', 'Ann', None)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from cmo.errors import InvalidInput, NotFound, Problem
from cmo.model import ids
from cmo.model.appraisal import (
    AppraisalUpdate,
    EvidenceAppraisal,
    EvidenceOverride,
    Judgement,
    StudyAppraisal,
)
from cmo.model.ids import normalise_label
from cmo.rdf.appraisals import appraisal_iri, appraisal_triples
from cmo.rdf.provenance import current_agent
from cmo.review.index import AppraisalFacts, ReviewIndex, review_indexes
from cmo.store import Store
from cmo.store.writes import locked, write

ASPECTS = ("relevance", "richness", "rigour")


def _judgement(index: ReviewIndex, facts: AppraisalFacts | None) -> Judgement | None:
    if facts is None:
        return None
    who = index.agents.get(facts.agent, ids.local_id(facts.agent)) if facts.agent else None
    return Judgement(level=facts.level, rationale=facts.rationale, appraiser=who,
                     date=datetime.fromisoformat(facts.time) if facts.time else None)


def _study(index: ReviewIndex, key: str) -> str:
    wanted = normalise_label(key)
    for iri, study in index.studies.items():
        if normalise_label(study.key) == wanted:
            return iri
    raise NotFound(f"No study {key!r} in review {index.review_id!r}.")


def _appraisal(index: ReviewIndex, iri: str) -> StudyAppraisal:
    found = index.appraisals.get(iri, {})
    return StudyAppraisal(study=index.studies[iri].key,
                          **{a: _judgement(index, found.get(a)) for a in ASPECTS})


def get_appraisal(store: Store, review_id: str, key: str) -> StudyAppraisal:
    """A study's appraisal (aspects not judged yet are None); NotFound for an unknown study."""
    index = review_indexes(store, [review_id])[0]
    return _appraisal(index, _study(index, key))


def list_appraisals(store: Store, review_id: str) -> list[StudyAppraisal]:
    """Every study's appraisal, by study key."""
    index = review_indexes(store, [review_id])[0]
    return sorted((_appraisal(index, iri) for iri in index.studies),
                  key=lambda a: a.study.casefold())


@locked
def appraise_study(store: Store, review_id: str, key: str,
                   update: AppraisalUpdate) -> StudyAppraisal:
    """Judge a study's relevance, richness and/or rigour (each aspect given replaces its earlier
    judgement); InvalidInput when no aspect is given, NotFound for an unknown study."""
    index = review_indexes(store, [review_id])[0]
    iri = _study(index, key)
    given = {a: getattr(update, a) for a in ASPECTS if getattr(update, a) is not None}
    if not given:
        raise InvalidInput("Nothing to appraise.", [Problem(
            field="relevance", reason="give at least one of relevance, richness, rigour")])
    who = update.appraiser or current_agent()
    now = datetime.now(UTC)
    triples = [t for aspect, level in given.items() for t in appraisal_triples(
        iri, aspect, level.value,
        getattr(update, f"{aspect}_rationale") or update.rationale, who, now)]
    write(store, review_id, remove=[appraisal_iri(iri, a) for a in given], add=triples)
    return get_appraisal(store, review_id, key)


def _evidence(index: ReviewIndex, cmoc_id: str, item: int) -> str:
    cmoc = index.cmoc_by_id.get(cmoc_id)
    if cmoc is None:
        raise NotFound(f"No CMOc {cmoc_id!r} in review {index.review_id!r}.")
    iri = ids.evidence_iri(index.review_id, cmoc_id, item)
    if iri not in cmoc.evidence or iri not in index.evidence:
        raise NotFound(f"CMOc {cmoc_id!r} has no evidence item {item} "
                       f"(it has {len(cmoc.evidence)}).")
    return iri


def _evidence_appraisal(index: ReviewIndex, cmoc_id: str, item: int,
                        iri: str) -> EvidenceAppraisal:
    found = index.appraisals.get(iri, {})
    return EvidenceAppraisal(cmoc=cmoc_id, item=item, quote=index.evidence[iri].quote,
                             relevance=_judgement(index, found.get("relevance")),
                             rigour=_judgement(index, found.get("rigour")))


def get_evidence_appraisal(store: Store, review_id: str, cmoc_id: str,
                           item: int) -> EvidenceAppraisal:
    """The overrides on the `item`-th quote (1-based) of a CMOc."""
    index = review_indexes(store, [review_id])[0]
    return _evidence_appraisal(index, cmoc_id, item, _evidence(index, cmoc_id, item))


@locked
def override_evidence(store: Store, review_id: str, cmoc_id: str, item: int,
                      override: EvidenceOverride) -> EvidenceAppraisal:
    """Give one quote of a CMOc its own rigour and/or relevance, with the rationale; it
    counts instead of its study's for that CMOc (filters, confidence)."""
    index = review_indexes(store, [review_id])[0]
    iri = _evidence(index, cmoc_id, item)
    given = {a: getattr(override, a) for a in ("relevance", "rigour")
             if getattr(override, a) is not None}
    if not given:
        raise InvalidInput("Nothing to override.", [Problem(
            field="rigour", reason="give rigour, relevance or both")])
    who = override.appraiser or current_agent()
    now = datetime.now(UTC)
    write(store, review_id, remove=[appraisal_iri(iri, a) for a in given], add=[
        t for a, level in given.items()
        for t in appraisal_triples(iri, a, level.value, override.rationale, who, now)])
    return get_evidence_appraisal(store, review_id, cmoc_id, item)


def appraisal_nodes(targets: Sequence[str]) -> list[str]:
    """The IRIs of every appraisal a study or evidence item may have (to delete with it)."""
    return [appraisal_iri(t, a) for t in targets for a in ASPECTS]
