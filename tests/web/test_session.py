"""Signing in and out of the workbench, the session cookie, CSRF, and the page headers."""

from __future__ import annotations

import httpx

from api.web.session import COOKIE
from tests.web.conftest import ADMIN, Workbench, csrf_of


def _cookie_header(answer: httpx.Response) -> str:
    return next(v for k, v in answer.headers.multi_items()
                if k == "set-cookie" and v.startswith(COOKIE + "="))


def test_sign_in_sets_a_strict_httponly_expiring_cookie(workbench: Workbench) -> None:
    client = workbench.browser()
    form = client.get("/sign-in")
    assert 'for="token">Token<' in form.text and ">Sign in</button>" in form.text
    answer = client.post("/sign-in", data={"token": workbench.token("editor", "peer-support"),
                                            "csrf": csrf_of(form.text)})
    assert answer.status_code == 303
    cookie = _cookie_header(answer).lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=28800" in cookie
    assert "path=/" in cookie
    home = client.get("/")
    assert "Sign out" in home.text and "Peer support" in home.text


def test_sign_in_with_an_unknown_token_is_refused(workbench: Workbench) -> None:
    client = workbench.browser()
    answer = client.post("/sign-in", data={"token": "rkg_nobody",
                                            "csrf": csrf_of(client.get("/sign-in").text)})
    assert answer.status_code == 401 and "not known" in answer.text
    assert "Sign out" not in client.get("/").text


def test_sign_out_ends_the_session_even_when_the_cookie_is_replayed(
        workbench: Workbench) -> None:
    client = workbench.signed_in(ADMIN)
    stolen = client.cookies[COOKIE]
    answer = workbench.post(client, "/", "/sign-out", {})
    assert answer.status_code == 303
    assert "Sign out" not in client.get("/").text
    replay = workbench.browser()
    replay.cookies.set(COOKIE, stolen)
    assert "Sign out" not in replay.get("/").text


def test_revoking_the_token_ends_its_sessions(workbench: Workbench) -> None:
    from cmo.review.tokens import list_tokens, revoke_token

    secret = workbench.token("editor", "peer-support")
    client = workbench.signed_in(secret)
    assert "Sign out" in client.get("/").text
    [tok] = [t for t in list_tokens(workbench.store) if t.name == "editor of peer-support"][-1:]
    revoke_token(workbench.store, tok.id)
    assert "Sign out" not in client.get("/").text


def test_a_forged_cookie_signs_nobody_in(workbench: Workbench) -> None:
    client = workbench.signed_in(ADMIN)
    body, _, mac = client.cookies[COOKIE].partition(".")
    forged = workbench.browser()
    forged.cookies.set(COOKIE, body + "." + mac[::-1])
    assert "Sign out" not in forged.get("/").text


def test_a_write_without_the_csrf_token_is_refused(workbench: Workbench) -> None:
    client = workbench.signed_in(ADMIN)
    client.get("/")
    for data in ({"id": "forged", "title": "Forged"},
                 {"id": "forged", "title": "Forged", "csrf": "guess"}):
        answer = client.post("/", data=data)
        assert answer.status_code == 403
    other = workbench.signed_in(ADMIN)  # another session's token does not fit this one
    answer = client.post("/", data={"id": "forged", "title": "F",
                                    "csrf": csrf_of(other.get("/").text)})
    assert answer.status_code == 403
    assert client.get("/reviews/forged/overview").status_code == 404


def test_a_write_from_another_origin_is_refused(workbench: Workbench) -> None:
    client = workbench.signed_in(ADMIN)
    token = csrf_of(client.get("/").text)
    answer = client.post("/", data={"id": "cross", "title": "X", "csrf": token},
                         headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403


def test_every_page_carries_a_strict_csp(workbench: Workbench) -> None:
    client = workbench.signed_in(ADMIN)
    for path in ("/", "/sign-in", "/reviews/peer-support/overview", "/reviews/nope/overview"):
        csp = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self';" in csp
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_the_json_api_ignores_the_session_cookie(workbench: Workbench) -> None:
    client = workbench.signed_in(ADMIN)
    assert client.get("/reviews/peer-support").status_code == 404  # private, no bearer
    assert client.get("/tokens").status_code == 401


def test_sign_in_goes_back_only_to_this_server(workbench: Workbench) -> None:
    client = workbench.browser()
    form = client.get("/sign-in")
    answer = client.post("/sign-in", data={"token": ADMIN, "csrf": csrf_of(form.text),
                                            "next": "//evil.example/"})
    assert answer.headers["location"] == "/"
