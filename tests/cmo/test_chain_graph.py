"""Chains: the chain graph and pages of maximal chains equal a brute-force walk, on random
graphs with cycles; answers stay small on graphs with exponentially many chains."""

from __future__ import annotations

import json
import random
import time
from math import comb

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cmo
from cmo.interchange.rdf_files import import_rdf
from cmo.questions.chains import chains
from cmo.rdf.mapping import MintedRefs, cmoc_triples, review_triples
from cmo.store import Store, open_store
from tests.builders import sample_cmoc


def _store(leads: dict[str, list[str]], review: str = "r") -> Store:
    """A review whose CMOcs lead to each other as `leads` says (any graph, cycles too)."""
    store = open_store("memory:")
    refs = MintedRefs(review)
    triples = review_triples(cmo.Review(id=review, title="R"))
    for cmoc_id, later in leads.items():
        triples += cmoc_triples(review, sample_cmoc(cmoc_id, leads_to=later), refs)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    import_rdf(store, review, [("gen.nt", data, ox.RdfFormat.N_TRIPLES)], validate=False)
    return store


def _brute(leads: dict[str, list[str]], heads: list[str], max_length: int) -> list[list[str]]:
    """Every maximal chain, in the documented order, by plain recursion."""
    out: list[list[str]] = []

    def walk(path: list[str]) -> None:
        nexts = [t for t in sorted(set(leads[path[-1]])) if t not in path]
        if not nexts or len(path) > max_length:
            out.append(path)
            return
        for t in nexts:
            walk([*path, t])

    for head in heads:
        walk([head])
    return out


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, list[str]]:
    rnd = random.Random(draw(st.integers(0, 10**6)))
    ids = [f"c{i:02d}" for i in range(draw(st.integers(1, 9)))]
    density = draw(st.sampled_from([0.1, 0.3, 0.6]))
    return {c: [t for t in ids if t != c and rnd.random() < density] for c in ids}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leads=graphs(), max_length=st.integers(1, 5), limit=st.integers(1, 7),
       offset=st.integers(0, 12))
def test_pages_of_chains_equal_a_brute_force_walk(leads: dict[str, list[str]], max_length: int,
                                                  limit: int, offset: int) -> None:
    targets = {t for later in leads.values() for t in later}
    heads = [c for c in sorted(leads) if leads[c] and c not in targets]
    every = _brute(leads, heads, max_length)
    got = chains(_store(leads), max_length=max_length, limit=limit, offset=offset)
    assert [c.cmocs for c in got.chains] == every[offset:offset + limit]
    assert got.truncated == (offset + limit < len(every))
    assert got.total in (len(every), None)
    assert sorted((link.cmoc, link.leads_to) for link in got.links) == sorted(
        (c, t) for c, later in leads.items() for t in later)
    assert {c.cmoc for c in got.cmocs} == {c for c in leads if leads[c]} | targets


def test_total_is_counted_without_a_cycle_and_unknown_with_one() -> None:
    dag = chains(_store({"c1": ["c2", "c3"], "c2": ["c3"], "c3": []}))
    assert dag.total == 2 and not dag.truncated and dag.next_offset is None
    cyclic = chains(_store({"c0": ["c1"], "c1": ["c2"], "c2": ["c1"]}))
    assert cyclic.total is None and [c.cmocs for c in cyclic.chains] == [["c0", "c1", "c2"]]


def test_cycle_without_a_head_terminates_and_shows_its_links() -> None:
    store = _store({"c1": ["c2"], "c2": ["c1"]})
    whole = chains(store)
    assert whole.chains == [] and len(whole.links) == 2
    assert [c.cmocs for c in chains(store, "c1").chains] == [["c1", "c2"]]


def test_next_offset_pages_through_every_chain() -> None:
    leads = {f"c{i}": [f"c{j}" for j in range(i + 1, 7)] for i in range(7)}
    store = _store(leads)
    seen: list[list[str]] = []
    offset: int | None = 0
    while offset is not None:
        page = chains(store, limit=5, offset=offset)
        seen += [c.cmocs for c in page.chains]
        offset = page.next_offset
    assert seen == _brute(leads, ["c0"], 10) and len(seen) == page.total == 2 ** 5


@pytest.mark.parametrize("n", [20, 40], ids=["20-cmocs", "40-cmocs"])
def test_all_to_all_chains_answer_small_and_fast(n: int) -> None:
    ids = [f"c{i:02d}" for i in range(n)]
    store = _store({c: ids[i + 1:] for i, c in enumerate(ids)})
    for kwargs in [{}, {"max_length": 100, "limit": 1000, "offset": 10**9}]:
        began = time.monotonic()
        answer = chains(store, **kwargs)  # type: ignore[arg-type]
        assert time.monotonic() - began < 10
        assert len(json.dumps(answer.model_dump(mode="json"))) < 2_000_000
        assert len(answer.links) == n * (n - 1) // 2 and answer.truncated in (True, False)
    # From the head, a chain picks its CMOcs in order among the n - 2 in between: it ends at the
    # last CMOc after j of them (j < 10), or is cut after 10 links.
    assert chains(store, limit=3).total == sum(comb(n - 2, j) for j in range(11))


def test_limit_zero_answers_the_graph_and_total_alone() -> None:
    answer = chains(_store({"c1": ["c2", "c3"], "c2": [], "c3": []}), limit=0)
    assert answer.chains == [] and answer.total == 2 and answer.truncated
    assert len(answer.cmocs) == 3 and len(answer.links) == 2


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"max_length": 0}, "max_length"), ({"max_length": 101}, "max_length"),
    ({"limit": -1}, "limit"), ({"offset": -1}, "offset")], ids=str)
def test_chains_out_of_range_are_refused_naming_the_parameter(
        kwargs: dict[str, int], field: str) -> None:
    with pytest.raises(cmo.InvalidInput) as caught:
        chains(_store({"c1": []}), **kwargs)  # type: ignore[arg-type]
    assert [p.field for p in caught.value.problems] == [field]
