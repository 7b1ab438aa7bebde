"""The mechanism network built from the review indexes, checked against the questions."""

from __future__ import annotations

import pytest

import cmo
from cmo.errors import UnknownValue
from cmo.questions.engine import CmocFilter, context_mechanism_matrix, mechanisms_for_context
from cmo.review.theories import list_theories
from cmo.store import Store
from cmo.views import mechanism_graph


def test_build_graph_matches_the_matrix(example_store: Store) -> None:
    g = mechanism_graph(example_store, "peer-support")
    matrix = context_mechanism_matrix(example_store, ["peer-support"])
    pairs = {(r.context.iri, r.mechanism.iri, k) for r in matrix.rows
             for k, n in (("fired", r.fired), ("not_fired", r.not_fired)) if n}
    triggers = {(u, v, k) for u, v, k, a in g.edges(keys=True, data=True)
                if a["relation"] == "triggers"}
    assert triggers == pairs
    assert {g.nodes[n]["kind"] for n in g.nodes} == {"context", "mechanism", "outcome"}
    for u, v, a in g.edges(data=True):
        kinds = (g.nodes[u]["kind"], g.nodes[v]["kind"])
        assert kinds == {"triggers": ("context", "mechanism"),
                         "generates": ("mechanism", "outcome")}[a["relation"]]


def test_build_graph_counts_studies_per_edge(example_store: Store) -> None:
    g = mechanism_graph(example_store, "peer-support")
    matrix = context_mechanism_matrix(example_store, ["peer-support"], CmocFilter(
        fired_only=True))
    for r in matrix.rows:
        assert g.edges[r.context.iri, r.mechanism.iri, "fired"]["studies"] == r.studies


def test_build_graph_for_context_subtree_keeps_narrower_contexts(example_store: Store) -> None:
    g = mechanism_graph(example_store, "peer-support", context="delivery")
    answer = mechanisms_for_context(example_store, "delivery", reviews=["peer-support"])
    mechanisms = {n for n in g.nodes if g.nodes[n]["kind"] == "mechanism"}
    assert mechanisms == {r.mechanism.iri for r in answer.rows}


def test_build_graph_with_min_studies_drops_thin_links(example_store: Store) -> None:
    g = mechanism_graph(example_store, "peer-support", min_studies=2)
    assert g.number_of_edges() > 0
    assert all(a["studies"] >= 2 for *_, a in g.edges(data=True))
    assert all(g.degree(n) > 0 for n in g.nodes)


def test_build_graph_fired_only_has_no_not_fired_links(example_store: Store) -> None:
    g = mechanism_graph(example_store, "peer-support", fired_only=True)
    assert all(k != "not_fired" for *_, k in g.edges(keys=True))
    assert all(g.nodes[n]["not_fired"] == 0 for n in g.nodes)


def test_build_graph_for_theory_keeps_its_cmocs(example_store: Store) -> None:
    whole = mechanism_graph(example_store, "peer-support")
    theory = list_theories(example_store, "peer-support")[0]
    part = mechanism_graph(example_store, "peer-support", theory=theory.label)
    assert 0 < part.number_of_edges() < whole.number_of_edges()


def test_build_graph_with_chains_links_outcome_to_next_context(example_store: Store) -> None:
    g = mechanism_graph(example_store, "peer-support", chains=True)
    chains = [(u, v) for u, v, a in g.edges(data=True) if a["relation"] == "leads_to"]
    assert chains
    assert all(g.nodes[u]["kind"] == "outcome" and g.nodes[v]["kind"] == "context"
               for u, v in chains)


@pytest.mark.parametrize(("option", "error"), [
    ({"context": "no such context"}, cmo.UnknownConcept),
    ({"theory": "no such theory"}, UnknownValue),
    ({"min_studies": 0}, cmo.InvalidInput),
], ids=["context", "theory", "min-studies"])
def test_build_graph_refuses_unknown_options(example_store: Store, option: dict[str, object],
                                            error: type[Exception]) -> None:
    with pytest.raises(error):
        mechanism_graph(example_store, "peer-support", **option)  # type: ignore[arg-type]


def test_build_graph_of_unknown_review_is_not_found(example_store: Store) -> None:
    with pytest.raises(cmo.NotFound):
        mechanism_graph(example_store, "nope")


def test_build_graph_keeps_not_fired_outcome_links_apart(example_store: Store) -> None:
    g = mechanism_graph(example_store, "peer-support")
    out = [(k, a) for _, _, k, a in g.edges(keys=True, data=True) if a["relation"] == "generates"]
    assert {a["fired"] for _, a in out} == {True, False}
    for key, a in out:
        assert key == (a["direction"] if a["fired"] else f"{a['direction']}_not_fired")
        assert all(g.graph["cmocs"][i]["fired"] == a["fired"] for i in a["cmoc_ids"])


def test_build_graph_names_the_cmocs_behind_each_node_and_link(example_store: Store) -> None:
    g = mechanism_graph(example_store, "peer-support")
    cmocs = g.graph["cmocs"]
    for u, v, a in g.edges(data=True):
        for i in a["cmoc_ids"]:
            c = cmocs[i]
            if a["relation"] == "triggers":
                assert u in c["contexts"] and v == c["mechanism"]
            else:
                assert u == c["mechanism"] and v in c["outcomes"]
    for n, a in g.nodes(data=True):
        assert len(a["cmoc_ids"]) == a["cmocs"]
        assert all(n in (*cmocs[i]["contexts"], cmocs[i]["mechanism"], *cmocs[i]["outcomes"])
                   for i in a["cmoc_ids"])
    tree = g.graph["context_tree"]
    assert all(n in tree for n in g.nodes if g.nodes[n]["kind"] == "context")
    assert any(e["label"] == "delivery" for e in tree.values())
