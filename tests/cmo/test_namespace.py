"""The Python vocabulary and the ontology's Turtle declare the same rkg: terms."""

import rdflib

from cmo.model.namespace import RKG, RKG_IRI
from tests.conftest import ONTOLOGY


def _declared_in_turtle() -> set[str]:
    g = rdflib.Graph()
    for name in ("rkg.ttl", "vocab.ttl"):
        g.parse(ONTOLOGY / name, format="turtle")
    return {str(s)[len(RKG_IRI):] for s in g.subjects(rdflib.RDF.type, None)
            if str(s).startswith(RKG_IRI) and str(s) != RKG_IRI}


def test_namespace_matches_ontology() -> None:
    in_python = {name for name in RKG.__annotations__ if not name.startswith("_")}
    assert in_python == _declared_in_turtle()


def test_every_term_has_label_and_comment() -> None:
    g = rdflib.Graph().parse(ONTOLOGY / "rkg.ttl", format="turtle")
    for name in RKG.__annotations__:
        term = rdflib.URIRef(RKG_IRI + name)
        if (term, rdflib.RDF.type, rdflib.OWL.Class) in g or any(
                g.triples((term, rdflib.RDF.type, rdflib.OWL.ObjectProperty))):
            assert g.value(term, rdflib.RDFS.label), name
            assert g.value(term, rdflib.RDFS.comment), name


def test_unknown_term_is_an_error() -> None:
    import pytest

    with pytest.raises(AttributeError):
        _ = RKG.hasContxt
