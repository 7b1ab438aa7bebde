"""The `cmo` command in this process (click's CliRunner) over real stores on disk; one real
`python -m cmo.cli` run checks the default store in the working folder."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cmo.cli.main import main
from cmo.cli.output import StageProgress
from tests.conftest import EXAMPLE, ROOT, invoke_cmo

QUESTIONS_WITH_REQUIRED_OPTIONS = ["mechanisms", "contexts", "outcomes", "evidence"]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"oxigraph:{tmp_path / 'store'}"


@pytest.fixture(scope="module")
def example_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store on disk holding the peer-support review, imported with `cmo import`."""
    url = f"oxigraph:{tmp_path_factory.mktemp('example') / 'store'}"
    imported = invoke_cmo("--store", url, "import", str(EXAMPLE), "--review", "peer-support")
    assert imported.exit_code == 0, imported.stderr
    assert "CMOcs" in imported.stdout
    return url


def test_import_review_then_stats_validate_export_and_list(example_url: str,
                                                          tmp_path: Path) -> None:
    stats = invoke_cmo("--store", example_url, "stats", "--review", "peer-support", "--format",
                       "json")
    counts = json.loads(stats.stdout)
    assert set(counts) >= {"cmocs", "studies", "contexts", "mechanisms", "outcomes", "not_fired",
                           "chain_links", "theories", "evidence"}
    assert counts["cmocs"] >= 25 and counts["not_fired"] >= 3 and counts["theories"] >= 2
    table = invoke_cmo("--store", example_url, "stats", "--review", "peer-support").stdout
    assert table.splitlines()[0].split() == ["what", "count"]

    assert invoke_cmo("--store", example_url, "validate", "--review", "peer-support"
                      ).exit_code == 0
    out = tmp_path / "out.trig"
    exported = invoke_cmo("--store", example_url, "export", "--review", "peer-support",
                          "--format", "trig", "--out", str(out))
    assert exported.exit_code == 0 and b"peer-support" in out.read_bytes()
    to_stdout = invoke_cmo("--store", example_url, "export", "--review", "peer-support")
    assert to_stdout.stdout_bytes.startswith(b"@prefix")
    assert "peer-support" in invoke_cmo("--store", example_url, "reviews").stdout


def test_open_store_from_environment_setting(tmp_path: Path) -> None:
    env = {"CMO_STORE": f"oxigraph:{tmp_path / 'env-store'}"}
    assert invoke_cmo("import", str(EXAMPLE), "--review", "ps", env=env).exit_code == 0
    assert (tmp_path / "env-store").is_dir()


