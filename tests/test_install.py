"""`pip install .` (not editable) gives a `cmo` that works from any folder."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT, run_cmo


@pytest.mark.slow
def test_installed_cmo_imports_example_from_another_folder(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # The dependencies come from this environment (so the test needs no network); the
    # project itself is built and installed as a real wheel.
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "deps-from-dev-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps",
           "--no-build-isolation", str(ROOT)]
    installed = subprocess.run(pip, capture_output=True, text=True, timeout=300, check=False)
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cmo_bin = str(venv / "bin" / "cmo")
    result = run_cmo("--store", "oxigraph:data", "import", str(EXAMPLE), "--review", "ps",
                     cwd=elsewhere, executable=cmo_bin)
    assert result.returncode == 0, result.stderr
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import cmo.rdf.resources as r; print(r.ontology_dir()); "
                            "print(r.anno_context()['oa'])"],
                           cwd=elsewhere, capture_output=True, text=True, check=True)
    assert str(site) in where.stdout
    assert "http://www.w3.org/ns/oa#" in where.stdout  # the W3C context ships in the wheel
    web = subprocess.run([str(venv / "bin" / "python"), "-c",
                          "import api.web.pages as p; print(sorted(f.name for f in "
                          "[*(p.HERE / 'templates').iterdir(), *(p.HERE / 'static').iterdir()]))"],
                         cwd=elsewhere, capture_output=True, text=True, check=True)
    assert "base.html" in web.stdout and "workbench.js" in web.stdout  # the workbench ships
    shipped = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "from importlib.resources import files; print("
                              "files('cmo.interchange.qdpx').joinpath('Project.xsd').is_file(), "
                              "files('cmo.views').joinpath('static', 'heatmap.js').is_file())"],
                             cwd=elsewhere, capture_output=True, text=True, check=True)
    assert shipped.stdout.split() == ["True", "True"]  # the REFI-QDA schema and heatmap script
    assert run_cmo("--store", "oxigraph:data", "validate", cwd=elsewhere,
                   executable=cmo_bin).returncode == 0
