"""`cmo import project.qdpx`, `cmo export --format qdpx` and `cmo query codings`, in process and
through a running `cmo serve`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import invoke_cmo
from tests.qdpx_builders import Sel, Src, project, valid_project
from tests.test_cli_beside_server import _serve, _stop

TEXT = "Rural mothers trusted local peers and so they kept feeding. Friends helped too."
CODES = {"Context": {"rural": {}}, "Mechanisms": {"trust": {}},
         "Themes": {"kept feeding": {}, "friendship": {}}}
SELS = [Sel("a", 0, 13, ["rural"]), Sel("b", 14, 33, ["trust"]), Sel("c", 46, 58,
        ["kept feeding"]), Sel("d", 60, 79, ["friendship"], description="memo")]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    qdpx = tmp_path / "interviews.qdpx"
    qdpx.write_bytes(project(origin="MAXQDA 2022", codes=CODES,
                             sources=[Src("Jolly 2012.txt", TEXT, SELS)]))
    mapping = tmp_path / "codes.csv"
    mapping.write_text("code_path,kind\nThemes/kept feeding,outcome\n", encoding="utf-8")
    return qdpx, mapping


def test_cli_imports_project_with_map_and_window_then_lists_codings(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    qdpx, mapping = _files(tmp_path)
    done = invoke_cmo("--store", store, "import", str(qdpx), "--review", "r", "--map",
                      str(mapping), "--assemble", "window=20")
    assert done.exit_code == 0, done.output
    assert ("1 source, 1 new study; concepts by kind: 1 context, 1 mechanism, 1 outcome; "
            "1 CMOc; 0 unassigned codings") in done.output
    assert "Codes not mapped (2; name their kind with --map):\n  Themes\n  Themes/friendship" \
        in done.output
    codings = json.loads(invoke_cmo("--store", store, "query", "codings", "--review", "r",
                                    "--all", "--format", "json").output)
    assert [(c["quote"], c["assigned"]) for c in codings] == [
        ("Rural mothers", True), ("trusted local peers", True), ("kept feeding", True)]
    out = tmp_path / "out.qdpx"
    exported = invoke_cmo("--store", store, "export", "--format", "qdpx", "--review", "r",
                          "--out", str(out))
    assert exported.exit_code == 0, exported.output
    valid_project(out.read_bytes())


def test_cli_refuses_bad_options_and_bad_projects(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    qdpx, mapping = _files(tmp_path)
    bad_window = invoke_cmo("--store", store, "import", str(qdpx), "--review", "r",
                            "--assemble", "near=5")
    assert bad_window.exit_code == 1 and "window=N" in bad_window.output
    sheet = tmp_path / "s.csv"
    sheet.write_text("study,context,mechanism,outcome\nA,b,c,d\n", encoding="utf-8")
    misplaced = invoke_cmo("--store", store, "import", str(sheet), "--review", "r", "--map",
                           str(mapping))
    assert misplaced.exit_code == 2 and ".qdpx" in misplaced.output
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"PK\x03\x04 not really")
    refused = invoke_cmo("--store", store, "import", str(broken), "--review", "r")
    assert refused.exit_code == 1 and "broken.qdpx" in refused.output


def test_cli_imports_through_a_running_server_with_map_and_window(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    qdpx, mapping = _files(tmp_path)
    assert invoke_cmo("--store", f"oxigraph:{folder}", "import", str(qdpx), "--review", "a",
                      "--check").exit_code == 0
    served = _serve(folder)
    try:
        done = served.cmo("import", str(qdpx), "--review", "r", "--map", str(mapping),
                          "--assemble", "window=20")
        assert done.returncode == 0, done.stderr
        assert "1 CMOc; 0 unassigned codings" in done.stdout
        codings = served.get("/reviews/r/codings?unassigned=false").json()
        assert len(codings) == 3 and all(c["assigned"] for c in codings)
    finally:
        _stop(served)
