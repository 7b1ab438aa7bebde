"""`cmo import` / `cmo export` with sheets, concept sheets and reference libraries."""

from pathlib import Path

from tests.conftest import EXAMPLE, run_cmo


def test_sheet_export_import_check_and_errors(tmp_path: Path) -> None:
    store, again = f"oxigraph:{tmp_path / 's1'}", f"oxigraph:{tmp_path / 's2'}"
    assert run_cmo("--store", store, "import", str(EXAMPLE), "--review", "ps").returncode == 0
    sheet, concepts, book = tmp_path / "ps.csv", tmp_path / "concepts.csv", tmp_path / "ps.xlsx"
    out = run_cmo("--store", store, "export", "--review", "ps", "--format", "csv", "--out",
                  str(sheet), "--concepts-out", str(concepts))
    assert out.returncode == 0, out.stderr
    assert run_cmo("--store", store, "export", "--review", "ps", "--format", "xlsx", "--out",
                   str(book)).returncode == 0

    checked = run_cmo("--store", again, "import", str(sheet), "--concepts", str(concepts),
                      "--review", "ps", "--check")
    assert checked.returncode == 0 and "Checked, nothing written" in checked.stdout
    assert run_cmo("--store", again, "reviews", "--format", "json").stdout.strip() == "[]"
    imported = run_cmo("--store", again, "import", str(book), "--review", "ps")
    assert imported.returncode == 0 and "43 CMOcs" in imported.stdout, imported.stderr

    bad = tmp_path / "bad.csv"
    bad.write_text("study,context,mechanism,outcome,outcome_direction\n"
                   "Jolly 2012,rural,trust,uptake,postive\n,rural,trust,uptake,\n")
    refused = run_cmo("--store", again, "import", str(bad), "--review", "new")
    assert refused.returncode == 1
    assert "row 2, outcome_direction: unknown value 'postive'" in refused.stderr
    assert "row 3, study: missing required value" in refused.stderr


def test_reference_library_notes_ambiguity(tmp_path: Path) -> None:
    refs = tmp_path / "refs.ris"
    entry = "TY  - JOUR\nAU  - Okafor, N\nPY  - 2019\nTI  - {}\nER  - \n\n"
    refs.write_text(entry.format("One") + entry.format("Two"))
    result = run_cmo("--store", f"oxigraph:{tmp_path / 's'}", "import", str(refs),
                     "--review", "r")
    assert result.returncode == 0 and "ambiguous" in result.stderr
