"""Study designs as people write them (item 3) and filter values that name nothing (item 6)."""

from __future__ import annotations

import pytest
import rdflib

import cmo
from cmo.errors import UnknownValue
from cmo.interchange.sheet_import import import_sheet
from cmo.interchange.tables import Table
from cmo.model.records import StudyDesign
from cmo.questions.engine import CmocFilter, context_mechanism_matrix
from cmo.review.studies import list_studies
from cmo.store import Store
from tests.conftest import ONTOLOGY

WRITTEN = [("randomised controlled trial", "rct"), ("Randomized controlled trial", "rct"),
           ("RCT", "rct"), ("cluster RCT", "rct"), ("Cluster Randomized Trial", "rct"),
           ("controlled before-after", "quasi-experimental"),
           ("Controlled before and after study", "quasi-experimental"),
           ("mixed methods", "mixed-methods"), ("MIXED-METHODS", "mixed-methods"),
           ("gray literature", "grey-literature"), ("Process_Evaluation", "process-evaluation")]


@pytest.mark.parametrize(("written", "token"), WRITTEN, ids=[w for w, _ in WRITTEN])
def test_study_design_accepts_labels_and_synonyms_in_any_case(written: str, token: str) -> None:
    assert cmo.Study(key="S", design=written).design == StudyDesign(token)  # type: ignore[arg-type]


def test_every_design_label_in_the_ontology_is_accepted() -> None:
    g = rdflib.Graph().parse(ONTOLOGY / "vocab.ttl", format="turtle")
    skos = rdflib.namespace.SKOS
    for design in g.subjects(rdflib.RDF.type, rdflib.URIRef(cmo.model.namespace.RKG_IRI
                                                             + "StudyDesign")):
        token = str(g.value(design, skos.notation))
        for word in [*g.objects(design, skos.prefLabel), *g.objects(design, skos.altLabel)]:
            assert StudyDesign(str(word).upper()) == token, word


def test_sheet_study_design_resolves_synonyms_and_suggests_for_typos(store: Store) -> None:
    rows = [["S1", "c", "m", "o", "Randomized controlled trial"],
            ["S2", "c", "m", "o", "cluster RCT"], ["S3", "c", "m", "o", "mixed methods"],
            ["S4", "c", "m", "o", "controlled before-after"]]
    header = ["study", "context", "mechanism", "outcome", "study_design"]
    import_sheet(store, "r", Table("s.csv", header, list(enumerate(rows, start=2))))
    assert {s.key: s.design for s in list_studies(store, "r")} == {
        "S1": "rct", "S2": "rct", "S3": "mixed-methods", "S4": "quasi-experimental"}
    with pytest.raises(cmo.InvalidInput) as refused:
        import_sheet(store, "r2", Table("s.csv", header, [(2, ["S1", "c", "m", "o", "rtc"])]))
    assert "row 2, study_design: unknown value 'rtc' (did you mean 'rct'?)" in str(refused.value)


def test_matrix_design_filter_takes_labels_and_synonyms(example_store: Store) -> None:
    by_token = context_mechanism_matrix(example_store, ["peer-support"],
                                        CmocFilter(design="systematic-review"))
    assert by_token.rows
    for written in ("Systematic Review", "META-ANALYSIS", "systematic_review"):
        asked = context_mechanism_matrix(example_store, ["peer-support"],
                                         CmocFilter.of(design=written))
        assert asked == by_token


@pytest.mark.parametrize(("filters", "field", "closest"), [
    ({"design": "rtc"}, "design", "rct"),
    ({"min_confidence": "hihg"}, "min_confidence", "high"),
    ({"direction": "postive"}, "direction", "positive"),
], ids=["design", "confidence", "direction"])
def test_filter_of_unknown_word_names_field_value_and_closest(
        filters: dict[str, str], field: str, closest: str) -> None:
    with pytest.raises(UnknownValue) as refused:
        CmocFilter.of(**filters)
    assert (refused.value.field, refused.value.suggestions[0]) == (field, closest)
    assert refused.value.value == next(iter(filters.values()))


def test_unknown_theory_is_refused_not_answered_empty(example_store: Store) -> None:
    with pytest.raises(UnknownValue) as refused:
        context_mechanism_matrix(example_store, ["peer-support"], CmocFilter(theory="TAM"))
    assert refused.value.field == "theory" and "peer-support-v1" in refused.value.allowed
    with pytest.raises(UnknownValue) as close:
        context_mechanism_matrix(example_store, None, CmocFilter(theory="How peer suport works"))
    assert close.value.suggestions[0] == "How peer support works"
    known = context_mechanism_matrix(example_store, None,
                                     CmocFilter(theory="how PEER support works"))
    assert known.rows
