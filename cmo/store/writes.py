"""One write to one review: remove some resources, add some triples, as a single atomic update.

A caller may ask for bookkeeping to go with a write, in the same transaction (`with_write`): an
idempotency record (`cmo.store.idempotency`) is written that way, so the record and the effect are
stored together or not at all.
"""

from __future__ import annotations

import functools
import random
import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from pyoxigraph import Literal, NamedNode, Quad, Triple

from cmo.errors import StoreError, WriteConflict
from cmo.model import ids
from cmo.model.namespace import ID_IRI, RKG
from cmo.rdf.mapping import Description, describe
from cmo.rdf.ntriples import NTriples
from cmo.rdf.provenance import activity_triples
from cmo.rdf.sparql import insert_data, join_updates, query_text, update_text
from cmo.store import Store

T = TypeVar("T")
SYSTEM_GRAPH = f"{ID_IRI}system"
_BOOKKEEPING = re.compile(r"/evidence/|/agent/")


@contextmanager
def write_lock(store: Store, review_id: str | None = None,
               timeout: float = 30.0) -> Iterator[None]:
    """Make a read-check-write sequence on a review atomic: within this process always, and
    across processes when the store is shared (a SPARQL server).

    SPARQL servers such as Oxigraph's run concurrent updates under snapshot isolation, so a
    guarded update alone cannot stop two writers that read the same state (measured: both
    applied). Across processes, a writer therefore claims the review in the system graph, then
    reads every claim: it holds the lock only if its claim is the only live one, otherwise it
    withdraws and tries again. Of two writers, the later reader always sees the earlier claim,
    so at most one proceeds. Claims older than `STALE_CLAIM_SECONDS` (a crashed writer) are
    ignored and cleared.
    """
    with store.state.write_lock:
        held = store.state.held_reviews()
        if not store.shared or review_id is None or review_id in held:
            yield  # an embedded store has one process; a held lock is re-entered
            return
        claim = _claim(store, review_id, timeout)
        held.add(review_id)
        try:
            yield
        finally:
            held.discard(review_id)
            _withdraw(store, claim)


P = ParamSpec("P")


