"""Appraisals and confidence judgements as RDF (the shape in docs/appraisal.md).

An appraisal is a node of its own, `<study or evidence IRI>/appraisal/<aspect>`, so a study can be
replaced (PUT) without losing it and a new judgement of an aspect replaces the old one:

    <.../study/jolly-2012/appraisal/rigour> a rkg:Appraisal, prov:Entity ;
        rkg:appraises <.../study/jolly-2012> ; rkg:rigour rkg:HighRigour ;
        rkg:rationale "..." ; prov:wasAttributedTo <agent> ;
        prov:generatedAtTime "2026-11-30T08:00:00Z"^^xsd:dateTime .

>>> [t.predicate.value.rsplit("#", 1)[-1] for t in appraisal_triples(
...     "https://x/study/s", "rigour", "high", "Cochrane methods", None,
...     datetime(2026, 1, 1))][2:4]
['appraises', 'rigour']
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from pyoxigraph import Literal, NamedNode, Triple

from cmo.model import ids
from cmo.model.namespace import PROV_IRI, RKG
from cmo.rdf.mapping import P, datetime_literal
from cmo.rdf.provenance import agent_triples

_ENTITY = NamedNode(PROV_IRI + "Entity")
GENERATED_AT = NamedNode(PROV_IRI + "generatedAtTime")


def _r(name: str) -> NamedNode:
    return NamedNode(str(getattr(RKG, name)))


A = {name: _r(name) for name in (
    "Appraisal", "appraises", "relevance", "rigour", "richness", "rationale",
    "ConfidenceAssessment", "ComponentJudgement", "findingKey", "assesses", "hasJudgement",
    "component", "concern", "suggestedConcern")}
#: (aspect, token) -> the level's IRI, for the three aspects of an appraisal.
LEVEL_IRI: dict[tuple[str, str], NamedNode] = {
    ("relevance", "high"): _r("HighRelevance"), ("relevance", "moderate"): _r("ModerateRelevance"),
    ("relevance", "low"): _r("LowRelevance"), ("rigour", "high"): _r("HighRigour"),
    ("rigour", "moderate"): _r("ModerateRigour"), ("rigour", "low"): _r("LowRigour"),
    ("richness", "thick"): _r("Thick"), ("richness", "thin"): _r("Thin")}
LEVEL_OF = {iri.value: key for key, iri in LEVEL_IRI.items()}
COMPONENT_IRI = {"methodological-limitations": _r("MethodologicalLimitations"),
                 "coherence": _r("Coherence"), "adequacy": _r("Adequacy"),
                 "relevance": _r("RelevanceOfData")}
COMPONENT_OF = {iri.value: token for token, iri in COMPONENT_IRI.items()}
CONCERN_IRI = {"none": _r("NoConcerns"), "minor": _r("MinorConcerns"),
               "moderate": _r("ModerateConcerns"), "serious": _r("SeriousConcerns")}
CONCERN_OF = {iri.value: token for token, iri in CONCERN_IRI.items()}


def appraisal_iri(target: str, aspect: str) -> str:
    """The IRI of the appraisal of one aspect of a study or evidence item."""
    return f"{target}/appraisal/{aspect}"


def _provenance(s: NamedNode, rationale: str | None, agent: str | None,
                when: datetime) -> list[Triple]:
    out = [Triple(s, GENERATED_AT, datetime_literal(when))]
    if rationale:
        out.append(Triple(s, A["rationale"], Literal(rationale)))
    if agent:
        out += [Triple(s, P.attributed_to, NamedNode(ids.agent_iri(agent))),
                *agent_triples(agent)]
    return out


def appraisal_triples(target: str, aspect: str, level: str, rationale: str | None,
                      agent: str | None, when: datetime) -> list[Triple]:
    """The triples of one appraisal: `aspect` of `target` judged `level`."""
    s = NamedNode(appraisal_iri(target, aspect))
    return [Triple(s, P.type, A["Appraisal"]), Triple(s, P.type, _ENTITY),
            Triple(s, A["appraises"], NamedNode(target)),
            Triple(s, A[aspect], LEVEL_IRI[(aspect, level)]),
            *_provenance(s, rationale, agent, when)]


def assessment_iri(review_id: str, key: str) -> str:
    """The IRI of the confidence assessment of the finding named by `key`."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"{ids.review_iri(review_id)}/assessment/{digest}"


def assessment_triples(iri: str, key: str, description: str, cmocs: list[str]) -> list[Triple]:
    """The assessment node itself: which finding, and the CMOcs it rests on now."""
    s = NamedNode(iri)
    return [Triple(s, P.type, A["ConfidenceAssessment"]), Triple(s, P.type, _ENTITY),
            Triple(s, A["findingKey"], Literal(key)),
            Triple(s, P.description, Literal(description)),
            *(Triple(s, A["assesses"], NamedNode(c)) for c in cmocs)]


def judgement_iri(assessment: str, component: str) -> str:
    """The IRI of the judgement of one component of an assessment."""
    return f"{assessment}/{component}"


def judgement_triples(assessment: str, component: str, concern: str, suggested: str,
                      reason: str, agent: str | None, when: datetime) -> list[Triple]:
    """One component judgement, linked from its assessment."""
    s = NamedNode(judgement_iri(assessment, component))
    return [Triple(NamedNode(assessment), A["hasJudgement"], s),
            Triple(s, P.type, A["ComponentJudgement"]), Triple(s, P.type, _ENTITY),
            Triple(s, A["component"], COMPONENT_IRI[component]),
            Triple(s, A["concern"], CONCERN_IRI[concern]),
            Triple(s, A["suggestedConcern"], CONCERN_IRI[suggested]),
            *_provenance(s, reason, agent, when)]
