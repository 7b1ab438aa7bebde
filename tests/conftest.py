"""Shared fixtures: real stores (in memory and on disk), the example review, a `cmo` runner."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from cmo.cli.main import cli
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.store import Store, open_store
from tests import virtuoso

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "peer-support" / "review.ttl"
ONTOLOGY = ROOT / "ontology"


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[Store]:
    """An empty embedded on-disk store in a temporary folder."""
    s = open_store(f"oxigraph:{tmp_path / 'store'}")
    yield s
    s.close()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` process on a free loopback port; yields its store URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    binary = Path(sys.executable).parent / "oxigraph"
    location = tmp_path_factory.mktemp("oxigraph-server")
    proc = subprocess.Popen([str(binary), "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("oxigraph serve did not start") from None
            time.sleep(0.05)
    yield f"sparql+http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory,
                    pytestconfig: pytest.Config) -> Iterator[str]:
    """A private Virtuoso 7 (`tests.virtuoso`) with SPARQL Update granted; yields its store URL."""
    if not virtuoso.available():
        pytest.skip("Virtuoso 7 is not installed (`make test` installs it)")
    cache = (pytestconfig.cache.mkdir("virtuoso") if pytestconfig.cache is not None
             else tmp_path_factory.getbasetemp().parent / "virtuoso-cache")
    database = virtuoso.template(cache)
    server = virtuoso.Virtuoso(tmp_path_factory.mktemp("virtuoso"), database)
    yield server.url
    server.stop()


# The remote backends. Every module's store tests run on Oxigraph server; a module marked
# `virtuoso` (the store and question suites) runs them on Virtuoso too.
SERVERS = {"remote": "oxigraph_server", "virtuoso": "virtuoso_server"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise `backend` (any_store) and `server` (remote_store, server_url)."""
    servers = list(SERVERS) if metafunc.definition.get_closest_marker("virtuoso") else ["remote"]
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", ["memory", "disk", *servers], indirect=True)
    elif "server" in metafunc.fixturenames:
        metafunc.parametrize("server", servers, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The backend a store test runs on (set by `pytest_generate_tests`)."""
    return str(request.param)


@pytest.fixture
def server(request: pytest.FixtureRequest) -> str:
    """The remote backend a server test runs on (set by `pytest_generate_tests`)."""
    return str(request.param)


@pytest.fixture
def server_url(server: str, request: pytest.FixtureRequest) -> str:
    """The store URL of the running server of this parameter (Oxigraph, or Virtuoso)."""
    return str(request.getfixturevalue(SERVERS[server]))


def emptied(url: str) -> Store:
    """A client of a shared server with every review and bookkeeping graph dropped."""
    s = open_store(url)
    for graph in s.graphs():  # never DROP ALL: Virtuoso keeps its own graphs beside ours
        s.update(f"DROP SILENT GRAPH <{graph}>")
    return s


@pytest.fixture
def remote_store(server_url: str) -> Iterator[Store]:
    """An emptied store on a shared server (Oxigraph server; Virtuoso too where marked)."""
    s = emptied(server_url)
    yield s
    s.close()


@pytest.fixture
def any_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each backend in turn: in memory, embedded on disk, an Oxigraph server (and Virtuoso
    in the modules marked `virtuoso`)."""
    if backend in SERVERS:
        s = emptied(str(request.getfixturevalue(SERVERS[backend])))
    else:
        s = open_store("memory:" if backend == "memory" else f"oxigraph:{tmp_path / 'store'}")
    yield s
    s.close()


@pytest.fixture
def store(any_store: Store) -> Store:
    """An empty store, on each backend in turn."""
    return any_store


@pytest.fixture(scope="session")
def example_bytes() -> bytes:
    """The bundled peer-support review, as Turtle."""
    return EXAMPLE.read_bytes()


@pytest.fixture
def example_store(store: Store, example_bytes: bytes) -> Store:
    """An in-memory store holding the peer-support review."""
    import_rdf(store, "peer-support", [("review.ttl", example_bytes, rdf_format("ttl"))])
    return store


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    """For `cmo serve` run in-process where it must refuse: serving fails the test at once."""
    def serve(*args: object, **kwargs: object) -> None:
        raise AssertionError("cmo serve started serving")

    monkeypatch.setattr("uvicorn.run", serve)


def invoke_cmo(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """Run the `cmo` command in this process (click's CliRunner): exit status, stdout, stderr."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def run_cmo(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            executable: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `cmo` command in a subprocess and capture what it prints (for what
    only a real process shows: the console script, signals, a second process on a store)."""
    command = [executable] if executable else [sys.executable, "-m", "cmo.cli"]
    return subprocess.run([*command, *args], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, one for the whole session (tests/views and tests/web share
    it: Playwright's sync API runs once per process); `make test` installs it (`make browser`).
    Never skipped."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install chromium).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
