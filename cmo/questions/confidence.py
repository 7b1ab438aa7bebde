"""How far a finding can be trusted: a confidence profile in the spirit of GRADE-CERQual.

A finding is a recurring pattern (context, mechanism, outcome, direction, firing; perhaps rolled
up) or a set of CMOcs (by ids, or those of a theory). For each of the four components the graph
suggests a concern level, with its reasons (`suggest`); the reviewer confirms or overrides each
with a reason (`judge_confidence`), stored with who and when. The overall level follows from the
concerns that count (the reviewer's where given, else the suggestion) by `OVERALL_RULE`.

>>> import cmo
>>> review = cmo.open("memory:").reviews.create(id="r", title="R")
>>> _ = review.cmocs.create(id="c1", studies=["A"], contexts=["rural"], mechanism="trust",
...     outcomes=["uptake"], outcome_direction="positive")
>>> p = confidence_profile(review.kg.store, "r", Finding(cmocs=["c1"]))
>>> [(c.component, c.suggested) for c in p.components], p.overall
([('methodological-limitations', 'serious'), ('coherence', 'none'), ('adequacy', 'serious'), \
('relevance', 'serious')], 'very-low')
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field
from pyoxigraph import NamedNode, Triple

from cmo.errors import InvalidInput, NotFound, Problem
from cmo.model import ids
from cmo.model.answers import StudyRef
from cmo.model.appraisal import (
    OVERALL_RULE,
    Component,
    Concern,
    ConfidenceJudgements,
    Finding,
    overall,
)
from cmo.model.ids import normalise_label
from cmo.questions.filters import check_theory
from cmo.questions.patterns import contradictions
from cmo.questions.selection import UNAPPRAISED, by_study, resolve, study_ref
from cmo.rdf.appraisals import (
    CONCERN_OF,
    GENERATED_AT,
    A,
    assessment_iri,
    assessment_triples,
    judgement_iri,
    judgement_triples,
)
from cmo.rdf.mapping import P, describe
from cmo.rdf.provenance import current_agent
from cmo.rdf.sparql import query_text
from cmo.review.index import CmocFacts, ReviewIndex, review_indexes
from cmo.store import Store
from cmo.store.writes import locked, write

_LEVEL = {2: "high", 1: "moderate", 0: "low", UNAPPRAISED: "not appraised"}


class ComponentAssessment(BaseModel):
    """One component: the graph's suggestion and why, and the reviewer's judgement if any."""

    component: str
    suggested: str = Field(description="the concern level the graph suggests now")
    explanation: str
    judgement: str | None = Field(default=None, description="the reviewer's concern level")
    reason: str | None = None
    judged_by: str | None = None
    judged_at: datetime | None = None
    suggested_then: str | None = Field(default=None, description="what the graph suggested "
                                       "when the reviewer judged")
    concern: str = Field(description="the level that counts: the reviewer's, else suggested")


class ConfidenceProfile(BaseModel):
    """A finding's confidence profile: its CMOcs and studies, four components, overall level."""

    review: str
    finding: str
    key: str
    cmocs: list[str]
    studies: list[StudyRef]
    components: list[ComponentAssessment]
    overall: str
    suggested_overall: str
    confirmed: bool = Field(description="whether the reviewer judged all four components")
    rule: str = OVERALL_RULE


def _pattern(index: ReviewIndex, f: Finding) -> tuple[str, str, list[CmocFacts]]:
    if not (f.context and f.mechanism and f.outcome):
        raise InvalidInput("A pattern needs its context, mechanism and outcome.", [Problem(
            field="context", reason="give context, mechanism and outcome; or cmocs; or theory")])
    (_, ctx), = resolve([index], "context", f.context)
    (_, mech), = resolve([index], "mechanism", f.mechanism)
    (_, out), = resolve([index], "outcome", f.outcome)
    under = index.descendants(ctx.iri) if f.roll_up else {ctx.iri}
    chosen = [c for c in index.cmocs if c.mechanism == mech.iri and out.iri in c.outcomes
              and c.fired == f.fired and (f.direction is None or c.direction == f.direction)
              and not under.isdisjoint(c.contexts)]
    key = "|".join(("pattern", ctx.iri, mech.iri, out.iri, str(f.direction or ""), str(f.fired),
                    str(f.roll_up)))
    words = (f"{ctx.label}{' (and narrower)' if f.roll_up else ''} -> {mech.label} -> "
             f"{out.label} ({f.direction or 'any direction'}, "
             f"{'fired' if f.fired else 'not fired'})")
    return key, words, chosen


