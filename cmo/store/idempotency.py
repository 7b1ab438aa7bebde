"""Idempotency keys: a retried write is answered from the first time, not applied again.

A client that sends a write (an import, a create) and gets no answer cannot tell whether it was
applied. It may send it again with the same key: `once` runs the write the first time, and
afterwards answers with the first answer (status, body, Location, ETag) without writing again.

- The key is scoped to the caller (`scope`, e.g. a token's id): another caller's key never
  collides with it.
- The same key with a different request (`fingerprint`) is refused: InvalidInput naming the
  ``Idempotency-Key`` header.
- A key is remembered for `KEY_WINDOW` (24 hours), then forgotten.
- The record of the key goes into the system graph in the same transaction as the write itself
  (`writes.with_write`), so a process killed after the write but before answering cannot lose
  it: the retry is then told that the write was applied and its answer lost (Conflict), and
  nothing is written twice. The answer itself is added to the record right after the write.
- Records live in the store, so every process over a shared store honours them; the review's
  write lock makes the check and the write one step for retries racing each other.
- A request that fails writes nothing and leaves no record: it may be retried with its key.

>>> from cmo.model.records import Review
>>> from cmo.review.reviews import create_review, list_reviews
>>> from cmo.store import open_store
>>> store = open_store("memory:")
>>> def create() -> Answer:
...     review = create_review(store, Review(id="r", title="R"))
...     return Answer(201, review.model_dump_json(), location="/reviews/r")
>>> first = once(store, "token-a", "key-1", "POST /reviews r", "r", create)
>>> again = once(store, "token-a", "key-1", "POST /reviews r", "r", create)
>>> (again.status, again.body == first.body, len(list_reviews(store)))
(201, True, 1)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import Conflict, InvalidInput, Problem
from cmo.model.namespace import SYS_IRI
from cmo.rdf.mapping import P, datetime_literal
from cmo.rdf.sparql import insert_data, join_updates, query_text, update_text
from cmo.store import Store
from cmo.store.writes import SYSTEM_GRAPH, with_write, write_lock

#: How long a key is remembered.
KEY_WINDOW = timedelta(hours=24)
#: The longest key accepted (characters).
KEY_CHARS = 255
HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Answer:
    """What a write answered: replayed as it was for a retry with the same key."""

    status: int
    body: str
    media_type: str = "application/json"
    location: str | None = None
    etag: str | None = None


def _sys(term: str) -> NamedNode:
    return NamedNode(SYS_IRI + term)


def check_key(key: str) -> str:
    """`key` if it can serve as an idempotency key (1 to 255 visible ASCII characters)."""
    if not 0 < len(key) <= KEY_CHARS or not all(33 <= ord(c) < 127 for c in key):
        raise InvalidInput(f"Invalid {HEADER}.", [Problem(
            field=HEADER, reason=f"1 to {KEY_CHARS} visible ASCII characters, e.g. a UUID")])
    return key


def key_record(scope: str, key: str) -> NamedNode:
    """The node of the record of a caller's key in the system graph (named by a hash)."""
    return NamedNode("urn:realist-kg:idempotency:" + hashlib.sha256(
        f"{scope}\n{key}".encode()).hexdigest())


def once(store: Store, scope: str, key: str, fingerprint: str, review_id: str,
         run: Callable[[], Answer]) -> Answer:
    """The answer of `run` for this (scope, key), running it only the first time.

    `fingerprint` identifies the request (method, path, body): the same key with another
    fingerprint is InvalidInput. `review_id` is the review the write goes to (its write lock is
    held from the check to the stored answer).
    """
    record = key_record(scope, check_key(key))
    with write_lock(store, review_id):
        found = _find(store, record)
        if found is not None:
            return _replay(found, fingerprint)
        now = datetime.now(UTC)
        triples = [Triple(record, P.type, _sys("IdempotencyRecord")),
                   Triple(record, _sys("fingerprint"), Literal(fingerprint)),
                   Triple(record, P.created, datetime_literal(now))]
        with with_write(triples) as written:
            answer = run()
        if written.written:
            _keep(store, record, answer, now)
    return answer


def earlier_answer(store: Store, scope: str, key: str, fingerprint: str) -> Answer | None:
    """The answer a first request with this (scope, key) got, or None if none has run: for a
    caller that must know, before its own checks, whether this request is a retry."""
    found = _find(store, key_record(scope, check_key(key)))
    return None if found is None else _replay(found, fingerprint)


def _find(store: Store, record: NamedNode) -> dict[str, str | None] | None:
    """The live record of a key; an expired one is deleted and counts as none."""
    rows = store.select(query_text("idempotency_record"), {"record": record},
                        graphs=[SYSTEM_GRAPH])
    if not rows:
        return None
    found = {name: term.value if term is not None else None for name, term in rows[0].items()}
    if datetime.fromisoformat(found["created"] or "") + KEY_WINDOW < datetime.now(UTC):
        store.update(join_updates(update_text("drop_system_node", {
            "system": NamedNode(SYSTEM_GRAPH), "node": record})))
        return None
    return found


def _replay(found: dict[str, str | None], fingerprint: str) -> Answer:
    if found["fingerprint"] != fingerprint:
        raise InvalidInput(f"This {HEADER} was used for another request.", [Problem(
            field=HEADER, reason="use a new key for a new request; send the same request "
                                 "again only with its own key")])
    if found["status"] is None:
        raise Conflict(f"The request with this {HEADER} was applied (at {found['created']}) "
                       "but its answer was lost; it was not applied again. Read the review to "
                       "see the result.")
    return Answer(int(found["status"]), found["body"] or "",
                  found["media_type"] or "application/json", found["location"], found["etag"])


def _keep(store: Store, record: NamedNode, answer: Answer, now: datetime) -> None:
    """Add the answer to the record, and forget every key older than the window."""
    triples = [Triple(record, _sys("status"), Literal(str(answer.status))),
               Triple(record, _sys("body"), Literal(answer.body)),
               Triple(record, _sys("mediaType"), Literal(answer.media_type))]
    if answer.location is not None:
        triples.append(Triple(record, _sys("location"), Literal(answer.location)))
    if answer.etag is not None:
        triples.append(Triple(record, _sys("etag"), Literal(answer.etag)))
    expired = update_text("idempotency_expire", {"system": NamedNode(SYSTEM_GRAPH),
                                                 "before": datetime_literal(now - KEY_WINDOW)})
    store.update(join_updates(insert_data(SYSTEM_GRAPH, triples), expired))
