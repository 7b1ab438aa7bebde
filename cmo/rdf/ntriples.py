"""CMOcs written straight as N-Triples text, for big imports (the same triples as `mapping`).

>>> from cmo.model.records import CMOConfiguration
>>> from cmo.rdf.mapping import MintedRefs, cmoc_triples
>>> import pyoxigraph as ox
>>> cmoc = CMOConfiguration(id="c1", studies=["S 2020"], contexts=["rural"], mechanism="trust",
...                         outcomes=["uptake"])
>>> text = NTriples()
>>> cmoc_ntriples(text, "r", cmoc, MintedRefs("r"))
>>> text.count == len(cmoc_triples("r", cmoc, MintedRefs("r")))
True
"""

from __future__ import annotations

from datetime import datetime

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from cmo.model import ids
from cmo.model.ids import review_iri
from cmo.model.records import CMOConfiguration, ConceptKind
from cmo.rdf.anchors import anchor_triples
from cmo.rdf.mapping import CONFIDENCE_IRI, DIRECTION_IRI, P, R, Refs, datetime_literal


class NTriples:
    """Triples kept as N-Triples text: what a big import writes instead of pyoxigraph `Triple`s.

    Building a `Triple` per statement (some 23 per CMOc) cost more than Oxigraph's own load of
    the same triples. Here every term is still made and checked by pyoxigraph (`NamedNode`,
    `Literal`) and written as its `str()`, which is its N-Triples form: IRIs are checked and
    literals escaped exactly as `pyoxigraph.serialize` does. Terms that recur (concepts, studies,
    predicates, the import's time) are made once. `count` is the number of triples (lines).
    """

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.count = 0
        self._iris: dict[str, str] = {}
        self._literals: dict[object, str] = {}

    def iri(self, iri: str) -> str:
        """The N-Triples form of an IRI that recurs (made once)."""
        found = self._iris.get(iri)
        if found is None:
            found = self._iris[iri] = str(NamedNode(iri))
        return found

    def literal(self, value: str | bool | datetime) -> str:
        """The N-Triples form of a literal value that recurs (made once)."""
        key = (type(value), value)
        found = self._literals.get(key)
        if found is None:
            term = datetime_literal(value) if isinstance(value, datetime) else Literal(value)
            found = self._literals[key] = str(term)
        return found

    def text(self) -> str:
        """All the triples, one N-Triples line each."""
        return "".join(self.chunks)

    def triples(self) -> list[Triple]:
        """The triples as pyoxigraph terms (parsed back; for small writes and SHACL)."""
        return [Triple(q.subject, q.predicate, q.object)
                for q in parse(self.text(), format=RdfFormat.N_TRIPLES)]


def _nt(term: NamedNode) -> str:
    return str(term)


_NT_TYPE, _NT_IDENTIFIER, _NT_CREATED, _NT_MODIFIED, _NT_NOTE, _NT_SOURCE, _NT_LABEL = (
    _nt(P.type), _nt(P.identifier), _nt(P.created), _nt(P.modified), _nt(P.note),
    _nt(P.source), _nt(P.label))
_NT_ATTRIBUTED, _NT_AGENT = _nt(P.attributed_to), _nt(P.agent)
_NT = {name: _nt(term) for name, term in R.items()}
_NT_DIRECTION = {k: _nt(v) for k, v in DIRECTION_IRI.items()}
_NT_CONFIDENCE = {k: _nt(v) for k, v in CONFIDENCE_IRI.items()}


