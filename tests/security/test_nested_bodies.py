"""Deeply nested bodies are refused before a parser sees them: JSON-LD, Turtle, JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cmo
from tests.security.conftest import Target

PROBLEM = "application/problem+json"
DEEP_JSONLD = ('{"@id":"urn:a","urn:p":' + '{"urn:p":' * 10_000 + "1" + "}" * 10_001).encode()
DEEP_TURTLE = ("<urn:a> <urn:p> " + "[ <urn:p> " * 5_000 + "1" + " ]" * 5_000 + " .").encode()
DEEP_TRIG = ("<urn:g> { <urn:a> <urn:p> " + "( " * 5_000 + "1" + " )" * 5_000 + " . }").encode()


def _count_cmocs(target: Target) -> int:
    return len(target.admin.get("/reviews/peer-support/cmocs",
                                params={"limit": 1000}).json()["items"])


@pytest.mark.parametrize(("media", "body"), [
    ("application/ld+json", DEEP_JSONLD), ("text/turtle", DEEP_TURTLE),
    ("application/trig", DEEP_TRIG)], ids=["jsonld", "turtle", "trig"])
def test_deep_rdf_import_is_refused_and_nothing_written(target: Target, media: str,
                                                        body: bytes) -> None:
    before = _count_cmocs(target)
    r = target.editor.post("/reviews/peer-support/import", content=body,
                           headers={"content-type": media})
    assert r.status_code == 400, r.text[:300]
    assert r.headers["content-type"] == PROBLEM
    assert "nesting" in r.text
    r = target.editor.post("/reviews/peer-support/import",
                           files={"file": ("deep.jsonld", DEEP_JSONLD, "application/ld+json")})
    assert r.status_code == 400, r.text[:300]
    target.assert_alive()
    assert _count_cmocs(target) == before


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_deep_json_body_is_refused_before_parsing(target: Target, who: str) -> None:
    client = getattr(target, who)
    body = b'{"study": "x", "contexts": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = client.post("/reviews/peer-support/cmocs", content=body,
                    headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text[:300]
    assert r.headers["content-type"] == PROBLEM
    target.assert_alive()


def test_ordinary_json_body_still_reaches_the_route(target: Target) -> None:
    r = target.editor.post("/reviews/peer-support/cmocs", json={
        "study": "Jolly 2012", "contexts": ["low intensity support"],
        "mechanism": "trusting relationship with the peer", "outcomes": ["breastfeeding"]})
    assert r.status_code == 201, r.text


def test_cli_refuses_deep_jsonld_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonld"
    path.write_bytes(DEEP_JSONLD)
    result = run_cmo("--store", f"oxigraph:{tmp_path / 's'}", "import", str(path),
                     "--review", "r")
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])
    assert "nest" in result.stderr + result.stdout
