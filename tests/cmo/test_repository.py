"""Reviews, studies, concepts, theories and CMOcs through the repository, on real stores."""

import pytest

import cmo
from cmo.questions.stats import review_stats
from cmo.review.cmocs import create_cmoc, delete_cmoc, get_cmoc, list_cmocs, replace_cmoc
from cmo.review.concepts import (
    add_concept,
    delete_concept,
    find_concept,
    list_concepts,
    update_concept,
)
from cmo.review.reviews import create_review, delete_review, get_review, list_reviews, update_review
from cmo.review.studies import delete_study, get_study, update_study
from cmo.review.theories import add_theory, list_theories
from cmo.store import Store
from tests.builders import sample_cmoc, sample_review

pytestmark = pytest.mark.virtuoso  # the store's own suite: on Virtuoso too


def test_create_review_twice_is_refused(any_store: Store) -> None:
    create_review(any_store, cmo.Review(id="r1", title="One"))
    with pytest.raises(cmo.AlreadyExists, match="r1"):
        create_review(any_store, cmo.Review(id="r1", title="Again"))


def test_update_and_delete_review(any_store: Store) -> None:
    sample_review(any_store)
    updated = update_review(any_store, "r1", title="New title", public=True)
    assert get_review(any_store, "r1") == updated
    delete_review(any_store, "r1")
    assert list_reviews(any_store) == []
    with pytest.raises(cmo.NotFound):
        get_review(any_store, "r1")


def test_cmoc_round_trips_through_store(any_store: Store) -> None:
    sample_review(any_store)
    got = get_cmoc(any_store, "r1", "c1")
    expected = sample_cmoc("c1", leads_to=["c2"], theories=["t-v1"])
    assert got.model_dump(exclude={"created", "modified"}) == expected.model_dump(
        exclude={"created", "modified"})
    assert got.created is not None


def test_label_case_and_spacing_do_not_make_a_new_concept(store: Store) -> None:
    sample_review(store)
    create_cmoc(store, "r1", sample_cmoc("c3", contexts=["  LOW   Intensity support "]))
    contexts = [c.label for c in list_concepts(store, "r1", cmo.ConceptKind.context)]
    assert contexts == ["delivery", "intensity", "low intensity support"]
    assert get_cmoc(store, "r1", "c3").contexts == ["low intensity support"]


def test_synonym_resolves_to_its_concept(store: Store) -> None:
    sample_review(store)
    create_cmoc(store, "r1", sample_cmoc("c3", contexts=["Fewer than five  contacts"]))
    assert get_cmoc(store, "r1", "c3").contexts == ["low intensity support"]
    found = find_concept(store, "r1", cmo.ConceptKind.context, "FEWER THAN FIVE CONTACTS")
    assert found.label == "low intensity support"
    assert found.broader == "intensity"


def test_unknown_concept_suggests_close_labels(store: Store) -> None:
    sample_review(store)
    with pytest.raises(cmo.UnknownConcept) as caught:
        find_concept(store, "r1", cmo.ConceptKind.context, "low intensty suport")
    assert caught.value.suggestions[0] == "low intensity support"


def test_concept_label_taken_by_synonym_is_refused(store: Store) -> None:
    sample_review(store)
    with pytest.raises(cmo.AlreadyExists, match=r"(?i)fewer than five contacts"):
        add_concept(store, "r1", cmo.Concept(kind="context",
                                             label="Fewer than five contacts"))


def test_concept_hierarchy_cycle_is_refused(store: Store) -> None:
    sample_review(store)
    with pytest.raises(cmo.InvalidInput, match="cycle"):
        update_concept(store, "r1", cmo.ConceptKind.context, "delivery",
                       cmo.Concept(kind="context", label="delivery",
                                       broader="low intensity support"))


def test_concept_in_use_cannot_be_deleted(store: Store) -> None:
    sample_review(store)
    with pytest.raises(cmo.InUse, match="c1"):
        delete_concept(store, "r1", cmo.ConceptKind.context, "low intensity support")
    add_concept(store, "r1", cmo.Concept(kind="mechanism", label="unused"))
    delete_concept(store, "r1", cmo.ConceptKind.mechanism, "UNUSED")
    with pytest.raises(cmo.UnknownConcept):
        find_concept(store, "r1", cmo.ConceptKind.mechanism, "unused")


def test_replace_cmoc_keeps_created_and_sets_modified(store: Store) -> None:
    sample_review(store)
    before = get_cmoc(store, "r1", "c1")
    after = replace_cmoc(store, "r1", before.model_copy(update={"mechanism_fired": True,
                                                                "contexts": ["delivery"]}))
    assert after.mechanism_fired is True and after.contexts == ["delivery"]
    assert after.created == before.created and after.modified is not None
    assert len(after.evidence) == 1


def test_delete_cmoc_removes_evidence_and_chain_links(store: Store) -> None:
    sample_review(store)
    delete_cmoc(store, "r1", "c2")
    assert get_cmoc(store, "r1", "c1").leads_to == []
    assert review_stats(store, "r1").evidence == 1
    with pytest.raises(cmo.NotFound):
        get_cmoc(store, "r1", "c2")


def test_cmoc_leading_to_unknown_cmoc_is_refused_and_nothing_written(store: Store) -> None:
    sample_review(store)
    before = review_stats(store, "r1")
    with pytest.raises(cmo.NotFound, match="c404"):
        create_cmoc(store, "r1", sample_cmoc("c3", leads_to=["c404"],
                                             contexts=["brand new context"]))
    assert review_stats(store, "r1") == before


def test_reviews_are_isolated_in_their_own_graphs(store: Store) -> None:
    sample_review(store, "a")
    sample_review(store, "b")
    create_cmoc(store, "b", sample_cmoc("only-in-b", contexts=["group-based support"]))
    assert [c.id for c in list_cmocs(store, "a")] == ["c1", "c2"]
    assert [c.id for c in list_cmocs(store, "b")] == ["c1", "c2", "only-in-b"]
    labels_a = {c.label for c in list_concepts(store, "a")}
    assert "group-based support" not in labels_a
    delete_review(store, "b")
    assert [c.id for c in list_cmocs(store, "a")] == ["c1", "c2"]


def test_studies_and_theories(store: Store) -> None:
    sample_review(store)
    update_study(store, "r1", "jolly 2012", cmo.Study(key="Jolly 2012", year=2012,
                                                      design="systematic-review"))
    assert get_study(store, "r1", "JOLLY 2012").year == 2012
    with pytest.raises(cmo.InUse):
        delete_study(store, "r1", "Jolly 2012")
    add_theory(store, "r1", cmo.ProgrammeTheory(id="t-v2", label="Peer theory", version=2,
                                                revision_of="t-v1"))
    assert [(t.id, t.revision_of) for t in list_theories(store, "r1")] == [
        ("t-v1", None), ("t-v2", "t-v1")]
    with pytest.raises(cmo.NotFound):
        add_theory(store, "r1", cmo.ProgrammeTheory(id="t-v3", label="x",
                                                    revision_of="nope"))
