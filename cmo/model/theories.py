"""What the library takes and answers about programme theories refined with evidence: a new
version made from an earlier one, CMOcs linked in bulk, and two versions compared.

>>> NewTheoryVersion(what="adds intensity", carry_over=True).statement is None
True
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from cmo.model.records import (
    Capped,
    Identifier,
    Label,
    Many,
    ProgrammeTheory,
    Text,
    TheoryChange,
    TheoryPart,
    TheoryRelation,
    _Model,
)


class NewTheoryVersion(_Model):
    """A version made from an earlier one: what is left out is taken from it (label, statement,
    parts); the id defaults to the earlier id with the next version number (`-v2`)."""

    id: Identifier | None = None
    label: Label | None = None
    statement: Text | None = None
    context: TheoryPart | None = None
    outcome: TheoryPart | None = None
    mechanism: TheoryPart | None = None
    what: Text = Field(min_length=1, description="what changed, in a sentence")
    rationale: Text | None = Field(default=None, description="the reviewer's memo: why")
    cmocs: Many[Identifier] = Field(default_factory=list,
                                    description="ids of the CMOcs that justify the change")
    carry_over: bool = Field(default=False, description="link the earlier version's CMOcs "
                             "to the new one too, each with its relation")


class CmocSelection(_Model):
    """Which CMOcs a bulk link takes: the ids given, or every CMOc matching all the filters
    given (concepts by label or synonym, a study by key; the questions' filters)."""

    ids: Annotated[list[Identifier], Capped("bulk_cmocs")] | None = Field(
        default=None, description="CMOc ids")
    context: Label | None = None
    mechanism: Label | None = None
    outcome: Label | None = None
    study: Label | None = None
    design: Label | None = None
    min_confidence: Label | None = None
    fired_only: bool = False
    direction: Label | None = None
    theory: Label | None = Field(default=None, description="CMOcs already linked to this "
                                 "theory (id or label)")
    min_relevance: Label | None = None
    min_rigour: Label | None = None

    @model_validator(mode="after")
    def _ids_or_filter(self) -> CmocSelection:
        if self.ids is None and not self.by_filter:
            raise PydanticCustomError("nothing_chosen", "give CMOc `ids` or at least one "
                                      "filter (context, mechanism, outcome, study, design, "
                                      "min_confidence, fired_only, direction, theory, "
                                      "min_relevance, min_rigour)")
        return self

    @property
    def by_filter(self) -> bool:
        """Whether any filter is set (else the ids name the CMOcs)."""
        return self.fired_only or any(getattr(self, name) is not None for name in _FILTERS)


_FILTERS = ("context", "mechanism", "outcome", "study", "design", "min_confidence", "direction",
            "theory", "min_relevance", "min_rigour")


class TheoryLinkRequest(CmocSelection):
    """A bulk link: the relation, and the CMOcs (by `ids`, or by the filters)."""

    relation: TheoryRelation = Field(description="tested, supports, refutes or refines")


class TheoryLinking(BaseModel):
    """What a bulk link did: the CMOcs now linked with `relation`, and how many were new links
    or changed relation."""

    theory: str
    relation: TheoryRelation
    cmocs: list[str]
    added: int
    changed: int


class CmocEvidence(BaseModel):
    """A quote behind a CMOc."""

    quote: str
    page: str | None = None
    study: str | None = None


class LinkedCmoc(BaseModel):
    """A CMOc as a theory diff shows it: what it says, how it bears on each version (None: not
    linked), and its quotes. `in_review` is false for a CMOc deleted since it justified a
    change."""

    id: str
    contexts: list[str] = Field(default_factory=list)
    mechanism: str | None = None
    outcomes: list[str] = Field(default_factory=list)
    mechanism_fired: bool = True
    outcome_direction: str | None = None
    studies: list[str] = Field(default_factory=list)
    before: TheoryRelation | None = None
    after: TheoryRelation | None = None
    evidence: list[CmocEvidence] = Field(default_factory=list)
    in_review: bool = True


class TextChange(BaseModel):
    """One text of two versions (a statement, a part's words) and whether it changed."""

    before: str | None
    after: str | None
    changed: bool


class PartChange(BaseModel):
    """An "if", "then" or "because" part of two versions: its words, the concepts added and
    removed."""

    part: str
    text: TextChange
    concepts_added: list[str]
    concepts_removed: list[str]


class RecordedChange(BaseModel):
    """A change recorded on the way from one version to the other, with the CMOcs that justify
    it and their quotes."""

    version: str
    revision_of: str | None
    change: TheoryChange
    justified_by: list[LinkedCmoc]


class TheoryDiff(BaseModel):
    """Two versions of a programme theory compared: statements, parts, linked CMOcs added,
    removed or re-related (each with its quotes), and the changes recorded between them."""

    review: str
    a: ProgrammeTheory
    b: ProgrammeTheory
    label: TextChange
    statement: TextChange
    parts: list[PartChange]
    added: list[LinkedCmoc]
    removed: list[LinkedCmoc]
    re_related: list[LinkedCmoc]
    unchanged: list[str]
    changes: list[RecordedChange]


class TheoryDetail(BaseModel):
    """A theory version with its linked CMOcs (id and relation), for showing it."""

    theory: ProgrammeTheory
    links: dict[str, TheoryRelation]
    counts: dict[str, int]
    later_versions: list[str]