def test_run_module_uses_cmo_data_in_working_folder_by_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CMO_STORE"}
    result = subprocess.run([sys.executable, "-m", "cmo.cli", "import", str(EXAMPLE),
                             "--review", "ps"], cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cmo-data").is_dir()


def test_import_bad_turtle_exits_1_naming_file_and_line(store_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix x: <http://x/> .\nx:a x:b "open .\n')
    result = invoke_cmo("--store", store_url, "import", str(bad), "--review", "r")
    assert result.exit_code == 1
    assert result.stderr.startswith("cmo: ")
    assert "bad.ttl" in result.stderr and "line 2" in result.stderr
    assert invoke_cmo("--store", store_url, "reviews", "--format", "json").stdout.strip() == "[]"


def test_import_missing_file_exits_1(store_url: str, tmp_path: Path) -> None:
    result = invoke_cmo("--store", store_url, "import", str(tmp_path / "nope.ttl"), "--review",
                        "r")
    assert result.exit_code == 1 and "No such file" in result.stderr


def test_validate_review_with_violations_exits_1(store_url: str, tmp_path: Path) -> None:
    data = tmp_path / "thin.ttl"
    data.write_text("@prefix rkg: <https://w3id.org/realist-kg/ns#> .\n"
                    "<http://x/c1> a rkg:CMOConfiguration .\n")
    assert invoke_cmo("--store", store_url, "import", str(data), "--review", "r",
                      "--no-validate").exit_code == 0
    result = invoke_cmo("--store", store_url, "validate", "--review", "r")
    assert result.exit_code == 1
    assert "at least one context" in result.stdout


def test_stats_unknown_review_exits_1(store_url: str) -> None:
    result = invoke_cmo("--store", store_url, "stats", "--review", "nope")
    assert result.exit_code == 1 and "No review 'nope'" in result.stderr


@pytest.mark.parametrize("args", [
    ["matrix"], ["mechanisms", "--context", "Delivery"], ["mechanisms", "--context", "delivery",
                                                           "--no-narrower"],
    ["contexts", "--mechanism", "authentic presence"], ["outcomes", "--mechanism",
                                                        "confidence to breastfeed"],
    ["evidence", "--cmoc", "c10"], ["evidence", "--context", "low intensity support"],
    ["chains"], ["chains", "--cmoc", "c15", "--max-length", "2", "--limit", "1"],
    ["patterns", "--min-studies", "1"], ["contradictions"],
    ["matrix", "--direction", "positive", "--min-confidence", "moderate", "--fired-only"]],
    ids=lambda a: "-".join(a[:2]))
def test_query_question_answers_in_every_format(example_url: str, args: list[str]) -> None:
    for fmt in ("table", "json", "csv"):
        result = invoke_cmo("--store", example_url, "query", *args, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip() or fmt == "csv"  # an empty answer is an empty CSV
    data = json.loads(invoke_cmo("--store", example_url, "query", *args, "--format",
                                 "json").stdout)
    if args[0] == "matrix":
        row = data["rows"][0]
        assert set(row) == {"context", "mechanism", "reviews", "cmocs", "studies", "fired",
                            "not_fired", "rigour"}
        assert set(row["rigour"]) == {"high", "moderate", "low", "unappraised"}
        assert set(row["context"]) == {"iri", "label"}
    if args[0] == "mechanisms":
        assert set(data) == {"context", "include_narrower", "rows"}
        assert data["include_narrower"] is ("--no-narrower" not in args)
        for row in data["rows"]:
            assert set(row["outcomes"][0]) == {"outcome", "direction", "cmocs"}
    if args[0] == "chains" and "--cmoc" in args:
        assert data["chains"] == [{"review": "peer-support", "cmocs": ["c15", "c16", "c11"]}]
        assert data["total"] == 1 and not data["truncated"]


def test_query_chains_table_says_when_page_is_cut(example_url: str) -> None:
    result = invoke_cmo("--store", example_url, "query", "chains", "--limit", "1")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("(1 of ")
    assert "--offset 1 for more" in result.stdout


def test_query_unknown_concept_exits_1_with_suggestion(example_url: str) -> None:
    result = invoke_cmo("--store", example_url, "query", "mechanisms", "--context", "delivry")
    assert result.exit_code == 1 and "Did you mean: 'delivery'" in result.stderr


@pytest.mark.parametrize("question", QUESTIONS_WITH_REQUIRED_OPTIONS)
def test_query_question_without_required_option_exits_2_with_usage(tmp_path: Path,
                                                                   question: str) -> None:
    result = invoke_cmo("--store", f"oxigraph:{tmp_path / 'store'}", "query", question)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Usage: cmo query {question} [OPTIONS]")
    assert "Missing option" in result.stderr and result.stdout == ""
    assert not (tmp_path / "store").exists()  # a usage error opens no store


@pytest.mark.parametrize("args", [
    ["query", "matrix", "--direction", "up"],
    ["query", "patterns", "--min-confidence", "certain"],
    ["query", "contradictions", "--design", "cohort"],
    ["query", "mechanisms", "--context", "delivery", "--format", "xml"],
    ["query", "chains", "--fired-only"],  # chains take no CMOc filters
    ["token", "create", "--role", "owner"],
    ["export", "--review", "ps", "--format", "dot"],
    ["token", "revoke"],
], ids=lambda a: "-".join(a[:3]))
def test_command_bad_value_exits_2_with_usage(tmp_path: Path, args: list[str]) -> None:
    result = invoke_cmo("--store", f"oxigraph:{tmp_path / 'store'}", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Usage: cmo {args[0]}")
    assert not (tmp_path / "store").exists()


def test_main_returns_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "query" in capsys.readouterr().out
    assert main(["query", "mechanisms"]) == 2
    assert "Missing option '--context'" in capsys.readouterr().err


def test_token_list_and_revoke_never_show_secret(store_url: str) -> None:
    invoke_cmo("--store", store_url, "import", str(EXAMPLE), "--review", "ps")
    secret = invoke_cmo("--store", store_url, "token", "create", "--role", "editor", "--review",
                        "ps", "--name", "A. Reviewer").stdout.strip()
    table = invoke_cmo("--store", store_url, "token", "list")
    assert table.exit_code == 0 and "A. Reviewer" in table.stdout and "editor" in table.stdout
    [token] = json.loads(invoke_cmo("--store", store_url, "token", "list", "--review", "ps",
                                    "--format", "json").stdout)
    assert token["name"] == "A. Reviewer" and secret not in table.stdout + str(token)
    revoked = invoke_cmo("--store", store_url, "token", "revoke", token["id"])
    assert revoked.exit_code == 0 and token["id"] in revoked.stdout
    assert json.loads(invoke_cmo("--store", store_url, "token", "list", "--format",
                                 "json").stdout) == []
    again = invoke_cmo("--store", store_url, "token", "revoke", token["id"])
    assert again.exit_code == 1 and "No token" in again.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_import_progress_draws_each_stage_on_terminal_only(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with StageProgress() as progress:
        for done in (0, 5000, 10000):
            progress("building", done, 10000)
        progress("writing", 1, 1)
    drawn = terminal.getvalue()
    assert "building" in drawn and "10000/10000" in drawn and "100%" in drawn
    assert "writing" in drawn

    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    with StageProgress() as progress:
        progress("building", 10, 10)
    assert pipe.getvalue() == ""
