"""GraphML, GEXF and Cytoscape JSON exports read back with networkx, from Python and `cmo`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest

from cmo.errors import UnsupportedFormat
from cmo.store import Store
from cmo.views import GRAPH_FORMATS, graph_bytes, mechanism_graph
from tests.conftest import EXAMPLE, run_cmo


def _read(data: bytes, fmt: str) -> nx.Graph:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data))
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    return nx.cytoscape_graph(json.loads(data))


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_export_graph_reads_back(example_store: Store, fmt: str) -> None:
    g = mechanism_graph(example_store, "peer-support", chains=True)
    back = _read(graph_bytes(g, fmt), fmt)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    node = next(iter(g.nodes))
    assert back.nodes[node]["label"] == g.nodes[node]["label"]
    assert back.nodes[node]["kind"] == g.nodes[node]["kind"]
    assert int(back.nodes[node]["studies"]) == g.nodes[node]["studies"]


def test_export_graph_unknown_format_is_refused(example_store: Store) -> None:
    with pytest.raises(UnsupportedFormat):
        graph_bytes(mechanism_graph(example_store, "peer-support"), "dot")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [*GRAPH_FORMATS, "ttl"])
def test_cli_export_writes_graph_formats_and_rdf(tmp_path: Path, fmt: str) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    assert run_cmo("--store", store, "import", str(EXAMPLE), "--review", "ps").returncode == 0
    out = tmp_path / f"ps.{fmt}"
    result = run_cmo("--store", store, "export", "--review", "ps", "--format", fmt,
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    if fmt == "ttl":
        assert out.read_text(encoding="utf-8").startswith("@prefix")
    else:
        assert _read(out.read_bytes(), fmt).number_of_edges() > 90


@pytest.mark.slow
def test_cli_draw_writes_one_html_file(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    assert run_cmo("--store", store, "import", str(EXAMPLE), "--review", "ps").returncode == 0
    out = tmp_path / "view.html"
    result = run_cmo("--store", store, "draw", "--review", "ps", "--context", "delivery",
                     "--min-studies", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "concepts" in result.stdout
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = run_cmo("--store", store, "draw", "--review", "ps", "--context", "nowhere",
                  "--out", str(out))
    assert bad.returncode == 1 and "No context called 'nowhere'" in bad.stderr
