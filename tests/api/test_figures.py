"""GET /reviews/{id}/figures/{kind}.{fmt}: media types, headers, a private review, refusals."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET

import pypdf
import pytest

from tests.api.conftest import Service

URL = "/reviews/peer-support/figures"


@pytest.mark.parametrize(("kind", "fmt", "media"), [
    ("network", "svg", "image/svg+xml"), ("chains", "png", "image/png"),
    ("network", "pdf", "application/pdf")])
def test_get_figure_in_each_format(service: Service, kind: str, fmt: str, media: str) -> None:
    viewer = service.token("viewer", "peer-support")
    r = viewer.get(f"{URL}/{kind}.{fmt}", params={"width": 700, "context": "delivery",
                                                   "fired_only": True})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"] == f'inline; filename="peer-support-{kind}.{fmt}"'
    if fmt == "svg":
        assert r.headers["content-security-policy"] == \
            "default-src 'none'; style-src 'unsafe-inline'"
        root = ET.fromstring(r.content)
        assert root.get("width") == "700" and b"fired only" in r.content
    elif fmt == "png":
        assert struct.unpack(">I", r.content[16:20])[0] == 700
    else:
        assert len(pypdf.PdfReader(io.BytesIO(r.content)).pages) == 1


def test_get_figure_of_private_review_is_hidden_from_anonymous(service: Service) -> None:
    r = service.anonymous.get(f"{URL}/network.svg")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert b"<svg" not in r.content


@pytest.mark.parametrize(("path", "params", "status"), [
    ("tree.svg", {}, 415), ("network.gif", {}, 415), ("network.svg", {"width": 10}, 422),
    ("network.svg", {"width": "wide"}, 422), ("network.png", {"height": 999_999}, 422),
    ("network.svg", {"font_size": 0}, 422), ("network.svg", {"min_studies": 0}, 422),
    ("network.svg", {"theory": "<script>"}, 422), ("network.svg", {"context": "nowhere"}, 404),
    ("network.png", {"width": 10_000, "height": 10_000}, 413), ("network", {}, 404)],
    ids=["kind", "format", "width", "width-text", "height", "font", "min-studies", "theory",
         "context", "pixels", "no-format"])
def test_get_figure_refuses_bad_asks_as_problems(service: Service, path: str,
                                                 params: dict[str, object], status: int) -> None:
    r = service.admin.get(f"{URL}/{path}", params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