def _chosen(index: ReviewIndex, f: Finding) -> tuple[str, str, list[CmocFacts]]:
    """The finding's key, its words, and its CMOcs."""
    if f.cmocs:
        missing = [c for c in f.cmocs if c not in index.cmoc_by_id]
        if missing:
            raise NotFound(f"No CMOc {missing[0]!r} in review {index.review_id!r}.")
        wanted = sorted(set(f.cmocs))
        return ("cmocs|" + ",".join(wanted), "CMOcs " + ", ".join(wanted),
                [index.cmoc_by_id[c] for c in wanted])
    if f.theory:
        check_theory([index], f.theory)
        name = normalise_label(f.theory)
        iris = {t for t, (tid, label, _) in index.theories.items()
                if name in (normalise_label(tid), normalise_label(label))}
        return ("theory|" + ",".join(sorted(iris)), f"CMOcs of theory {f.theory}",
                [c for c in index.cmocs if not iris.isdisjoint(c.theories)])
    return _pattern(index, f)


def _share(ranks: dict[str, int], aspect: str) -> tuple[Concern, str]:
    """Concern from the studies' levels of rigour or relevance: all high, none; no low or
    unappraised, minor; at most half low or unappraised, moderate; else serious."""
    n = len(ranks)
    weak = sum(r < 1 for r in ranks.values())
    tally = ", ".join(f"{sum(r == k for r in ranks.values())} {_LEVEL[k]}"
                      for k in (2, 1, 0, UNAPPRAISED) if any(r == k for r in ranks.values()))
    concern = (Concern.none if all(r == 2 for r in ranks.values()) else Concern.minor
               if weak == 0 else Concern.moderate if weak * 2 <= n else Concern.serious)
    return concern, f"{n} stud{'y' if n == 1 else 'ies'} by {aspect}: {tally}."


def _coherence(store: Store, index: ReviewIndex, mine: set[str]) -> tuple[Concern, str]:
    found = contradictions(store, reviews=[index.review_id])
    against: dict[bool, set[str]] = {True: set(), False: set()}
    why: set[str] = set()
    for unexplained, rows in ((True, found.rows), (False, found.explained)):
        for row in rows:
            ids_ = [set(s.cmocs) for s in row.sides]
            for this, other in ((ids_[0], ids_[1]), (ids_[1], ids_[0])):
                if this & mine:
                    against[unexplained] |= other - mine
                    why.update(c.label for c in row.explained_by)
    if against[True]:
        n = len(against[True])
        concern = Concern.moderate if n * 2 <= len(mine) else Concern.serious
        return concern, (f"{n} CMOc(s) with the same contexts claim the opposite "
                         f"({', '.join(sorted(against[True]))}); nothing in their contexts "
                         "explains it.")
    if against[False]:
        return Concern.minor, (f"{len(against[False])} CMOc(s) claim the opposite in other "
                               f"context configurations; the contexts {', '.join(sorted(why))} "
                               "may explain the difference.")
    return Concern.none, "No CMOc with the same mechanism and a shared context claims the opposite."


def _adequacy(index: ReviewIndex, studies: set[str]) -> tuple[Concern, str]:
    n = len(studies)
    thick = sum(index.level(s, "richness") == "thick" for s in studies)
    concern = (Concern.none if n >= 3 and thick else Concern.minor if (n >= 2 and thick) or n >= 3
               else Concern.moderate if n >= 2 or thick else Concern.serious)
    return concern, (f"{n} stud{'y' if n == 1 else 'ies'}, {thick} of them thick "
                     f"({n - thick} thin or not appraised for richness).")


def suggest(store: Store, index: ReviewIndex,
            chosen: list[CmocFacts]) -> dict[Component, tuple[Concern, str]]:
    """The graph's concern level and reasons for each component of a finding's CMOcs."""
    ranks: dict[str, dict[str, int]] = {"rigour": {}, "relevance": {}}
    for aspect, found in ranks.items():
        for c in chosen:
            for s, r in by_study(index, c, aspect).items():
                found[s] = max(found.get(s, UNAPPRAISED), r)
    return {Component.methodological_limitations: _share(ranks["rigour"], "rigour"),
            Component.coherence: _coherence(store, index, {c.id for c in chosen}),
            Component.adequacy: _adequacy(index, {s for c in chosen for s in c.studies}),
            Component.relevance: _share(ranks["relevance"], "relevance")}


