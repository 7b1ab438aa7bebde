"""The `cmo` command, run as a user runs it: a subprocess over a real store on disk."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT, run_cmo


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"oxigraph:{tmp_path / 'store'}"


def test_import_stats_validate_export_reviews(store_url: str, tmp_path: Path) -> None:
    imported = run_cmo("--store", store_url, "import", str(EXAMPLE), "--review", "peer-support")
    assert imported.returncode == 0, imported.stderr
    assert "CMOcs" in imported.stdout

    stats = run_cmo("--store", store_url, "stats", "--review", "peer-support", "--format", "json")
    counts = json.loads(stats.stdout)
    assert set(counts) >= {"cmocs", "studies", "contexts", "mechanisms", "outcomes", "not_fired",
                           "chain_links", "theories", "evidence"}
    assert counts["cmocs"] >= 25 and counts["not_fired"] >= 3 and counts["theories"] >= 2

    assert run_cmo("--store", store_url, "validate", "--review", "peer-support").returncode == 0
    out = tmp_path / "out.trig"
    exported = run_cmo("--store", store_url, "export", "--review", "peer-support", "--format",
                       "trig", "--out", str(out))
    assert exported.returncode == 0 and b"peer-support" in out.read_bytes()
    listed = run_cmo("--store", store_url, "reviews")
    assert "peer-support" in listed.stdout


def test_store_comes_from_environment(tmp_path: Path) -> None:
    env = {"CMO_STORE": f"oxigraph:{tmp_path / 'env-store'}"}
    assert run_cmo("import", str(EXAMPLE), "--review", "ps", env=env).returncode == 0
    assert (tmp_path / "env-store").is_dir()


def test_default_store_is_cmo_data_in_working_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CMO_STORE"}
    result = subprocess.run([sys.executable, "-m", "cmo.cli", "import", str(EXAMPLE),
                             "--review", "ps"], cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cmo-data").is_dir()


def test_parse_error_names_file_and_line_and_exit_1(store_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix x: <http://x/> .\nx:a x:b "open .\n')
    result = run_cmo("--store", store_url, "import", str(bad), "--review", "r")
    assert result.returncode == 1
    assert "bad.ttl" in result.stderr and "line 2" in result.stderr
    assert run_cmo("--store", store_url, "reviews", "--format", "json").stdout.strip() == "[]"


def test_validate_exits_1_with_violations(store_url: str, tmp_path: Path) -> None:
    data = tmp_path / "thin.ttl"
    data.write_text("@prefix rkg: <https://w3id.org/realist-kg/ns#> .\n"
                    "<http://x/c1> a rkg:CMOConfiguration .\n")
    assert run_cmo("--store", store_url, "import", str(data), "--review", "r",
                   "--no-validate").returncode == 0
    result = run_cmo("--store", store_url, "validate", "--review", "r")
    assert result.returncode == 1
    assert "at least one context" in result.stdout


def test_unknown_review_is_a_clear_error(store_url: str) -> None:
    result = run_cmo("--store", store_url, "stats", "--review", "nope")
    assert result.returncode == 1 and "No review 'nope'" in result.stderr


@pytest.mark.parametrize("args", [
    ["matrix"], ["mechanisms", "--context", "Delivery"], ["mechanisms", "--context", "delivery",
                                                           "--no-narrower"],
    ["contexts", "--mechanism", "authentic presence"], ["outcomes", "--mechanism",
                                                        "confidence to breastfeed"],
    ["evidence", "--cmoc", "c10"], ["evidence", "--context", "low intensity support"],
    ["chains"], ["chains", "--cmoc", "c15", "--max-length", "2", "--limit", "1"],
    ["patterns", "--min-studies", "1"], ["contradictions"]],
    ids=lambda a: "-".join(a[:2]))
def test_query_answers_every_question(store_url: str, args: list[str]) -> None:
    assert run_cmo("--store", store_url, "import", str(EXAMPLE), "--review",
                   "peer-support").returncode == 0
    for fmt in ("table", "json", "csv"):
        result = run_cmo("--store", store_url, "query", *args, "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() or fmt == "csv"  # an empty answer is an empty CSV
    data = json.loads(run_cmo("--store", store_url, "query", *args, "--format", "json").stdout)
    if args[0] == "matrix":
        row = data["rows"][0]
        assert set(row) == {"context", "mechanism", "cmocs", "studies", "fired", "not_fired"}
        assert set(row["context"]) == {"iri", "label"}
    if args[0] == "mechanisms":
        assert set(data) == {"context", "include_narrower", "rows"}
        assert data["include_narrower"] is ("--no-narrower" not in args)
        for row in data["rows"]:
            assert set(row["outcomes"][0]) == {"outcome", "direction", "cmocs"}
    if args[0] == "chains" and "--cmoc" in args:
        assert data["chains"] == [{"review": "peer-support", "cmocs": ["c15", "c16", "c11"]}]
        assert data["total"] == 1 and not data["truncated"]


def test_query_unknown_concept_exits_1_with_suggestion(store_url: str) -> None:
    run_cmo("--store", store_url, "import", str(EXAMPLE), "--review", "peer-support")
    result = run_cmo("--store", store_url, "query", "mechanisms", "--context", "delivry")
    assert result.returncode == 1 and "Did you mean: 'delivery'" in result.stderr


def test_token_list_and_revoke(store_url: str) -> None:
    run_cmo("--store", store_url, "import", str(EXAMPLE), "--review", "ps")
    secret = run_cmo("--store", store_url, "token", "create", "--role", "editor", "--review",
                     "ps", "--name", "A. Reviewer").stdout.strip()
    table = run_cmo("--store", store_url, "token", "list")
    assert table.returncode == 0 and "A. Reviewer" in table.stdout and "editor" in table.stdout
    [token] = json.loads(run_cmo("--store", store_url, "token", "list", "--review", "ps",
                                 "--format", "json").stdout)
    assert token["name"] == "A. Reviewer" and secret not in table.stdout + str(token)
    revoked = run_cmo("--store", store_url, "token", "revoke", token["id"])
    assert revoked.returncode == 0 and token["id"] in revoked.stdout
    assert json.loads(run_cmo("--store", store_url, "token", "list", "--format",
                              "json").stdout) == []
    again = run_cmo("--store", store_url, "token", "revoke", token["id"])
    assert again.returncode == 1 and "No token" in again.stderr
    assert run_cmo("--store", store_url, "token", "revoke").returncode == 2
