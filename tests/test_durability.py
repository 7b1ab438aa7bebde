"""The embedded store survives a killed import and refuses a second writer with a clear message."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import cmo
from cmo.questions.stats import review_stats
from cmo.rdf.mapping import MintedRefs, cmoc_triples, review_triples
from cmo.review.reviews import review_exists
from cmo.store import open_store
from tests.builders import sample_cmoc
from tests.conftest import ROOT, run_cmo

N_CMOCS = 4000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """N-Triples of one review with N_CMOCS CMOcs (about 100k triples)."""
    refs = MintedRefs("big")
    triples = review_triples(cmo.Review(id="big", title="Big"))
    for n in range(N_CMOCS):
        triples += cmoc_triples("big", sample_cmoc(f"c{n}", contexts=[f"context {n % 50}"]), refs)
    path = tmp_path_factory.mktemp("big") / "big.nt"
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0, 2.8, 6.0])
def test_import_killed_midway_is_wholly_present_or_absent(big_file: Path, tmp_path: Path,
                                                           delay: float) -> None:
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "cmo.cli", "--store", f"oxigraph:{store}",
                             "import", str(big_file), "--review", "big", "--no-validate"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    reopened = open_store(f"oxigraph:{store}")
    try:
        count = review_stats(reopened, "big").cmocs if review_exists(reopened, "big") \
            else 0
        assert count in (0, N_CMOCS)
    finally:
        reopened.close()


def test_second_writer_on_embedded_store_is_refused(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    holder = open_store(url)
    try:
        result = run_cmo("--store", url, "serve", "--port", "1")
        assert result.returncode == 1
        assert "open in another process" in result.stderr and "SPARQL server" in result.stderr
    finally:
        holder.close()
