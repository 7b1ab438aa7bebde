"""Share links against a real `cmo serve` (embedded) and a team (two processes on one Oxigraph
server): a link opens its one view of a private review to anyone, with its filters and no wider,
and nothing else; revoked or expired it is refused at once, everywhere, with one answer."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from cmo.review.shares import NewShare
from cmo.store import open_store
from cmo.views.shared import create_share
from tests.security.conftest import Target
from tests.web.conftest import csrf_of

R = "/reviews/peer-support"
CONTEXT = "low intensity support"
MARKUP = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _share(target: Target, **body: object) -> dict[str, object]:
    made = target.editor.post(f"{R}/shares", json={"filters": {"context": CONTEXT}, **body})
    assert made.status_code == 201, made.text
    answer: dict[str, object] = made.json()
    assert made.headers["location"] == f"{R}/shares/{answer['id']}"
    return answer


def _path(answer: dict[str, object]) -> str:
    return urlsplit(str(answer["url"])).path


def test_share_link_shows_private_view_to_anyone_with_its_filters_only(target: Target) -> None:
    anonymous = target.anonymous
    assert anonymous.get(f"{R}/views/mechanisms", params={"embed": 1}).status_code == 404
    answer = _share(target, label="Annual report")
    assert str(answer["url"]).startswith(target.url + "/shared/")
    assert f'src="{answer["url"]}"' in str(answer["iframe"])
    expected = target.admin.get(f"{R}/views/mechanisms",
                                params={"embed": 1, "context": CONTEXT}).text
    whole = target.admin.get(f"{R}/views/mechanisms", params={"embed": 1}).text
    for url in target.urls:  # every process of the setup
        shown = anonymous.get(url + _path(answer))
        assert shown.status_code == 200 and shown.text == expected != whole
        assert "frame-ancestors *" in shown.headers["content-security-policy"]
        assert "default-src 'none'" in shown.headers["content-security-policy"]
        assert shown.headers["referrer-policy"] == "no-referrer"
        assert "no-store" in shown.headers["cache-control"]
        assert "noindex" in shown.headers["x-robots-tag"]
        assert "set-cookie" not in shown.headers
    # Query parameters cannot widen it (nor point it at another review or view).
    widened = anonymous.get(_path(answer), params={
        "context": "", "min_studies": 1, "fired_only": 0, "review": "other", "review_id": "other",
        "view": "heatmap", "theory": "", "embed": 0})
    assert widened.text == expected


def test_share_secret_opens_nothing_else(target: Target) -> None:
    answer = _share(target)
    secret = _path(answer).rsplit("/", 1)[1]
    holder = target.client(secret)  # the secret sent as if it were a bearer token
    for path in (R, f"{R}/views/mechanisms", f"{R}/matrix", f"{R}/shares", "/reviews/other",
                 "/reviews", "/tokens", "/sparql?query=ASK%7B%7D",
                 "/id/review/peer-support"):
        assert holder.get(path).status_code == 401, path
    for path in (f"/shared/{secret}/../../reviews/peer-support", f"/shared/{secret}/x",
                 f"/shared/{secret}%2F..%2F..%2Freviews%2Fpeer-support"):
        response = target.anonymous.get(path)
        assert response.status_code == 404, path
        assert "vis-network" not in response.text, path
    browser = httpx.Client(base_url=target.url, timeout=30)
    target.clients.append(browser)
    form = browser.get("/sign-in")
    signed = browser.post("/sign-in", data={"token": secret, "csrf": csrf_of(form.text)})
    assert signed.status_code == 401  # not a token the workbench knows
    assert browser.get(f"/workbench{R}", follow_redirects=False).status_code in (303, 404)


def test_revoked_share_stops_at_once_in_every_process_with_the_unknown_answer(
        target: Target) -> None:
    answer = _share(target)
    path = _path(answer)
    assert all(target.anonymous.get(url + path).status_code == 200 for url in target.urls)
    revoked = target.client(target.editor_token, url=target.urls[-1]).delete(
        f"{R}/shares/{answer['id']}")
    assert revoked.status_code == 204
    unknown = target.anonymous.get(f"/shared/{secrets.token_urlsafe(32)}")
    assert unknown.status_code == 404 and "not available" in unknown.text
    assert unknown.headers["content-type"].startswith("text/html")
    for url in target.urls:
        gone = target.anonymous.get(url + path)
        assert (gone.status_code, gone.text) == (404, unknown.text)
    assert answer["id"] not in target.editor.get(f"{R}/shares").text
    assert target.editor.delete(f"{R}/shares/{answer['id']}").status_code == 404


def test_expired_share_gets_the_unknown_answer(target: Target) -> None:
    if target.name != "team":
        pytest.skip("the embedded store is held by its server; tests/api covers it in-process")
    store = open_store(target.store_url)
    try:
        past = datetime.now(UTC) - timedelta(days=2)
        issued = create_share(store, "peer-support", NewShare(expires_in="1d"), "test", now=past)
    finally:
        store.close()
    unknown = target.anonymous.get(f"/shared/{secrets.token_urlsafe(32)}").text
    for url in target.urls:
        gone = target.anonymous.get(f"{url}/shared/{issued.secret}")
        assert (gone.status_code, gone.text) == (404, unknown)
    [listed] = [s for s in target.editor.get(f"{R}/shares").json() if s["id"] == issued.id]
    assert listed["expires_at"] < datetime.now(UTC).isoformat()


def test_only_editors_of_the_review_manage_its_shares(target: Target) -> None:
    answer = _share(target)
    other = target.client(target.other_token)  # an editor of review `other` only
    assert other.get(f"{R}/shares").status_code == 404
    assert other.get(f"{R}/shares/{answer['id']}").status_code == 404
    assert other.post(f"{R}/shares", json={}).status_code == 404
    assert other.delete(f"{R}/shares/{answer['id']}").status_code == 404
    # Another review's share id, even for an admin, is not this review's.
    assert other.post("/reviews/other/shares", json={}).status_code == 201
    assert target.admin.delete(f"/reviews/other/shares/{answer['id']}").status_code == 404
    assert target.editor.get("/reviews/other/shares").status_code == 404
    viewer = target.admin.post("/tokens", json={"role": "viewer", "review": "peer-support"})
    reader = target.client(viewer.json()["secret"])
    assert reader.get(R).status_code == 200
    assert reader.get(f"{R}/shares").status_code == 403
    assert reader.post(f"{R}/shares", json={}).status_code == 403
    assert reader.delete(f"{R}/shares/{answer['id']}").status_code == 403
    assert target.anonymous.post(f"{R}/shares", json={}).status_code in (401, 404)
    assert target.editor.get(f"{R}/shares/{answer['id']}").json()["id"] == answer["id"]


HOSTILE: list[tuple[str, dict[str, object]]] = [
    ("huge-label", {"label": "x" * 200_000}),
    ("long-context", {"filters": {"context": "c" * 10_000}}),
    ("long-theory", {"filters": {"theory": "t" * 10_000}}),
    ("long-view", {"view": "v" * 10_000}),
    ("long-expiry", {"expires_in": "9" * 10_000}),
    ("unknown-view", {"view": "sparql"}),
    ("unknown-context", {"filters": {"context": MARKUP}}),
    ("unknown-theory", {"filters": {"theory": MARKUP}}),
    ("another-review", {"filters": {"review": "other"}}),
    ("extra-field", {"review": "other"}),
    ("min-studies-zero", {"filters": {"min_studies": 0}}),
    ("min-studies-huge", {"filters": {"min_studies": 10**30}}),
    ("both-expiries", {"expires_in": "1d", "expires_at": "2099-01-01T00:00:00Z"}),
    ("no-unit", {"expires_in": "30"}),
    ("past", {"expires_in": "-1d"}),
    ("over-a-year", {"expires_in": "400d"}),
    ("far-future", {"expires_at": "9999-12-31T23:59:59Z"}),
    ("past-date", {"expires_at": "2001-01-01"}),
    ("not-a-date", {"expires_at": "soon"}),
    ("markup-expiry", {"expires_in": MARKUP}),
    ("list-body", {"filters": ["context"] * 10_000}),
]


def test_create_share_refuses_hostile_input_and_stays_up(target: Target) -> None:
    before = len(target.editor.get(f"{R}/shares").json())
    for name, body in HOSTILE:
        response = target.editor.post(f"{R}/shares", json=body)
        assert response.status_code in (400, 404, 413, 422), (name, response.text[:300])
        assert response.headers["content-type"].startswith("application/problem+json"), name
    assert len(target.editor.get(f"{R}/shares").json()) == before
    huge = target.anonymous.get("/shared/" + "a" * 10_000)
    assert huge.status_code == 404
    target.assert_alive()


def test_markup_in_a_label_is_data(target: Target) -> None:
    answer = _share(target, label=MARKUP)
    assert "<script>" not in str(answer["iframe"]) and "&lt;script&gt;" in str(answer["iframe"])
    listed = target.editor.get(f"{R}/shares")
    assert listed.headers["content-type"].startswith("application/json")
    assert MARKUP in {s["label"] for s in listed.json()}