def _stored(store: Store, index: ReviewIndex, iri: str) -> dict[str, dict[str, str]]:
    desc = describe(store.construct(query_text("describe_assessment"), {"owner": NamedNode(iri)},
                                    graphs=[ids.review_iri(index.review_id)]))
    out = {}
    for component in Component:
        d = desc.get(judgement_iri(iri, component.value), {})
        concern = d.get(A["concern"].value)
        if not concern or concern[0].value not in CONCERN_OF:
            continue
        agent = d.get(P.attributed_to.value)
        out[component.value] = {
            "judgement": CONCERN_OF[concern[0].value],
            "reason": d[A["rationale"].value][0].value if A["rationale"].value in d else "",
            "judged_by": index.agents.get(agent[0].value, agent[0].value) if agent else "",
            "judged_at": d[GENERATED_AT.value][0].value if GENERATED_AT.value in d else "",
            "suggested_then": CONCERN_OF.get(d.get(A["suggestedConcern"].value, [NamedNode(
                "x:")])[0].value, "")}
    return out


def confidence_profile(store: Store, review_id: str, finding: Finding) -> ConfidenceProfile:
    """The confidence profile of a finding in one review: suggestions, the reviewer's
    judgements, and the overall level; NotFound when no CMOc supports the finding."""
    index = review_indexes(store, [review_id])[0]
    key, words, chosen = _chosen(index, finding)
    if not chosen:
        raise NotFound(f"No CMOc of review {review_id!r} supports the finding: {words}.")
    suggested = suggest(store, index, chosen)
    stored = _stored(store, index, assessment_iri(review_id, key))
    parts = []
    for component, (concern, why) in suggested.items():
        mine = stored.get(component.value, {})
        parts.append(ComponentAssessment(
            component=component.value, suggested=concern.value, explanation=why,
            judgement=mine.get("judgement"), reason=mine.get("reason") or None,
            judged_by=mine.get("judged_by") or None,
            judged_at=datetime.fromisoformat(mine["judged_at"]) if mine.get("judged_at")
            else None, suggested_then=mine.get("suggested_then") or None,
            concern=mine.get("judgement", concern.value)))
    studies = {s: study_ref(index, s) for c in chosen for s in c.studies}
    return ConfidenceProfile(
        review=review_id, finding=words, key=key, cmocs=[c.id for c in chosen],
        studies=sorted(studies.values(), key=lambda s: (s.key.casefold(), s.iri)),
        components=parts, overall=overall(Concern(p.concern) for p in parts).value,
        suggested_overall=overall(c for c, _ in suggested.values()).value,
        confirmed=len(stored) == len(Component))


@locked
def judge_confidence(store: Store, review_id: str,
                     verdicts: ConfidenceJudgements) -> ConfidenceProfile:
    """Record the reviewer's concern level and reason for components of a finding (each
    replaces an earlier judgement of that component), with who and when."""
    index = review_indexes(store, [review_id])[0]
    key, words, chosen = _chosen(index, verdicts.finding)
    if not chosen:
        raise NotFound(f"No CMOc of review {review_id!r} supports the finding: {words}.")
    suggested = suggest(store, index, chosen)
    iri = assessment_iri(review_id, key)
    who = verdicts.appraiser or current_agent()
    now = datetime.now(UTC)
    triples = assessment_triples(iri, key, words, [c.iri for c in chosen])
    given = {v.component.value for v in verdicts.judgements}
    # The assessment node is written afresh; earlier judgements of other components stay linked.
    triples += [Triple(NamedNode(iri), A["hasJudgement"], NamedNode(judgement_iri(iri, c)))
                for c in _stored(store, index, iri) if c not in given]
    for v in verdicts.judgements:
        triples += judgement_triples(iri, v.component.value, v.concern.value,
                                     suggested[v.component][0].value, v.reason, who, now)
    write(store, review_id, remove=[iri, *(judgement_iri(iri, v.component.value)
                                           for v in verdicts.judgements)],
          add=triples)
    return confidence_profile(store, review_id, verdicts.finding)


