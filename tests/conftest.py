"""Shared fixtures: real stores (in memory and on disk), the example review, a `cmo` runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import cmo
from cmo.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "peer-support" / "review.ttl"
ONTOLOGY = ROOT / "ontology"


@pytest.fixture
def store() -> Iterator[Store]:
    """An empty in-memory store."""
    s = cmo.open_store("memory:")
    yield s
    s.close()


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[Store]:
    """An empty embedded on-disk store in a temporary folder."""
    s = cmo.open_store(f"oxigraph:{tmp_path / 'store'}")
    yield s
    s.close()


@pytest.fixture(params=["memory", "disk"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each embedded backend in turn."""
    url = "memory:" if request.param == "memory" else f"oxigraph:{tmp_path / 'store'}"
    s = cmo.open_store(url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def example_bytes() -> bytes:
    """The bundled peer-support review, as Turtle."""
    return EXAMPLE.read_bytes()


@pytest.fixture
def example_store(store: Store, example_bytes: bytes) -> Store:
    """An in-memory store holding the peer-support review."""
    cmo.import_rdf(store, "peer-support", [("review.ttl", example_bytes, cmo.rdf_format("ttl"))])
    return store


def run_cmo(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            executable: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `cmo` command in a subprocess and capture what it prints."""
    command = [executable] if executable else [sys.executable, "-m", "cmo.cli"]
    return subprocess.run([*command, *args], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=300, check=False)
