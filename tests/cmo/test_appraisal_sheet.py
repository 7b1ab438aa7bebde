"""A study's appraisal in the extraction sheet: read, checked, written back, on every backend."""

from __future__ import annotations

import pytest

import cmo
from cmo.interchange.importer import import_file
from cmo.interchange.sheet_export import export_sheet
from cmo.model.appraisal import AppraisalUpdate
from cmo.review.appraisals import appraise_study, get_appraisal
from cmo.store import Store, open_store

HEADER = ("study,context,mechanism,outcome,study_rigour,study_rigour_rationale,"
          "study_relevance,study_richness")


def _csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def test_sheet_appraisal_is_imported_with_rationale(store: Store) -> None:
    import_file(store, "r", "s.csv", _csv(
        "Jolly 2012,UK,trust,uptake,High,meta-regression of trials,moderate,thin",
        "Jolly 2012,rural,trust,uptake,high,meta-regression of trials,,"))
    got = get_appraisal(store, "r", "Jolly 2012")
    assert (got.rigour.level, got.rigour.rationale) == ("high", "meta-regression of trials")
    assert (got.relevance.level, got.richness.level) == ("moderate", "thin")


def test_bad_appraisal_value_names_row_column_and_closest(store: Store) -> None:
    with pytest.raises(cmo.InvalidInput) as caught:
        import_file(store, "r", "s.csv", _csv(
            "A 2020,UK,trust,uptake,high,,modrate,thik",
            "B 2021,UK,trust,uptake,,why without a level,,"))
    found = {(p.row, p.field): p.reason for p in caught.value.problems}
    assert "did you mean 'moderate'" in found[(2, "study_relevance")]
    assert "did you mean 'thick'" in found[(2, "study_richness")]
    assert "needs the level" in found[(3, "study_rigour_rationale")]
    assert cmo.KnowledgeGraph(store).reviews.list() == []  # nothing imported


def test_rows_of_one_study_that_disagree_on_rigour_are_refused(store: Store) -> None:
    with pytest.raises(cmo.InvalidInput) as caught:
        import_file(store, "r", "s.csv", _csv("A 2020,UK,trust,uptake,high,,,",
                                              "A 2020,rural,trust,uptake,low,,,"))
    assert [(p.row, p.field) for p in caught.value.problems] == [(3, "study_rigour")]


def test_appraisal_round_trips_through_the_sheet(store: Store) -> None:
    import_file(store, "r", "s.csv", _csv("A 2020,UK,trust,uptake,,,,"))
    appraise_study(store, "r", "A 2020", AppraisalUpdate(
        rigour="low", richness="thick", rationale='opinion, "quoted"; with =formula'))
    data = export_sheet(store, "r", "csv")
    again = open_store("memory:")
    import_file(again, "r", "s.csv", data)
    back = get_appraisal(again, "r", "A 2020")
    assert (back.rigour.level, back.richness.level, back.relevance) == ("low", "thick", None)
    assert back.rigour.rationale == 'opinion, "quoted"; with =formula'
    assert export_sheet(again, "r", "csv") == data


def test_a_sheet_that_contradicts_the_stored_appraisal_is_refused(store: Store) -> None:
    import_file(store, "r", "s.csv", _csv("A 2020,UK,trust,uptake,high,,,"))
    with pytest.raises(cmo.InvalidInput) as caught:
        import_file(store, "r", "more.csv", _csv("A 2020,rural,trust,uptake,low,,high,"))
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "study_rigour")]
    import_file(store, "r", "more.csv", _csv("A 2020,rural,trust,uptake,HIGH,,high,"))
    got = get_appraisal(store, "r", "A 2020")
    assert (got.rigour.level, got.relevance.level) == ("high", "high")  # filled in, kept
