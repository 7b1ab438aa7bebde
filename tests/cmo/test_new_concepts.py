"""Typos must not silently create concepts (issue 12, item 2): writes name the concepts they
create, warn of near-duplicates, can refuse new concepts, and orphans can be listed and pruned."""

from __future__ import annotations

import pytest
from pyoxigraph import RdfFormat

import cmo
from cmo.interchange.rdf_files import import_rdf
from cmo.interchange.sheet_import import import_sheet
from cmo.interchange.tables import Table
from cmo.model.records import ConceptKind, NewCMOc
from cmo.model.vocabulary import Matcher, closest
from cmo.review.cmocs import create_cmoc_version, delete_cmoc, edit_cmoc, list_cmocs
from cmo.review.concepts import (
    add_concept,
    find_concept,
    list_concepts,
    orphan_concepts,
    prune_orphans,
)
from cmo.review.reviews import create_review
from cmo.store import Store
from cmo.store.writes import current_revision

TYPO = "new mechanism 'perceived usefullness': did you mean 'perceived usefulness'?"


def _review(store: Store) -> None:
    create_review(store, cmo.Review(id="r", title="R"))
    add_concept(store, "r", cmo.Concept(kind="mechanism", label="perceived usefulness",
                                        alt_labels=["usefulness"]))
    add_concept(store, "r", cmo.Concept(kind="context", label="rural"))
    add_concept(store, "r", cmo.Concept(kind="outcome", label="uptake"))


def _new(mechanism: str = "perceived usefullness", context: str = "rural") -> NewCMOc:
    return NewCMOc(studies=["S 2020"], contexts=[context], mechanism=mechanism,
                   outcomes=["uptake"])


def test_create_cmoc_names_new_concepts_and_warns_of_near_duplicates(store: Store) -> None:
    _review(store)
    version = create_cmoc_version(store, "r", _new())
    assert [(c.kind, c.label) for c in version.new_concepts] == [
        (ConceptKind.mechanism, "perceived usefullness")]
    assert version.new_concepts[0].iri == find_concept(store, "r", ConceptKind.mechanism,
                                                       "perceived usefullness").iri
    assert version.warnings == (TYPO,)
    known = create_cmoc_version(store, "r", _new("Perceived  Usefulness"))
    assert (known.new_concepts, known.warnings) == ((), ())
    far = create_cmoc_version(store, "r", _new("social comparison"))
    assert [c.label for c in far.new_concepts] == ["social comparison"] and far.warnings == ()


def test_create_cmoc_refusing_new_concepts_names_fields_and_writes_nothing(store: Store) -> None:
    _review(store)
    before = current_revision(store, "r")
    with pytest.raises(cmo.InvalidInput) as refused:
        create_cmoc_version(store, "r", _new(context="rurall"), new_concepts="refuse")
    problems = {p.field: p.reason for p in refused.value.problems}
    assert problems == {
        "contexts[0]": "no context called 'rurall' (new concepts are refused); did you mean "
                       "'rural'?",
        "mechanism": "no mechanism called 'perceived usefullness' (new concepts are refused); "
                     "did you mean 'perceived usefulness'?"}
    assert current_revision(store, "r") == before and list_cmocs(store, "r") == []
    assert len(list_concepts(store, "r")) == 3
    fine = create_cmoc_version(store, "r", _new("usefulness"), new_concepts="refuse")
    assert fine.cmoc.mechanism == "perceived usefulness"


def test_edit_cmoc_reports_and_refuses_new_concepts(store: Store) -> None:
    _review(store)
    first = create_cmoc_version(store, "r", _new("perceived usefulness"))
    with pytest.raises(cmo.InvalidInput):
        edit_cmoc(store, "r", first.cmoc.id, lambda c: c.model_copy(update={
            "outcomes": ["uptake", "uptak"]}), new_concepts="refuse")
    edited = edit_cmoc(store, "r", first.cmoc.id, lambda c: c.model_copy(update={
        "outcomes": ["uptake", "uptak"]}))
    assert [c.label for c in edited.new_concepts] == ["uptak"]
    assert edited.warnings == ("new outcome 'uptak': did you mean 'uptake'?",)


HEADER = ["study", "context", "mechanism", "outcome"]


def test_sheet_import_names_new_concepts_warns_and_can_refuse(store: Store) -> None:
    _review(store)
    rows = [(2, ["S1", "rural", "perceived usefulness", "uptake"]),
            (3, ["S2", "rural", "perceived usefullness", "uptake; adoption"])]
    checked = import_sheet(store, "r", Table("s.csv", HEADER, rows), check=True)
    assert [(c.kind.value, c.label) for c in checked.new_concepts] == [
        ("mechanism", "perceived usefullness"), ("outcome", "adoption")]
    assert checked.warnings == [TYPO]
    before = current_revision(store, "r")
    with pytest.raises(cmo.InvalidInput) as refused:
        import_sheet(store, "r", Table("s.csv", HEADER, rows), new_concepts="refuse")
    text = str(refused.value)
    assert "row 3, mechanism: no mechanism called 'perceived usefullness'" in text
    assert "row 3, outcome: no outcome called 'adoption'" in text and "row 2" not in text
    assert current_revision(store, "r") == before and list_cmocs(store, "r") == []
    concepts = Table("c.csv", ["kind", "label"], [(2, ["outcome", "adoption"])])
    with pytest.raises(cmo.InvalidInput) as also:
        import_sheet(store, "r", Table("s.csv", HEADER, rows[:1]), concepts,
                     new_concepts="refuse")
    assert "c.csv, row 2, label: no outcome called 'adoption'" in str(also.value)


