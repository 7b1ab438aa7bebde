"""The typed model of a realist review: what the library takes in and gives back.

>>> cmoc = CMOConfiguration(id="c01", studies=["Jolly 2012"], contexts=["low intensity support"],
...                         mechanism="mothers engage with the peer", outcomes=["breastfeeding"],
...                         mechanism_fired=False)
>>> cmoc.outcome_direction is None, cmoc.mechanism_fired
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from cmo.errors import InvalidInput, Problem, UnknownValue
from cmo.limits import LIMITS
from cmo.model.ids import ID_PATTERN, clean_label
from cmo.model.vocabulary import closest, design_token, design_words, word_key

STORED: Mapping[str, bool] = {"stored": True}
"""Validation context for what is read back from the store: caps are not checked again, so data
written before a cap existed stays readable (`Review.model_validate(data, context=STORED)`)."""


@dataclass(frozen=True)
class Capped:
    """At most `LIMITS.<limit>` characters (a text) or items (a list), checked before any other
    work on the value. The error (`too_long`) carries the limit's name and value.

    >>> from pydantic import TypeAdapter
    >>> try:
    ...     TypeAdapter(Annotated[list[int], Capped("list_items")]).validate_python([0] * 999)
    ... except ValidationError as exc:
    ...     print(exc.errors()[0]["msg"])
    at most 200 items (list_items); this has 999
    """

    limit: str

    @property
    def allowed(self) -> int:
        """The cap's value."""
        return int(getattr(LIMITS, self.limit))

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        """Check the length first, then validate as `source` would be."""
        return core_schema.with_info_before_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Publish the cap as maxLength or maxItems."""
        out = handler(schema)
        out["maxItems" if out.get("type") == "array" else "maxLength"] = self.allowed
        return out

    def _check(self, value: Any, info: ValidationInfo) -> Any:
        if (isinstance(value, str | list | tuple) and len(value) > self.allowed
                and not (info.context or {}).get("stored")):
            unit = "characters" if isinstance(value, str) else "items"
            raise PydanticCustomError(
                "too_long", "at most {allowed} {unit} ({limit}); this has {actual}",
                {"limit": self.limit, "allowed": self.allowed, "unit": unit,
                 "actual": len(value)})
        return value


def _unicode(value: str) -> str:
    """Refuse text that cannot be stored: a lone surrogate such as '\\ud800' is not Unicode."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise PydanticCustomError(
                "not_unicode", "not valid Unicode: a lone surrogate at position {position}",
                {"position": exc.start}) from None
    return value


Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                  Capped("label_chars"), AfterValidator(_unicode)]
"""A name: a concept label or synonym, a study key, a title."""
Short = Annotated[str, Capped("label_chars"), AfterValidator(_unicode)]
"""A short value that may be empty: a page, a reviewer, a DOI."""
Text = Annotated[str, Capped("text_chars"), AfterValidator(_unicode)]
"""A free text: a quote, notes, a definition, a statement, a resource."""
Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
"""An id that can stand in an IRI: a review, CMOc or theory id."""
T = TypeVar("T")
Many = Annotated[list[T], Capped("list_items")]
"""A list of a CMOc or concept (contexts, outcomes, synonyms, ...), at most `list_items` long."""
M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Mapping[str, Any], what: str | None = None) -> M:
    """`model` built from `data`, or InvalidInput naming each field the model refuses.

    >>> validated(Study, {"key": ""})
    Traceback (most recent call last):
    cmo.errors.InvalidInput: Study is not valid.
      - key: String should have at least 1 character
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(f"{what or model.__name__} is not valid.", [
            Problem(e["msg"], field=".".join(str(p) for p in e["loc"]) or None)
            for e in exc.errors()]) from None


class ConceptKind(StrEnum):
    """The kinds of concept a CMOc links to."""

    context = "context"
    mechanism = "mechanism"
    outcome = "outcome"
    intervention = "intervention"
    actor = "actor"


E = TypeVar("E", bound="Words")


class Words(StrEnum):
    """A fixed set of tokens, accepted in any case (`choose` names the closest if none fits)."""

    @classmethod
    def _missing_(cls, value: object) -> Words | None:
        token = cls.token_of(value) if isinstance(value, str) else None
        return cls(token) if token is not None and token in cls._value2member_map_ else None

    @classmethod
    def token_of(cls, word: str) -> str | None:
        """The token a word stands for, or None."""
        return word_key(word).replace(" ", "-")

    @classmethod
    def words(cls) -> dict[str, str]:
        """Each word accepted for a member -> its token."""
        return {m.value: m.value for m in cls}


def choose(choices: type[E], field: str, value: str) -> E:
    """The member of `choices` a word names (any case; a design also by label or synonym);
    UnknownValue naming the field, the value and the closest tokens if none.

    >>> choose(StudyDesign, "design", "Randomised Controlled Trial")
    <StudyDesign.rct: 'rct'>
    >>> choose(Confidence, "min_confidence", "hihg")
    Traceback (most recent call last):
    cmo.errors.UnknownValue: Unknown min_confidence 'hihg'. Did you mean 'high'?
      - min_confidence: 'hihg' is not a min_confidence; use one of: high, moderate, low
    """
    try:
        return choices(value)
    except ValueError:
        words = choices.words()
        near = dict.fromkeys(words[w] for w in closest(value, words))
        raise UnknownValue(field, value, list(near), [m.value for m in choices]) from None


class Direction(Words):
    """Which way an outcome moved (the tokens of the extraction sheet)."""

    positive = "positive"
    negative = "negative"
    none = "none"
    mixed = "mixed"


class Confidence(Words):
    """How far the reviewer trusts a CMOc (rigour and relevance together)."""

    high = "high"
    moderate = "moderate"
    low = "low"


class StudyDesign(Words):
    """The designs of the studies a realist review draws on: by token, label or synonym
    (`ontology/vocab.ttl`), in any case."""

    rct = "rct"
    quasi_experimental = "quasi-experimental"
    qualitative = "qualitative"
    process_evaluation = "process-evaluation"
    mixed_methods = "mixed-methods"
    systematic_review = "systematic-review"
    realist_review = "realist-review"
    grey_literature = "grey-literature"
    commentary = "commentary"

    @classmethod
    def token_of(cls, word: str) -> str | None:
        """The token of the design a word names (its token, label or a synonym), or None."""
        return design_token(word)

    @classmethod
    def words(cls) -> dict[str, str]:
        """Every word for a design (as compared) -> its token."""
        return design_words()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


NewConcepts = Literal["allow", "refuse"]
"""Whether a write may create concepts for labels that name none yet ("refuse": an error)."""


class NewConcept(BaseModel):
    """A concept a write created, named so a typo cannot hide: its kind, label and IRI."""

    kind: ConceptKind
    label: str
    iri: str


class Review(_Model):
    """A realist review: a project with its own graph."""

    id: Identifier
    title: Label
    question: Text | None = None
    public: bool = False
    created: datetime | None = None


class Study(_Model):
    """A source document a review draws on, known by its key (e.g. 'Jolly 2012')."""

    key: Label
    title: Text | None = None
    authors: Text | None = Field(default=None, description="'; '-separated, in order")
    year: int | None = Field(default=None, ge=1000, le=9999)
    design: StudyDesign | None = None
    doi: Short | None = None
    journal: Short | None = None
    purpose: Text | None = None


class Concept(_Model):
    """A context, mechanism, outcome, intervention or actor in the review's concept scheme."""

    kind: ConceptKind
    label: Label
    alt_labels: Many[Label] = Field(default_factory=list)
    broader: Label | None = Field(default=None, description="label of the parent, same kind")
    definition: Text | None = None
    iri: Text | None = Field(default=None, description="set by the store; ignored on input")

    @field_validator("label", "broader")
    @classmethod
    def _collapse_spaces(cls, value: str | None) -> str | None:
        return clean_label(value) if value is not None else None

    @field_validator("alt_labels")
    @classmethod
    def _collapse_alt_spaces(cls, values: list[str]) -> list[str]:
        return [clean_label(v) for v in values]


