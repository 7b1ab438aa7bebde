"""GET /reviews/{id}/views/heatmap over real HTTP: public and private reviews, filters, hostile
parameters; and the workbench's heatmap page."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.review.reviews import update_review
from cmo.settings import Settings
from cmo.store import open_store
from cmo.views import HeatmapView
from tests.api.conftest import ADMIN, Service, serving
from tests.conftest import EXAMPLE

ROUTE = "/reviews/{}/views/heatmap"


@pytest.fixture(scope="module")
def two() -> Iterator[Service]:
    """The example twice: `peer-support` public, `hidden` private."""
    store = open_store("memory:")
    for rid in ("peer-support", "hidden"):
        import_rdf(store, rid, [("review.ttl", EXAMPLE.read_bytes(), rdf_format("ttl"))])
    update_review(store, "peer-support", public=True)
    update_review(store, "hidden", public=False)
    with serving(Settings(admin_token=ADMIN, sparql_timeout_seconds=5), store) as url:
        svc = Service(url, store, httpx.Client(base_url=url, headers={
            "Authorization": f"Bearer {ADMIN}"}, timeout=30), httpx.Client(base_url=url,
                                                                             timeout=30))
        yield svc
        for client in [svc.admin, svc.anonymous, *svc.clients]:
            client.close()
    store.close()


def test_heatmap_route_serves_public_review_to_anyone(two: Service) -> None:
    page = two.anonymous.get(ROUTE.format("peer-support"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "window.cmoHeatmap" in page.text and "Content-Security-Policy" in page.text
    head = page.text.split("<body")[0]
    assert "https://" not in head and "http://" not in head
    embed = two.anonymous.get(ROUTE.format("peer-support"), params={"embed": 1})
    assert embed.status_code == 200 and 'class="hm-embed"' in embed.text


def test_heatmap_route_hides_private_review(two: Service) -> None:
    assert two.anonymous.get(ROUTE.format("hidden")).status_code == 404
    assert two.token("viewer", "peer-support").get(ROUTE.format("hidden")).status_code == 404
    viewer = two.token("viewer", "hidden")
    assert viewer.get(ROUTE.format("hidden")).status_code == 200


def test_heatmap_route_applies_filters(two: Service) -> None:
    page = two.anonymous.get(ROUTE.format("peer-support"),
                             params={"context": "delivery", "min_studies": 2, "fired_only": 1})
    view = HeatmapView(two.store, "peer-support", context="delivery", min_studies=2,
                       fired_only=True)
    assert page.status_code == 200 and view.data.summary() in page.text
    assert "context: delivery" in page.text and "fired only" in page.text


def test_heatmap_route_refuses_unknown_theory_and_context(two: Service) -> None:
    r = two.anonymous.get(ROUTE.format("peer-support"), params={"theory": "How peer support wrks"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    assert "How peer support works" in r.text
    r = two.anonymous.get(ROUTE.format("peer-support"), params={"context": "delivry"})
    assert r.status_code == 404 and "delivery" in r.text


@pytest.mark.parametrize("params", [
    {"min_studies": 10**15}, {"min_studies": 0}, {"min_studies": "many"},
    {"min_studies": "9" * 400}, {"context": "x" * 20_000}, {"context": "<script>" * 50},
    {"theory": "y" * 5_000}, {"embed": "<b>"}, {"fired_only": "\u0000"},
], ids=["huge-min", "zero-min", "word-min", "400-digit-min", "long-context", "markup-context",
        "long-theory", "markup-embed", "nul-fired"])
def test_heatmap_route_answers_hostile_parameters_cleanly(two: Service,
                                                          params: dict[str, object]) -> None:
    r = two.anonymous.get(ROUTE.format("peer-support"), params=params)  # type: ignore[arg-type]
    assert r.status_code in (200, 404, 422), r.text[:200]
    if r.status_code == 200:  # a refusal is problem+json, never HTML
        assert "<script>" * 2 not in r.text
        assert "No context and mechanism" in r.text or "window.cmoHeatmap" in r.text
    else:
        assert r.headers["content-type"].startswith("application/problem")


def test_heatmap_route_lists_in_openapi(two: Service) -> None:
    paths = two.anonymous.get("/openapi.json").json()["paths"]
    assert "/reviews/{review_id}/views/heatmap" in paths


def test_workbench_links_and_serves_the_heatmap(two: Service) -> None:
    overview = two.anonymous.get("/reviews/peer-support/overview")
    assert overview.status_code == 200 and "/reviews/peer-support/heatmap" in overview.text
    page = two.anonymous.get("/reviews/peer-support/heatmap")
    assert page.status_code == 200 and "window.cmoHeatmap" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert two.anonymous.get("/reviews/hidden/heatmap").status_code in (303, 404)
