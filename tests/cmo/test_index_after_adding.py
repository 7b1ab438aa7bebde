"""Creating a CMOc brings the review's cached index along instead of reading the review again
(issue 14: saving from the reading page at 5,000 concepts): the index it leaves is the one a
fresh reading of the store gives."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import cmo
from cmo.model import ids
from cmo.rdf.provenance import acting_as
from cmo.review.cmocs import create_cmoc
from cmo.review.concepts import add_concept
from cmo.review.index import CmocFacts, ReviewIndex, build_index, review_indexes
from cmo.review.reviews import create_review
from cmo.sources.documents import add_source
from cmo.store import Store


def _facts(c: CmocFacts) -> tuple[Any, ...]:
    """A CMOc's facts, each tuple as a set (the order a store scans triples in is not kept)."""
    return tuple(sorted(v) if isinstance(v, tuple) else v
                 for v in (getattr(c, f.name) for f in fields(c)))


def _plain(index: ReviewIndex) -> dict[str, Any]:
    out: dict[str, Any] = {"cmocs": [_facts(c) for c in index.cmocs],
                           "cmoc_by_id": {k: _facts(c) for k, c in index.cmoc_by_id.items()}}
    for f in fields(index):
        value = getattr(index, f.name)
        if f.name in ("memo", "cmocs", "cmoc_by_id"):
            continue
        if isinstance(value, dict):
            value = {k: sorted(v) if isinstance(v, list) else v for k, v in value.items()}
        out[f.name] = value
    return out


def test_create_cmoc_leaves_the_index_a_fresh_reading_gives(store: Store) -> None:
    create_review(store, cmo.Review(id="r", title="R"))
    add_concept(store, "r", cmo.Concept(kind="context", label="rural", alt_labels=["Country"]))
    create_cmoc(store, "r", cmo.NewCMOc(studies=["S 2020"], contexts=["rural"],
                                        mechanism="trust", outcomes=["uptake"]))
    source = add_source(store, "r", "S 2020", "s.txt", b"Peers were trusted in the country.")
    before = review_indexes(store, ["r"])[0]
    with acting_as("Ana <b>"):
        create_cmoc(store, "r", cmo.NewCMOc(
            studies=["S 2020", "T 2021"], contexts=["country", "remote"], mechanism="trust",
            outcomes=["uptake", "retention"], reviewer="Ana <b>", evidence=[
                cmo.Evidence(source=source.source.id, start=0, end=18, part="mechanism"),
                cmo.Evidence(quote="a quote", study="T 2021")]))
    kept = store.state.indexes["r"]
    assert kept is not before and kept.revision != before.revision
    fresh = build_index("r", store.graph_triples(ids.review_iri("r")))
    assert _plain(kept) == _plain(fresh)
    assert review_indexes(store, ["r"])[0] is kept  # the next reading uses it