class ConceptMerge(BaseModel):
    """What merging one concept into another did: the kept concept as stored, the merged
    label (now one of its synonyms), and the CMOcs and narrower concepts that moved to it."""

    kept: Concept
    merged: str
    cmocs: list[str]
    narrower: list[str]


class Evidence(_Model):
    """A verbatim passage of a study that supports a CMOc, perhaps anchored in a source.

    An anchored quote names its `source` (a document of the study) and its place there: `start`
    and `end` (end exclusive) in the source's normalised text, and the words around it (`prefix`,
    `suffix`), as the W3C Web Annotation selectors do. Given a source, either the place (the quote
    and page are then filled in) or the quote (`exact` is a synonym; the place is then found) is
    enough; the page always follows from the place.
    """

    quote: Text = Field(default="", description="the passage; `exact` is accepted for it")
    page: Short | None = None
    study: Short | None = Field(default=None, description="key of the study quoted")
    source: Identifier | None = Field(default=None, description="id of the source it is in")
    start: int | None = Field(default=None, ge=0, description="first character in the source")
    end: int | None = Field(default=None, ge=0, description="one past the last character")
    prefix: Text | None = Field(default=None, description="the text just before the quote")
    suffix: Text | None = Field(default=None, description="the text just after the quote")
    part: Literal["context", "mechanism", "resource", "outcome"] | None = Field(
        default=None, description="the part of the CMOc the passage was tagged as supporting")

    @model_validator(mode="before")
    @classmethod
    def _exact_is_quote(cls, data: Any) -> Any:
        if isinstance(data, dict) and "exact" in data:
            data = dict(data)
            exact = data.pop("exact")
            if data.get("quote") not in (None, "", exact):
                raise PydanticCustomError("exact_and_quote", "give `quote` or `exact`, not both")
            data["quote"] = exact
        return data

    @model_validator(mode="after")
    def _quote_or_place(self) -> Evidence:
        if (self.start is None) != (self.end is None):
            raise PydanticCustomError("half_a_place", "give both `start` and `end`, or neither")
        if self.start is not None and self.end is not None:
            if self.source is None:
                raise PydanticCustomError("place_without_source",
                                          "`start` and `end` need the `source` they point into")
            if self.end <= self.start:
                raise PydanticCustomError("empty_place", "`end` must be greater than `start`")
        elif not self.quote.strip():
            raise PydanticCustomError("no_quote", "give the quote, or a source with start and end")
        return self

    @property
    def anchored(self) -> bool:
        """Whether the quote has a place in a source."""
        return self.source is not None and self.start is not None


