"""What a reviewer typing a concept is told: which concepts a few letters could mean
(autocomplete), and which labels of a draft CMOc would become new concepts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from cmo.model.records import Concept, ConceptKind, NewConcept


class ConceptSuggestion(Concept):
    """A concept offered for what was typed: the label or synonym that matched, and how."""

    matched: str | None = Field(default=None, description="the label or synonym that matched")
    by: Literal["prefix", "word", "close"] | None = Field(
        default=None, description="'prefix': it starts with what was typed; 'word': one of its "
        "words does; 'close': it is spelt nearly so (a typo)")


class LabelCheck(BaseModel):
    """One label of a draft CMOc: the concept it names, or that it would be new (and the
    existing labels it is close to)."""

    field: str
    kind: ConceptKind
    label: str
    concept: str | None = Field(description="the preferred label of the concept it names; "
                                "None when it would create a new concept")
    near: list[str] = Field(default_factory=list,
                            description="existing labels a new label is close to")


class LabelsCheck(BaseModel):
    """The labels of a draft CMOc checked before saving: nothing is written."""

    labels: list[LabelCheck]
    new_concepts: list[NewConcept]
    warnings: list[str]
