"""A review an import creates gets a title that says where it came from (or the workbook's own),
and `cmo reviews set` changes a review's title and question."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.conftest import invoke_cmo

SHEET = b"study,context,mechanism,outcome\nAdams 2001,rural,trust,uptake\n"
RIS = b"TY  - JOUR\nAU  - Okafor, Ngozi\nPY  - 2019\nTI  - Peers\nER  - \n"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"oxigraph:{tmp_path / 'store'}"


def _titles(url: str) -> dict[str, str]:
    listed = json.loads(invoke_cmo("--store", url, "reviews", "--format", "json").stdout)
    return {r["id"]: r["title"] for r in listed}


@pytest.mark.parametrize(("name", "data"), [("extraction.csv", SHEET), ("refs.ris", RIS)])
def test_import_names_a_new_review_after_its_file_and_says_how_to_change_it(
        store_url: str, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = invoke_cmo("--store", store_url, "import", str(path), "--review", "fresh")
    assert result.exit_code == 0, result.stderr
    assert _titles(store_url) == {"fresh": f"fresh (imported from {name})"}
    assert "`cmo reviews set --review fresh --title ...`" in result.stderr
    again = invoke_cmo("--store", store_url, "import", str(path), "--review", "fresh")
    assert "titled" not in again.stderr  # only a new review is named


def test_a_workbook_title_becomes_the_review_title(store_url: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.title = "  Peer support: second look  "
    sheet = book.active
    for line in SHEET.decode().splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "extraction.xlsx"
    path.write_bytes(out.getvalue())
    assert invoke_cmo("--store", store_url, "import", str(path), "--review", "wb").exit_code == 0
    assert _titles(store_url) == {"wb": "Peer support: second look"}


def test_reviews_set_changes_title_and_question(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(SHEET)
    invoke_cmo("--store", store_url, "import", str(path), "--review", "r")
    hostile = "<script>alert(1)</script> & 'quotes'"
    result = invoke_cmo("--store", store_url, "reviews", "set", "--review", "r", "--title",
                        hostile, "--question", "What works, for whom?")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(invoke_cmo("--store", store_url, "reviews", "--format", "json").stdout)
    assert (listed[0]["title"], listed[0]["question"]) == (hostile, "What works, for whom?")
    only_question = invoke_cmo("--store", store_url, "reviews", "set", "--review", "r",
                               "--question", "Why?")
    assert only_question.exit_code == 0 and _titles(store_url)["r"] == hostile


@pytest.mark.parametrize(("args", "status", "says"), [
    (["--review", "r"], 2, "Give --title, --question or both."),
    (["--review", "r", "--title", ""], 1, "title"),
    (["--review", "r", "--title", "x" * 100_000], 1, "title"),
    (["--review", "nope", "--title", "x"], 1, "No review 'nope'"),
    (["--review", "../r", "--title", "x"], 1, "No review '../r'"),
], ids=["nothing", "empty", "huge", "unknown", "traversal"])
def test_reviews_set_refuses_and_changes_nothing(store_url: str, tmp_path: Path,
                                                 args: list[str], status: int,
                                                 says: str) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(SHEET)
    invoke_cmo("--store", store_url, "import", str(path), "--review", "r")
    before = _titles(store_url)
    result = invoke_cmo("--store", store_url, "reviews", "set", *args)
    assert result.exit_code == status and says in result.stderr
    assert _titles(store_url) == before
