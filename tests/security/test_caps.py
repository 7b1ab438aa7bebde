"""Issue 10, items 5, 7 and 9: oversized texts, lists, literals and sheets are refused quickly,
naming the cap, and ids the model refuses never get in; the server stays up after each."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from cmo.limits import LIMITS
from tests.builders import (
    xlsx_with_entities,
    xlsx_with_far_cells,
    xlsx_with_far_row,
    xlsx_zip_bomb,
)
from tests.cmo.test_limits import cmoc_turtle
from tests.security.conftest import Target

CMOCS = "/reviews/peer-support/cmocs"
IMPORT = "/reviews/peer-support/import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CMOC = {"study": "Jolly 2012", "contexts": ["low intensity support"],
        "mechanism": "trusting relationship with the peer", "outcomes": ["breastfeeding duration"]}


def refused(response: httpx.Response, status: int) -> dict[str, object]:
    """The problem+json body of a refusal with `status`."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    return body


def timed(send: Callable[[], httpx.Response], within: float) -> httpx.Response:
    """`send()`'s answer, which must come within `within` seconds."""
    start = time.monotonic()
    response = send()
    assert time.monotonic() - start < within, f"answered in {time.monotonic() - start:.1f} s"
    return response


def test_cmoc_with_100000_contexts_is_refused_fast(target: Target) -> None:
    body = {**CMOC, "contexts": [f"context {i}" for i in range(100_000)]}
    response = timed(lambda: target.editor.post(CMOCS, json=body), within=5)
    problem = refused(response, 422)["problems"][0]  # type: ignore[index]
    assert problem == {**problem, "field": "body.contexts", "limit": "list_items",
                       "allowed": LIMITS.list_items}
    target.assert_alive()


@pytest.mark.parametrize("field", ["quote", "notes", "resource"])
def test_cmoc_with_2mb_text_is_refused_naming_field(target: Target, field: str) -> None:
    body = {**CMOC, field: "x" * 2_000_000}
    response = timed(lambda: target.editor.post(CMOCS, json=body), within=5)
    problem = refused(response, 422)["problems"][0]  # type: ignore[index]
    assert (problem["field"], problem["limit"]) == (f"body.{field}", "text_chars")
    target.assert_alive()


def test_turtle_with_3mb_literal_is_refused_naming_limit(target: Target) -> None:
    data = cmoc_turtle("c990", resource="x" * 3_000_000)
    response = timed(lambda: target.editor.post(
        IMPORT, content=data, headers={"Content-Type": "text/turtle"}), within=10)
    body = refused(response, 413)
    assert (body["limit"], body["allowed"]) == ("literal_chars", LIMITS.literal_chars)
    assert "<urn:x/c990>" in body["problems"][0]["reason"]  # type: ignore[index]
    target.assert_alive()


@pytest.mark.parametrize(("build", "status", "limit"), [
    (xlsx_zip_bomb, 413, "unpacked_ratio"),
    (lambda: xlsx_with_far_cells(400), 413, "sheet_cells"),
    (lambda: xlsx_with_far_row(300_000), 413, "sheet_rows"),
    (xlsx_with_entities, 400, None),
], ids=["zip-bomb-8M-cells", "far-cells", "far-row", "entities"])
def test_hostile_workbook_is_refused_fast(target: Target, build: Callable[[], bytes],
                                          status: int, limit: str | None) -> None:
    data = build()
    assert len(data) < 64_000
    response = timed(lambda: target.editor.post(
        IMPORT, content=data, headers={"Content-Type": XLSX}), within=10)
    body = refused(response, status)
    assert body.get("limit") == limit
    target.assert_alive()


def test_csv_over_sheet_rows_is_refused(target: Target) -> None:
    data = b"study,context,mechanism,outcome\n" + b"S 2012,c,m,o\n" * (LIMITS.sheet_rows + 1)
    response = timed(lambda: target.editor.post(
        IMPORT, content=data, headers={"Content-Type": "text/csv"}), within=20)
    assert refused(response, 413)["limit"] == "sheet_rows"
    target.assert_alive()


def test_csv_cell_over_text_chars_is_refused_naming_row_and_column(target: Target) -> None:
    data = (b"study,context,mechanism,outcome,quote\nS 2012,c,m,o,ok\n"
            b"S 2012,c,m,o," + b"q" * (LIMITS.text_chars + 1) + b"\n")
    problems = refused(target.editor.post(IMPORT, content=data, headers={
        "Content-Type": "text/csv"}), 422)["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [(3, "quote")]  # type: ignore[union-attr]


def test_turtle_with_formula_id_is_refused_and_nothing_written(target: Target) -> None:
    editor = target.editor
    before = editor.get(CMOCS, params={"limit": 1000}).json()["total"]
    data = cmoc_turtle("c991", 'dcterms:identifier "=1+2" ;')
    body = refused(editor.post(IMPORT, content=data, headers={"Content-Type": "text/turtle"}),
                   422)
    assert body["violations"][0]["value"] == "=1+2"  # type: ignore[index]
    listed = editor.get(CMOCS, params={"limit": 1000})
    assert listed.status_code == 200
    assert listed.json()["total"] == before
    assert all(c["id"] != "=1+2" for c in listed.json()["items"])
    target.assert_alive()
