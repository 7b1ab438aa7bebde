"""Coded passages that are not yet part of a CMOc (`rkg:Coding`): writing and listing them.

A REFI-QDA import keeps every coded passage that forms no CMOc as a coding: anchored in its
source like evidence, coded to one or more concepts (`rkg:codedAs`), with its study, memo and
coder. They are what a team assembles CMOcs from in the workbench; `cmo query codings
--unassigned` and ``GET /reviews/{id}/codings?unassigned=true`` list them.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import NotFound
from cmo.model import ids
from cmo.model.namespace import RKG
from cmo.model.records import ConceptKind, Evidence
from cmo.rdf.anchors import anchor_triples, read_anchor
from cmo.rdf.mapping import KIND_CLASS, Description, P, describe
from cmo.rdf.sparql import query_text
from cmo.review.cmocs import list_cmocs
from cmo.review.reviews import review_exists
from cmo.store import Store

CODING = NamedNode(str(RKG.Coding))
CODED_AS = NamedNode(str(RKG.codedAs))
QDA_GUID = NamedNode(str(RKG.qdaGuid))
_QUOTE = NamedNode(str(RKG.quote))
_PAGE = NamedNode(str(RKG.page))
_RESOURCE = NamedNode(str(RKG.resource))
_KIND_OF = {cls.value: kind for kind, cls in KIND_CLASS.items()}


class Coding(BaseModel):
    """A coded passage of a source not yet in a CMOc, and the concepts it is coded to."""

    id: str = Field(description="the passage's GUID in the project it came from")
    quote: str
    page: str | None = None
    study: str | None = None
    source: str | None = None
    start: int | None = None
    end: int | None = None
    codes: dict[str, list[str]] = Field(
        default_factory=dict, description="concept labels by kind (and `resource` texts)")
    note: str | None = None
    coder: str | None = None
    assigned: bool = Field(default=False, description="whether it is a quote of a CMOc")


def coding_iri(review_id: str, guid: str) -> str:
    """The IRI of a coded passage, from its project GUID."""
    return f"{ids.review_iri(review_id)}/coding/{guid}"


def coding_triples(review_id: str, guid: str, evidence: Evidence, concepts: list[str],
                   resources: list[str], study_iri: str | None, note: str | None,
                   coder: str | None) -> list[Triple]:
    """The triples of one coded passage, anchored in its source."""
    iri = coding_iri(review_id, guid)
    s = NamedNode(iri)
    out = [Triple(s, P.type, CODING), Triple(s, QDA_GUID, Literal(guid)),
           Triple(s, _QUOTE, Literal(evidence.quote))]
    if evidence.page:
        out.append(Triple(s, _PAGE, Literal(evidence.page)))
    out += [Triple(s, CODED_AS, NamedNode(c)) for c in concepts]
    out += [Triple(s, _RESOURCE, Literal(r)) for r in resources]
    if study_iri:
        out.append(Triple(s, P.source, NamedNode(study_iri)))
    if note:
        out.append(Triple(s, P.note, Literal(note)))
    if coder:
        out.append(Triple(s, P.attributed_to, NamedNode(ids.agent_iri(coder))))
    return out + anchor_triples(review_id, iri, evidence)


def _coding(desc: Description, iri: str) -> Coding:
    d = desc[iri]

    def one(p: NamedNode) -> str | None:
        values = d.get(p.value)
        return values[0].value if values else None

    codes: dict[str, list[str]] = {}
    for concept in d.get(CODED_AS.value, []):
        c = desc.get(concept.value, {})
        kinds = [_KIND_OF[t.value] for t in c.get(P.type.value, []) if t.value in _KIND_OF]
        label = c.get(P.pref_label.value)
        if kinds and label:
            codes.setdefault(kinds[0].value, []).append(label[0].value)
    for r in d.get(_RESOURCE.value, []):
        codes.setdefault("resource", []).append(r.value)

    def id_of(node: str) -> str:
        ident = desc.get(node, {}).get(P.identifier.value)
        return ident[0].value if ident else ids.local_id(node)

    study = one(P.source)
    coder = one(P.attributed_to)
    return Coding.model_validate({
        "id": one(QDA_GUID) or ids.local_id(iri), "quote": one(_QUOTE) or "",
        "page": one(_PAGE), "study": id_of(study) if study else None,
        "codes": {k: sorted(v, key=str.casefold) for k, v in sorted(
            codes.items(), key=lambda kv: [*ConceptKind, "resource"].index(kv[0]))},
        "note": one(P.note),
        "coder": (desc.get(coder, {}).get(P.label.value) or [NamedNode(coder)])[0].value
        if coder else None,
        **read_anchor(desc, d, id_of)})


def _assigned(store: Store, review_id: str) -> list[Coding]:
    """The anchored quotes of the review's CMOcs, as codings to their CMOc's concepts."""
    out = []
    for c in list_cmocs(store, review_id):
        codes = {"context": c.contexts, "mechanism": [c.mechanism], "outcome": c.outcomes,
                 **({"resource": [c.resource]} if c.resource else {})}
        out += [Coding(id=f"{c.id}/evidence/{n}", quote=e.quote, page=e.page, study=e.study,
                       source=e.source, start=e.start, end=e.end, codes=codes,
                       note=None, coder=c.reviewer, assigned=True)
                for n, e in enumerate(c.evidence, start=1) if e.anchored]
    return out


def read_codings(desc: Description) -> list[Coding]:
    """The codings described in `desc` (a review's triples, or those `codings.rq` gives)."""
    found = [_coding(desc, iri) for iri, d in desc.items()
             if CODING.value in {t.value for t in d.get(P.type.value, [])}]
    return sorted(found, key=lambda c: (c.source or "", c.start or 0, c.id))


def list_codings(store: Store, review_id: str, *, unassigned: bool = True) -> list[Coding]:
    """The review's coded passages not yet in a CMOc (`unassigned`), or also the anchored
    quotes of its CMOcs (coded to their CMOc's concepts), by source and place."""
    if not review_exists(store, review_id):
        raise NotFound(f"No review {review_id!r}.")
    desc = describe(store.construct(query_text("codings"), graphs=[ids.review_iri(review_id)]))
    found = read_codings(desc)
    if not unassigned:
        found += _assigned(store, review_id)
    return sorted(found, key=lambda c: (c.source or "", c.start or 0, c.id))
