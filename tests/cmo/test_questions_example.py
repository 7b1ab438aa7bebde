"""Worked examples on the peer-support review that a realist reviewer would recognise."""

import pytest

import cmo
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.questions import engine as q
from cmo.review.cmocs import create_cmoc
from cmo.store import Store

pytestmark = pytest.mark.virtuoso  # the store's own suite: on Virtuoso too


def test_what_fires_under_delivery_and_what_does_not(example_store: Store) -> None:
    answer = q.mechanisms_for_context(example_store, "delivery")
    rows = {r.mechanism.label: r for r in answer.rows}
    assert answer.include_narrower and answer.context.label == "delivery"
    trust = rows["trusting relationship with the peer"]
    assert trust.fired >= 4 and trust.not_fired >= 1  # fires face-to-face, not at low intensity
    assert rows["mothers seek help when they need it"].fired == 0  # reactive support
    only_delivery = q.mechanisms_for_context(example_store, "delivery", include_narrower=False)
    assert sum(r.cmocs for r in only_delivery.rows) < sum(r.cmocs for r in answer.rows)


def test_trust_does_not_fire_with_low_intensity_support(example_store: Store) -> None:
    answer = q.contexts_for_mechanism(example_store, "authentic presence")  # a synonym
    assert answer.mechanism.label == "trusting relationship with the peer"
    assert "low intensity support" in {r.context.label for r in answer.not_fired_in}
    assert "face-to-face" in {r.context.label for r in answer.fired_in}


def test_uk_null_result_traces_to_its_quote(example_store: Store) -> None:
    trail = q.evidence_trail(example_store, cmoc="c10")
    assert [s.key for s in trail.studies] == ["Jolly 2012"]
    assert "failed to demonstrate" in trail.items[0].quote


def test_chain_from_trained_peers_to_continued_breastfeeding(example_store: Store) -> None:
    answer = q.chains(example_store, "c15")
    assert answer.chains[0].cmocs == ["c15", "c16", "c11", "c08"]


def test_unknown_context_suggests_the_closest_labels(example_store: Store) -> None:
    with pytest.raises(cmo.UnknownConcept) as caught:
        q.mechanisms_for_context(example_store, "delivry")
    assert caught.value.suggestions[0] == "delivery"


def test_answer_reflects_a_write_made_after_it_was_cached(example_store: Store) -> None:
    before = q.context_mechanism_matrix(example_store, ["peer-support"])
    create_cmoc(example_store, "peer-support", cmo.CMOConfiguration(
        id="c99", studies=["Jolly 2012"], contexts=["low intensity support"],
        mechanism="trusting relationship with the peer", outcomes=["breastfeeding duration"],
        mechanism_fired=False))
    after = q.context_mechanism_matrix(example_store, ["peer-support"])
    cell = {(r.context.label, r.mechanism.label): r.not_fired for r in after.rows}
    old = {(r.context.label, r.mechanism.label): r.not_fired for r in before.rows}
    key = ("low intensity support", "trusting relationship with the peer")
    assert cell[key] == old.get(key, 0) + 1


def test_cross_review_matrix_merges_in_order_and_counts_shared_cells(store: Store) -> None:
    from tests.builders import sample_review
    from tests.cmo.test_rdf_io import GOOD_TTL

    sample_review(store, "a")
    sample_review(store, "b")
    both = q.context_mechanism_matrix(store, ["a", "b"]).rows
    keys = [(r.context.label.casefold(), r.context.iri, r.mechanism.label.casefold(),
             r.mechanism.iri) for r in both]
    assert keys == sorted(keys) and len(both) == 2 * len(q.context_mechanism_matrix(
        store, ["a"]).rows)
    # The same foreign concept IRIs imported into two reviews: one cell, counted from both.
    for review in ("x", "y"):
        import_rdf(store, review, [("g.ttl", GOOD_TTL, rdf_format("ttl"))])
    shared = q.context_mechanism_matrix(store, ["x", "y"]).rows
    assert [(r.context.label, r.cmocs) for r in shared] == [("rural setting", 2)]
