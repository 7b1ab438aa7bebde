"""The caps of `cmo.limits`, in the library: the model, RDF imports, the shapes and sheets."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pydantic import ValidationError
from rdflib.namespace import SH

import cmo
from cmo.errors import InvalidInput, LimitExceeded, ParseError, ValidationFailed
from cmo.interchange.importer import import_file
from cmo.interchange.rdf_files import ImportReport, import_rdf, rdf_format
from cmo.interchange.sheet import read_sheet
from cmo.interchange.tables import read_csv, read_xlsx
from cmo.limits import LIMITS
from cmo.model.ids import ID_PATTERN
from cmo.model.records import STORED, CMOConfiguration, Identifier, NewCMOc
from cmo.rdf.mapping import MintedRefs, cmoc_triples
from cmo.review.cmocs import get_cmoc, list_cmocs
from cmo.review.validation import validate_triples
from cmo.store import Store
from cmo.store.writes import add_triples
from tests.builders import (
    sample_cmoc,
    xlsx_with_entities,
    xlsx_with_far_cells,
    xlsx_with_far_row,
    xlsx_zip_bomb,
)
from tests.conftest import EXAMPLE, ONTOLOGY, ROOT, run_cmo

CMOC_TTL = """@prefix rkg: <https://w3id.org/realist-kg/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ps: <https://w3id.org/realist-kg/id/review/peer-support/> .
<urn:x/{local}> a rkg:CMOConfiguration ; {identifier}
    rkg:fromStudy ps:study\\/jolly-2012 ; rkg:hasContext ps:context\\/low-intensity-support ;
    rkg:hasMechanism ps:mechanism\\/trusting-relationship-with-the-peer ;
    rkg:hasOutcome ps:outcome\\/breastfeeding-duration ; rkg:mechanismFired false ;
    rkg:resource "{resource}" .
"""
CMO_HEADER = "study,context,mechanism,outcome,quote\n"


def cmoc_turtle(local: str = "new", identifier: str = "", resource: str = "r") -> bytes:
    """A CMOc about the example review's concepts, in Turtle."""
    return CMOC_TTL.format(local=local, identifier=identifier, resource=resource).encode()


@pytest.fixture
def example(store: Store, example_bytes: bytes) -> Store:
    """The example review, under its own id."""
    import_rdf(store, "peer-support", [("review.ttl", example_bytes, rdf_format("ttl"))])
    return store


def turtle_import(store: Store, data: bytes) -> ImportReport:
    """Import Turtle into the example review."""
    return import_rdf(store, "peer-support", [("x.ttl", data, rdf_format("ttl"))])


# The model ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "limit"), [
    ("contexts", ["rural"] * 201, "list_items"),
    ("mechanism", "m" * 501, "label_chars"),
    ("notes", "n" * 100_001, "text_chars"),
    ("evidence", [{"quote": "q" * 100_001}], "text_chars"),
], ids=["contexts", "mechanism", "notes", "quote"])
def test_model_refuses_value_over_cap_naming_limit(field: str, value: object, limit: str) -> None:
    data = sample_cmoc().model_dump()
    with pytest.raises(ValidationError) as caught:
        CMOConfiguration.model_validate({**data, field: value})
    error = caught.value.errors()[0]
    assert error["type"] == "too_long"
    assert error["ctx"]["limit"] == limit
    assert error["ctx"]["allowed"] == getattr(LIMITS, limit)


def test_model_refuses_long_list_before_checking_items() -> None:
    start = time.perf_counter()
    with pytest.raises(ValidationError):
        NewCMOc.model_validate({"studies": ["S"], "contexts": [{"not": "a label"}] * 10**6,
                                "mechanism": "m", "outcomes": ["o"]})
    assert time.perf_counter() - start < 0.5


def test_model_refuses_lone_surrogate() -> None:
    with pytest.raises(ValidationError, match=r"(?i)unicode"):
        sample_cmoc(notes="bad \ud800 text")


def test_model_reads_stored_values_over_caps() -> None:
    data = {**sample_cmoc().model_dump(), "contexts": [f"c{i}" for i in range(300)]}
    assert len(CMOConfiguration.model_validate(data, context=STORED).contexts) == 300


def test_identifier_pattern_is_the_ids_pattern() -> None:
    metadata = Identifier.__metadata__  # type: ignore[attr-defined]
    assert [m.pattern for m in metadata] == [ID_PATTERN]


# RDF imports -------------------------------------------------------------------------------------

