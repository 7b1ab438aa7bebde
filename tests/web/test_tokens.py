"""The tokens page: admins issue editor and viewer tokens (shown once), list and revoke them."""

from __future__ import annotations

import re

import httpx

from tests.web.conftest import ADMIN, Workbench

SECRET = re.compile(r'class="secret"[^>]*>(rkg_[^<]+)<')


def test_admin_issues_a_token_that_is_shown_once_and_signs_in(workbench: Workbench) -> None:
    admin = workbench.signed_in(ADMIN)
    answer = workbench.post(admin, "/admin/tokens", "/admin/tokens",
                            {"name": "Ana <i>", "role": "editor", "review": "peer-support"})
    assert answer.status_code == 201
    secret = SECRET.search(answer.text).group(1)  # type: ignore[union-attr]
    assert "Ana &lt;i&gt;" in answer.text
    listing = admin.get("/admin/tokens").text
    assert secret not in listing and "Ana &lt;i&gt;" in listing
    ana = workbench.signed_in(secret)
    assert "Peer support" in ana.get("/").text
    assert ana.get("/reviews/other/overview").status_code == 404


def test_admin_revokes_a_token(workbench: Workbench) -> None:
    admin = workbench.signed_in(ADMIN)
    answer = workbench.post(admin, "/admin/tokens", "/admin/tokens",
                            {"name": "leaver", "role": "viewer", "review": "peer-support"})
    secret = SECRET.search(answer.text).group(1)  # type: ignore[union-attr]
    leaver = workbench.signed_in(secret)
    token_id = re.search(r'/admin/tokens/(tok_[0-9a-f]+)/revoke"[^>]*data-confirm="Revoke the '
                         r'token of leaver', admin.get("/admin/tokens").text).group(1)  # type: ignore[union-attr]
    assert workbench.post(admin, "/admin/tokens", f"/admin/tokens/{token_id}/revoke",
                          {}).status_code == 303
    assert "Sign out" not in leaver.get("/").text
    assert httpx.get(workbench.url + "/reviews/peer-support",
                     headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_only_admins_reach_the_tokens_page(workbench: Workbench) -> None:
    editor = workbench.signed_in(workbench.token("editor"))
    assert editor.get("/admin/tokens").status_code == 403
    assert 'href="/admin/tokens"' not in editor.get("/").text
    forged = workbench.post(editor, "/", "/admin/tokens", {"role": "editor", "review": ""})
    assert forged.status_code == 403
    anonymous = workbench.browser().get("/admin/tokens", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/sign-in?next=/admin/tokens"


def test_docs_declare_the_bearer_scheme(workbench: Workbench) -> None:
    schema = httpx.get(workbench.url + "/openapi.json").json()
    assert schema["components"]["securitySchemes"]["token"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"][
            "securitySchemes"]["token"]["description"]}
    assert schema["paths"]["/reviews/{review_id}/cmocs"]["post"]["security"] == [{"token": []}]
    assert not any(p.startswith(("/admin", "/sign-")) for p in schema["paths"])
