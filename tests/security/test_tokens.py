"""Item 11: tokens can be listed and revoked, a revoked token stops within a bound, the admin
token has a minimum length and can be kept out of standard output."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cmo.review.tokens import create_token
from cmo.store import open_store
from tests.api.conftest import free_port
from tests.conftest import ROOT, invoke_cmo
from tests.security.conftest import Target, _stop, _wait_for

CACHE_S = 2.0


#: Every process of the target trusts a recognised token this long.
TARGET_ENV = {"CMO_TOKEN_CACHE_SECONDS": str(CACHE_S)}


def test_list_tokens_for_admins_only_without_secrets(target: Target) -> None:
    listed = target.admin.get("/tokens")
    assert listed.status_code == 200
    [attacker] = [t for t in listed.json() if t["name"] == "attacker"]
    assert set(attacker) == {"id", "name", "role", "review", "created"}
    assert (attacker["role"], attacker["review"]) == ("editor", "peer-support")
    assert target.editor_token not in listed.text
    assert not re.search(r"[0-9a-f]{32}", listed.text)  # no hash, whole or in part
    assert [t["name"] for t in target.admin.get("/tokens", params={
        "review": "peer-support"}).json()] == ["attacker"]
    assert target.editor.get("/tokens").status_code == 403
    assert target.anonymous.get("/tokens").status_code == 401
    assert target.editor.delete(f"/tokens/{attacker['id']}").status_code == 403
    target.assert_alive()


def test_revoke_unknown_token_is_404_problem(target: Target) -> None:
    response = target.admin.delete("/tokens/tok_000000000000")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("token_id", [
    "<img src=x onerror=alert(1)>", "x" * 10_000, "..%2F..%2Fetc%2Fpasswd", "tok_' OR '1'='1",
    "%00"], ids=["markup", "10k", "traversal", "quote", "nul"])
def test_token_routes_refuse_hostile_input_and_stay_up(target: Target, token_id: str) -> None:
    listed = target.admin.get("/tokens").json()
    # An id holding a slash matches no route at all: 404 for everyone, before any token check.
    routed = "%2F" not in token_id
    for client, allowed in ((target.anonymous, {401}), (target.editor, {403}),
                            (target.client(target.other_token), {403}),
                            (target.admin, {404, 414, 422})):
        r = client.delete(f"/tokens/{token_id}")
        assert r.status_code in (allowed if routed else {404}), (r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "html" not in r.headers["content-type"]  # echoed as JSON data, never markup
    for review in ("<img src=x onerror=alert(1)>", "other", "y" * 10_000):
        r = target.admin.get("/tokens", params={"review": review})
        assert r.status_code in (200, 404, 414, 422), r.status_code
        assert "html" not in r.headers["content-type"]  # echoed as JSON data, never markup
        if review == "other" and r.status_code == 200:
            assert {t["review"] for t in r.json()} <= {"other"}
    assert target.admin.get("/tokens").json() == listed  # nothing was revoked
    target.assert_alive()


def test_revoked_token_stops_at_once_here_and_within_the_cache_bound_elsewhere(
        target: Target) -> None:
    if target.name == "team":  # a token of its own, issued on the shared server
        store = open_store(target.store_url)
        name, secret = "leaver", create_token(store, "editor", "peer-support", name="leaver")
        store.close()
    else:  # the embedded store is the service's alone: revoke the one token it has
        name, secret = "attacker", target.editor_token
    here, elsewhere = target.client(secret), target.client(secret, url=target.urls[-1])
    assert here.get("/reviews/peer-support").status_code == 200
    assert elsewhere.get("/reviews/peer-support").status_code == 200  # now trusted, cached
    [token] = [t for t in target.admin.get("/tokens").json() if t["name"] == name]
    assert target.admin.delete(f"/tokens/{token['id']}").status_code == 204
    revoked_at = time.monotonic()
    assert here.get("/reviews/peer-support").status_code == 401
    while elsewhere.get("/reviews/peer-support").status_code != 401:
        assert time.monotonic() - revoked_at < CACHE_S + 1, "a revoked token outlived the bound"
        time.sleep(0.1)
    assert token["id"] not in target.admin.get("/tokens").text
    target.assert_alive()


def _serve(store: str, *args: str, env: dict[str, str] | None = None
           ) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("CMO_ADMIN_TOKEN")}
    proc = subprocess.Popen([sys.executable, "-u", "-m", "cmo.cli", "--store", store, "serve",
                             "--port", str(port), *args], cwd=ROOT, env={**base, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}"


def _stop_serving(proc: subprocess.Popen[str]) -> str:
    _stop([proc])
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    return out


@pytest.mark.parametrize("how", ["option", "setting"])
def test_serve_writes_generated_admin_token_to_private_file_not_stdout(tmp_path: Path,
                                                                       how: str) -> None:
    store, path = f"oxigraph:{tmp_path / 'store'}", tmp_path / "secrets" / "admin-token"
    path.parent.mkdir()
    args, env = ((["--admin-token-file", str(path)], {}) if how == "option"
                 else ([], {"CMO_ADMIN_TOKEN_FILE": str(path)}))
    proc, url = _serve(store, *args, env=env)
    try:
        _wait_for(f"{url}/openapi.json", proc, "cmo serve")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        secret = path.read_text().strip()
        assert secret.startswith("rkg_")
        response = httpx.get(f"{url}/tokens", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200 and response.json()[0]["role"] == "admin"
    finally:
        out = _stop_serving(proc)
    assert secret not in out and f"written to {path}" in out


@pytest.mark.usefixtures("no_serving")
@pytest.mark.parametrize("unsafe", ["readable", "symlink"])
def test_serve_refuses_admin_token_file_others_could_read(tmp_path: Path, unsafe: str) -> None:
    store, path = f"oxigraph:{tmp_path / 'store'}", tmp_path / "admin-token"
    if unsafe == "readable":
        path.write_text("")
        path.chmod(0o644)
    else:
        (tmp_path / "elsewhere").write_text("")
        (tmp_path / "elsewhere").chmod(0o600)
        path.symlink_to(tmp_path / "elsewhere")
    result = invoke_cmo("--store", store, "serve", "--port", str(free_port()),
                        "--admin-token-file", str(path), env={"CMO_ADMIN_TOKEN": None})
    assert result.exit_code == 2
    assert ("0644" if unsafe == "readable" else "symbolic link") in result.stderr
    assert "rkg_" not in result.stdout + path.read_text()
    listed = invoke_cmo("--store", store, "token", "list", "--format", "json")
    assert listed.exit_code == 0 and listed.stdout.strip() == "[]"  # no token was issued


@pytest.mark.usefixtures("no_serving")
def test_serve_refuses_short_admin_token_with_exit_2(tmp_path: Path) -> None:
    result = invoke_cmo("--store", f"oxigraph:{tmp_path / 'store'}", "serve", "--port",
                        str(free_port()), env={"CMO_ADMIN_TOKEN": "admin-secret-23-chars-x"})
    assert result.exit_code == 2
    assert "CMO_ADMIN_TOKEN" in result.stderr and "at least 24" in result.stderr


def test_settings_refuse_short_admin_token() -> None:
    from pydantic import ValidationError

    from cmo.settings import Settings

    with pytest.raises(ValidationError, match="at least 24"):
        Settings(admin_token="short")
    assert Settings(admin_token="x" * 24).admin_token == "x" * 24
