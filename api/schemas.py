"""Request and response bodies: the JSON shapes of the API (typed at the boundary)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

import cmo
from cmo.model.records import (
    Confidence,
    Direction,
    Evidence,
    Identifier,
    Label,
    Many,
    NewConcept,
    Short,
    Text,
    TheoryLink,
    validated,
)
from cmo.review.cmocs import CMOcVersion
from cmo.review.theories import resolve_theory
from cmo.review.tokens import Role
from cmo.store import Store


class ReviewCreate(BaseModel):
    """A new review."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"id": "peer-support", "title": "Peer support for breastfeeding",
         "question": "What works, for whom, in what circumstances?", "public": False}]})

    id: Identifier
    title: Label
    question: Text | None = None
    public: bool = False


class TokenCreate(BaseModel):
    """A token to issue: its role, the one review it opens (none: every review), who it is for."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"role": "editor", "review": "peer-support", "name": "Ana Lopes"}]})

    role: Role
    review: Identifier | None = None
    name: Label | None = None


class ConceptMergeBody(BaseModel):
    """The concept to merge into the one the URL names (its label or a synonym)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"merged": "perceived usefullness"}]})

    merged: Label


class ReviewUpdate(BaseModel):
    """Changes to a review; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    title: Label | None = None
    question: Text | None = None
    public: bool | None = None


class CMOcFields(BaseModel):
    """What a reviewer writes about a CMOc. Singular shorthands (`study`, `quote`, `page`,
    `programme_theory`) may be used instead of the lists; read-only fields are ignored."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"study": "Jolly 2012", "contexts": ["low intensity support"],
         "mechanism": "trusting relationship with the peer",
         "outcomes": ["breastfeeding duration"], "resource": "fewer than five peer contacts",
         "mechanism_fired": False, "outcome_direction": "none", "confidence": "moderate",
         "quote": "Breastfeeding peer support interventions of low intensity (fewer than five "
                  "contacts) tend not to be effective.", "page": "Table 1",
         "programme_theory": "How peer support works", "leads_to": []}]})

    study: Label | None = None
    studies: Many[Label] | None = None
    contexts: Many[Label] | None = None
    mechanism: Label | None = None
    outcomes: Many[Label] | None = None
    resource: Text | None = None
    intervention: Label | None = None
    actor: Label | None = None
    mechanism_fired: bool | None = None
    outcome_direction: Direction | None = None
    confidence: Confidence | None = None
    quote: Text | None = None
    page: Short | None = None
    evidence: Many[Evidence] | None = None
    programme_theory: Label | None = None
    theories: Many[Label] | None = None
    theory_links: Many[TheoryLink] | None = Field(
        default=None, description="the relation (tested, supports, refutes, refines) to each "
        "theory version; given without `theories`, it also says which versions")
    leads_to: Many[Identifier] | None = None
    notes: Text | None = None
    # Read-only but for POST's id: accepted so that a GET body can be sent back, and ignored.
    id: Short | None = Field(default=None, description="POST: the new CMOc's id (letters, "
                             "digits, '.', '_', '-'; default: the next c<number>); PUT and "
                             "PATCH: ignored (the path names the CMOc)")
    iri: Text | None = Field(default=None, description="read-only, ignored")
    review: Short | None = Field(default=None, description="read-only, ignored")
    reviewer: Short | None = Field(default=None, description="read-only, ignored")
    created: datetime | None = Field(default=None, description="read-only, ignored")
    modified: datetime | None = Field(default=None, description="read-only, ignored")
    new_concepts: Many[dict[str, Short]] | None = Field(default=None,
                                                        description="read-only, ignored")
    warnings: Many[Text] | None = Field(default=None, description="read-only, ignored")


class CMOcCreate(CMOcFields):
    """A new CMOc: a study, contexts, a mechanism and outcomes are required."""

    @model_validator(mode="after")
    def _required(self) -> CMOcCreate:
        missing = [name for name, value in [
            ("study", self.study or self.studies), ("contexts", self.contexts),
            ("mechanism", self.mechanism), ("outcomes", self.outcomes)] if not value]
        if missing:
            raise ValueError(f"missing required field(s): {', '.join(missing)}")
        return self


