"""What this process keeps about one open store: review indexes, remembered answers, recognised
tokens and the write locks.

It hangs off the store (`Store.state`), not off a module: two stores open in one process (two
knowledge graphs, or a test's store beside the service's) share no cache and no lock, and all of
it goes when the store goes.

>>> from cmo.store import open_store
>>> a, b = open_store("memory:"), open_store("memory:")
>>> a.state is a.state, a.state is b.state
(True, False)
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class StoreState:
    """The caches and locks of one open store, in this process."""

    #: Guards the dictionaries below: they are read and filled from many threads.
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Held while a writer reads, checks and writes (re-entrant: one write may call another).
    write_lock: threading.RLock = field(default_factory=threading.RLock)
    #: Per thread, the reviews whose cross-process lock that thread holds (``held.reviews``).
    held: threading.local = field(default_factory=threading.local)
    #: Review id -> its index (`cmo.review.index.ReviewIndex`), read at a revision.
    indexes: dict[str, Any] = field(default_factory=dict)
    #: (question, review revisions) -> answer, oldest dropped first (`cmo.review.index`).
    answers: dict[Hashable, Any] = field(default_factory=dict)
    #: Token hash -> (principal, trusted until): recognised bearer tokens (`cmo.review.tokens`).
    tokens: dict[str, tuple[Any, float]] = field(default_factory=dict)

    def held_reviews(self) -> set[str]:
        """The reviews whose cross-process write lock the calling thread holds."""
        if not hasattr(self.held, "reviews"):
            self.held.reviews = set()
        reviews: set[str] = self.held.reviews
        return reviews
