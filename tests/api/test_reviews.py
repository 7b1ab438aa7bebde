"""Reviews over HTTP: who may create, see, change and delete them."""

from tests.api.conftest import Service


def test_admin_creates_review_and_location_is_set(service: Service) -> None:
    r = service.admin.post("/reviews", json={"id": "created", "title": "Created", "public": True})
    assert r.status_code == 201 and r.headers["location"] == "/reviews/created"
    assert service.anonymous.get("/reviews/created").json()["title"] == "Created"


def test_anonymous_and_viewer_cannot_create(service: Service) -> None:
    r = service.anonymous.post("/reviews", json={"id": "x1", "title": "X"})
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert service.token("viewer").post("/reviews", json={"id": "x1", "title": "X"}
                                        ).status_code == 403


def test_unknown_token_is_401(service: Service) -> None:
    assert service.client("rkg_nope").get("/reviews").status_code == 401


def test_private_review_is_invisible_without_a_token(service: Service) -> None:
    assert "peer-support" not in [r["id"] for r in service.anonymous.get("/reviews").json()]
    assert service.anonymous.get("/reviews/peer-support").status_code == 404
    viewer = service.token("viewer", "peer-support")
    assert viewer.get("/reviews/peer-support").status_code == 200


def test_duplicate_review_is_409_and_bad_id_is_422(service: Service) -> None:
    service.admin.post("/reviews", json={"id": "dup", "title": "A"})
    r = service.admin.post("/reviews", json={"id": "dup", "title": "B"})
    assert r.status_code == 409 and r.json()["status"] == 409
    r = service.admin.post("/reviews", json={"id": "has space", "title": "B"})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "body.id"


def test_patch_and_delete_review(service: Service) -> None:
    service.admin.post("/reviews", json={"id": "temp", "title": "Temp"})
    editor = service.token("editor", "temp")
    assert editor.patch("/reviews/temp", json={"title": "Renamed"}).json()["title"] == "Renamed"
    assert editor.delete("/reviews/temp").status_code == 403
    assert service.admin.delete("/reviews/temp").status_code == 204
    assert service.admin.get("/reviews/temp").status_code == 404


def test_body_over_the_limit_is_413(service: Service) -> None:
    r = service.admin.post("/reviews/peer-support/import", content=b"#" * 300_000,
                           headers={"content-type": "text/turtle"})
    assert r.status_code == 413 and r.json()["title"] == "ContentTooLarge"


def test_docs_work_offline_and_openapi_has_examples(service: Service) -> None:
    docs = service.anonymous.get("/docs").text
    assert "swagger-ui" in docs and "https://" not in docs and "http://" not in docs
    spec = service.anonymous.get("/openapi.json").json()
    assert "/sparql" in spec["paths"] and "/reviews/{review_id}/mechanisms" in spec["paths"]
    assert "examples" in spec["components"]["schemas"]["CMOcCreate"]
