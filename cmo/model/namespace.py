"""The `rkg:` vocabulary as Python terms, and the other namespaces realist-kg writes.

The terms are checked against `ontology/rkg.ttl` and `ontology/vocab.ttl` by a test, so a term used
here and missing from the ontology (or the other way round) fails the build.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

RKG_IRI = "https://w3id.org/realist-kg/ns#"
ID_IRI = "https://w3id.org/realist-kg/id/"
#: The service's own bookkeeping (tokens, locks, write receipts, idempotency records), kept in the
#: system graph; never part of a review's data or its exports.
SYS_IRI = "https://w3id.org/realist-kg/system#"

SKOS_IRI = "http://www.w3.org/2004/02/skos/core#"
PROV_IRI = "http://www.w3.org/ns/prov#"
DCTERMS_IRI = "http://purl.org/dc/terms/"
BIBO_IRI = "http://purl.org/ontology/bibo/"
OA_IRI = "http://www.w3.org/ns/oa#"
RDF_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_IRI = "http://www.w3.org/2000/01/rdf-schema#"
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
OWL_IRI = "http://www.w3.org/2002/07/owl#"

PREFIXES: dict[str, str] = {
    "rkg": RKG_IRI,
    "skos": SKOS_IRI,
    "prov": PROV_IRI,
    "dcterms": DCTERMS_IRI,
    "bibo": BIBO_IRI,
    "oa": OA_IRI,
    "rdf": RDF_IRI,
    "rdfs": RDFS_IRI,
    "xsd": XSD_IRI,
    "owl": OWL_IRI,
}


class RKG(DefinedNamespace):
    """The realist-kg vocabulary (`https://w3id.org/realist-kg/ns#`)."""

    _fail = True
    _NS = Namespace(RKG_IRI)

    # Classes
    Review: URIRef  # a realist review; its data lives in its own named graph
    Study: URIRef  # a source document (a bibo:Document)
    CMOConfiguration: URIRef  # one context-mechanism-outcome configuration
    Context: URIRef  # conditions that switch a mechanism on or off
    Mechanism: URIRef  # the reasoning or response a resource triggers
    Outcome: URIRef  # what changed, intended or not
    Intervention: URIRef  # optional part (ICAMO)
    Actor: URIRef  # optional part (SCMO / ICAMO)
    ProgrammeTheory: URIRef  # a version of a theory of how the programme works
    Evidence: URIRef  # a quote with its page in a study
    Source: URIRef  # a document of a study, its text stored page by page
    SourcePage: URIRef  # one page of a source's text
    OutcomeDirection: URIRef  # class of the outcome directions
    ConfidenceLevel: URIRef  # class of the confidence levels
    StudyDesign: URIRef  # class of the study designs
    TheoryChange: URIRef  # the refinement of a theory version into the next (a prov:Activity)
    Appraisal: URIRef  # one judgement of a study's (or fragment's) relevance, rigour or richness
    RelevanceLevel: URIRef  # class of the relevance levels
    RigourLevel: URIRef  # class of the rigour levels
    RichnessLevel: URIRef  # class of the richness levels
    ConfidenceAssessment: URIRef  # the reviewer's confidence profile for a finding
    ComponentJudgement: URIRef  # the judgement of one GRADE-CERQual component
    CERQualComponent: URIRef  # class of the GRADE-CERQual components
    ConcernLevel: URIRef  # class of the concern levels
    FindingConfidence: URIRef  # class of the levels of confidence in a finding

    # Properties
    quote: URIRef  # Evidence -> verbatim passage
    page: URIRef  # Evidence -> page or locator
    supportsPart: URIRef  # Evidence -> "context", "mechanism", "resource" or "outcome"
    inReview: URIRef  # CMOc -> Review
    fromStudy: URIRef  # CMOc -> Study
    hasContext: URIRef  # CMOc -> Context
    hasMechanism: URIRef  # CMOc -> Mechanism
    hasOutcome: URIRef  # CMOc -> Outcome
    hasIntervention: URIRef  # CMOc -> Intervention
    hasActor: URIRef  # CMOc -> Actor
    resource: URIRef  # CMOc -> what the programme offered
    mechanismFired: URIRef  # CMOc -> xsd:boolean
    outcomeDirection: URIRef  # CMOc -> OutcomeDirection
    confidence: URIRef  # CMOc -> ConfidenceLevel
    supportedBy: URIRef  # CMOc -> Evidence
    leadsTo: URIRef  # CMOc -> CMOc (chain)
    partOfTheory: URIRef  # CMOc -> ProgrammeTheory
    triggers: URIRef  # derived: Context -> Mechanism
    generates: URIRef  # derived: Mechanism -> Outcome
    reviewQuestion: URIRef  # Review -> its question
    public: URIRef  # Review -> xsd:boolean
    year: URIRef  # Study -> xsd:integer
    studyDesign: URIRef  # Study -> StudyDesign
    journal: URIRef  # Study -> journal name
    statement: URIRef  # ProgrammeTheory -> "if ... then ... because ..."
    version: URIRef  # ProgrammeTheory -> xsd:integer
    ifContext: URIRef  # ProgrammeTheory -> its "if ..." part
    thenOutcome: URIRef  # ProgrammeTheory -> its "then ..." part
    becauseMechanism: URIRef  # ProgrammeTheory -> its "because ..." part
    theoryContext: URIRef  # ProgrammeTheory -> Context
    theoryMechanism: URIRef  # ProgrammeTheory -> Mechanism
    theoryOutcome: URIRef  # ProgrammeTheory -> Outcome
    supportsTheory: URIRef  # CMOc -> ProgrammeTheory (a rkg:partOfTheory)
    refutesTheory: URIRef  # CMOc -> ProgrammeTheory (a rkg:partOfTheory)
    refinesTheory: URIRef  # CMOc -> ProgrammeTheory (a rkg:partOfTheory)
    whatChanged: URIRef  # TheoryChange -> what changed, in a sentence
    justifiedBy: URIRef  # TheoryChange -> CMOc
    revision: URIRef  # Review -> token that changes on every write (cache validation)
    ofStudy: URIRef  # Source -> Study
    hasPage: URIRef  # Source -> SourcePage
    fileName: URIRef  # Source -> the file's name
    sha256: URIRef  # Source -> hex digest of the file
    textLength: URIRef  # Source -> code points of its normalised text
    pageNumber: URIRef  # SourcePage -> 1, 2, ...
    pageText: URIRef  # SourcePage -> its normalised text
    offset: URIRef  # SourcePage -> where it begins in the source's text
    # Codings (REFI-QDA passages not yet in a CMOc)
    Coding: URIRef  # a coded passage not yet part of a CMOc
    codedAs: URIRef  # Coding -> a concept it was coded to
    qdaGuid: URIRef  # Coding -> the GUID its REFI-QDA project gave it
    appraises: URIRef  # Appraisal -> Study or Evidence
    relevance: URIRef  # Appraisal -> RelevanceLevel
    rigour: URIRef  # Appraisal -> RigourLevel
    richness: URIRef  # Appraisal -> RichnessLevel
    rationale: URIRef  # TheoryChange, Appraisal or ComponentJudgement -> the reviewer's reasoning
    findingKey: URIRef  # ConfidenceAssessment -> which finding
    assesses: URIRef  # ConfidenceAssessment -> CMOc
    hasJudgement: URIRef  # ConfidenceAssessment -> ComponentJudgement
    component: URIRef  # ComponentJudgement -> CERQualComponent
    concern: URIRef  # ComponentJudgement -> ConcernLevel (the reviewer's)
    suggestedConcern: URIRef  # ComponentJudgement -> ConcernLevel (the graph's, when judged)

    # Concept sets
    OutcomeDirections: URIRef
    Positive: URIRef
    Negative: URIRef
    NoChange: URIRef
    Mixed: URIRef
    ConfidenceLevels: URIRef
    High: URIRef
    Moderate: URIRef
    Low: URIRef
    StudyDesigns: URIRef
    RCT: URIRef
    QuasiExperimental: URIRef
    Qualitative: URIRef
    ProcessEvaluation: URIRef
    MixedMethods: URIRef
    SystematicReview: URIRef
    RealistReview: URIRef
    GreyLiterature: URIRef
    Commentary: URIRef
    RelevanceLevels: URIRef
    HighRelevance: URIRef
    ModerateRelevance: URIRef
    LowRelevance: URIRef
    RigourLevels: URIRef
    HighRigour: URIRef
    ModerateRigour: URIRef
    LowRigour: URIRef
    RichnessLevels: URIRef
    Thick: URIRef
    Thin: URIRef
    CERQualComponents: URIRef
    MethodologicalLimitations: URIRef
    Coherence: URIRef
    Adequacy: URIRef
    RelevanceOfData: URIRef
    ConcernLevels: URIRef
    NoConcerns: URIRef
    MinorConcerns: URIRef
    ModerateConcerns: URIRef
    SeriousConcerns: URIRef
    FindingConfidenceLevels: URIRef
    HighFindingConfidence: URIRef
    ModerateFindingConfidence: URIRef
    LowFindingConfidence: URIRef
    VeryLowFindingConfidence: URIRef
