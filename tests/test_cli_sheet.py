"""`cmo import` / `cmo export` with sheets, concept sheets and reference libraries (in-process)."""

from pathlib import Path

from tests.conftest import EXAMPLE, invoke_cmo


def test_import_exported_sheet_checks_and_refuses_bad_rows(tmp_path: Path) -> None:
    store, again = f"oxigraph:{tmp_path / 's1'}", f"oxigraph:{tmp_path / 's2'}"
    assert invoke_cmo("--store", store, "import", str(EXAMPLE), "--review", "ps").exit_code == 0
    sheet, concepts, book = tmp_path / "ps.csv", tmp_path / "concepts.csv", tmp_path / "ps.xlsx"
    out = invoke_cmo("--store", store, "export", "--review", "ps", "--format", "csv", "--out",
                     str(sheet), "--concepts-out", str(concepts))
    assert out.exit_code == 0, out.stderr
    assert invoke_cmo("--store", store, "export", "--review", "ps", "--format", "xlsx", "--out",
                      str(book)).exit_code == 0

    checked = invoke_cmo("--store", again, "import", str(sheet), "--concepts", str(concepts),
                         "--review", "ps", "--check")
    assert checked.exit_code == 0 and "Checked, nothing written" in checked.stdout
    assert invoke_cmo("--store", again, "reviews", "--format", "json").stdout.strip() == "[]"
    imported = invoke_cmo("--store", again, "import", str(book), "--review", "ps")
    assert imported.exit_code == 0 and "43 CMOcs" in imported.stdout, imported.stderr

    bad = tmp_path / "bad.csv"
    bad.write_text("study,context,mechanism,outcome,outcome_direction\n"
                   "Jolly 2012,rural,trust,uptake,postive\n,rural,trust,uptake,\n")
    refused = invoke_cmo("--store", again, "import", str(bad), "--review", "new")
    assert refused.exit_code == 1
    assert "row 2, outcome_direction: unknown value 'postive'" in refused.stderr
    assert "row 3, study: missing required value" in refused.stderr


def test_import_reference_library_notes_ambiguity(tmp_path: Path) -> None:
    refs = tmp_path / "refs.ris"
    entry = "TY  - JOUR\nAU  - Okafor, N\nPY  - 2019\nTI  - {}\nER  - \n\n"
    refs.write_text(entry.format("One") + entry.format("Two"))
    result = invoke_cmo("--store", f"oxigraph:{tmp_path / 's'}", "import", str(refs),
                        "--review", "r")
    assert result.exit_code == 0 and "ambiguous" in result.stderr
