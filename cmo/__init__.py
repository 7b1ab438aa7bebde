"""realist-kg: a knowledge graph for realist reviews.

Reviewers' context-mechanism-outcome configurations (CMOcs) held as RDF, one named graph per review,
in an embedded Oxigraph store (or in memory), with SHACL validation, RDF import and export,
and the questions a realist reviewer asks (`context_mechanism_matrix`, `mechanisms_for_context`, …).

>>> import cmo
>>> store = cmo.open_store("memory:")
>>> _ = cmo.create_review(store, cmo.Review(id="demo", title="Peer support"))
>>> [r.id for r in cmo.list_reviews(store)]
['demo']
"""

from cmo.errors import (
    AlreadyExists,
    CmoError,
    Conflict,
    InUse,
    InvalidInput,
    NotFound,
    ParseError,
    PreconditionFailed,
    Problem,
    StoreError,
    UnknownConcept,
    UnsupportedFormat,
    ValidationFailed,
    Violation,
)
from cmo.graph import KnowledgeGraph, ReviewGraph, open
from cmo.interchange.importer import detect_format, import_file
from cmo.interchange.rdf_files import ImportReport, export_review, import_rdf, parse_rdf, rdf_format
from cmo.interchange.sheet_export import concept_sheet, export_sheet
from cmo.model.namespace import RKG
from cmo.model.records import (
    CMOConfiguration,
    Concept,
    ConceptKind,
    Confidence,
    Direction,
    Evidence,
    NewCMOc,
    ProgrammeTheory,
    Review,
    Study,
    StudyDesign,
)
from cmo.questions.chains import chains
from cmo.questions.engine import (
    CmocFilter,
    context_mechanism_matrix,
    contexts_for_mechanism,
    contradictions,
    evidence_trail,
    lookup_concept,
    mechanisms_for_context,
    outcomes_for_mechanism,
    recurring_patterns,
)
from cmo.questions.stats import ReviewStats, review_stats
from cmo.rdf.provenance import acting_as
from cmo.review.cmocs import (
    CMOcVersion,
    cmoc_etag,
    create_cmoc,
    create_cmoc_version,
    delete_cmoc,
    edit_cmoc,
    get_cmoc,
    get_cmoc_version,
    list_cmocs,
    next_cmoc_id,
    replace_cmoc,
)
from cmo.review.concepts import (
    add_concept,
    delete_concept,
    find_concept,
    list_concepts,
    update_concept,
)
from cmo.review.reviews import (
    create_review,
    delete_review,
    ensure_review,
    get_review,
    list_reviews,
    review_exists,
    review_graph_triples,
    update_review,
)
from cmo.review.studies import add_study, delete_study, get_study, list_studies, update_study
from cmo.review.theories import (
    add_theory,
    delete_theory,
    get_theory,
    list_theories,
    resolve_theory,
    update_theory,
)
from cmo.review.tokens import (
    AccessToken,
    Principal,
    authenticate,
    create_token,
    list_tokens,
    revoke_token,
)
from cmo.review.validation import validate_review, validate_triples
from cmo.store import OxigraphStore, Store, open_store

__version__ = "0.1.0"

__all__ = [
    "RKG",
    "AccessToken",
    "AlreadyExists",
    "CMOConfiguration",
    "CMOcVersion",
    "CmoError",
    "CmocFilter",
    "Concept",
    "ConceptKind",
    "Confidence",
    "Conflict",
    "Direction",
    "Evidence",
    "ImportReport",
    "InUse",
    "InvalidInput",
    "KnowledgeGraph",
    "NewCMOc",
    "NotFound",
    "OxigraphStore",
    "ParseError",
    "PreconditionFailed",
    "Principal",
    "Problem",
    "ProgrammeTheory",
    "Review",
    "ReviewGraph",
    "ReviewStats",
    "Store",
    "StoreError",
    "Study",
    "StudyDesign",
    "UnknownConcept",
    "UnsupportedFormat",
    "ValidationFailed",
    "Violation",
    "acting_as",
    "add_concept",
    "add_study",
    "add_theory",
    "authenticate",
    "chains",
    "cmoc_etag",
    "concept_sheet",
    "context_mechanism_matrix",
    "contexts_for_mechanism",
    "contradictions",
    "create_cmoc",
    "create_cmoc_version",
    "create_review",
    "create_token",
    "delete_cmoc",
    "delete_concept",
    "delete_review",
    "delete_study",
    "delete_theory",
    "detect_format",
    "edit_cmoc",
    "ensure_review",
    "evidence_trail",
    "export_review",
    "export_sheet",
    "find_concept",
    "get_cmoc",
    "get_cmoc_version",
    "get_review",
    "get_study",
    "get_theory",
    "import_file",
    "import_rdf",
    "list_cmocs",
    "list_concepts",
    "list_reviews",
    "list_studies",
    "list_theories",
    "list_tokens",
    "lookup_concept",
    "mechanisms_for_context",
    "next_cmoc_id",
    "open",
    "open_store",
    "outcomes_for_mechanism",
    "parse_rdf",
    "rdf_format",
    "recurring_patterns",
    "replace_cmoc",
    "resolve_theory",
    "review_exists",
    "review_graph_triples",
    "review_stats",
    "revoke_token",
    "update_concept",
    "update_review",
    "update_study",
    "update_theory",
    "validate_review",
    "validate_triples",
]
