"""GraphML, GEXF and Cytoscape JSON exports read back with networkx, from Python and `cmo`
(in-process)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest

from cmo.errors import UnsupportedFormat
from cmo.store import Store
from cmo.views import GRAPH_FORMATS, graph_bytes, mechanism_graph
from tests.conftest import EXAMPLE, invoke_cmo


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


@pytest.fixture(scope="module")
def example_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store on disk holding the example review as `ps`, imported with `cmo import`."""
    url = f"oxigraph:{tmp_path_factory.mktemp('example') / 'store'}"
    assert invoke_cmo("--store", url, "import", str(EXAMPLE), "--review", "ps").exit_code == 0
    return url


@pytest.mark.parametrize("fmt", [*GRAPH_FORMATS, "ttl"])
def test_export_review_from_cli_in_graph_formats_and_rdf(example_url: str, tmp_path: Path,
                                                          fmt: str) -> None:
    out = tmp_path / f"ps.{fmt}"
    result = invoke_cmo("--store", example_url, "export", "--review", "ps", "--format", fmt,
                        "--out", str(out))
    assert result.exit_code == 0, result.stderr
    if fmt == "ttl":
        assert out.read_text(encoding="utf-8").startswith("@prefix")
    else:
        assert _read(out.read_bytes(), fmt).number_of_edges() > 90


def test_draw_review_from_cli_writes_one_html_file(example_url: str, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    result = invoke_cmo("--store", example_url, "draw", "--review", "ps", "--context", "delivery",
                        "--min-studies", "1", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "concepts" in result.stdout
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = invoke_cmo("--store", example_url, "draw", "--review", "ps", "--context", "nowhere",
                     "--out", str(out))
    assert bad.exit_code == 1 and "No context called 'nowhere'" in bad.stderr