def test_import_rdf_refuses_long_literal_naming_subject_and_predicate(example: Store) -> None:
    before = len(list_cmocs(example, "peer-support"))
    with pytest.raises(LimitExceeded) as caught:
        turtle_import(example, cmoc_turtle(resource="x" * (LIMITS.literal_chars + 1)))
    assert caught.value.limit == "literal_chars"
    assert caught.value.allowed == LIMITS.literal_chars
    problem = caught.value.problems[0]
    assert problem.field == "https://w3id.org/realist-kg/ns#resource"
    assert "<urn:x/new>" in problem.reason
    assert len(list_cmocs(example, "peer-support")) == before


def test_import_rdf_refuses_triple_terms(example: Store) -> None:
    with pytest.raises(ParseError, match="triple terms"):
        turtle_import(example, b"<urn:a> <urn:p> <<( <urn:a> <urn:b> <urn:c> )>> .")


@pytest.mark.parametrize(("local", "identifier"), [
    ("x1", 'dcterms:identifier "=1+2" ;'),
    ("x2", 'dcterms:identifier "c9\\n" ;'),
    ("=3+4", ""),
], ids=["formula", "trailing-newline", "iri-fallback"])
def test_import_rdf_refuses_ids_the_model_refuses(example: Store, local: str,
                                                  identifier: str) -> None:
    before = len(list_cmocs(example, "peer-support"))
    with pytest.raises(ValidationFailed) as caught:
        turtle_import(example, cmoc_turtle(local, identifier))
    assert [v.path for v in caught.value.violations] == ["identifier"]
    assert len(list_cmocs(example, "peer-support")) == before


def test_import_rdf_gives_a_cmoc_without_id_the_one_its_iri_implies(example: Store) -> None:
    turtle_import(example, cmoc_turtle("c900"))
    assert get_cmoc(example, "peer-support", "c900").resource == "r"


def test_refused_id_leaves_csv_export_working(tmp_path: Path) -> None:
    store_url = f"oxigraph:{tmp_path / 'store'}"
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(cmoc_turtle("x1", 'dcterms:identifier "=1+2" ;'))
    assert run_cmo("--store", store_url, "import", str(EXAMPLE),
                   "--review", "peer-support").returncode == 0
    refused = run_cmo("--store", store_url, "import", str(bad), "--review", "peer-support")
    assert refused.returncode != 0
    assert "=1+2" in refused.stdout + refused.stderr
    exported = run_cmo("--store", store_url, "export", "--review", "peer-support",
                       "--format", "csv", "--out", str(tmp_path / "out.csv"))
    assert exported.returncode == 0, exported.stderr
    assert "=1+2" not in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


# SHACL in linear time ----------------------------------------------------------------------------

