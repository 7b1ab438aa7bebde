"""Exporting the sheet: import(export(review)) gives the same answers; formulas neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

import cmo
from cmo.interchange.importer import import_file
from cmo.interchange.rdf_files import export_review
from cmo.interchange.sheet_export import concept_sheet, export_sheet
from cmo.questions.chains import chains
from cmo.questions.engine import (
    context_mechanism_matrix,
    contradictions,
    evidence_trail,
    mechanisms_for_context,
)
from cmo.review.cmocs import create_cmoc, get_cmoc, list_cmocs
from cmo.review.concepts import list_concepts
from cmo.review.reviews import create_review
from cmo.review.studies import list_studies
from cmo.review.theories import list_theories
from cmo.store import Store, open_store
from tests.builders import sample_cmoc


def _answers(store: Store) -> dict[str, object]:
    """What the question engine says about the review (creation times aside; a sheet names a
    theory by label, not a version, so neither versions nor relations to them are compared)."""
    cmocs = [c.model_copy(update={"created": None, "modified": None, "theories": [],
                                  "theory_links": []})
             for c in list_cmocs(store, "peer-support")]
    return {
        "cmocs": cmocs, "concepts": list_concepts(store, "peer-support"),
        "matrix": context_mechanism_matrix(store, ["peer-support"]),
        "mechanisms": mechanisms_for_context(store, "delivery", reviews=["peer-support"]),
        "chains": chains(store, reviews=["peer-support"]),
        "contradictions": contradictions(store, reviews=["peer-support"]),
        "trail": evidence_trail(store, concept="delivery",
                                reviews=["peer-support"]),
        "studies": [s.model_copy(update={"journal": None, "purpose": None})
                    for s in list_studies(store, "peer-support")],
        "theory labels": sorted({t.label for t in list_theories(store, "peer-support")}),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_of_exported_sheet_gives_same_answers(example_store: Store, fmt: str) -> None:
    data = export_sheet(example_store, "peer-support", fmt)
    concepts = ("concepts.csv", concept_sheet(example_store, "peer-support")) \
        if fmt == "csv" else None
    again = open_store("memory:")
    import_file(again, "peer-support", f"review.{fmt}", data, concepts=concepts)
    assert _answers(again) == _answers(example_store)
    assert export_sheet(again, "peer-support", "csv") == export_sheet(
        example_store, "peer-support", "csv")


def test_workbook_has_cmocs_and_concepts_sheets(example_store: Store) -> None:
    book = load_workbook(io.BytesIO(export_sheet(example_store, "peer-support", "xlsx")))
    assert book.sheetnames == ["cmocs", "concepts"]
    assert [c.value for c in book["concepts"][1]] == ["kind", "label", "broader", "alt_labels",
                                                       "definition"]


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "jsonld"])
def test_rdf_exports_round_trip_through_import_file(example_store: Store, fmt: str) -> None:
    data = export_review(example_store, "peer-support", fmt)
    again = open_store("memory:")
    import_file(again, "peer-support", "no-extension", data)
    assert export_review(again, "peer-support", fmt) == data


DANGEROUS = ["=HYPERLINK(\"http://evil\")", "+1", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_are_neutralised_on_export_and_restored_on_import(store: Store,
                                                                     fmt: str) -> None:
    create_review(store, cmo.Review(id="peer-support", title="x"))
    create_cmoc(store, "peer-support", sample_cmoc(
        "c1", resource=DANGEROUS[0], notes=DANGEROUS[1], mechanism=DANGEROUS[2],
        evidence=[{"quote": DANGEROUS[3], "page": "-"}]))
    data = export_sheet(store, "peer-support", fmt)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(data))
        cells = [c.value for row in book["cmocs"].iter_rows() for c in row if c.value]
        assert all(c.data_type == "s" for row in book["cmocs"].iter_rows() for c in row
                   if c.value is not None)
    else:
        cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    for value in DANGEROUS:
        assert "'" + value in cells, value
    again = open_store("memory:")
    import_file(again, "peer-support", f"x.{fmt}", data)
    back = get_cmoc(again, "peer-support", "c1")
    assert (back.resource, back.notes, back.mechanism, back.evidence[0].quote) == (
        DANGEROUS[0], DANGEROUS[1], DANGEROUS[2], DANGEROUS[3])
