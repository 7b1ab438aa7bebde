"""A real HTTP service for the API tests: uvicorn on a free loopback port, over a real store."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn

from api.main import create_app
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.review.reviews import update_review
from cmo.review.tokens import create_token
from cmo.settings import Settings
from cmo.store import Store, open_store
from tests.conftest import EXAMPLE

ADMIN = "test-admin-secret-0123456789"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    """A running service and clients for each kind of caller."""

    url: str
    store: Store
    admin: httpx.Client
    anonymous: httpx.Client
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str) -> httpx.Client:
        """A client that sends `token` (closed when the service stops)."""
        client = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"},
                              timeout=30)
        self.clients.append(client)
        return client

    def token(self, role: str, review: str | None = None) -> httpx.Client:
        """A client with a fresh token of `role` (for one review, or all)."""
        return self.client(create_token(self.store, role, review, name=f"{role}-{review}"))


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    """The service over an in-memory store holding the peer-support example (private)."""
    store = open_store("memory:")
    import_rdf(store, "peer-support", [("review.ttl", EXAMPLE.read_bytes(),
                                        rdf_format("ttl"))])
    update_review(store, "peer-support", public=False)
    settings = Settings(admin_token=ADMIN, max_body_bytes=200_000, sparql_timeout_seconds=5)
    with serving(settings, store) as url:
        svc = Service(url, store, httpx.Client(base_url=url, headers={
            "Authorization": f"Bearer {ADMIN}"}, timeout=30),
            httpx.Client(base_url=url, timeout=30))
        yield svc
        for client in [svc.admin, svc.anonymous, *svc.clients]:
            client.close()
    store.close()


@contextmanager
def serving(settings: Settings, store: Store) -> Iterator[str]:
    """The service over `store`, in a thread on a free loopback port; its URL."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings, store), host="127.0.0.1",
                                           port=(port := free_port()), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test service did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