def _with_long_quote(chars: int) -> list[ox.Triple]:
    base = [ox.Triple(q.subject, q.predicate, q.object)  # type: ignore[arg-type]
            for q in ox.parse(EXAMPLE.read_bytes(), format=ox.RdfFormat.TURTLE)]
    cmoc = CMOConfiguration.model_validate({
        "id": "long", "studies": ["Jolly 2012"], "contexts": ["low intensity support"],
        "mechanism": "trusting relationship with the peer", "outcomes": ["breastfeeding duration"],
        "evidence": [{"quote": "word " * (chars // 5)}]}, context=STORED)
    return base + cmoc_triples("peer-support", cmoc, MintedRefs("peer-support"))


def test_validate_triples_with_3mb_literal_is_quick() -> None:
    triples = _with_long_quote(3_000_000)
    start = time.perf_counter()
    assert validate_triples(triples) == []
    assert time.perf_counter() - start < 10  # 79 s when validation re-parsed N-Triples


def test_import_into_review_holding_10mb_literal_is_quick(example: Store) -> None:
    # Stored before the caps existed (a write straight to the store, as an old version did).
    # (Over 16 MiB, pyoxigraph's N-Triples parser cannot read the literal back from a server.)
    long = [t for t in _with_long_quote(10_000_000) if "/cmoc/long" in str(t.subject)]
    add_triples(example, "peer-support", long)
    start = time.perf_counter()
    turtle_import(example, cmoc_turtle("c901"))
    assert time.perf_counter() - start < 20
    assert len(get_cmoc(example, "peer-support", "long").evidence[0].quote) > 9 * 10**6


# The shapes say what the model says --------------------------------------------------------------

def _shape_values(predicate: rdflib.URIRef) -> set[str]:
    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl")
    return {str(o) for o in shapes.objects(None, predicate)}


def test_shapes_use_the_model_id_pattern_and_caps() -> None:
    assert _shape_values(SH.pattern) == {ID_PATTERN, "\\n", "\\S"}
    assert _shape_values(SH.maxLength) == {str(LIMITS.label_chars)}
    assert _shape_values(SH.maxCount) == {"1", str(LIMITS.list_items)}


def test_every_text_fits_in_a_literal() -> None:
    # Exports re-import: no text the model takes may be refused as a literal.
    assert LIMITS.literal_chars == LIMITS.text_chars


# Sheets ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("build", "limit"), [
    (xlsx_zip_bomb, "unpacked_ratio"),
    (lambda: xlsx_with_far_cells(400), "sheet_cells"),
    (lambda: xlsx_with_far_row(300_000), "sheet_rows"),
], ids=["zip-bomb", "far-cells", "far-row"])
def test_read_xlsx_refuses_workbook_over_caps_quickly(build: object, limit: str) -> None:
    data = build()  # type: ignore[operator]
    start = time.perf_counter()
    with pytest.raises(LimitExceeded) as caught:
        read_xlsx("bomb.xlsx", data)
    assert caught.value.limit == limit
    assert time.perf_counter() - start < 10


def test_read_xlsx_refuses_xml_entities() -> None:
    with pytest.raises(ParseError, match="entities"):
        read_xlsx("laughs.xlsx", xlsx_with_entities())


def test_read_xlsx_refuses_workbook_unpacking_past_unpacked_bytes() -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as book:
        book.writestr("xl/a.bin", b"")
    # The sizes a zip declares are what it is judged by: declare one too many bytes.
    data = bytearray(out.getvalue())
    limit = LIMITS.unpacked_bytes + 1
    central = data.rindex(b"PK\x01\x02")
    data[central + 24: central + 28] = limit.to_bytes(4, "little")
    with pytest.raises(LimitExceeded) as caught:
        read_xlsx("big.xlsx", bytes(data))
    assert caught.value.limit == "unpacked_bytes"


@pytest.mark.parametrize(("data", "limit"), [
    (CMO_HEADER.encode() + b"a\n" * (LIMITS.sheet_rows + 1), "sheet_rows"),
    (CMO_HEADER.encode() + b"," * LIMITS.sheet_cells, "sheet_cells"),
    (CMO_HEADER.encode() + b"S,c,m,o," + b"q" * 200_000 + b"\n", "text_chars"),
], ids=["rows", "cells", "giant-cell"])
def test_read_csv_refuses_sheet_over_caps(data: bytes, limit: str) -> None:
    with pytest.raises(LimitExceeded) as caught:
        read_csv("big.csv", data, ["study"])
    assert caught.value.limit == limit


@pytest.mark.parametrize(("cells", "column", "limit"), [
    (["S 2012", "c", "m", "o", "q" * (LIMITS.text_chars + 1)], "quote", "text_chars"),
    (["S 2012", "c" * (LIMITS.label_chars + 1), "m", "o", ""], "context", "label_chars"),
    (["S 2012", ";".join(f"c{i}" for i in range(LIMITS.list_items + 1)), "m", "o", ""],
     "context", "list_items"),
], ids=["quote", "label", "list"])
def test_read_sheet_names_row_and_column_over_cap(cells: list[str], column: str,
                                                   limit: str) -> None:
    table = cmo.interchange.tables.Table(
        "s.csv", ["study", "context", "mechanism", "outcome", "quote"],
                             [(7, cells)])
    problems = read_sheet(table).problems
    assert [(p.row, p.field) for p in problems] == [(7, column)]
    assert f"({limit})" in problems[0].reason


def test_sheet_import_refuses_cell_over_cap(example: Store) -> None:
    data = (CMO_HEADER + "S 2012,c,m,o," + "q" * (LIMITS.text_chars + 1) + "\n").encode()
    with pytest.raises(InvalidInput, match="row 2, quote"):
        import_file(example, "peer-support", "s.csv", data)


def test_reference_import_refuses_title_over_cap(store: Store) -> None:
    data = b"@article{a, author={Smith, J}, year={2012}, title={" + b"x" * 100_001 + b"}}"
    with pytest.raises(InvalidInput, match=r"title: .*\(text_chars\)"):
        import_file(store, "r1", "refs.bib", data)


# The caps are documented -------------------------------------------------------------------------

def test_every_cap_is_documented() -> None:
    text = (ROOT / "docs" / "limits.md").read_text()
    for cap in dataclasses.fields(LIMITS):
        row = re.search(rf"^\| `{cap.name}` \| ([^|]+) \|", text, re.M)
        assert row, f"docs/limits.md does not list {cap.name}"
        assert row.group(1).strip().replace(",", "").split()[0].isdigit()