def cmoc_ntriples(out: NTriples, review_id: str, cmoc: CMOConfiguration, refs: Refs) -> None:
    """Add to `out` exactly the triples of `cmoc_triples(review_id, cmoc, refs)`, as text.

    The same triples in the same order, and `refs` is asked in the same order (so IRIs minted
    for new labels come out the same). Keep the two in step: tests/cmo/test_sheet_fast_path.py
    compares them.
    """
    iri, lit, nt = out.iri, out.literal, _NT
    s = str(NamedNode(refs.cmoc(cmoc.id)))
    lines = [f"{s} {_NT_TYPE} {nt['CMOConfiguration']} .\n",
             f"{s} {_NT_IDENTIFIER} {Literal(cmoc.id)} .\n",
             f"{s} {nt['inReview']} {iri(review_iri(review_id))} .\n"]
    add = lines.append
    p = nt["fromStudy"]
    for key in cmoc.studies:
        add(f"{s} {p} {iri(refs.study(key))} .\n")
    p = nt["hasContext"]
    for label in cmoc.contexts:
        add(f"{s} {p} {iri(refs.concept(ConceptKind.context, label))} .\n")
    add(f"{s} {nt['hasMechanism']} "
        f"{iri(refs.concept(ConceptKind.mechanism, cmoc.mechanism))} .\n")
    p = nt["hasOutcome"]
    for label in cmoc.outcomes:
        add(f"{s} {p} {iri(refs.concept(ConceptKind.outcome, label))} .\n")
    if cmoc.resource is not None:
        add(f"{s} {nt['resource']} {lit(cmoc.resource)} .\n")
    if cmoc.intervention:
        add(f"{s} {nt['hasIntervention']} "
            f"{iri(refs.concept(ConceptKind.intervention, cmoc.intervention))} .\n")
    if cmoc.actor:
        add(f"{s} {nt['hasActor']} {iri(refs.concept(ConceptKind.actor, cmoc.actor))} .\n")
    add(f"{s} {nt['mechanismFired']} {lit(cmoc.mechanism_fired)} .\n")
    if cmoc.outcome_direction:
        add(f"{s} {nt['outcomeDirection']} {_NT_DIRECTION[cmoc.outcome_direction]} .\n")
    if cmoc.confidence:
        add(f"{s} {nt['confidence']} {_NT_CONFIDENCE[cmoc.confidence]} .\n")
    p = nt["partOfTheory"]
    for theory_id in cmoc.theories:
        add(f"{s} {p} {iri(refs.theory(theory_id))} .\n")
    p = nt["leadsTo"]
    for later in cmoc.leads_to:
        add(f"{s} {p} {NamedNode(refs.cmoc(later))} .\n")
    agent = iri(ids.agent_iri(cmoc.reviewer)) if cmoc.reviewer else None
    if agent:
        add(f"{s} {_NT_ATTRIBUTED} {agent} .\n")
    if cmoc.created:
        add(f"{s} {_NT_CREATED} {lit(cmoc.created)} .\n")
    if cmoc.modified:
        add(f"{s} {_NT_MODIFIED} {lit(cmoc.modified)} .\n")
    if cmoc.notes is not None:
        add(f"{s} {_NT_NOTE} {Literal(cmoc.notes)} .\n")
    for n, evidence in enumerate(cmoc.evidence, start=1):
        ev = str(NamedNode(ids.evidence_iri(review_id, cmoc.id, n)))
        add(f"{s} {nt['supportedBy']} {ev} .\n")
        add(f"{ev} {_NT_TYPE} {nt['Evidence']} .\n")
        if evidence.quote is not None:
            add(f"{ev} {nt['quote']} {Literal(evidence.quote)} .\n")
        if evidence.page is not None:
            add(f"{ev} {nt['page']} {lit(evidence.page)} .\n")
        if evidence.part is not None:
            add(f"{ev} {nt['supportsPart']} {lit(evidence.part)} .\n")
        if evidence.study:
            add(f"{ev} {_NT_SOURCE} {iri(refs.study(evidence.study))} .\n")
        if evidence.source is not None:
            lines += [f"{t} .\n" for t in anchor_triples(
                review_id, ids.evidence_iri(review_id, cmoc.id, n), evidence)]
    if agent and cmoc.reviewer:
        add(f"{agent} {_NT_TYPE} {_NT_AGENT} .\n")
        add(f"{agent} {_NT_LABEL} {lit(cmoc.reviewer)} .\n")
    out.chunks.append("".join(lines))
    out.count += len(lines)


