"""The model maps to RDF and back without losing anything."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

import cmo
from cmo.rdf.mapping import MintedRefs, cmoc_triples, describe, read_cmoc, read_study, study_triples
from tests.builders import sample_cmoc

LABEL = st.from_regex(r"[A-Za-z][A-Za-z0-9 ,'<>&\"é-]{0,30}[A-Za-z0-9]", fullmatch=True)


class _NamesFromTriples:
    """Names read back from the minted IRIs, as the repository's ReviewNames would."""

    def __init__(self, cmoc: cmo.CMOConfiguration, review_id: str) -> None:
        refs = MintedRefs(review_id)
        self.map: dict[str, str] = {}
        for kind, labels in [("context", cmoc.contexts), ("mechanism", [cmoc.mechanism]),
                             ("outcome", cmoc.outcomes),
                             ("intervention", [cmoc.intervention] if cmoc.intervention else []),
                             ("actor", [cmoc.actor] if cmoc.actor else [])]:
            for label in labels:
                self.map[refs.concept(cmo.ConceptKind(kind), label)] = label
        for key in cmoc.studies + [e.study for e in cmoc.evidence if e.study]:
            self.map[refs.study(key)] = key
        for ident in cmoc.theories:
            self.map[refs.theory(ident)] = ident
        for ident in cmoc.leads_to:
            self.map[refs.cmoc(ident)] = ident
        if cmoc.reviewer:
            self.map[cmo.model.ids.agent_iri(cmoc.reviewer)] = cmoc.reviewer

    def label_of(self, iri: str) -> str:
        return self.map[iri]

    key_of = id_of = label_of


def _round_trip(cmoc: cmo.CMOConfiguration) -> cmo.CMOConfiguration:
    triples = cmoc_triples("r1", cmoc, MintedRefs("r1"))
    return read_cmoc(describe(triples), cmo.model.ids.cmoc_iri("r1", cmoc.id),
                     _NamesFromTriples(cmoc, "r1"))


def _canonical(cmoc: cmo.CMOConfiguration) -> dict[str, object]:
    data = cmoc.model_dump()
    for field in ("studies", "contexts", "outcomes", "theories", "leads_to"):
        data[field] = sorted(data[field], key=str.casefold)
    return data


def test_round_trip_cmoc_keeps_every_field() -> None:
    cmoc = sample_cmoc(intervention="peer support programme", actor="peer supporter",
                       theories=["t-v1", "t-v2"], leads_to=["c9"], reviewer="A. Reviewer",
                       notes="memo", created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                       modified=datetime(2026, 2, 2, tzinfo=UTC))
    assert _canonical(_round_trip(cmoc)) == _canonical(cmoc)


@settings(max_examples=60, deadline=None)
@given(contexts=st.lists(LABEL, min_size=1, max_size=3, unique_by=cmo.model.ids.normalise_label),
       outcomes=st.lists(LABEL, min_size=1, max_size=2, unique_by=cmo.model.ids.normalise_label),
       mechanism=LABEL, fired=st.booleans(),
       direction=st.none() | st.sampled_from(list(cmo.Direction)),
       confidence=st.none() | st.sampled_from(list(cmo.Confidence)),
       quotes=st.lists(st.text(min_size=1, max_size=40).filter(str.strip), max_size=3),
       resource=st.none() | st.text(min_size=1, max_size=30).filter(str.strip))
def test_round_trip_cmoc_for_any_values(contexts: list[str], outcomes: list[str],
                                        mechanism: str, fired: bool,
                                        direction: cmo.Direction | None,
                                        confidence: cmo.Confidence | None, quotes: list[str],
                                        resource: str | None) -> None:
    cmoc = cmo.CMOConfiguration(
        id="c1", studies=["Study 2020"], contexts=contexts, mechanism=mechanism,
        outcomes=outcomes, mechanism_fired=fired, outcome_direction=direction,
        confidence=confidence,
        resource=resource.strip() if resource else None,
        evidence=[cmo.Evidence(quote=q.strip(), study="Study 2020") for q in quotes])
    assert _canonical(_round_trip(cmoc)) == _canonical(cmoc)


def test_round_trip_study() -> None:
    study = cmo.Study(key="Jolly 2012", title="Peer support", authors="Jolly K; Ingram L",
                      year=2012, design="systematic-review", doi="10.1/x", journal="BMJ",
                      purpose="intensity")
    iri = cmo.model.ids.study_iri("r1", study.key)
    assert read_study(describe(study_triples(study, iri)), iri) == study
