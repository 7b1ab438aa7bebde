"""The typed model of a realist review: what the library takes in and gives back.

>>> cmoc = CMOConfiguration(id="c01", studies=["Jolly 2012"], contexts=["low intensity support"],
...                         mechanism="mothers engage with the peer", outcomes=["breastfeeding"],
...                         fired=False)
>>> cmoc.direction is None, cmoc.fired
(True, False)
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from cmo.ids import clean_label

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]


class ConceptKind(StrEnum):
    """The kinds of concept a CMOc links to."""

    context = "context"
    mechanism = "mechanism"
    outcome = "outcome"
    intervention = "intervention"
    actor = "actor"


class Direction(StrEnum):
    """Which way an outcome moved (the tokens of the extraction sheet)."""

    positive = "positive"
    negative = "negative"
    none = "none"
    mixed = "mixed"


class Confidence(StrEnum):
    """How far the reviewer trusts a CMOc (rigour and relevance together)."""

    high = "high"
    moderate = "moderate"
    low = "low"


class StudyDesign(StrEnum):
    """The designs of the studies a realist review draws on."""

    rct = "rct"
    quasi_experimental = "quasi-experimental"
    qualitative = "qualitative"
    process_evaluation = "process-evaluation"
    mixed_methods = "mixed-methods"
    systematic_review = "systematic-review"
    realist_review = "realist-review"
    grey_literature = "grey-literature"
    commentary = "commentary"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Review(_Model):
    """A realist review: a project with its own graph."""

    id: Identifier
    title: Label
    question: str | None = None
    public: bool = False
    created: datetime | None = None


class Study(_Model):
    """A source document a review draws on, known by its key (e.g. 'Jolly 2012')."""

    key: Label
    title: str | None = None
    authors: str | None = Field(default=None, description="'; '-separated, in order")
    year: int | None = Field(default=None, ge=1000, le=9999)
    design: StudyDesign | None = None
    doi: str | None = None
    journal: str | None = None
    purpose: str | None = None


class Concept(_Model):
    """A context, mechanism, outcome, intervention or actor in the review's concept scheme."""

    kind: ConceptKind
    label: Label
    alt_labels: list[Label] = Field(default_factory=list)
    broader: Label | None = Field(default=None, description="label of the parent, same kind")
    definition: str | None = None
    iri: str | None = Field(default=None, description="set by the store; ignored on input")

    @field_validator("label", "broader")
    @classmethod
    def _collapse_spaces(cls, value: str | None) -> str | None:
        return clean_label(value) if value is not None else None

    @field_validator("alt_labels")
    @classmethod
    def _collapse_alt_spaces(cls, values: list[str]) -> list[str]:
        return [clean_label(v) for v in values]


class Evidence(_Model):
    """A verbatim passage of a study that supports a CMOc."""

    quote: Annotated[str, StringConstraints(min_length=1)]
    page: str | None = None
    study: str | None = Field(default=None, description="key of the study quoted")


class NewCMOc(_Model):
    """A CMOc to create, before the review gives it an id; concepts are given by label."""

    studies: list[Label] = Field(min_length=1)
    contexts: list[Label] = Field(min_length=1)
    mechanism: Label
    outcomes: list[Label] = Field(min_length=1)
    resource: str | None = None
    intervention: Label | None = None
    actor: Label | None = None
    fired: bool = True
    direction: Direction | None = None
    confidence: Confidence | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    theories: list[Identifier] = Field(default_factory=list, description="programme theory ids")
    leads_to: list[Identifier] = Field(default_factory=list, description="ids of later CMOcs")
    reviewer: str | None = None
    notes: str | None = None
    created: datetime | None = None
    modified: datetime | None = None

    @field_validator("contexts", "outcomes", "studies")
    @classmethod
    def _collapse_list_spaces(cls, values: list[str]) -> list[str]:
        return [clean_label(v) for v in values]

    @field_validator("mechanism", "intervention", "actor")
    @classmethod
    def _collapse_spaces(cls, value: str | None) -> str | None:
        return clean_label(value) if value is not None else None


class CMOConfiguration(NewCMOc):
    """One context-mechanism-outcome configuration; concepts are given by label."""

    id: Identifier


class ProgrammeTheory(_Model):
    """One version of a programme theory; a refinement points to the version it revised."""

    id: Identifier
    label: Label
    statement: str | None = None
    version: int = Field(default=1, ge=1)
    revision_of: Identifier | None = None
