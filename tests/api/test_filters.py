"""Question filters over HTTP: a design in any case or by synonym; an unknown design, theory,
confidence or direction is 422 problem+json naming the field, the value and the closest."""

from __future__ import annotations

import pytest

from tests.api.conftest import Service

ROUTES = [("matrix", {}), ("mechanisms", {"context": "delivery"}),
          ("contexts", {"mechanism": "authentic presence"}),
          ("outcomes", {"mechanism": "confidence to breastfeed"}),
          ("evidence", {"context": "low intensity support"}), ("patterns", {}),
          ("contradictions", {})]


def test_design_filter_accepts_any_case_and_synonyms(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    expected = viewer.get("/reviews/peer-support/matrix", params={"design": "qualitative"})
    assert expected.status_code == 200 and expected.json()["rows"]
    for design in ("Qualitative", "QUALITATIVE", "qualitative research"):
        r = viewer.get("/reviews/peer-support/matrix", params={"design": design})
        assert r.json() == expected.json(), design


@pytest.mark.parametrize(("path", "params"), ROUTES, ids=[p for p, _ in ROUTES])
@pytest.mark.parametrize(("field", "value", "closest"), [
    ("design", "rtc", "rct"), ("theory", "TAM", None),
    ("theory", "How peer suport works", "How peer support works"),
    ("min_confidence", "hihg", "high"), ("direction", "postive", "positive"),
    ("min_rigour", "hgh", "high"), ("min_relevance", "moderat", "moderate"),
], ids=["design", "theory", "theory-typo", "confidence", "direction", "rigour", "relevance"])
def test_unknown_filter_value_is_422_naming_field_value_and_closest(
        service: Service, path: str, params: dict[str, str], field: str, value: str,
        closest: str | None) -> None:
    viewer = service.token("viewer", "peer-support")
    r = viewer.get(f"/reviews/peer-support/{path}", params={**params, field: value})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert (body["field"], body["value"]) == (field, value)
    assert body["problems"][0]["field"] == field
    if closest:
        assert body["suggestions"][0] == closest
    else:
        assert "peer-support-v1" in body["allowed"]


def test_cross_review_matrix_refuses_unknown_theory(service: Service) -> None:
    r = service.admin.get("/matrix", params={"theory": "TAM"})
    assert r.status_code == 422 and r.json()["field"] == "theory"


def test_hostile_filter_values_are_refused_as_data(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    for value in ("<script>alert(1)</script>", "x" * 10_000, "' } DROP ALL ; #", "\u202erct"):
        r = viewer.get("/reviews/peer-support/matrix", params={"design": value})
        assert r.status_code == 422 and r.json()["value"] == value
        r = viewer.get("/reviews/peer-support/matrix", params={"theory": value})
        assert r.status_code == 422 and r.json()["value"] == value
