"""The lossless mapping between the model and RDF (the shape in docs/data-model.md).

Writers turn a model object into triples, given `Refs` that say which IRI a label, key or id stands
for. Readers turn the triples of a resource back into the model, given `Names` for its links.

>>> from cmo.model.records import Review
>>> triples = review_triples(Review(id="r1", title="Peer support"))
>>> read_review(describe(triples), review_iri("r1")).title
'Peer support'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

from pyoxigraph import Literal, NamedNode, Triple

from cmo.model import ids
from cmo.model.ids import review_iri
from cmo.model.namespace import DCTERMS_IRI, PROV_IRI, RDF_IRI, RDFS_IRI, RKG, SKOS_IRI, XSD_IRI
from cmo.model.records import (
    STORED,
    CMOConfiguration,
    Concept,
    ConceptKind,
    Confidence,
    Direction,
    ProgrammeTheory,
    Review,
    Study,
    StudyDesign,
    TheoryPart,
    TheoryRelation,
)
from cmo.rdf.anchors import anchor_triples, read_anchor

Term = NamedNode | Literal
Description = dict[str, dict[str, list[Term]]]


@lru_cache(maxsize=1 << 16)
def _n(iri: str) -> NamedNode:
    # Cached: the same concept, study and review IRIs recur in every CMOc of a big import.
    return NamedNode(iri)


class P:
    """Predicates and classes as pyoxigraph terms (hot paths stay in pyoxigraph's types)."""

    type = _n(RDF_IRI + "type")
    label = _n(RDFS_IRI + "label")
    identifier = _n(DCTERMS_IRI + "identifier")
    title = _n(DCTERMS_IRI + "title")
    creator = _n(DCTERMS_IRI + "creator")
    description = _n(DCTERMS_IRI + "description")
    created = _n(DCTERMS_IRI + "created")
    modified = _n(DCTERMS_IRI + "modified")
    source = _n(DCTERMS_IRI + "source")
    doi = _n("http://purl.org/ontology/bibo/doi")
    document = _n("http://purl.org/ontology/bibo/Document")
    pref_label = _n(SKOS_IRI + "prefLabel")
    alt_label = _n(SKOS_IRI + "altLabel")
    broader = _n(SKOS_IRI + "broader")
    definition = _n(SKOS_IRI + "definition")
    in_scheme = _n(SKOS_IRI + "inScheme")
    note = _n(SKOS_IRI + "note")
    skos_concept = _n(SKOS_IRI + "Concept")
    concept_scheme = _n(SKOS_IRI + "ConceptScheme")
    revision_of = _n(PROV_IRI + "wasRevisionOf")
    attributed_to = _n(PROV_IRI + "wasAttributedTo")
    agent = _n(PROV_IRI + "Agent")



def _r(term: str) -> NamedNode:
    return NamedNode(str(term))


KIND_CLASS: dict[ConceptKind, NamedNode] = {
    ConceptKind.context: _r(RKG.Context),
    ConceptKind.mechanism: _r(RKG.Mechanism),
    ConceptKind.outcome: _r(RKG.Outcome),
    ConceptKind.intervention: _r(RKG.Intervention),
    ConceptKind.actor: _r(RKG.Actor),
}
CLASS_KIND = {cls.value: kind for kind, cls in KIND_CLASS.items()}
DIRECTION_IRI = {
    Direction.positive: _r(RKG.Positive), Direction.negative: _r(RKG.Negative),
    Direction.none: _r(RKG.NoChange), Direction.mixed: _r(RKG.Mixed),
}
CONFIDENCE_IRI = {Confidence.high: _r(RKG.High), Confidence.moderate: _r(RKG.Moderate),
                  Confidence.low: _r(RKG.Low)}
DESIGN_IRI = {
    StudyDesign.rct: _r(RKG.RCT), StudyDesign.quasi_experimental: _r(RKG.QuasiExperimental),
    StudyDesign.qualitative: _r(RKG.Qualitative),
    StudyDesign.process_evaluation: _r(RKG.ProcessEvaluation),
    StudyDesign.mixed_methods: _r(RKG.MixedMethods),
    StudyDesign.systematic_review: _r(RKG.SystematicReview),
    StudyDesign.realist_review: _r(RKG.RealistReview),
    StudyDesign.grey_literature: _r(RKG.GreyLiterature), StudyDesign.commentary: _r(RKG.Commentary),
}
_DIRECTION_OF = {v.value: k for k, v in DIRECTION_IRI.items()}
_CONFIDENCE_OF = {v.value: k for k, v in CONFIDENCE_IRI.items()}
_DESIGN_OF = {v.value: k for k, v in DESIGN_IRI.items()}

R = {name: _r(getattr(RKG, name)) for name in (
    "Review", "Study", "CMOConfiguration", "ProgrammeTheory", "Evidence", "quote", "page",
    "inReview", "fromStudy", "hasContext", "hasMechanism", "hasOutcome", "hasIntervention",
    "hasActor", "resource", "mechanismFired", "outcomeDirection", "confidence", "supportedBy",
    "supportsPart", "leadsTo", "partOfTheory", "reviewQuestion", "public", "year", "studyDesign",
    "journal", "statement", "version", "revision", "ifContext", "thenOutcome",
    "becauseMechanism", "theoryContext", "theoryMechanism", "theoryOutcome")}
#: A CMOc's relation to a theory version -> its predicate (`tested` is rkg:partOfTheory alone).
RELATION_IRI = {TheoryRelation.supports: _r(RKG.supportsTheory),
                TheoryRelation.refutes: _r(RKG.refutesTheory),
                TheoryRelation.refines: _r(RKG.refinesTheory)}
_RELATION_OF = {v.value: k for k, v in RELATION_IRI.items()}
#: A theory version's parts: the text predicate and the concept predicate of each.
PART_IRI = {ConceptKind.context: (R["ifContext"], R["theoryContext"]),
            ConceptKind.outcome: (R["thenOutcome"], R["theoryOutcome"]),
            ConceptKind.mechanism: (R["becauseMechanism"], R["theoryMechanism"])}


class ConceptRefs(Protocol):
    """Which IRI a concept label stands for within one review."""

    def concept(self, kind: ConceptKind, label: str) -> str: ...


class Refs(ConceptRefs, Protocol):
    """Which IRI a label, key or id stands for within one review."""

    def study(self, key: str) -> str: ...
    def theory(self, theory_id: str) -> str: ...
    def cmoc(self, cmoc_id: str) -> str: ...


class Names(Protocol):
    """What a linked IRI is called: a concept's label, a study's key, a theory's or CMOc's id."""

    def label_of(self, iri: str) -> str: ...
    def key_of(self, iri: str) -> str: ...
    def id_of(self, iri: str) -> str: ...


class MintedRefs:
    """Refs that mint the default IRI for every label, key and id (no lookups)."""

    def __init__(self, review_id: str) -> None:
        self.review_id = review_id

    def concept(self, kind: ConceptKind, label: str) -> str:
        """The minted IRI of a concept."""
        return ids.concept_iri(self.review_id, kind.value, label)

    def study(self, key: str) -> str:
        """The minted IRI of a study."""
        return ids.study_iri(self.review_id, key)

    def theory(self, theory_id: str) -> str:
        """The minted IRI of a theory version."""
        return ids.theory_iri(self.review_id, theory_id)

    def cmoc(self, cmoc_id: str) -> str:
        """The minted IRI of a CMOc."""
        return ids.cmoc_iri(self.review_id, cmoc_id)


def _lit(value: str) -> Literal:
    return Literal(value)


def datetime_literal(value: datetime) -> Literal:
    """An xsd:dateTime literal (UTC when the value has no time zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return Literal(value.isoformat().replace("+00:00", "Z"),
                   datatype=_n(XSD_IRI + "dateTime"))


class _Triples:
    """A small builder so the writers read as a list of statements."""

    def __init__(self, subject: str) -> None:
        self.s = _n(subject)
        self.out: list[Triple] = []

    def add(self, p: NamedNode, o: Term | str | None, *, iri: bool = False) -> None:
        if o is None:
            return
        if isinstance(o, str):
            o = _n(o) if iri else _lit(o)
        self.out.append(Triple(self.s, p, o))


def review_triples(review: Review) -> list[Triple]:
    """The triples describing a review (they live in the review's own graph)."""
    t = _Triples(review_iri(review.id))
    t.add(P.type, R["Review"])
    t.add(P.identifier, review.id)
    t.add(P.title, review.title)
    t.add(R["reviewQuestion"], review.question)
    t.add(R["public"], Literal(review.public))
    t.add(P.created, datetime_literal(review.created) if review.created else None)
    scheme = _Triples(ids.scheme_iri(review.id))
    scheme.add(P.type, P.concept_scheme)
    scheme.add(P.title, f"Concepts of review {review.id}")
    return t.out + scheme.out


def study_triples(study: Study, iri: str) -> list[Triple]:
    """The triples describing a study."""
    t = _Triples(iri)
    t.add(P.type, R["Study"])
    t.add(P.type, P.document)
    t.add(P.identifier, study.key)
    t.add(P.title, study.title)
    t.add(P.creator, study.authors)
    t.add(R["year"], Literal(study.year) if study.year is not None else None)
    t.add(R["studyDesign"], DESIGN_IRI[study.design] if study.design else None)
    t.add(P.doi, study.doi)
    t.add(R["journal"], study.journal)
    t.add(P.description, study.purpose)
    return t.out


def concept_triples(review_id: str, concept: Concept, iri: str,
                    broader_iri: str | None) -> list[Triple]:
    """The triples describing a concept in the review's concept scheme."""
    t = _Triples(iri)
    t.add(P.type, KIND_CLASS[concept.kind])
    t.add(P.type, P.skos_concept)
    t.add(P.pref_label, concept.label)
    for alt in concept.alt_labels:
        t.add(P.alt_label, alt)
    t.add(P.broader, broader_iri, iri=True)
    t.add(P.definition, concept.definition)
    t.add(P.in_scheme, ids.scheme_iri(review_id), iri=True)
    return t.out


def theory_triples(theory: ProgrammeTheory, iri: str, revision_of_iri: str | None,
                   refs: ConceptRefs | None = None) -> list[Triple]:
    """The triples describing one version of a programme theory (`refs` names the concepts its
    parts are about; needed only when they name some). Its recorded change is described apart
    (`cmo.rdf.theories.change_triples`)."""
    t = _Triples(iri)
    t.add(P.type, R["ProgrammeTheory"])
    t.add(P.identifier, theory.id)
    t.add(P.label, theory.label)
    t.add(R["statement"], theory.statement)
    t.add(R["version"], Literal(theory.version))
    t.add(P.revision_of, revision_of_iri, iri=True)
    for kind, (text_p, concept_p) in PART_IRI.items():
        part: TheoryPart | None = getattr(theory, kind.value)
        if part is None:
            continue
        t.add(text_p, part.text)
        for label in part.concepts:
            if refs is None:
                raise ValueError("theory_triples needs refs for the concepts of its parts")
            t.add(concept_p, refs.concept(kind, label), iri=True)
    return t.out


def cmoc_triples(review_id: str, cmoc: CMOConfiguration, refs: Refs) -> list[Triple]:
    """The triples of a CMOc and its evidence (concepts and studies are described elsewhere)."""
    iri = refs.cmoc(cmoc.id)
    t = _Triples(iri)
    t.add(P.type, R["CMOConfiguration"])
    t.add(P.identifier, cmoc.id)
    t.add(R["inReview"], review_iri(review_id), iri=True)
    for key in cmoc.studies:
        t.add(R["fromStudy"], refs.study(key), iri=True)
    for label in cmoc.contexts:
        t.add(R["hasContext"], refs.concept(ConceptKind.context, label), iri=True)
    t.add(R["hasMechanism"], refs.concept(ConceptKind.mechanism, cmoc.mechanism), iri=True)
    for label in cmoc.outcomes:
        t.add(R["hasOutcome"], refs.concept(ConceptKind.outcome, label), iri=True)
    t.add(R["resource"], cmoc.resource)
    if cmoc.intervention:
        t.add(R["hasIntervention"], refs.concept(ConceptKind.intervention, cmoc.intervention),
              iri=True)
    if cmoc.actor:
        t.add(R["hasActor"], refs.concept(ConceptKind.actor, cmoc.actor), iri=True)
    t.add(R["mechanismFired"], Literal(cmoc.mechanism_fired))
    t.add(R["outcomeDirection"], DIRECTION_IRI[cmoc.outcome_direction] if cmoc.outcome_direction
          else None)
    t.add(R["confidence"], CONFIDENCE_IRI[cmoc.confidence] if cmoc.confidence else None)
    relation = {link.theory: link.relation for link in cmoc.theory_links}
    for theory_id in cmoc.theories:
        t.add(R["partOfTheory"], refs.theory(theory_id), iri=True)
        if relation.get(theory_id) in RELATION_IRI:
            t.add(RELATION_IRI[relation[theory_id]], refs.theory(theory_id), iri=True)
    for later in cmoc.leads_to:
        t.add(R["leadsTo"], refs.cmoc(later), iri=True)
    if cmoc.reviewer:
        t.add(P.attributed_to, ids.agent_iri(cmoc.reviewer), iri=True)
    t.add(P.created, datetime_literal(cmoc.created) if cmoc.created else None)
    t.add(P.modified, datetime_literal(cmoc.modified) if cmoc.modified else None)
    t.add(P.note, cmoc.notes)
    out = t.out
    for n, evidence in enumerate(cmoc.evidence, start=1):
        ev_iri = ids.evidence_iri(review_id, cmoc.id, n)
        out.append(Triple(t.s, R["supportedBy"], _n(ev_iri)))
        e = _Triples(ev_iri)
        e.add(P.type, R["Evidence"])
        e.add(R["quote"], evidence.quote)
        e.add(R["page"], evidence.page)
        e.add(R["supportsPart"], evidence.part)
        if evidence.study:
            e.add(P.source, refs.study(evidence.study), iri=True)
        out += e.out + anchor_triples(review_id, ev_iri, evidence)
    if cmoc.reviewer:
        a = _Triples(ids.agent_iri(cmoc.reviewer))
        a.add(P.type, P.agent)
        a.add(P.label, cmoc.reviewer)
        out += a.out
    return out


# Reading -----------------------------------------------------------------------------------------

def describe(triples: Iterable[Triple]) -> Description:
    """Index triples by subject and predicate (IRIs as strings)."""
    out: Description = defaultdict(lambda: defaultdict(list))
    for t in triples:
        s, o = t.subject, t.object
        if isinstance(s, NamedNode) and isinstance(o, NamedNode | Literal):
            out[s.value][t.predicate.value].append(o)
    return out


def _one(d: dict[str, list[Term]], p: NamedNode) -> str | None:
    values = d.get(p.value)
    return values[0].value if values else None


def _all(d: dict[str, list[Term]], p: NamedNode) -> list[str]:
    return [v.value for v in d.get(p.value, [])]


def _when(d: dict[str, list[Term]], p: NamedNode) -> datetime | None:
    value = _one(d, p)
    return datetime.fromisoformat(value) if value else None


def read_review(desc: Description, iri: str) -> Review:
    """A review from the triples describing it."""
    d = desc[iri]
    return Review.model_validate({
        "id": _one(d, P.identifier) or ids.local_id(iri), "title": _one(d, P.title) or "",
        "question": _one(d, R["reviewQuestion"]), "public": _one(d, R["public"]) == "true",
        "created": _when(d, P.created)}, context=STORED)


def read_study(desc: Description, iri: str) -> Study:
    """A study from the triples describing it."""
    d = desc[iri]
    year = _one(d, R["year"])
    design = _one(d, R["studyDesign"])
    return Study.model_validate({
        "key": _one(d, P.identifier) or ids.local_id(iri), "title": _one(d, P.title),
        "authors": _one(d, P.creator), "year": int(year) if year else None,
        "design": _DESIGN_OF.get(design) if design else None, "doi": _one(d, P.doi),
        "journal": _one(d, R["journal"]), "purpose": _one(d, P.description)}, context=STORED)


def read_concept(desc: Description, iri: str, kind: ConceptKind, names: Names) -> Concept:
    """A concept from the triples describing it."""
    d = desc[iri]
    broader = _one(d, P.broader)
    return Concept.model_validate({
        "kind": kind, "label": _one(d, P.pref_label) or ids.local_id(iri),
        "alt_labels": sorted(_all(d, P.alt_label), key=str.casefold),
        "broader": names.label_of(broader) if broader else None,
        "definition": _one(d, P.definition), "iri": iri}, context=STORED)


def read_theory(desc: Description, iri: str, names: Names) -> ProgrammeTheory:
    """A programme theory version from the triples describing it (without its change)."""
    d = desc[iri]
    revised = _one(d, P.revision_of)
    version = _one(d, R["version"])
    parts = {}
    for kind, (text_p, concept_p) in PART_IRI.items():
        text, concepts = _one(d, text_p), _all(d, concept_p)
        if text is not None or concepts:
            parts[kind.value] = {"text": text, "concepts": sorted(
                (names.label_of(c) for c in concepts), key=str.casefold)}
    return ProgrammeTheory.model_validate({
        "id": _one(d, P.identifier) or ids.local_id(iri),
        "label": _one(d, P.label) or ids.local_id(iri), "statement": _one(d, R["statement"]),
        "version": int(version) if version else 1,
        "revision_of": names.id_of(revised) if revised else None, **parts}, context=STORED)


def theory_links_of(d: dict[str, list[Term]], names: Names) -> list[dict[str, str]]:
    """A CMOc's links to theory versions, each with its relation (`tested` when plain)."""
    out = {names.id_of(t): TheoryRelation.tested.value for t in _all(d, R["partOfTheory"])}
    for p, relation in _RELATION_OF.items():
        for t in d.get(p, []):
            out[names.id_of(t.value)] = relation.value
    return [{"theory": t, "relation": r} for t, r in sorted(out.items())]


def _evidence_order(iri: str) -> tuple[int, str]:
    match = re.search(r"(\d+)$", iri)
    return (int(match.group(1)) if match else 0, iri)


def read_cmoc(desc: Description, iri: str, names: Names) -> CMOConfiguration:
    """A CMOc from the triples describing it and its evidence."""
    d = desc[iri]

    def labels(p: NamedNode) -> list[str]:
        return sorted((names.label_of(v) for v in _all(d, p)), key=str.casefold)

    evidence = []
    for ev in sorted(_all(d, R["supportedBy"]), key=_evidence_order):
        e = desc.get(ev, {})
        source = _one(e, P.source)
        evidence.append({"quote": _one(e, R["quote"]) or "", "page": _one(e, R["page"]),
                         "study": names.key_of(source) if source else None,
                         "part": _one(e, R["supportsPart"]),
                         **read_anchor(desc, e, names.id_of)})
    mechanism = labels(R["hasMechanism"])
    intervention = labels(R["hasIntervention"])
    actor = labels(R["hasActor"])
    direction = _one(d, R["outcomeDirection"])
    confidence = _one(d, R["confidence"])
    reviewer = _one(d, P.attributed_to)
    links = theory_links_of(d, names)
    return CMOConfiguration.model_validate({
        "id": _one(d, P.identifier) or ids.local_id(iri),
        "studies": sorted((names.key_of(s) for s in _all(d, R["fromStudy"])), key=str.casefold),
        "contexts": labels(R["hasContext"]), "mechanism": mechanism[0] if mechanism else "",
        "outcomes": labels(R["hasOutcome"]), "resource": _one(d, R["resource"]),
        "intervention": intervention[0] if intervention else None,
        "actor": actor[0] if actor else None,
        "mechanism_fired": _one(d, R["mechanismFired"]) != "false",
        "outcome_direction": _DIRECTION_OF.get(direction) if direction else None,
        "confidence": _CONFIDENCE_OF.get(confidence) if confidence else None,
        "evidence": evidence,
        "theories": [link["theory"] for link in links], "theory_links": links,
        "leads_to": sorted(names.id_of(c) for c in _all(d, R["leadsTo"])),
        "reviewer": names.label_of(reviewer) if reviewer else None,
        "notes": _one(d, P.note), "created": _when(d, P.created),
        "modified": _when(d, P.modified)}, context=STORED)
