"""A quote's place in its source, as the W3C Web Annotation model says it (oa: terms).

An anchored evidence item is an `oa:SpecificResource`: `oa:hasSource` names the source document
and two `oa:hasSelector` values give the place: a TextQuoteSelector (exact, prefix, suffix) and a
TextPositionSelector (start, end; end exclusive, in code points of the normalised text).

>>> from cmo.model.records import Evidence
>>> ev = Evidence(quote="felt understood", source="s1", start=10, end=25)
>>> triples = anchor_triples("r", "urn:ev", ev)
>>> sorted({t.predicate.value.split("#")[1] for t in triples})
['end', 'exact', 'hasSelector', 'hasSource', 'start', 'type']
"""

from __future__ import annotations

from collections.abc import Callable

from pyoxigraph import Literal, NamedNode, Triple

from cmo.model import ids
from cmo.model.namespace import OA_IRI, RDF_IRI
from cmo.model.records import Evidence

Term = NamedNode | Literal
_TYPE = NamedNode(RDF_IRI + "type")


class OA:
    """The Web Annotation terms of an anchored quote (https://www.w3.org/TR/annotation-vocab/)."""

    has_source = NamedNode(OA_IRI + "hasSource")
    has_selector = NamedNode(OA_IRI + "hasSelector")
    quote_selector = NamedNode(OA_IRI + "TextQuoteSelector")
    position_selector = NamedNode(OA_IRI + "TextPositionSelector")
    exact = NamedNode(OA_IRI + "exact")
    prefix = NamedNode(OA_IRI + "prefix")
    suffix = NamedNode(OA_IRI + "suffix")
    start = NamedNode(OA_IRI + "start")
    end = NamedNode(OA_IRI + "end")


def count_literal(value: int) -> Literal:
    """A position or length as an xsd:integer literal. (The Web Annotation model says
    xsd:nonNegativeInteger, but Oxigraph stores that as xsd:integer, so every backend is given
    xsd:integer and holds the same; the annotations export types them as the model says.)"""
    return Literal(value)


def selector_iris(evidence_iri: str) -> tuple[str, str]:
    """The IRIs of an anchored quote's TextQuoteSelector and TextPositionSelector."""
    return f"{evidence_iri}/quote", f"{evidence_iri}/position"


def anchor_triples(review_id: str, evidence_iri: str, evidence: Evidence) -> list[Triple]:
    """The triples placing a quote in its source (none when it has no source)."""
    if evidence.source is None:
        return []
    ev = NamedNode(evidence_iri)
    quote, position = (NamedNode(i) for i in selector_iris(evidence_iri))
    out = [Triple(ev, OA.has_source, NamedNode(ids.source_iri(review_id, evidence.source))),
           Triple(ev, OA.has_selector, quote), Triple(quote, _TYPE, OA.quote_selector),
           Triple(quote, OA.exact, Literal(evidence.quote))]
    for p, text in ((OA.prefix, evidence.prefix), (OA.suffix, evidence.suffix)):
        if text is not None:
            out.append(Triple(quote, p, Literal(text)))
    if evidence.start is not None and evidence.end is not None:
        out += [Triple(ev, OA.has_selector, position),
                Triple(position, _TYPE, OA.position_selector),
                Triple(position, OA.start, count_literal(evidence.start)),
                Triple(position, OA.end, count_literal(evidence.end))]
    return out


def _one(d: dict[str, list[Term]], p: NamedNode) -> str | None:
    values = d.get(p.value)
    return values[0].value if values else None


def read_anchor(desc: dict[str, dict[str, list[Term]]], evidence: dict[str, list[Term]],
                id_of: Callable[[str], str]) -> dict[str, str | int | None]:
    """The source and selectors of a quote, as fields of `Evidence` (none when unanchored)."""
    document = _one(evidence, OA.has_source)
    if document is None:
        return {}
    out: dict[str, str | int | None] = {"source": id_of(document)}
    for selector in evidence.get(OA.has_selector.value, []):
        d = desc.get(selector.value, {})
        start, end = _one(d, OA.start), _one(d, OA.end)
        if start is not None and end is not None:
            out["start"], out["end"] = int(start), int(end)
        if _one(d, OA.exact) is not None:
            out["prefix"], out["suffix"] = _one(d, OA.prefix), _one(d, OA.suffix)
    return out
