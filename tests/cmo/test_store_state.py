"""Caches, remembered answers, recognised tokens and write locks belong to one open store."""

from __future__ import annotations

import threading

from cmo.questions.engine import context_mechanism_matrix
from cmo.review.cmocs import list_cmocs
from cmo.review.tokens import authenticate, create_token
from cmo.store import open_store
from cmo.store.writes import write_lock
from tests.builders import sample_review


def test_two_stores_keep_their_own_indexes_answers_and_tokens() -> None:
    a, b = open_store("memory:"), open_store("memory:")
    sample_review(a)
    context_mechanism_matrix(a)
    authenticate(a, create_token(a, "viewer", name="reader"))
    assert set(a.state.indexes) == {"r1"} and a.state.answers and a.state.tokens
    assert (b.state.indexes, b.state.answers, b.state.tokens) == ({}, {}, {})


def test_write_lock_of_one_store_does_not_block_another() -> None:
    a, b = open_store("memory:"), open_store("memory:")
    sample_review(b)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_lock(a, "r1"):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        assert not a.state.write_lock.acquire(timeout=0.05)  # held by the other thread
        assert b.state.write_lock.acquire(timeout=0.05)
        b.state.write_lock.release()
        assert [c.id for c in list_cmocs(b, "r1")] == ["c1", "c2"]
    finally:
        release.set()
        holder.join()
