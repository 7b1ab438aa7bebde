"""`cmo source` and `cmo quotes check` in process, on an embedded store."""

from __future__ import annotations

import json
from pathlib import Path

from cmo.interchange.rdf_files import export_review
from cmo.model.records import CMOConfiguration
from cmo.review.cmocs import create_cmoc, get_cmoc
from cmo.review.reviews import delete_review
from cmo.store import open_store
from tests.conftest import invoke_cmo
from tests.pdfs import make_pdf, study_pdf


def _setup(tmp_path: Path) -> tuple[str, Path]:
    store = f"oxigraph:{tmp_path / 'store'}"
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("cmoc_id,study,context,mechanism,outcome,quote\n"
                     "c1,Jolly 2012,early,understood,duration,felt understood and kept "
                     "breastfeeding\n"
                     "c2,Jolly 2012,home,help,uptake,Women valued practical help at homes\n"
                     "c3,Other 2020,home,help,uptake,words from another study\n")
    assert invoke_cmo("--store", store, "import", str(sheet), "--review", "r").exit_code == 0
    pdf = tmp_path / "study.pdf"
    pdf.write_bytes(study_pdf())
    return store, pdf


def test_source_add_reports_anchoring_and_checks_exit_1(tmp_path: Path) -> None:
    store, pdf = _setup(tmp_path)
    added = invoke_cmo("--store", store, "source", "add", str(pdf), "--review", "r",
                       "--study", "jolly 2012")
    assert added.exit_code == 0, added.output
    assert "anchored 1 of 2 quotes; not found: c2 (closest, p. " in added.output
    listed = json.loads(invoke_cmo("--store", store, "source", "list", "--review", "r",
                                   "--format", "json").output)
    sid = listed[0]["id"]
    page = invoke_cmo("--store", store, "source", "show", sid, "--review", "r", "--page", "3")
    assert "Η υποστήριξη" in page.output
    checked = invoke_cmo("--store", store, "quotes", "check", "--review", "r")
    assert checked.exit_code == 1
    assert "3 quotes: 1 anchored, 0 moved, 1 not found, 1 without a source" in checked.output
    refused = invoke_cmo("--store", store, "source", "remove", sid, "--review", "r")
    assert refused.exit_code == 1 and "force" in refused.output
    removed = invoke_cmo("--store", store, "source", "remove", sid, "--review", "r", "--force")
    assert removed.exit_code == 0 and "detached 1 quote" in removed.output


def test_scanned_pdf_and_missing_file_are_refused(tmp_path: Path) -> None:
    store, _ = _setup(tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(make_pdf([["x"]], text_layer=False))
    result = invoke_cmo("--store", store, "source", "add", str(scan), "--review", "r",
                        "--study", "Jolly 2012")
    assert result.exit_code == 1
    assert "no text found: the PDF looks scanned; run OCR first" in result.output
    missing = invoke_cmo("--store", store, "source", "add", str(tmp_path / "nope.pdf"),
                         "--review", "r", "--study", "Jolly 2012")
    assert missing.exit_code != 0


def test_quotes_check_exits_0_when_every_quote_is_found(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    sheet = tmp_path / "s.csv"
    sheet.write_text("study,context,mechanism,outcome,quote\nS 2020,a,b,c,Peer support works\n")
    invoke_cmo("--store", store, "import", str(sheet), "--review", "r")
    doc = tmp_path / "s.md"
    doc.write_text("# S 2020\n\nPeer support\nworks, say the mothers.\n")
    invoke_cmo("--store", store, "source", "add", str(doc), "--review", "r", "--study", "S 2020")
    checked = invoke_cmo("--store", store, "quotes", "check", "--review", "r", "--format", "json")
    assert checked.exit_code == 0
    assert json.loads(checked.output)["counts"]["anchored"] == 1
    exported = invoke_cmo("--store", store, "export", "--review", "r", "--format", "annotations")
    assert json.loads(exported.output)["first"]["items"][0]["target"]["selector"][1] == {
        "type": "TextPositionSelector", "start": 10, "end": 28}


def test_rdf_import_anchors_quotes_of_studies_with_sources(tmp_path: Path) -> None:
    store, pdf = _setup(tmp_path)
    invoke_cmo("--store", store, "source", "add", str(pdf), "--review", "r", "--study",
               "Jolly 2012")
    opened = open_store(store)
    create_cmoc(opened, "r", CMOConfiguration(
        id="c9", studies=["Jolly 2012"], contexts=["a"], mechanism="b", outcomes=["c"],
        evidence=[{"quote": "Some mothers declined visits"}]))
    assert get_cmoc(opened, "r", "c9").evidence[0].source is None
    data = export_review(opened, "r", "trig")
    delete_review(opened, "r")
    opened.close()
    exported = tmp_path / "r.trig"
    exported.write_bytes(data)
    imported = invoke_cmo("--store", store, "import", str(exported), "--review", "r")
    assert imported.exit_code == 0 and "note: anchored 1 of " in imported.output
    opened = open_store(store)
    assert get_cmoc(opened, "r", "c9").evidence[0].page == "2"
    opened.close()
