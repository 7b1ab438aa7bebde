"""Real targets for the attack tests: `cmo serve` on an embedded on-disk store, and a team
(an Oxigraph server with two `cmo serve` processes over it).

Every attack runs against both. A crash is detected as a crash: `Target.assert_alive()` asks
every process of the setup for an answer after the attack.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

import cmo
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.review.reviews import create_review, update_review
from cmo.review.tokens import create_token
from cmo.store import Store, open_store
from tests.api.conftest import free_port
from tests.conftest import EXAMPLE, ROOT

ADMIN = "security-admin-secret-0123456789"
#: The Oxigraph server of the team setup stops a query after this many seconds.
SERVER_TIMEOUT_S = 4


@dataclass
class Target:
    """A running setup under attack: its API URLs, tokens and processes."""

    name: str
    urls: list[str]
    editor_token: str
    #: An editor of another (empty, private) review, `other`.
    other_token: str
    procs: list[subprocess.Popen[bytes]]
    store_url: str
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The first API process."""
        return self.urls[0]

    def client(self, token: str | None = None, url: str | None = None,
               timeout: float = 60) -> httpx.Client:
        """A client of the first API process (or `url`), sending `token` if given."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=url or self.url, headers=headers, timeout=timeout)
        self.clients.append(client)
        return client

    @property
    def admin(self) -> httpx.Client:
        """A client with the admin token."""
        return self.client(ADMIN)

    @property
    def editor(self) -> httpx.Client:
        """A client with an editor token for the `peer-support` review."""
        return self.client(self.editor_token)

    @property
    def anonymous(self) -> httpx.Client:
        """A client with no token."""
        return self.client()

    def assert_alive(self) -> None:
        """Every process of the setup still runs and every API process still answers."""
        for proc in self.procs:
            assert proc.poll() is None, f"a process of the {self.name} setup died " \
                                        f"(exit {proc.returncode})"
        for url in self.urls:
            response = httpx.get(f"{url}/reviews/peer-support/matrix", timeout=30,
                                 headers={"Authorization": f"Bearer {ADMIN}"})
            assert response.status_code == 200, (url, response.status_code, response.text)


def _wait_for(url: str, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)


def _serve(store_url: str,
           env: dict[str, str] | None = None) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cmo.cli", "--store", store_url, "serve", "--port", str(port)],
        cwd=ROOT, env={**os.environ, "CMO_ADMIN_TOKEN": ADMIN, "CMO_SPARQL_TIMEOUT_SECONDS": "3",
                       **(env or {})},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    _wait_for(f"{url}/openapi.json", proc, "cmo serve")
    return url, proc


def _load_example(store: Store) -> tuple[str, str]:
    """The example review (private), another empty one, and an editor token for each."""
    import_rdf(store, "peer-support", [("review.ttl", EXAMPLE.read_bytes(),
                                        rdf_format("ttl"))])
    update_review(store, "peer-support", public=False)
    create_review(store, cmo.Review(id="other", title="Another team's review"))
    return (create_token(store, "editor", "peer-support", name="attacker"),
            create_token(store, "editor", "other", name="other team"))


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def start_embedded(tmp: Path, env: dict[str, str] | None = None) -> Target:
    """`cmo serve` over a fresh embedded on-disk store holding the example review."""
    store_url = f"oxigraph:{tmp / 'store'}"
    store = open_store(store_url)
    token, other = _load_example(store)
    store.close()
    url, proc = _serve(store_url, env)
    return Target("embedded", [url], token, other, [proc], store_url)


def start_team(tmp: Path, env: dict[str, str] | None = None) -> Target:
    """An Oxigraph server (with a query timeout) and two `cmo serve` processes over it."""
    port = free_port()
    binary = Path(sys.executable).parent / "oxigraph"
    server = subprocess.Popen(
        [str(binary), "serve", "--location", str(tmp / "server"), "--bind",
         f"127.0.0.1:{port}", "--timeout-s", str(SERVER_TIMEOUT_S)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", server, "oxigraph serve")
    store_url = f"sparql+http://127.0.0.1:{port}"
    store = open_store(store_url)
    token, other = _load_example(store)
    store.close()
    procs: list[subprocess.Popen[bytes]] = [server]
    urls = []
    for _ in range(2):
        url, proc = _serve(store_url, env)
        urls.append(url)
        procs.append(proc)
    return Target("team", urls, token, other, procs, store_url)


@pytest.fixture(scope="module", params=["embedded", "team"])
def target(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """Each setup in turn, started fresh for the test module (with the module's `TARGET_ENV`
    settings, if it has any)."""
    tmp = tmp_path_factory.mktemp(request.param)
    env = getattr(request.module, "TARGET_ENV", None)
    setup = (start_embedded if request.param == "embedded" else start_team)(tmp, env)
    yield setup
    for client in setup.clients:
        client.close()
    _stop(setup.procs[::-1])
