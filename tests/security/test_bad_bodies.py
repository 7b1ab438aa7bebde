"""Issue 10, item 10: hostile bodies against the CMOc routes get a 4xx problem+json, never a
500 text/plain, and the server stays up; an unexpected error is a 500 problem+json."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi import FastAPI

from api.main import create_app
from cmo.settings import Settings
from cmo.store import open_store
from tests.security.conftest import Target

CMOCS = "/reviews/peer-support/cmocs"
GOOD = {"study": "Jolly 2012", "contexts": ["low intensity support"],
        "mechanism": "trusting relationship with the peer", "outcomes": ["breastfeeding duration"]}


def _with(**changes: object) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


def _raw(text: str) -> bytes:
    """A JSON body written by hand (json.dumps would not write a lone surrogate escape)."""
    return text.encode()


SURROGATE = '"\\ud800"'
BODIES: list[tuple[str, str, bytes]] = [
    # (id, methods, body)
    ("mechanism-null", "patch", b'{"mechanism": null}'),
    ("contexts-empty", "patch put post", b'{"contexts": []}'),
    ("outcomes-null", "patch", b'{"outcomes": null}'),
    ("studies-empty", "patch", b'{"studies": []}'),
    ("quote-surrogate", "patch put post",
     _raw(json.dumps(GOOD)[:-1] + f', "quote": {SURROGATE}}}')),
    ("notes-surrogate", "patch put post",
     _raw(json.dumps(GOOD)[:-1] + f', "notes": {SURROGATE}}}')),
    ("mechanism-surrogate", "patch put post", _raw(f'{{"mechanism": {SURROGATE}}}')),
    ("page-surrogate", "patch", _raw(f'{{"evidence": [{{"quote": "q", "page": {SURROGATE}}}]}}')),
    ("contexts-100k", "patch put post", _with(contexts=["c"] * 100_000)),
    ("evidence-300", "patch put post", _with(evidence=[{"quote": "q"}] * 300)),
    ("quote-2mb", "patch put post", _with(quote="q" * 2_000_000)),
    ("label-501", "patch put post", _with(mechanism="m" * 501)),
    ("leads-to-formula", "patch put post", _with(leads_to=["=1+2"])),
    ("leads-to-missing", "patch put post", _with(leads_to=["c99999"])),
    ("theory-not-a-list", "patch put post", _with(theories="t")),
    ("evidence-not-objects", "patch put post", _with(evidence=["q"])),
    ("direction-unknown", "patch put post", _with(outcome_direction="sideways")),
    ("unknown-field", "patch put post", _with(owner="me")),
    ("array", "patch put post", b"[]"),
    ("string", "patch put post", b'"x"'),
    ("null", "patch put post", b"null"),
    ("not-json", "patch put post", b"{bad"),
    ("not-utf8", "patch put post", b'{"notes": "\xff\xfe"}'),
    ("deep-arrays", "patch put post", b"[" * 100_000 + b"]" * 100_000),
    ("deep-objects", "patch put post", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
]
CASES = [pytest.param(method, body, id=f"{method}-{name}")
         for name, methods, body in BODIES for method in methods.split()]


@pytest.fixture(scope="module")
def cmoc_url(target: Target) -> str:
    """A CMOc of the attacked review, made for these tests."""
    created = target.editor.post(CMOCS, json=GOOD)
    assert created.status_code == 201, created.text
    return str(created.headers["Location"])


@pytest.mark.parametrize(("method", "body"), CASES)
def test_hostile_body_gets_4xx_problem(target: Target, cmoc_url: str, method: str,
                                       body: bytes) -> None:
    editor = target.editor
    etag = editor.get(cmoc_url).headers["ETag"]
    url = CMOCS if method == "post" else cmoc_url
    response = editor.request(method.upper(), url, content=body, headers={
        "Content-Type": "application/json", "If-Match": etag})
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/problem+json")
    assert editor.get(cmoc_url).headers["ETag"] == etag  # nothing was written


@pytest.mark.parametrize("cmoc_id", ["=1+2", "c%0A", "-x", "a" * 200])
def test_put_to_an_id_the_model_refuses_is_4xx(target: Target, cmoc_id: str) -> None:
    response = target.editor.put(f"{CMOCS}/{cmoc_id}", json=GOOD, headers={"If-Match": '"x"'})
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")


def test_server_answers_after_every_hostile_body(target: Target) -> None:
    target.assert_alive()
    assert target.editor.get(CMOCS).status_code == 200


def test_unexpected_error_is_500_problem_without_traceback() -> None:
    app: FastAPI = create_app(Settings(admin_token="t" * 32), open_store("memory:"))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/boom")

    response = asyncio.run(get())
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
