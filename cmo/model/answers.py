"""The typed answers of the question engine; the CLI and the API return exactly these shapes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ConceptRef(BaseModel):
    """A concept as answers show it: its IRI and preferred label."""

    iri: str
    label: str


class RigourCounts(BaseModel):
    """How many of a row's studies are appraised at each level of rigour, or not yet."""

    high: int = 0
    moderate: int = 0
    low: int = 0
    unappraised: int = 0


class Counts(BaseModel):
    """How many CMOcs and distinct studies back a row, how many fired or did not, and how
    many of those studies are of high, moderate or low rigour (or not appraised)."""

    cmocs: int
    studies: int
    fired: int
    not_fired: int
    rigour: RigourCounts = Field(default_factory=RigourCounts)


class MatrixCell(Counts):
    """One (context, mechanism) pair of the matrix."""

    context: ConceptRef
    mechanism: ConceptRef
    reviews: list[str] = Field(description="the reviews whose CMOcs are counted: one, unless "
                                           "reviews share concept IRIs")


class Matrix(BaseModel):
    """The context x mechanism matrix, one row per pair that has at least one CMOc."""

    rows: list[MatrixCell]


class OutcomeCount(BaseModel):
    """An outcome produced with a direction, and by how many CMOcs."""

    outcome: ConceptRef
    direction: str | None
    cmocs: int


class MechanismRow(Counts):
    """A mechanism triggered (or not) in the asked context, with what it produced."""

    mechanism: ConceptRef
    outcomes: list[OutcomeCount]


class MechanismsForContext(BaseModel):
    """Every mechanism triggered or not in a context (and, by default, its narrower contexts)."""

    context: ConceptRef
    include_narrower: bool
    rows: list[MechanismRow]


class ContextRow(Counts):
    """A context in which the asked mechanism fired, did not, or both."""

    context: ConceptRef


class ContextsForMechanism(BaseModel):
    """Where a mechanism fired and where it did not, side by side."""

    mechanism: ConceptRef
    fired_in: list[ContextRow] = Field(description="contexts with at least one fired CMOc; "
                                       "each row counts only the fired ones")
    not_fired_in: list[ContextRow] = Field(description="contexts with at least one CMOc that "
                                           "did not fire; each row counts only those")


class OutcomeRow(Counts):
    """An outcome of the asked mechanism, with one direction."""

    outcome: ConceptRef
    direction: str | None


class OutcomesForMechanism(BaseModel):
    """What a mechanism produces, by outcome and direction."""

    mechanism: ConceptRef
    rows: list[OutcomeRow]


class StudyRef(BaseModel):
    """A study as answers show it."""

    iri: str
    key: str
    title: str | None = None
    design: str | None = None


class EvidenceItem(BaseModel):
    """One quote behind a CMOc, with where it comes from."""

    review: str
    cmoc: str
    fired: bool
    direction: str | None
    study: StudyRef | None
    quote: str
    page: str | None


class EvidenceTrail(BaseModel):
    """The studies, quotes and pages behind a CMOc, a concept or a matrix cell."""

    cmocs: list[str]
    studies: list[StudyRef]
    items: list[EvidenceItem]


class ChainCMOc(BaseModel):
    """A CMOc of the chain graph: its id and its C, M and O by label."""

    review: str
    cmoc: str
    contexts: list[str]
    mechanism: str | None
    outcomes: list[str]
    fired: bool


class LeadsTo(BaseModel):
    """One link of the chain graph: the outcome of `cmoc` is the context of `leads_to`."""

    review: str
    cmoc: str
    leads_to: str


class Chain(BaseModel):
    """One maximal chain: the ids of its CMOcs, from its head to its end."""

    review: str
    cmocs: list[str]


class Chains(BaseModel):
    """CMO chains along rkg:leadsTo: the chain graph (`cmocs`, `links`) and one page of its
    maximal chains, with how many there are (`total`, None when too costly to count) and
    whether more follow (`truncated`, then ask again from `next_offset`)."""

    cmocs: list[ChainCMOc]
    links: list[LeadsTo]
    chains: list[Chain]
    total: int | None
    truncated: bool
    offset: int
    limit: int
    max_length: int
    next_offset: int | None


class Pattern(BaseModel):
    """A demi-regularity: a context, mechanism, outcome and direction seen in several studies."""

    context: ConceptRef
    mechanism: ConceptRef
    outcome: ConceptRef
    direction: str | None
    fired: bool
    studies: int
    cmocs: list[str]
    rigour: RigourCounts = Field(default_factory=RigourCounts)
    low_rigour_only: bool = Field(default=False, description="every study behind it is "
                                  "appraised, and all are of low rigour")
    gathered: list[ConceptRef] = Field(default_factory=list, description="with roll-up: the "
                                       "narrower contexts whose CMOcs count here")


class Patterns(BaseModel):
    """Recurring context-mechanism-outcome patterns, most studies first."""

    min_studies: int
    roll_up: bool = False
    rows: list[Pattern]


class Side(BaseModel):
    """One side of a contradiction: a direction (or fired / not fired), the full context
    configuration of its CMOcs, and its evidence."""

    claim: str
    contexts: list[ConceptRef] = Field(default_factory=list)
    cmocs: list[str]
    evidence: list[EvidenceItem]


class Contradiction(BaseModel):
    """Same mechanism, contexts in common: opposite directions, or fired on one side and not
    the other. Explained when the two context configurations differ (`explained_by`)."""

    kind: str = Field(description="'direction' or 'firing'")
    contexts: list[ConceptRef] = Field(description="the contexts both sides share")
    mechanism: ConceptRef
    outcome: ConceptRef | None = None
    explained_by: list[ConceptRef] = Field(
        default_factory=list, description="the contexts one side has and the other lacks; "
        "empty when both sides have the same configuration")
    sides: list[Side]


class Contradictions(BaseModel):
    """Contradictions found, kept apart: `rows` have the same context configuration on both
    sides (unexplained); `explained` differ in their contexts, which may explain them."""

    rows: list[Contradiction] = Field(description="unexplained: same configuration")
    explained: list[Contradiction] = Field(default_factory=list,
                                           description="explained by context")
