"""The peer-support review, asked what a realist reviewer asks once the studies are appraised."""

from __future__ import annotations

import pytest

from cmo.model.appraisal import ConfidenceJudgements, Finding
from cmo.questions import engine as q
from cmo.questions.confidence import confidence_profile, judge_confidence
from cmo.rdf.provenance import acting_as
from cmo.review.appraisals import list_appraisals
from cmo.store import Store

pytestmark = pytest.mark.virtuoso


def test_every_study_is_appraised_with_reasons(example_store: Store) -> None:
    found = list_appraisals(example_store, "peer-support")
    assert len(found) == 6
    for a in found:
        for judged in (a.relevance, a.richness, a.rigour):
            assert judged is not None and judged.rationale and judged.appraiser
    rigour = {a.study: a.rigour.level for a in found if a.rigour}
    assert rigour["Trickey NCT"] == "low" and rigour["Renfrew 2012"] == "high"


def test_which_findings_rest_only_on_low_rigour_studies(example_store: Store) -> None:
    # The article's own hypotheses: every CMOc of the commentary, and nothing else.
    rows = q.recurring_patterns(example_store, 1, reviews=["peer-support"]).rows
    weak = {c for r in rows if r.low_rigour_only for c in r.cmocs}
    assert weak == {f"c{n}" for n in range(24, 44)}  # c24-c43: Trickey NCT, low rigour
    assert not any(r.low_rigour_only for r in rows if set(r.cmocs) & {"c01", "c06", "c15"})


def test_what_still_holds_with_only_moderate_or_better_rigour(example_store: Store) -> None:
    strict = q.CmocFilter.of(min_rigour="moderate")
    answer = q.mechanisms_for_context(example_store, "delivery", filters=strict)
    trust = {r.mechanism.label: r for r in answer.rows}["trusting relationship with the peer"]
    assert trust.rigour.low == 0 and trust.rigour.high >= 1
    everything = q.mechanisms_for_context(example_store, "delivery")
    assert sum(r.cmocs for r in answer.rows) < sum(r.cmocs for r in everything.rows)


def test_which_patterns_recur_once_narrower_contexts_roll_up(example_store: Store) -> None:
    exact = q.recurring_patterns(example_store, 2)
    rolled = q.recurring_patterns(example_store, 2, roll_up=True)
    assert len(rolled.rows) > len(exact.rows)
    under = {(r.context.label, r.mechanism.label): r for r in rolled.rows}
    confidence = under[("delivery", "confidence to breastfeed")]
    assert {g.label for g in confidence.gathered} == {
        "postnatal component", "combined lay and professional support"}
    assert confidence.rigour.high == 2  # Renfrew 2012 and Jolly 2012
    assert under[("peer training", "peers feel confident to help")].cmocs == ["c15", "c26"]


def test_why_trust_builds_in_some_one_to_one_support_and_not_in_other(
        example_store: Store) -> None:
    found = q.contradictions(example_store)
    assert found.rows == []  # nothing the contexts leave unexplained
    why = {frozenset(x.label for x in r.explained_by) for r in found.explained}
    assert frozenset({"low intensity support"}) in why
    assert frozenset({"UK setting", "insufficient peer-mother contacts"}) in why
    assert all([x.label for x in r.contexts] == ["one-to-one support"] for r in found.explained)


def test_how_confident_are_we_that_postnatal_and_combined_support_build_confidence(
        example_store: Store) -> None:
    finding = Finding(context="delivery", mechanism="confidence to breastfeed",
                      outcome="breastfeeding duration", direction="positive", roll_up=True)
    profile = confidence_profile(example_store, "peer-support", finding)
    parts = {c.component: c for c in profile.components}
    assert parts["methodological-limitations"].suggested == "none"
    assert parts["adequacy"].suggested == "moderate" and "2 studies" in parts[
        "adequacy"].explanation
    verdicts = ConfidenceJudgements.model_validate({"finding": finding, "judgements": [
        {"component": c, "concern": parts[c].suggested, "reason": "agree"}
        for c in ("methodological-limitations", "coherence", "adequacy")] + [
        {"component": "relevance", "concern": "moderate",
         "reason": "neither review is about UK peer support alone"}]})
    with acting_as("Ann"):
        judged = judge_confidence(example_store, "peer-support", verdicts)
    assert judged.confirmed and {c.judged_by for c in judged.components} == {"Ann"}
    assert judged.overall == "low" and judged.suggested_overall == "moderate"


def test_link_to_a_theory_only_the_findings_on_high_rigour_studies() -> None:
    """Bulk linking takes the appraisal filters too: the CMOcs one of whose studies is of high
    rigour, except c02, whose quote the reviewer judged of moderate rigour on its own."""
    import cmo
    from cmo.model.theories import CmocSelection
    from cmo.questions.bulk import chooser
    from cmo.review.theory_links import link_cmocs
    from tests.conftest import EXAMPLE

    with cmo.open("memory:") as kg:
        review = kg.review("peer-support")
        review.import_file(EXAMPLE)
        high = {a.study for a in list_appraisals(kg.store, "peer-support")
                if a.rigour and a.rigour.level == "high"}
        expected = sorted(c.id for c in review.cmocs.list()
                          if high & set(c.studies) and c.id != "c02")
        assert expected and "c02" not in expected
        with acting_as("test"):
            done = link_cmocs(kg.store, "peer-support", "peer-support-v2", "supports",
                              chooser(CmocSelection(min_rigour="high")))
        assert sorted(done.cmocs) == expected