class CMOcOut(BaseModel):
    """A CMOc as the API returns it; PUT accepts this same JSON back."""

    id: str
    iri: str
    review: str
    studies: list[str]
    contexts: list[str]
    mechanism: str
    outcomes: list[str]
    resource: str | None
    intervention: str | None
    actor: str | None
    mechanism_fired: bool
    outcome_direction: Direction | None
    confidence: Confidence | None
    evidence: list[Evidence]
    theories: list[str]
    theory_links: list[TheoryLink]
    leads_to: list[str]
    notes: str | None
    reviewer: str | None
    created: datetime | None
    modified: datetime | None

    @classmethod
    def of(cls, review_id: str, c: cmo.CMOConfiguration) -> CMOcOut:
        """The API shape of a stored CMOc."""
        return cls(id=c.id, iri=cmo.model.ids.cmoc_iri(review_id, c.id), review=review_id,
                   studies=c.studies, contexts=c.contexts, mechanism=c.mechanism,
                   outcomes=c.outcomes, resource=c.resource, intervention=c.intervention,
                   actor=c.actor, mechanism_fired=c.mechanism_fired,
                   outcome_direction=c.outcome_direction,
                   confidence=c.confidence, evidence=c.evidence, theories=c.theories,
                   theory_links=c.theory_links,
                   leads_to=c.leads_to, notes=c.notes, reviewer=c.reviewer, created=c.created,
                   modified=c.modified)


class CMOcWritten(CMOcOut):
    """A CMOc as a write stored it, with the concepts the write created (kind, label, IRI) and
    a warning for each one close to an existing label or synonym (a typo?)."""

    new_concepts: list[NewConcept]
    warnings: list[str]

    @classmethod
    def of_version(cls, review_id: str, version: CMOcVersion) -> CMOcWritten:
        """The API shape of a version a write answered."""
        return cls(**CMOcOut.of(review_id, version.cmoc).model_dump(),
                   new_concepts=list(version.new_concepts), warnings=list(version.warnings))


class CMOcPage(BaseModel):
    """One page of CMOcs."""

    items: list[CMOcOut]
    total: int
    limit: int
    offset: int


def merge_cmoc(store: Store, review_id: str, body: CMOcFields,
               base: cmo.CMOConfiguration | None = None) -> cmo.NewCMOc:
    """The library's CMOc from a request body, over `base` (PATCH) or on its own (POST/PUT)."""
    data = base.model_dump(exclude={"id", "created", "modified"}) if base else {}
    given = body.model_dump(exclude_unset=True)
    if given.get("studies") or body.study:
        data["studies"] = list(dict.fromkeys(given.get("studies") or [body.study]))
    elif "studies" in given:
        data["studies"] = given["studies"]  # [] or null: refused below, as for contexts
    # The API, the model, the sheet and the RDF name every field the same way.
    for name in ("contexts", "mechanism", "outcomes", "resource", "intervention", "actor",
                 "mechanism_fired", "outcome_direction", "confidence", "leads_to", "notes"):
        if name in given:
            data[name] = given[name]
    if "evidence" in given:
        data["evidence"] = given["evidence"]
    elif body.quote:
        first = (data.get("studies") or [None])[0]
        data["evidence"] = [{"quote": body.quote, "page": body.page, "study": first}]
    theories = list(given.get("theories") or [])
    if body.programme_theory:
        theories.append(body.programme_theory)
    if "theories" in given or body.programme_theory:
        data["theories"] = [resolve_theory(store, review_id, t) for t in theories]
    if "theory_links" in given:
        data["theory_links"] = given["theory_links"]
        if "theories" not in given and not body.programme_theory:
            data.pop("theories", None)  # the links say which versions
    return validated(cmo.NewCMOc, data, "The CMOc")
