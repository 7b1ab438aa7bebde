"""A team: two `cmo serve` processes over one Oxigraph server lose nothing and see each other."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.api.conftest import free_port
from tests.conftest import ROOT

TOKEN = "team-admin-secret-0123456789"
NEW = {"study": "Jolly 2012", "contexts": ["low intensity support"],
       "mechanism": "trusting relationship with the peer", "outcomes": ["breastfeeding"]}


@pytest.fixture
def two_services(oxigraph_server: str) -> Iterator[list[httpx.Client]]:
    """Two `cmo serve` processes, each with its own port, over the same (emptied) server."""
    httpx.post(oxigraph_server.removeprefix("sparql+") + "/update", content="DROP ALL",
               headers={"content-type": "application/sparql-update"})
    env = {**os.environ, "CMO_ADMIN_TOKEN": TOKEN, "CMO_STORE": oxigraph_server}
    procs, clients = [], []
    for _ in range(2):
        port = free_port()
        procs.append(subprocess.Popen([sys.executable, "-m", "cmo.cli", "serve", "--port",
                                       str(port)], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        clients.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                    headers={"Authorization": f"Bearer {TOKEN}"}))
    for client in clients:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.get("/openapi.json")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "cmo serve did not start"
                time.sleep(0.1)
    yield clients
    for client in clients:
        client.close()
    for proc in procs:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def test_concurrent_creates_through_both_all_present(two_services: list[httpx.Client]) -> None:
    a, b = two_services
    assert a.post("/reviews", json={"id": "team", "title": "Team"}).status_code == 201
    assert b.get("/reviews/team").status_code == 200

    def create(args: tuple[httpx.Client, int]) -> int:
        client, n = args
        return client.post("/reviews/team/cmocs", json={**NEW, "notes": f"n{n}"}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(create, [(a if n % 2 else b, n) for n in range(24)]))
    assert codes == [201] * 24
    for client in (a, b):
        page = client.get("/reviews/team/cmocs", params={"limit": 100}).json()
        assert page["total"] == 24
        assert sorted(c["notes"] for c in page["items"]) == sorted(f"n{n}" for n in range(24))
        assert len({c["id"] for c in page["items"]}) == 24


def test_stale_if_match_through_the_other_process_is_412(two_services: list[httpx.Client]
                                                         ) -> None:
    a, b = two_services
    a.post("/reviews", json={"id": "team2", "title": "Team"})
    created = a.post("/reviews/team2/cmocs", json=NEW)
    etag = created.headers["etag"]
    assert a.patch(f"/reviews/team2/cmocs/{created.json()['id']}", json={"notes": "by a"},
                   headers={"If-Match": etag}).status_code == 200
    stale = b.patch(f"/reviews/team2/cmocs/{created.json()['id']}", json={"notes": "by b"},
                    headers={"If-Match": etag})
    assert stale.status_code == 412
    assert b.get(f"/reviews/team2/cmocs/{created.json()['id']}").json()["notes"] == "by a"
    # What a wrote through one process is what b answers through the other.
    assert b.get("/reviews/team2/matrix").json()["rows"][0]["cmocs"] == 1


def test_a_source_added_through_one_is_read_through_the_other(
        two_services: list[httpx.Client]) -> None:
    from tests.pdfs import study_pdf

    a, b = two_services
    assert a.post("/reviews", json={"id": "docs", "title": "Docs"}).status_code == 201
    a.post("/reviews/docs/cmocs", json={**NEW, "quote": "felt understood and kept breastfeeding"})
    added = a.post("/reviews/docs/sources", data={"study": "Jolly 2012"},
                   files={"file": ("study.pdf", study_pdf(), "application/pdf")})
    assert added.status_code == 201 and added.json()["anchored"] == 1
    sid = added.json()["source"]["id"]
    assert "ομοτίμους" in b.get(f"/reviews/docs/sources/{sid}/pages/3").json()["text"]
    assert b.get("/reviews/docs/quotes/check").json()["counts"]["anchored"] == 1
    assert b.delete(f"/reviews/docs/sources/{sid}").status_code == 409
    assert b.delete(f"/reviews/docs/sources/{sid}", params={"force": "true"}).status_code == 204
    assert a.get(f"/reviews/docs/sources/{sid}").status_code == 404
