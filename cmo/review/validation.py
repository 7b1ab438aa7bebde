"""SHACL validation of a review, with each violation said the way a reviewer would say it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from cmo.errors import Violation
from cmo.model import ids
from cmo.model.namespace import DCTERMS_IRI, RDFS_IRI, RKG, SKOS_IRI, XSD_IRI
from cmo.rdf.resources import ontology_file
from cmo.review.reviews import review_graph_triples
from cmo.store import Store

_XSD_STRING = XSD_IRI + "string"
_TYPE_WORDS = {
    str(RKG.CMOConfiguration): "CMOc", str(RKG.Study): "study", str(RKG.Evidence): "evidence",
    str(RKG.Context): "context", str(RKG.Mechanism): "mechanism", str(RKG.Outcome): "outcome",
    str(RKG.Intervention): "intervention", str(RKG.Actor): "actor",
    str(RKG.ProgrammeTheory): "theory", str(RKG.Review): "review",
}


@cache
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file("shapes.ttl"), format="turtle")


@cache
def _ontology() -> rdflib.Graph:
    g = rdflib.Graph()
    for name in ("rkg.ttl", "vocab.ttl"):
        g.parse(ontology_file(name), format="turtle")
    return g


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
                ) -> rdflib.term.Identifier:
    """The rdflib term for a pyoxigraph term, made directly: its cost grows with its length.

    (Writing N-Triples and parsing them back with rdflib costs time quadratic in the length of
    a literal: 27 s for a 2 MB quote, 79 s for 3 MB.)

    >>> rdflib_term(ox.Literal("vrai", language="fr")).language
    'fr'
    """
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # a simple literal, as rdflib reads "text"
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"triple terms are not supported: {term}")


def to_rdflib(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph of pyoxigraph triples, built term by term (linear in their size)."""
    g = rdflib.Graph()
    for t in triples:
        g.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
    return g


def _describe_node(g: rdflib.Graph, node: rdflib.term.Node) -> str:
    """'CMOc c07', 'context "UK setting"', or the IRI when nothing better is known."""
    kind = next((_TYPE_WORDS[str(t)] for t in g.objects(node, rdflib.RDF.type)
                 if str(t) in _TYPE_WORDS), None)
    name = (g.value(node, rdflib.URIRef(DCTERMS_IRI + "identifier"))
            or g.value(node, rdflib.URIRef(SKOS_IRI + "prefLabel"))
            or g.value(node, rdflib.URIRef(RDFS_IRI + "label")))
    if kind == "evidence":
        owner = next(g.subjects(rdflib.URIRef(str(RKG.supportedBy)), node), None)
        return f"evidence of {_describe_node(g, owner)}" if owner is not None else "evidence"
    if name is not None:
        return f"{kind} {str(name)!r}" if kind else repr(str(name))
    text = ids.local_id(str(node)) if isinstance(node, rdflib.URIRef) else "a blank node"
    return f"{kind} {text}" if kind else str(node)


def _path_words(path: rdflib.term.Node | None) -> str | None:
    if path is None:
        return None
    text = str(path)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def validate_triples(triples: Iterable[ox.Triple]) -> list[Violation]:
    """Check triples against the shapes of a well-formed review; [] when they conform."""
    data = to_rdflib(triples)
    # Imported here: pyshacl (and the SPARQL parser it loads) is ~40% of the start-up time of
    # every `cmo` command, and only imports and `cmo validate` need it.
    from pyshacl import validate

    conforms, results, _ = validate(data, shacl_graph=_shapes(), ont_graph=_ontology(),
                                    inference="none", advanced=True, allow_warnings=True)
    if conforms:
        return []
    assert isinstance(results, rdflib.Graph)
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        if focus is None:
            continue
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        violations.append(Violation(
            focus=str(focus), focus_label=_describe_node(data, focus),
            message=str(results.value(result, SH.resultMessage) or "does not fit the shapes"),
            path=_path_words(results.value(result, SH.resultPath)),
            value=(_describe_node(data, value) if isinstance(value, rdflib.URIRef)
                   and (value, None, None) in data else str(value) if value is not None
                   else None),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation"))
    return sorted(violations, key=lambda v: (v.focus_label, v.path or "", v.message))


def validate_review(store: Store, review_id: str) -> list[Violation]:
    """Check one review in the store; [] when it conforms."""
    return validate_triples(review_graph_triples(store, review_id))
