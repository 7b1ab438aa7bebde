"""Idempotency keys in the library: one write per key, its record stored with the write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyoxigraph as ox
import pytest

import cmo
from cmo.rdf.mapping import datetime_literal
from cmo.review.cmocs import create_cmoc, list_cmocs
from cmo.review.reviews import create_review
from cmo.store import Store
from cmo.store.idempotency import Answer, key_record, once
from cmo.store.writes import SYSTEM_GRAPH, with_write
from tests.builders import sample_cmoc

pytestmark = pytest.mark.virtuoso  # the store's own suite: on Virtuoso too


class Counted:
    """A write (a new CMOc with the next free id) that counts how often it ran."""

    def __init__(self, store: Store, review_id: str = "r") -> None:
        self.store, self.review_id, self.runs = store, review_id, 0

    def __call__(self) -> Answer:
        self.runs += 1
        new = sample_cmoc().model_dump(exclude={"id"})
        created = create_cmoc(self.store, self.review_id, cmo.NewCMOc(**new))
        return Answer(201, f'{{"id": "{created.id}"}}', location=f"/cmocs/{created.id}")


@pytest.fixture
def review(store: Store) -> Store:
    create_review(store, cmo.Review(id="r", title="R"))
    return store


def test_once_writes_once_and_replays_the_first_answer(review: Store) -> None:
    write = Counted(review)
    first = once(review, "tok_a", "k1", "POST /r body", "r", write)
    again = once(review, "tok_a", "k1", "POST /r body", "r", write)
    assert again == first and write.runs == 1
    assert [c.id for c in list_cmocs(review, "r")] == ["c01"]


def test_once_refuses_the_same_key_for_another_request(review: Store) -> None:
    once(review, "tok_a", "k1", "POST /r body", "r", Counted(review))
    with pytest.raises(cmo.InvalidInput) as refused:
        once(review, "tok_a", "k1", "POST /r other body", "r", Counted(review))
    assert refused.value.problems[0].field == "Idempotency-Key"


def test_another_callers_key_does_not_collide(review: Store) -> None:
    write = Counted(review)
    once(review, "tok_a", "k1", "POST /r body", "r", write)
    once(review, "tok_b", "k1", "POST /r body", "r", write)
    assert write.runs == 2 and len(list_cmocs(review, "r")) == 2


def test_record_is_stored_with_the_write_so_a_lost_answer_is_not_applied_again(
        review: Store) -> None:
    # The process stops after the write, before it answers: the record went with the write.
    record = key_record("tok_a", "k1")
    with with_write([ox.Triple(record, cmo.rdf.mapping.P.type,
                               ox.NamedNode("https://w3id.org/realist-kg/system#"
                                            "IdempotencyRecord")),
                     ox.Triple(record, ox.NamedNode("https://w3id.org/realist-kg/system#"
                                                    "fingerprint"), ox.Literal("POST /r body")),
                     ox.Triple(record, cmo.rdf.mapping.P.created,
                               datetime_literal(datetime.now(UTC)))]) as written:
        Counted(review)()
    assert written.written
    retry = Counted(review)
    with pytest.raises(cmo.Conflict, match="answer was lost"):
        once(review, "tok_a", "k1", "POST /r body", "r", retry)
    assert retry.runs == 0 and len(list_cmocs(review, "r")) == 1


def test_failed_write_leaves_no_record(review: Store) -> None:
    def refused() -> Answer:
        raise cmo.InvalidInput("no")

    with pytest.raises(cmo.InvalidInput):
        once(review, "tok_a", "k1", "POST /r body", "r", refused)
    write = Counted(review)
    once(review, "tok_a", "k1", "POST /r body", "r", write)
    assert write.runs == 1


def test_key_is_forgotten_after_the_window(review: Store) -> None:
    record, sys = key_record("tok_a", "k1"), "https://w3id.org/realist-kg/system#"
    old = datetime_literal(datetime.now(UTC) - timedelta(hours=25))
    review.update(f"INSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ {record} a <{sys}IdempotencyRecord> ;"
                  f" <{sys}fingerprint> \"another request\" ; <{sys}status> \"201\" ; "
                  f"<{sys}body> \"{{}}\" ; <{sys}mediaType> \"application/json\" ; "
                  f"<http://purl.org/dc/terms/created> {old} }} }}")
    write = Counted(review)
    once(review, "tok_a", "k1", "POST /r body", "r", write)
    assert write.runs == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "ünïcode"],
                         ids=["empty", "too-long", "space", "non-ascii"])
def test_invalid_key_is_refused_naming_the_header(review: Store, key: str) -> None:
    with pytest.raises(cmo.InvalidInput) as refused:
        once(review, "tok_a", key, "POST /r body", "r", Counted(review))
    assert refused.value.problems[0].field == "Idempotency-Key"


def test_a_load_with_bookkeeping_writes_both_graphs_in_one_go(store: Store) -> None:
    # How a big import carries its idempotency record: in the same load as the review's triples.
    graph, system = "urn:test:review", ox.NamedNode(SYSTEM_GRAPH)
    store.load_triples(graph, [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"),
                                         ox.Literal("x"))],
                       ntriples='<urn:b> <urn:p> "y ." .\n',
                       also=[ox.Quad(ox.NamedNode("urn:r"), ox.NamedNode("urn:p"),
                                     ox.Literal("z"), system)])
    in_review = {t.subject.value for t in store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graphs=[graph])}
    in_system = {t.subject.value for t in store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graphs=[SYSTEM_GRAPH])}
    assert in_review == {"urn:a", "urn:b"} and in_system == {"urn:r"}
