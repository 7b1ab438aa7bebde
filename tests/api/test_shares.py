"""The share routes over real HTTP: the answer that makes a share, its expiry, its address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from cmo.review.shares import NewShare
from cmo.settings import Settings
from cmo.views.shared import create_share
from tests.api.conftest import ADMIN, Service, serving

R = "/reviews/peer-support"


def test_create_share_answers_link_iframe_and_a_30_day_expiry(service: Service) -> None:
    made = service.admin.post(f"{R}/shares", json={"view": "mechanisms"})
    assert made.status_code == 201
    answer = made.json()
    assert set(answer) >= {"id", "url", "iframe", "expires_at", "created", "created_by",
                           "filters", "view", "review", "label"}
    assert "secret" not in answer and answer["created_by"] == "admin"
    assert answer["url"].startswith(service.url + "/shared/")
    lasts = datetime.fromisoformat(answer["expires_at"]) - datetime.fromisoformat(
        answer["created"])
    assert lasts == timedelta(days=30)
    assert service.anonymous.get(answer["url"]).status_code == 200


def test_expired_share_is_refused_like_an_unknown_one(service: Service) -> None:
    past = datetime.now(UTC) - timedelta(hours=3)
    issued = create_share(service.store, "peer-support", NewShare(expires_in="2h"), "t",
                          now=past)
    live = create_share(service.store, "peer-support", NewShare(expires_in="4h"), "t", now=past)
    assert service.anonymous.get(f"/shared/{live.secret}").status_code == 200
    gone = service.anonymous.get(f"/shared/{issued.secret}")
    unknown = service.anonymous.get("/shared/" + "A" * 43)
    assert (gone.status_code, gone.text) == (404, unknown.text) and unknown.status_code == 404
    assert "frame-ancestors *" in gone.headers["content-security-policy"]


def test_share_url_uses_the_public_url_setting(service: Service) -> None:
    settings = Settings(admin_token=ADMIN, public_url="https://kg.example.org/realist/")
    with serving(settings, service.store) as url, httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30) as client:
        made = client.post(f"{R}/shares", json={"expires_in": "1h"})
    assert made.json()["url"].startswith("https://kg.example.org/realist/shared/")


def test_a_heatmap_share_shows_the_private_heatmap_with_its_filters(service: Service) -> None:
    """The heatmap can be shared like the network: the page the iframe gets is the heatmap,
    narrowed to the context the share names, while the review itself stays closed."""
    assert service.anonymous.get(f"{R}/views/heatmap").status_code == 404  # private
    made = service.admin.post(f"{R}/shares", json={"view": "heatmap",
                                                    "filters": {"context": "timing"}})
    assert made.status_code == 201, made.text
    page = service.anonymous.get(made.json()["url"])
    assert page.status_code == 200 and "cmoHeatmap" in page.text
    assert "context: timing" in page.text and "antenatal support" in page.text
    assert "face-to-face" not in page.text  # a context outside the shared subtree
