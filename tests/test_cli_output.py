"""What `cmo` prints: readable tables for every question, whole cells on request, review
columns across reviews, and a quiet end when the reader of a pipe goes away."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

from cmo.cli.output import CELL_WIDTH
from tests.conftest import EXAMPLE, ROOT, invoke_cmo

# Two studies that disagree about one context and mechanism: fired in one and not in the other,
# positive in one and negative in the other.
MIXED = (b"cmoc_id,study,context,mechanism,outcome,mechanism_fired,outcome_direction,quote\n"
         b"m1,Adams 2001,rural clinics,trust in staff,uptake,yes,positive,They came back.\n"
         b"m2,Baker 2002,rural clinics,trust in staff,uptake,no,negative,They stayed away.\n")

QUESTIONS = [["matrix"], ["mechanisms", "--context", "rural clinics"],
             ["contexts", "--mechanism", "trust in staff"],
             ["outcomes", "--mechanism", "trust in staff"], ["evidence", "--cmoc", "m1"],
             ["evidence", "--context", "rural clinics"], ["chains"],
             ["patterns", "--min-studies", "1"], ["contradictions"]]
# What a Python value looks like when it is printed instead of words.
REPR = re.compile(r"\b\w+=\S|\{'|\[\{|'\}|\bNone\b|\bTrue\b|\bFalse\b")


@pytest.fixture(scope="module")
def two_reviews(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store on disk with the peer-support example and a small review with contradictions."""
    folder = tmp_path_factory.mktemp("two")
    url = f"oxigraph:{folder / 'store'}"
    sheet = folder / "mixed.csv"
    sheet.write_bytes(MIXED)
    for source, review in ((EXAMPLE, "peer-support"), (sheet, "mixed")):
        result = invoke_cmo("--store", url, "import", str(source), "--review", review)
        assert result.exit_code == 0, result.stderr
    return url


def test_matrix_across_reviews_names_the_review_of_each_row(two_reviews: str) -> None:
    table = invoke_cmo("--store", two_reviews, "query", "matrix").stdout.splitlines()
    assert table[0].split()[:3] == ["review", "context", "mechanism"]
    assert {line.split()[0] for line in table[2:]} == {"peer-support", "mixed"}
    rows = json.loads(invoke_cmo("--store", two_reviews, "query", "matrix", "--format",
                                 "json").stdout)["rows"]
    assert {tuple(r["reviews"]) for r in rows} == {("peer-support",), ("mixed",)}


def test_contradictions_read_as_words_one_side_a_row(two_reviews: str) -> None:
    result = invoke_cmo("--store", two_reviews, "query", "contradictions", "--wide")
    assert result.exit_code == 0
    assert not REPR.search(result.stdout), result.stdout
    # Two sections: the same context configuration on both sides first (unexplained), then
    # the peer-support review's, whose differing contexts may explain them.
    unexplained, explained = result.stdout.split("Explained by context: ")
    lines = unexplained.splitlines()
    assert lines[0] == "Unexplained (same context configuration): 2"
    assert lines[1].split() == ["kind", "contexts", "mechanism", "outcome", "explained_by",
                                "side", "side_contexts", "cmocs", "studies"]
    sides = {re.sub(r"\s{2,}", "|", line) for line in lines[3:]}
    assert ("direction|rural clinics|trust in staff|uptake|positive|rural clinics|m1|Adams 2001"
            in sides)
    assert ("direction|rural clinics|trust in staff|uptake|negative|rural clinics|m2|Baker 2002"
            in sides)
    assert "firing|rural clinics|trust in staff|fired|rural clinics|m1|Adams 2001" in sides
    assert "firing|rural clinics|trust in staff|not fired|rural clinics|m2|Baker 2002" in sides
    assert explained.startswith("4\n") and "low intensity support" in explained


@pytest.mark.parametrize("args", QUESTIONS, ids=lambda a: "-".join(a[:2]))
def test_every_question_prints_words_not_python_values(two_reviews: str,
                                                       args: list[str]) -> None:
    for fmt in ("table", "csv"):
        result = invoke_cmo("--store", two_reviews, "query", *args, "--format", fmt, "--wide")
        assert result.exit_code == 0, result.stderr
        assert not REPR.search(result.stdout), result.stdout
    rows = list(csv.reader(io.StringIO(invoke_cmo("--store", two_reviews, "query", *args,
                                                  "--format", "csv").stdout)))
    assert rows and all(len(r) == len(rows[0]) for r in rows)


def test_chains_show_the_cmo_chain_by_label(two_reviews: str) -> None:
    result = invoke_cmo("--store", two_reviews, "query", "chains", "--cmoc", "c15", "--wide",
                        "--review", "peer-support")
    row = result.stdout.splitlines()[2]
    assert "c15 -> c16 -> c11" in row
    assert ("[c15: peers feel confident to help] -> peer supporter capability -> "
            "[c16: mothers engage with support]") in row


def test_wide_shows_a_quote_whole_and_help_says_where_cells_are_cut(two_reviews: str) -> None:
    cut = invoke_cmo("--store", two_reviews, "query", "evidence", "--cmoc", "c10",
                     "--review", "peer-support").stdout
    whole = invoke_cmo("--store", two_reviews, "query", "evidence", "--cmoc", "c10",
                       "--review", "peer-support", "--wide").stdout
    quote = json.loads(invoke_cmo("--store", two_reviews, "query", "evidence", "--cmoc", "c10",
                                  "--review", "peer-support", "--format", "json").stdout
                       )["items"][0]["quote"]
    assert len(quote) > CELL_WIDTH and quote not in cut and "…" in cut
    assert quote in whole and "…" not in whole
    for command in (["query", "evidence"], ["reviews"]):
        help_text = " ".join(invoke_cmo(*command, "--help").stdout.split())
        assert f"--wide show every cell whole (tables cut a cell at {CELL_WIDTH} characters" \
            in help_text


@pytest.mark.parametrize("args", [
    ["query", "matrix"], ["query", "matrix", "--format", "json"], ["query", "chains",
                                                                  "--format", "csv"],
    ["export", "--review", "peer-support"], ["reviews"], ["stats"]],
    ids=lambda a: "-".join(a[:3]))
def test_reader_leaving_the_pipe_ends_cmo_quietly(two_reviews: str, args: list[str]) -> None:
    """`cmo ... | head`: the reader closes its end (here before cmo writes at all, so every
    write meets the broken pipe); cmo stops with status 1 and no traceback."""
    process = subprocess.Popen([sys.executable, "-m", "cmo.cli", "--store", two_reviews, *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert err == b"" and process.returncode == 1, err.decode()

