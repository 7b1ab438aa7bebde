"""realist-kg: a knowledge graph for realist reviews.

Reviewers' context-mechanism-outcome configurations (CMOcs) held as RDF, one named graph per
review, in an embedded Oxigraph store (on disk or in memory) or on a SPARQL server; checked
against SHACL shapes, imported and exported, asked the questions a realist reviewer asks, and
drawn as a mechanism network. Start with `open`:

>>> import cmo
>>> with cmo.open("memory:") as kg:
...     review = kg.reviews.create(id="ps", title="Peer support")
...     _ = review.cmocs.create(studies=["Jolly 2012"], contexts=["low intensity support"],
...                             mechanism="mothers engage with the peer",
...                             outcomes=["breastfeeding continuation"],
...                             mechanism_fired=False)
...     answer = review.ask.mechanisms_for_context("low intensity support")
...     [(row.mechanism.label, row.not_fired) for row in answer.rows]
[('mothers engage with the peer', 1)]

`__all__` is the whole public surface: the entry object, the model classes a reviewer passes in
and gets back, and the errors (`cmo.errors` draws their tree). The functions behind the entry
object take the store first and are imported from their modules
(``from cmo.review.cmocs import create_cmoc``); docs/architecture.md says which module holds what.
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
    StoreError,
    UnknownConcept,
    ValidationFailed,
)
from cmo.graph import KnowledgeGraph, ReviewGraph, open
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

__version__ = "0.1.0"

__all__ = [
    "AlreadyExists",
    "CMOConfiguration",
    "CmoError",
    "Concept",
    "ConceptKind",
    "Confidence",
    "Conflict",
    "Direction",
    "Evidence",
    "InUse",
    "InvalidInput",
    "KnowledgeGraph",
    "NewCMOc",
    "NotFound",
    "ParseError",
    "PreconditionFailed",
    "ProgrammeTheory",
    "Review",
    "ReviewGraph",
    "StoreError",
    "Study",
    "StudyDesign",
    "UnknownConcept",
    "ValidationFailed",
    "__version__",
    "open",
]
