"""The RDF of a theory change: how one programme theory version was refined into the next.

A change is an `rkg:TheoryChange`, typed `prov:Activity` as well (the service has no reasoner,
and the provenance of past writes is kept through deletions): `prov:used` the earlier version,
`rkg:justifiedBy` the CMOcs, `prov:wasAssociatedWith` who made it, `prov:endedAtTime` when,
`rkg:whatChanged` and `rkg:rationale` in words. The new version names it with
`prov:wasGeneratedBy`. Its IRI is the version's IRI and ``/change``: one change per version.

>>> from cmo.model.records import TheoryChange
>>> triples = change_triples(TheoryChange(what="adds intensity"), "urn:v2/change", "urn:v2",
...                          "urn:v1", [], "Ann", None)
>>> change = read_change(describe(triples), "urn:v2/change", _Ids())
>>> change.what, change.by
('adds intensity', 'ann')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Triple

from cmo.model import ids
from cmo.model.namespace import PROV_IRI, RKG
from cmo.model.records import STORED, TheoryChange
from cmo.rdf.mapping import Description, Names, P, datetime_literal, describe

_CHANGE = NamedNode(str(RKG.TheoryChange))
_ACTIVITY = NamedNode(PROV_IRI + "Activity")
_GENERATED_BY = NamedNode(PROV_IRI + "wasGeneratedBy")
_USED = NamedNode(PROV_IRI + "used")
_ASSOCIATED = NamedNode(PROV_IRI + "wasAssociatedWith")
_ENDED = NamedNode(PROV_IRI + "endedAtTime")
_WHAT = NamedNode(str(RKG.whatChanged))
_WHY = NamedNode(str(RKG.rationale))
_JUSTIFIED = NamedNode(str(RKG.justifiedBy))
__all__ = ["change_iri", "change_triples", "describe", "read_change"]


def change_iri(theory_iri: str) -> str:
    """The IRI of the change that made a theory version."""
    return f"{theory_iri}/change"


def change_triples(change: TheoryChange, iri: str, theory_iri: str, earlier_iri: str,
                   cmoc_iris: Sequence[str], agent: str | None,
                   at: datetime | None) -> list[Triple]:
    """The triples recording `change` (made by `agent`, at `at` or now) and the new version's
    link to it."""
    node = NamedNode(iri)
    out = [Triple(NamedNode(theory_iri), _GENERATED_BY, node),
           Triple(node, P.type, _CHANGE), Triple(node, P.type, _ACTIVITY),
           Triple(node, _USED, NamedNode(earlier_iri)),
           Triple(node, _ENDED, datetime_literal(at or datetime.now(UTC))),
           Triple(node, _WHAT, Literal(change.what))]
    if change.rationale:
        out.append(Triple(node, _WHY, Literal(change.rationale)))
    out += [Triple(node, _JUSTIFIED, NamedNode(c)) for c in cmoc_iris]
    if agent:
        who = NamedNode(ids.agent_iri(agent))
        out += [Triple(node, _ASSOCIATED, who), Triple(who, P.type, P.agent),
                Triple(who, P.label, Literal(agent))]
    return out


def read_change(desc: Description, iri: str, names: Names) -> TheoryChange | None:
    """The change at `iri` from the triples describing it (and its agent), or None."""
    d = desc.get(iri)
    if not d or _WHAT.value not in d:
        return None
    agent = d.get(_ASSOCIATED.value)
    ended = d.get(_ENDED.value)
    return TheoryChange.model_validate({
        "what": d[_WHAT.value][0].value,
        "rationale": d[_WHY.value][0].value if _WHY.value in d else None,
        "cmocs": sorted(names.id_of(c.value) for c in d.get(_JUSTIFIED.value, [])),
        "by": names.label_of(agent[0].value) if agent else None,
        "at": datetime.fromisoformat(ended[0].value) if ended else None}, context=STORED)


class _Ids:
    """Names for the doctest: an IRI's last segment."""

    def label_of(self, iri: str) -> str:
        return ids.local_id(iri)

    key_of = id_of = label_of
