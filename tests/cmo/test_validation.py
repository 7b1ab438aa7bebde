"""SHACL says, in a reviewer's words, what is wrong with a malformed CMOc."""

import pyoxigraph as ox
import pytest

import cmo
from cmo.rdf.mapping import MintedRefs, cmoc_triples, concept_triples, review_triples, study_triples
from cmo.review.validation import validate_review, validate_triples
from cmo.store import Store
from tests.builders import sample_cmoc

RKG = "https://w3id.org/realist-kg/ns#"


def _well_formed() -> list[ox.Triple]:
    cmoc = sample_cmoc("c1")
    refs = MintedRefs("r1")
    triples = cmoc_triples("r1", cmoc, refs) + review_triples(cmo.Review(id="r1", title="R"))
    for kind, label in [("context", "low intensity support"),
                        ("mechanism", "mothers engage with the peer"),
                        ("outcome", "breastfeeding continuation")]:
        concept = cmo.Concept(kind=kind, label=label)
        triples += concept_triples("r1", concept, refs.concept(concept.kind, label), None)
    triples += study_triples(cmo.Study(key="Jolly 2012"), refs.study("Jolly 2012"))
    return triples


def _without(triples: list[ox.Triple], predicate: str) -> list[ox.Triple]:
    return [t for t in triples if t.predicate.value != predicate]


def _with(triples: list[ox.Triple], predicate: str, obj: ox.NamedNode | ox.Literal,
          subject: str | None = None) -> list[ox.Triple]:
    s = ox.NamedNode(subject or cmo.model.ids.cmoc_iri("r1", "c1"))
    return [*triples, ox.Triple(s, ox.NamedNode(predicate), obj)]


def test_well_formed_cmoc_conforms() -> None:
    assert validate_triples(_well_formed()) == []


MALFORMED = {
    "no context": (lambda t: _without(t, RKG + "hasContext"), "hasContext", "context"),
    "no mechanism": (lambda t: _without(t, RKG + "hasMechanism"), "hasMechanism", "mechanism"),
    "two mechanisms": (lambda t: _with(t, RKG + "hasMechanism", ox.NamedNode(
        cmo.model.ids.concept_iri("r1", "mechanism", "other"))), "hasMechanism", "exactly one"),
    "no outcome": (lambda t: _without(t, RKG + "hasOutcome"), "hasOutcome", "outcome"),
    "no study": (lambda t: _without(t, RKG + "fromStudy"), "fromStudy", "study"),
    "fired missing": (lambda t: _without(t, RKG + "mechanismFired"), "mechanismFired", "fired"),
    "fired not boolean": (lambda t: _with(_without(t, RKG + "mechanismFired"),
                                          RKG + "mechanismFired", ox.Literal("maybe")),
                          "mechanismFired", "fired"),
    "unknown direction": (lambda t: _with(_without(t, RKG + "outcomeDirection"),
                                          RKG + "outcomeDirection", ox.NamedNode(RKG + "Sideways")),
                          "outcomeDirection", "direction"),
    "unknown confidence": (lambda t: _with(_without(t, RKG + "confidence"), RKG + "confidence",
                                           ox.NamedNode(RKG + "Certain")), "confidence",
                           "confidence"),
    "evidence without quote": (lambda t: _without(t, RKG + "quote"), "quote", "quote"),
}


@pytest.mark.parametrize("breakage", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_cmoc_is_reported_in_words(breakage: str) -> None:
    change, path, word = MALFORMED[breakage]
    violations = validate_triples(change(_well_formed()))
    assert {v.path for v in violations} == {path}
    assert any(word in v.message.lower() for v in violations)
    assert all("c1" in str(v) for v in violations)


def test_example_review_conforms(example_store: Store) -> None:
    assert validate_review(example_store, "peer-support") == []
