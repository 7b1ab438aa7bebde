"""Merging a typo'd concept into the right one (issue 14, concepts): its CMOcs and narrower
concepts move, its label becomes a synonym, the merge is in the provenance, in one write."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode

import cmo
from cmo.model import ids
from cmo.model.records import ConceptKind, NewCMOc
from cmo.rdf.provenance import acting_as
from cmo.review.cmocs import create_cmoc, get_cmoc
from cmo.review.concepts import add_concept, find_concept, list_concepts, merge_concepts
from cmo.review.reviews import create_review
from cmo.store import Store
from cmo.store.writes import current_revision

M = ConceptKind.mechanism


def _review(store: Store, review: str = "r") -> None:
    create_review(store, cmo.Review(id=review, title=review.upper()))
    add_concept(store, review, cmo.Concept(kind=M, label="perceived usefulness",
                                           alt_labels=["usefulness"]))
    add_concept(store, review, cmo.Concept(kind=M, label="perceived usefullness",
                                           alt_labels=["usefullness"], definition="typo"))
    add_concept(store, review, cmo.Concept(kind=M, label="seeing a benefit",
                                           broader="perceived usefullness"))
    create_cmoc(store, review, NewCMOc(studies=["S 2020"], contexts=["rural"],
                                       mechanism="perceived usefullness", outcomes=["uptake"]))
    create_cmoc(store, review, NewCMOc(studies=["S 2020"], contexts=["urban"],
                                       mechanism="perceived usefulness", outcomes=["uptake"]))


def test_merge_concepts_moves_cmocs_synonyms_narrower_and_records_it(store: Store) -> None:
    _review(store)
    with acting_as("Ana"):
        done = merge_concepts(store, "r", "Perceived Usefulness", "perceived usefullness",
                              kind=M)
    assert done.merged == "perceived usefullness" and done.cmocs == ["c01"]
    assert done.narrower == ["seeing a benefit"]
    kept = find_concept(store, "r", M, "perceived usefullness")  # the old label, now a synonym
    assert kept == done.kept and kept.label == "perceived usefulness"
    assert kept.alt_labels == ["perceived usefullness", "usefullness", "usefulness"]
    assert kept.definition == "typo"  # it had none of its own
    assert [c.label for c in list_concepts(store, "r", M)] == ["perceived usefulness",
                                                               "seeing a benefit"]
    assert find_concept(store, "r", M, "seeing a benefit").broader == "perceived usefulness"
    assert get_cmoc(store, "r", "c01").mechanism == "perceived usefulness"
    rows = store.select(
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
        " SELECT ?note ?used ?who WHERE { ?a a prov:Activity ; rdfs:label ?note ; prov:used ?used ;"
        " prov:wasAssociatedWith/rdfs:label ?who }", graphs=[ids.review_iri("r")])
    assert {(r["note"].value, r["who"].value) for r in rows} == {  # type: ignore[union-attr]
        ("merged mechanism 'perceived usefullness' into 'perceived usefulness'", "Ana")}
    assert {r["used"].value for r in rows} == {kept.iri, ids.concept_iri(  # type: ignore[union-attr]
        "r", "mechanism", "perceived usefullness")}


def test_merge_concepts_kept_directly_under_merged_takes_its_place(store: Store) -> None:
    _review(store)
    add_concept(store, "r", cmo.Concept(kind=M, label="value"))
    add_concept(store, "r", cmo.Concept(kind=M, label="worth", broader="value"))
    add_concept(store, "r", cmo.Concept(kind=M, label="merit", broader="worth"))
    done = merge_concepts(store, "r", "merit", "worth", kind=M)
    assert done.kept.broader == "value" and done.narrower == []


def test_merge_concepts_refuses_itself_a_cycle_and_another_reviews_concept(store: Store) -> None:
    _review(store)
    create_review(store, cmo.Review(id="other", title="Other"))
    add_concept(store, "other", cmo.Concept(kind=M, label="peer credibility"))
    before = current_revision(store, "r")
    with pytest.raises(cmo.InvalidInput, match="the same mechanism"):
        merge_concepts(store, "r", "perceived usefulness", "Usefulness", kind=M)
    with pytest.raises(cmo.InvalidInput, match="would make a cycle"):
        add_concept(store, "r", cmo.Concept(kind=M, label="benefit detail",
                                            broader="seeing a benefit"))
        merge_concepts(store, "r", "benefit detail", "perceived usefullness", kind=M)
    with pytest.raises(cmo.UnknownConcept):
        merge_concepts(store, "r", "perceived usefulness", "peer credibility", kind=M)
    with pytest.raises(cmo.UnknownConcept):
        merge_concepts(store, "other", "peer credibility", "perceived usefullness", kind=M)
    with pytest.raises(cmo.UnknownConcept):  # a context is not a mechanism
        merge_concepts(store, "r", "perceived usefulness", "rural", kind=M)
    assert store.select("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": NamedNode(
        ids.concept_iri("r", "context", "rural"))}, graphs=[ids.review_iri("r")])
    assert [c.label for c in list_concepts(store, "other")] == ["peer credibility"]
    assert len(list_concepts(store, "r", M)) == 4  # nothing merged (one concept added)
    assert current_revision(store, "r") != before
