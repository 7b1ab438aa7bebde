"""Appraisal of sources and confidence in findings: the words, and the shapes the library takes.

Each study is judged for relevance (high, moderate, low), richness (thick, thin) and rigour
(high, moderate, low), each with a rationale, an appraiser and a date; one evidence item may
override its study's rigour or relevance. A finding's confidence profile judges the four
GRADE-CERQual components, each with a concern level, and an overall level follows (`overall`).

>>> overall([Concern.none, Concern.minor, Concern.moderate, Concern.none])
<FindingLevel.moderate: 'moderate'>
>>> overall([Concern.minor, Concern.minor, Concern.serious, Concern.none])
<FindingLevel.very_low: 'very-low'>
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from cmo.model.records import Direction, Identifier, Label, Many, Short, Text, Words


class Relevance(Words):
    """Does the source contribute to building or testing the theory?"""

    high = "high"
    moderate = "moderate"
    low = "low"


class Rigour(Words):
    """Is the method that produced the data credible and trustworthy?"""

    high = "high"
    moderate = "moderate"
    low = "low"


class Richness(Words):
    """Does the source say how and why (thick), or only whether (thin)?"""

    thick = "thick"
    thin = "thin"


class Aspect(Words):
    """The three aspects a study is appraised on."""

    relevance = "relevance"
    richness = "richness"
    rigour = "rigour"


class Component(Words):
    """The four GRADE-CERQual components of confidence in a finding."""

    methodological_limitations = "methodological-limitations"
    coherence = "coherence"
    adequacy = "adequacy"
    relevance = "relevance"


class Concern(Words):
    """How serious the concerns about one component are."""

    none = "none"
    minor = "minor"
    moderate = "moderate"
    serious = "serious"


class FindingLevel(Words):
    """Overall confidence in a finding."""

    high = "high"
    moderate = "moderate"
    low = "low"
    very_low = "very-low"


#: Ranks for comparing levels (higher is better); also the order counts are shown in.
RANK = {"low": 0, "moderate": 1, "high": 2}
#: The rule, in words, that `overall` follows (shown with every confidence profile).
OVERALL_RULE = ("Start at high confidence. Each component with moderate concerns lowers it by "
                "one level, each with serious concerns by two; two or more components with minor "
                "concerns together lower it by one. It cannot go below very low.")


def overall(concerns: Iterable[Concern]) -> FindingLevel:
    """The overall confidence that follows from the component concerns (`OVERALL_RULE`)."""
    found = list(concerns)
    steps = sum({Concern.moderate: 1, Concern.serious: 2}.get(c, 0) for c in found)
    steps += 1 if sum(c is Concern.minor for c in found) >= 2 else 0
    return list(FindingLevel)[min(steps, 3)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Judgement(BaseModel):
    """One appraisal of one aspect: the level, why, who and when."""

    level: str
    rationale: str | None = None
    appraiser: str | None = None
    date: datetime | None = None


class StudyAppraisal(BaseModel):
    """A study's appraisal: relevance, richness and rigour, each judged or not yet."""

    study: str = Field(description="the study's key")
    relevance: Judgement | None = None
    richness: Judgement | None = None
    rigour: Judgement | None = None


class AppraisalUpdate(_Model):
    """What to judge of a study: any of the three aspects, each with its own rationale or the
    shared `rationale`. Aspects not given keep their judgement."""

    relevance: Relevance | None = None
    richness: Richness | None = None
    rigour: Rigour | None = None
    rationale: Text | None = Field(default=None, description="for every aspect given here")
    relevance_rationale: Text | None = None
    richness_rationale: Text | None = None
    rigour_rationale: Text | None = None
    appraiser: Short | None = Field(default=None, description="who judged (default: the writer)")


class EvidenceOverride(_Model):
    """A fragment's own rigour or relevance, overriding its study's, with the reason."""

    rigour: Rigour | None = None
    relevance: Relevance | None = None
    rationale: Text = Field(min_length=1)
    appraiser: Short | None = None


class EvidenceAppraisal(BaseModel):
    """The overrides on one evidence item (the n-th quote of a CMOc)."""

    cmoc: str
    item: int
    quote: str
    relevance: Judgement | None = None
    rigour: Judgement | None = None


class Finding(_Model):
    """A finding to judge: a pattern (context, mechanism, outcome, with direction and firing;
    `roll_up` to gather narrower contexts), or a set of CMOcs (by ids, or by a theory)."""

    context: Label | None = None
    mechanism: Label | None = None
    outcome: Label | None = None
    direction: Direction | None = None
    fired: bool = True
    roll_up: bool = False
    cmocs: Many[Identifier] = Field(default_factory=list)
    theory: Label | None = None


class ComponentVerdict(_Model):
    """The reviewer confirms or overrides the suggested concern for one component, with why."""

    component: Component
    concern: Concern
    reason: Text = Field(min_length=1)


class ConfidenceJudgements(_Model):
    """A finding and the reviewer's verdicts on some of its components."""

    finding: Finding
    judgements: Many[ComponentVerdict] = Field(min_length=1)
    appraiser: Short | None = None
