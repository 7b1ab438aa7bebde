"""The network through pyvis: a `pyvis.network.Network` whose nodes and links are the graph's,
drawn by our offline page (pyvis's own templates load from a CDN)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from pyvis.network import Network

from cmo.store import Store
from cmo.views import MechanismView
from cmo.views.layout import wrap_label
from cmo.views.page import CSP


def test_to_pyvis_nodes_and_links_match_the_graph(example_store: Store) -> None:
    view = MechanismView(example_store, "peer-support")
    g = view.graph
    net = view.to_pyvis()
    assert isinstance(net, Network) and net.directed
    by_id = {n["id"]: n for n in net.nodes}
    assert {n["iri"] for n in net.nodes} == set(g.nodes)
    for n in net.nodes:
        a = g.nodes[n["iri"]]
        assert (n["name"], n["kind"], n["studies"], n["cmocs"]) == (
            a["label"], a["kind"], a["studies"], a["cmocs"])
        assert n["label"] == wrap_label(a["label"])
    links = Counter((by_id[e["from"]]["iri"], by_id[e["to"]]["iri"], e["relation"], e["studies"])
                    for e in net.edges)
    assert links == Counter((u, v, a["relation"], a["studies"])
                            for u, v, a in g.edges(data=True))
    assert net.num_nodes() == g.number_of_nodes() and net.num_edges() == g.number_of_edges()


def test_a_changed_pyvis_network_is_drawn_offline(example_store: Store,
                                                  open_page: Callable[..., Any]) -> None:
    view = MechanismView(example_store, "peer-support")
    net = view.to_pyvis()
    net.nodes[0]["color"] = "#ff8800"
    net.nodes[0]["shape"] = "star"
    page_text = view.html(network=net)
    assert f'content="{CSP}"' in page_text
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page_text, re.I)
    page = open_page(page_text)
    node = page.evaluate(f"window.network.body.data.nodes.get('{net.nodes[0]['id']}')")
    assert node["shape"] == "star" and node["color"]["background"] == "#ff8800"
    assert page.evaluate("window.network.body.data.edges.length") == len(net.edges)
    assert page.blocked == [] and page.errors == []
