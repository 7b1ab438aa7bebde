"""`cmo.open(url)`: the realist reviews in one graph store, as one object.

>>> import cmo
>>> with cmo.open("memory:") as kg:
...     review = kg.reviews.create(id="ps", title="Peer support")
...     [r.title for r in kg.reviews.list()]
['Peer support']
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

from cmo.errors import StoreError
from cmo.graph.ask import Questions
from cmo.graph.parts import built
from cmo.graph.review_graph import ReviewGraph
from cmo.model.records import Review
from cmo.questions.stats import ReviewStats, review_stats
from cmo.rdf.provenance import acting_as
from cmo.review.reviews import (
    create_review,
    delete_review,
    get_review,
    list_reviews,
    review_exists,
    update_review,
)
from cmo.store import Store, open_store


def open(url: str | None = None) -> KnowledgeGraph:
    """Open the knowledge graph in the store at `url`.

    ``oxigraph:PATH`` (embedded, on disk), ``memory:`` (throw-away) or
    ``sparql+http://host:port`` (a SPARQL server shared by a team); by default
    ``$CMO_STORE``, else ``oxigraph:./cmo-data``. Close it when done, or use ``with``.

    >>> import cmo
    >>> kg = cmo.open("memory:")
    >>> kg
    <KnowledgeGraph memory:>
    >>> kg.close()
    """
    return KnowledgeGraph(open_store(url))


class KnowledgeGraph:
    """The realist reviews in one graph store: `reviews`, `review(id)`, `ask`.

    Made by `cmo.open`. What it remembers (review indexes, answers, recognised tokens) and its
    write locks live with its store, so two knowledge graphs in one process share none of it.
    """

    def __init__(self, store: Store) -> None:
        self._store: Store | None = store
        #: Where the graph is stored (``memory:``, ``oxigraph:PATH``, ``sparql+http://…``).
        self.url = store.url
        #: The reviews in the graph.
        self.reviews = Reviews(self)

    @property
    def store(self) -> Store:
        """The open store, for the functions of `cmo.review`, `cmo.questions`, … that take one."""
        if self._store is None:
            raise StoreError(f"The knowledge graph at {self.url} is closed.")
        return self._store

    def review(self, review_id: str) -> ReviewGraph:
        """One review, by id (`reviews.create` makes a new one).

        >>> import cmo
        >>> kg = cmo.open("memory:")
        >>> _ = kg.reviews.create(id="ps", title="Peer support")
        >>> kg.review("ps").details().title
        'Peer support'
        """
        return ReviewGraph(self, review_id)

    @property
    def ask(self) -> Questions:
        """The realist questions across every review; ``ask.across("a", "b")`` for some.

        >>> import cmo
        >>> kg = cmo.open("memory:")
        >>> for rid in ("a", "b"):
        ...     _ = kg.reviews.create(id=rid, title=rid).cmocs.create(studies=["S"],
        ...         contexts=["rural"], mechanism="trust", outcomes=["uptake"])
        >>> [(row.context.label, row.cmocs) for row in kg.ask.context_mechanism_matrix().rows]
        [('rural', 1), ('rural', 1)]
        """
        return Questions(self, None)

    def stats(self) -> ReviewStats:
        """Counts over every review in the graph."""
        return review_stats(self.store)

    def acting_as(self, reviewer: str) -> AbstractContextManager[None]:
        """Record `reviewer` as the author of the writes made inside the ``with`` block."""
        return acting_as(reviewer)

    def close(self) -> None:
        """Release the store (an embedded store's files, a server's connections)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.url}>"


class Reviews:
    """The reviews in the graph (`kg.reviews`): ``"ps" in kg.reviews``, ``len(kg.reviews)``."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self._kg = kg

    def create(self, review: Review | None = None, /, **fields: Any) -> ReviewGraph:
        """Store a new review (a `Review`, or its fields) and answer it, ready to fill.

        AlreadyExists if the id is taken.

        >>> import cmo
        >>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
        >>> review
        <ReviewGraph 'ps' in memory:>
        """
        stored = create_review(self._kg.store, built(Review, review, fields))
        return self._kg.review(stored.id)

    def get(self, review_id: str) -> Review:
        """The review with this id (its title, question, visibility); NotFound if none."""
        return get_review(self._kg.store, review_id)

    def update(self, review_id: str, *, title: str | None = None, question: str | None = None,
               public: bool | None = None) -> Review:
        """Change a review's title, question or visibility (what is not given stays)."""
        return update_review(self._kg.store, review_id, title=title, question=question,
                             public=public)

    def delete(self, review_id: str) -> None:
        """Delete a review, everything in it, and the tokens issued for it."""
        delete_review(self._kg.store, review_id)

    def __contains__(self, review_id: object) -> bool:
        return isinstance(review_id, str) and review_exists(self._kg.store, review_id)

    def __iter__(self) -> Iterator[Review]:
        return iter(self.list())

    def __len__(self) -> int:
        return len(self.list())

    def list(self) -> list[Review]:
        """Every review in the graph, by id."""
        return list_reviews(self._kg.store)