def test_sheet_import_into_new_review_names_every_concept(store: Store) -> None:
    report = import_sheet(store, "fresh", Table("s.csv", HEADER, [(2, ["S", "a", "b", "c"])]))
    assert [(c.kind.value, c.label) for c in report.new_concepts] == [
        ("context", "a"), ("mechanism", "b"), ("outcome", "c")]
    assert report.warnings == []


RDF = b"""@prefix rkg: <https://w3id.org/realist-kg/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/m1> a rkg:Mechanism, skos:Concept ; skos:prefLabel "perceived usefullness" .
"""


def test_rdf_import_names_new_concepts_warns_and_can_refuse(store: Store) -> None:
    _review(store)
    before = current_revision(store, "r")
    with pytest.raises(cmo.InvalidInput) as refused:
        import_rdf(store, "r", [("typo.ttl", RDF, RdfFormat.TURTLE)], validate=False,
                   new_concepts="refuse")
    assert "typo.ttl, mechanism: no mechanism called 'perceived usefullness'" in str(
        refused.value)
    assert current_revision(store, "r") == before
    report = import_rdf(store, "r", [("typo.ttl", RDF, RdfFormat.TURTLE)], validate=False)
    assert [(c.label, c.iri) for c in report.new_concepts] == [
        ("perceived usefullness", "https://example.org/m1")]
    assert report.warnings == [TYPO]
    again = import_rdf(store, "r", [("typo.ttl", RDF, RdfFormat.TURTLE)], validate=False)
    assert (again.new_concepts, again.warnings) == ([], [])


def test_orphans_are_listed_and_pruned_and_no_longer_suggested(store: Store) -> None:
    _review(store)
    add_concept(store, "r", cmo.Concept(kind="context", label="remote", broader="rural"))
    add_concept(store, "r", cmo.Concept(kind="context", label="setting"))
    add_concept(store, "r", cmo.Concept(kind="context", label="urban", broader="setting"))
    typo = create_cmoc_version(store, "r", _new(context="remote"))
    create_cmoc_version(store, "r", _new("perceived usefulness"))
    delete_cmoc(store, "r", typo.cmoc.id)
    orphans = {(c.kind.value, c.label) for c in orphan_concepts(store, "r")}
    # "remote" lost its only CMOc; "setting" and "urban" never had one; "rural" is still used.
    assert orphans == {("mechanism", "perceived usefullness"), ("context", "remote"),
                       ("context", "setting"), ("context", "urban")}
    with pytest.raises(cmo.UnknownConcept) as before:
        find_concept(store, "r", ConceptKind.mechanism, "perceived usefulnes")
    assert "perceived usefullness" in before.value.suggestions
    pruned = prune_orphans(store, "r")
    assert {(c.kind.value, c.label) for c in pruned} == orphans
    assert orphan_concepts(store, "r") == []
    labels = {c.label for c in list_concepts(store, "r")}
    assert labels == {"perceived usefulness", "rural", "uptake"}
    with pytest.raises(cmo.UnknownConcept) as after:
        find_concept(store, "r", ConceptKind.mechanism, "perceived usefulnes")
    assert after.value.suggestions == ["perceived usefulness"]
    assert prune_orphans(store, "r") == []


def test_parent_of_a_used_concept_is_not_an_orphan(store: Store) -> None:
    _review(store)
    add_concept(store, "r", cmo.Concept(kind="context", label="remote", broader="rural"))
    add_concept(store, "r", cmo.Concept(kind="context", label="place"))
    add_concept(store, "r", cmo.Concept(kind="context", label="village", broader="place"))
    create_cmoc_version(store, "r", _new("perceived usefulness", context="village"))
    assert {c.label for c in orphan_concepts(store, "r")} == {"remote", "rural"}


def test_matcher_over_many_labels_finds_what_closest_finds() -> None:
    words = ["low", "high", "rural", "urban", "peer", "trust", "clinic", "home", "group"]
    names = [f"{words[n % 9]} {words[n // 9 % 9]} support {n}" for n in range(400)]
    names += ["perceived usefulness", "perceived ease of use"]
    matcher = Matcher(names)
    assert len(names) > Matcher.EXACT
    for typo in ("perceived usefullness", "percieved ease of use", "rural urban suport 2"):
        assert matcher.closest(typo)[0] == closest(typo, names)[0]