def locked(fn: Callable[Concatenate[Store, str, P], T]) -> Callable[Concatenate[Store, str, P], T]:
    """Run a repository function (store, review_id, ...) under the review's write lock."""
    @functools.wraps(fn)
    def run(store: Store, review_id: str, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with write_lock(store, review_id):
            return fn(store, review_id, *args, **kwargs)

    return run


STALE_CLAIM_SECONDS = 60.0


def _claim(store: Store, review_id: str, timeout: float) -> NamedNode:
    review = NamedNode(ids.review_iri(review_id))
    system = NamedNode(SYSTEM_GRAPH)
    deadline = time.monotonic() + timeout
    while True:
        claim = NamedNode(f"urn:realist-kg:claim:{uuid.uuid4().hex}")
        store.update(join_updates(update_text("lock_take", {
            "system": system, "claim": claim, "review": review,
            "at": Literal(repr(time.time()))})))
        now = time.time()
        rivals = [row for row in store.select(query_text("lock_claims"), {"review": review},
                                              graphs=[SYSTEM_GRAPH])
                  if row["claim"] != claim]
        live = [r for r in rivals if now - float(r["at"].value) < STALE_CLAIM_SECONDS]  # type: ignore[union-attr]
        for stale in (r for r in rivals if r not in live):
            _withdraw(store, stale["claim"])  # type: ignore[arg-type]
        if not live:
            return claim
        _withdraw(store, claim)
        if time.monotonic() > deadline:
            raise WriteConflict(f"Review {review_id!r} is busy: another writer has held it for "
                                f"{timeout:g} s.")
        time.sleep(random.uniform(0.002, 0.03))


def _withdraw(store: Store, claim: NamedNode) -> None:
    store.update(join_updates(update_text("lock_drop", {"system": NamedNode(SYSTEM_GRAPH),
                                                        "claim": claim})))


@dataclass
class SystemRecord:
    """Triples for the system graph that go with the writes to a review made in `with_write`."""

    triples: list[Triple]
    #: Whether a write carrying the triples has been applied.
    written: bool = False


_RECORD: ContextVar[SystemRecord | None] = ContextVar("cmo_system_record", default=None)


@contextmanager
def with_write(triples: Sequence[Triple]) -> Iterator[SystemRecord]:
    """Add `triples` to the system graph with every write to a review made inside the block,
    in the same transaction as that write (`written` tells whether one was applied)."""
    record = SystemRecord(list(triples))
    token = _RECORD.set(record)
    try:
        yield record
    finally:
        _RECORD.reset(token)


def current_revision(store: Store, review_id: str) -> str:
    """The review's revision token now ("" when it has none yet)."""
    rows = store.select(query_text("revisions"), {"g": NamedNode(ids.review_iri(review_id))})
    revision = rows[0]["revision"] if rows else None
    return revision.value if revision is not None else ""


def _guard(graph: NamedNode, expected: str | None) -> str:
    if expected is None:
        return ""
    if expected == "":
        return update_text("guard_no_token", {"g": graph})
    return update_text("guard_token", {"g": graph, "expected": Literal(expected)})


def write(store: Store, review_id: str, *, remove: Sequence[str] = (),
          unlink: Sequence[str] = (), add: Sequence[Triple] = (),
          expected: str | None = None, also: Sequence[str] = (),
          used: Sequence[str] = (), note: str | None = None) -> str | None:
    """Delete `remove` (and their evidence), drop links to `unlink`, add `add`: all or nothing.

    With `expected` (a token from `current_revision`), the write applies only if no one else
    has written to the review since that token was read; otherwise WriteConflict, and nothing
    was written. Every write renews the token in the same transaction. `also` is more update
    operations (from `update_text`, each with GUARD where the guard goes) run before the adds.
    `used` and `note` go into the write's provenance (`activity_triples`). Answers the review's
    new revision token (None when there was nothing to write).
    """
    graph = NamedNode(ids.review_iri(review_id))
    guard = _guard(graph, expected)
    subjects = list(dict.fromkeys(t.subject.value for t in add
                                  if isinstance(t.subject, NamedNode)
                                  and not _BOOKKEEPING.search(t.subject.value)))
    add = [*add, *activity_triples(review_id, subjects, [*remove, *unlink], used=used,
                                   note=note)]
    parts = [_guarded("delete_resource", guard, {"g": graph, "s": NamedNode(s)})
             for s in remove]
    parts += [_guarded("delete_references", guard, {"g": graph, "s": NamedNode(s)})
              for s in unlink]
    parts += [part.replace("GUARD", guard) for part in also]
    if add:
        parts.append(insert_data(graph.value, add, where=guard if guard else None))
    record = _RECORD.get()
    if record is not None and parts:
        parts.append(insert_data(SYSTEM_GRAPH, record.triples, where=guard if guard else None))
    receipt = NamedNode(f"urn:realist-kg:receipt:{uuid.uuid4().hex}")
    if guard:
        parts.append(_guarded("receipt", guard, {"system": NamedNode(SYSTEM_GRAPH),
                                                  "receipt": receipt}))
    if not parts:
        return None
    token = uuid.uuid4().hex
    store.update(join_updates(*parts, _new_revision(graph, guard, token)))
    if guard:
        _collect_receipt(store, receipt)
    if record is not None:
        record.written = True
    return token


def _guarded(name: str, guard: str, bindings: dict[str, NamedNode | Literal]) -> str:
    return update_text(name, bindings).replace("GUARD", guard)


def _collect_receipt(store: Store, receipt: NamedNode) -> None:
    found = store.select(query_text("find_receipt"), {"receipt": receipt},
                         graphs=[SYSTEM_GRAPH])
    if not found:
        raise WriteConflict("Someone else changed this review at the same moment; "
                            "nothing was written.")
    store.update(join_updates(update_text("drop_receipt", {
        "system": NamedNode(SYSTEM_GRAPH), "receipt": receipt})))


def retrying(attempt: Callable[[], T], tries: int = 8) -> T:
    """Run `attempt` again while it meets a WriteConflict (with a short random back-off)."""
    for n in range(tries):
        try:
            return attempt()
        except WriteConflict:
            if n == tries - 1:
                raise
            time.sleep(random.uniform(0.005, 0.05) * (n + 1))
    raise AssertionError("unreachable")


BULK_TRIPLES = 50_000


def add_triples(store: Store, review_id: str, triples: Sequence[Triple], *,
                bulk: bool = False, ntriples: NTriples | None = None) -> None:
    """Add triples to a review in one transaction, with a new revision token.

    `ntriples` adds more triples, already written as N-Triples text (a big sheet's CMOcs), in the
    same transaction. Many triples (`BULK_TRIPLES`) are loaded as N-Triples, ~2x faster than an
    update: the old token is dropped first (while a review has no token, readers re-read it every
    time), then the triples and the new token are loaded in one transaction. `bulk` (for a review
    that does not exist yet) uses Oxigraph's bulk loader, ~3x faster again on disk but not a
    transaction: if it fails the review's graph is dropped.
    """
    extra = ntriples.count if ntriples is not None else 0
    if len(triples) + extra < BULK_TRIPLES and not bulk:
        write(store, review_id, add=[*triples, *ntriples.triples()] if ntriples else triples)
        return
    graph = NamedNode(ids.review_iri(review_id))
    token = Triple(graph, NamedNode(str(RKG.revision)), Literal(uuid.uuid4().hex))
    # Who and when, without listing every resource of a large import.
    provenance = activity_triples(review_id, [], [])
    text = ntriples.text() if ntriples is not None else ""
    record = _RECORD.get()
    system = NamedNode(SYSTEM_GRAPH)
    also = [Quad(t.subject, t.predicate, t.object, system) for t in record.triples] \
        if record is not None else []
    store.update(join_updates(update_text("drop_revision", {"g": graph})))
    try:
        store.load_triples(graph.value, [*triples, *provenance, token], bulk=bulk,
                           ntriples=text, also=also)
    except StoreError:
        if bulk:
            store.update(join_updates(update_text("drop_review", {"g": graph})))
        raise
    if record is not None:
        record.written = True


def transact(store: Store, review_id: str, attempt: Callable[[], T]) -> T:
    """Run a read-check-write `attempt` under the review's write lock, again on WriteConflict."""
    with write_lock(store, review_id):
        return retrying(attempt)


def _new_revision(graph: NamedNode, guard: str = "", token: str | None = None) -> str:
    """The update that gives a review a fresh revision token (done in every write to it)."""
    return _guarded("new_revision", guard, {"g": graph,
                                            "token": Literal(token or uuid.uuid4().hex)})


def describe_one(store: Store, review_id: str, iri: str) -> Description:
    """The triples of one resource (and of the evidence it owns) in a review."""
    return describe(store.construct(query_text("describe_one"), {"owner": NamedNode(iri)},
                                    graphs=[ids.review_iri(review_id)]))


def describe_all(store: Store, review_id: str, type_iri: str) -> Description:
    """The triples of every resource of a type (and of their evidence) in a review."""
    return describe(store.construct(query_text("describe"), {"type": NamedNode(type_iri)},
                                    graphs=[ids.review_iri(review_id)]))


def referrers(store: Store, review_id: str, iri: str) -> list[str]:
    """Ids or labels of what points at `iri` in a review (at most ten): who still uses it."""
    rows = store.select(query_text("references"), {"s": NamedNode(iri)},
                        graphs=[ids.review_iri(review_id)])
    return [r["id"].value if r["id"] else r["x"].value for r in rows]  # type: ignore[union-attr]
