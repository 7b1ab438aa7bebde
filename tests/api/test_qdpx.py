"""REFI-QDA projects over real HTTP: import (editors only), codings, export, hostile uploads."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from tests.api.conftest import Service
from tests.qdpx_builders import Sel, Src, project, valid_project

QDPX = "application/x-qdpx"
TEXT = "Rural mothers trusted local peers and so they kept feeding." + " ..." * 20 + \
    " Friends helped too."
DATA = project(origin="NVivo 14", codes={"Context": {"rural": {}}, "Mechanism": {"trust": {}},
                                         "Outcomes": {"kept feeding": {}}, "Themes": {"x": {}}},
               sources=[Src("Lee 2019.txt", TEXT, [
                   Sel("a", 0, 13, ["rural"]), Sel("b", 14, 33, ["trust"]),
                   Sel("c", 46, 58, ["kept feeding"]),
                   Sel("d", TEXT.index("Friends"), TEXT.index("Friends") + 7, ["rural"])])])


@pytest.fixture(scope="module")
def editor(service: Service) -> httpx.Client:
    """An editor of the private review 'qda'."""
    assert service.admin.post("/reviews", json={"id": "qda", "title": "QDA"}).status_code == 201
    return service.token("editor", "qda")


def test_editor_imports_project_and_lists_codings(service: Service,
                                                  editor: httpx.Client) -> None:
    viewer = service.token("viewer", "qda")
    refused = viewer.post("/reviews/qda/import", files={"file": ("p.qdpx", DATA, QDPX)})
    assert refused.status_code == 403
    r = editor.post("/reviews/qda/import", params={"assemble": "window=20"},
                    files={"file": ("p.qdpx", DATA, QDPX),
                           "map": ("m.csv", b"code_path,kind\nThemes/x,outcome\n", "text/csv")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["sources"], body["cmocs"], body["codings"]) == (1, 1, 1)
    assert body["concepts_by_kind"] == {"context": 1, "mechanism": 1, "outcome": 2}
    assert body["unmapped_codes"] == ["Themes"]
    codings = editor.get("/reviews/qda/codings").json()
    assert [(c["quote"], c["codes"]) for c in codings] == [("Friends", {"context": ["rural"]})]
    assert viewer.get("/reviews/qda/codings").status_code == 200
    assert service.anonymous.get("/reviews/qda/codings").status_code in (401, 404)
    exported = editor.get("/reviews/qda/export", headers={"Accept": QDPX})
    assert exported.status_code == 200 and exported.headers["content-type"] == QDPX
    valid_project(exported.content)


@pytest.mark.parametrize(("data", "status", "named"), [
    (b"not a zip", 400, "not a zip"),
    (project(extra={"Sources/bomb.txt": b"\0" * (40 * 1024 * 1024)}), 413, "unpacked_ratio"),
    (project(qde=b'<?xml version="1.0"?><!DOCTYPE P [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                 b'<Project xmlns="urn:QDA-XML:project:1.0" name="p">&x;</Project>'), 400,
     "DOCTYPE"),
    (project(codes={"Context": {"rural": {}}}, sources=[Src("a.txt", "tiny", [
        Sel("far", 0, 99, ["rural"])])]), 422, "outside"),
], ids=["not-zip", "zip-bomb", "xxe", "outside-text"])
def test_hostile_upload_is_refused_and_nothing_written(service: Service, editor: httpx.Client,
                                                       data: bytes, status: int,
                                                       named: str) -> None:
    before = service.store.dump(ox.RdfFormat.N_QUADS)
    r = editor.post("/reviews/qda/import", files={"file": ("bad.qdpx", data, QDPX)})
    assert r.status_code == status, r.text
    assert named in r.text and "root:" not in r.text
    assert service.store.dump(ox.RdfFormat.N_QUADS) == before
