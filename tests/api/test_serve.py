"""`cmo serve` as a user runs it: a real process, its first admin token, real HTTP; what it
refuses before it serves, and `cmo token create`, in-process."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import free_port
from tests.conftest import EXAMPLE, ROOT, invoke_cmo, run_cmo


def test_serve_prints_admin_token_once_and_serves(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    assert run_cmo("--store", store, "import", str(EXAMPLE), "--review", "ps").returncode == 0
    # As `make demo` does: an import never publishes a review, this command does.
    assert run_cmo("--store", store, "visibility", "--review", "ps", "public").returncode == 0
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CMO_ADMIN_TOKEN"}
    proc = subprocess.Popen([sys.executable, "-u", "-m", "cmo.cli", "--store", store, "serve",
                             "--port", str(port)], cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("Admin token")
        token = lines[1].strip()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "cmo serve did not start"
                time.sleep(0.1)
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/reviews/ps").status_code == 200  # the example is public
        c10 = httpx.get(f"{url}/reviews/ps/cmocs/c10").json()["iri"]  # copied under ps
        assert httpx.get(url + c10.removeprefix("https://w3id.org/realist-kg")).status_code == 200
        assert httpx.post(f"{url}/reviews", json={"id": "x", "title": "X"}).status_code == 401
        assert httpx.post(f"{url}/reviews", json={"id": "x", "title": "X"},
                          headers={"Authorization": f"Bearer {token}"}).status_code == 201
        r = httpx.get(f"{url}/reviews/ps/mechanisms", params={"context": "delivery"},
                      headers=headers)
        assert r.status_code == 200 and r.json()["rows"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()
    # Second start: the token exists already, so none is printed.
    proc = subprocess.Popen([sys.executable, "-u", "-m", "cmo.cli", "--store", store, "serve",
                             "--port", str(free_port())], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("Serving")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()


@pytest.mark.usefixtures("no_serving")
def test_serve_several_workers_on_embedded_store_exits_1(tmp_path: Path) -> None:
    result = invoke_cmo("--store", f"oxigraph:{tmp_path / 's'}", "serve", "--workers", "2")
    assert result.exit_code == 1 and "one process" in result.stderr


def test_token_create_prints_a_working_token(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 's'}"
    invoke_cmo("--store", store, "import", str(EXAMPLE), "--review", "ps")
    made = invoke_cmo("--store", store, "token", "create", "--role", "viewer", "--review", "ps")
    assert made.exit_code == 0 and made.stdout.startswith("rkg_")
    missing = invoke_cmo("--store", store, "token", "create", "--role", "viewer", "--review",
                         "no")
    assert missing.exit_code == 1 and "No review 'no'" in missing.stderr