class TheoryRelation(Words):
    """How a CMOc bears on a programme theory version; `tested` is the plain membership
    ("tested against")."""

    tested = "tested"
    supports = "supports"
    refutes = "refutes"
    refines = "refines"


class TheoryLink(_Model):
    """A CMOc's relation to one programme theory version."""

    theory: Identifier
    relation: TheoryRelation = TheoryRelation.tested


class NewCMOc(_Model):
    """A CMOc to create, before the review gives it an id; concepts are given by label."""

    studies: Many[Label] = Field(min_length=1)
    contexts: Many[Label] = Field(min_length=1)
    mechanism: Label
    outcomes: Many[Label] = Field(min_length=1)
    resource: Text | None = None
    intervention: Label | None = None
    actor: Label | None = None
    mechanism_fired: bool = True
    outcome_direction: Direction | None = None
    confidence: Confidence | None = None
    evidence: Many[Evidence] = Field(default_factory=list)
    theories: Many[Identifier] = Field(default_factory=list, description="programme theory ids")
    theory_links: Many[TheoryLink] = Field(
        default_factory=list, description="the relation to each theory in `theories` "
        "(supports, refutes, refines; tested when not given). Given alone, it sets `theories`")
    leads_to: Many[Identifier] = Field(default_factory=list, description="ids of later CMOcs")
    reviewer: Short | None = None
    notes: Text | None = None
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

    @model_validator(mode="after")
    def _one_link_per_theory(self) -> NewCMOc:
        # `theories` says which versions (so older clients editing it keep working); a link
        # qualifies one of them, and one left out of `theories` is dropped with it.
        relation: dict[str, TheoryRelation] = {}
        for link in self.theory_links:
            if relation.setdefault(link.theory, link.relation) != link.relation:
                raise PydanticCustomError(
                    "two_relations", "a CMOc has one relation to theory {theory}, not two",
                    {"theory": link.theory})
        if "theories" not in self.model_fields_set and self.theory_links:
            self.theories = list(relation)
        self.theories = list(dict.fromkeys(self.theories))
        self.theory_links = [TheoryLink(theory=t, relation=relation.get(t, TheoryRelation.tested))
                             for t in self.theories]
        return self


class CMOConfiguration(NewCMOc):
    """One context-mechanism-outcome configuration; concepts are given by label."""

    id: Identifier


class TheoryPart(_Model):
    """One part of a theory version's "if ... then ... because ...": its words, and the concepts
    of the review it is about (labels or synonyms of existing concepts of the part's kind)."""

    text: Text | None = None
    concepts: Many[Label] = Field(default_factory=list)

    @field_validator("concepts")
    @classmethod
    def _collapse_list_spaces(cls, values: list[str]) -> list[str]:
        return [clean_label(v) for v in values]


class TheoryChange(_Model):
    """What changed from the version a theory version revised, why, on which CMOcs, by whom and
    when. `by` and `at` are recorded by the write (the token holder, now): given values are
    ignored."""

    what: Text = Field(min_length=1, description="what changed, in a sentence")
    rationale: Text | None = Field(default=None, description="the reviewer's memo: why")
    cmocs: Many[Identifier] = Field(default_factory=list,
                                    description="ids of the CMOcs that justify the change")
    by: Short | None = Field(default=None, description="read-only: who made the change")
    at: datetime | None = Field(default=None, description="read-only: when")


class ProgrammeTheory(_Model):
    """One version of a programme theory; a refinement points to the version it revised.

    `context`, `outcome` and `mechanism` are its optional "if", "then" and "because" parts;
    `change` is the recorded change that made it from the version it revised (if any).
    """

    id: Identifier
    label: Label
    statement: Text | None = None
    version: int = Field(default=1, ge=1)
    revision_of: Identifier | None = None
    context: TheoryPart | None = Field(default=None, description="the \"if ...\" part")
    outcome: TheoryPart | None = Field(default=None, description="the \"then ...\" part")
    mechanism: TheoryPart | None = Field(default=None, description="the \"because ...\" part")
    change: TheoryChange | None = None
