"""The `Store` interface, and embedded Oxigraph (on disk or in memory) behind it.

Every store answers SPARQL with values bound (never pasted into query text), applies each update
atomically, and keeps each review in its own named graph. A remote SPARQL backend implements the
same `Store` interface.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from cmo.errors import StoreError, StoreLocked
from cmo.store.state import StoreState

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term | None]


class Store(ABC):
    """A quad store that realist-kg reads with SPARQL and writes atomically."""

    url: str
    #: Whether other processes may write to the same data (then writers lock across processes).
    shared: bool = False
    #: Counts this process's writes, so readers in other processes know when to look again.
    generation: int = 0
    #: Where review index snapshots are kept (`cmo.review.snapshots`); None: nowhere.
    index_dir: str | None = None
    _state: StoreState

    @property
    def state(self) -> StoreState:
        """This process's caches and locks for this store (`cmo.store.state`)."""
        try:
            return self._state
        except AttributeError:  # the first use; of two threads here at once, the first wins
            state: StoreState = self.__dict__.setdefault("_state", StoreState())
            return state

    @abstractmethod
    def select(self, query: str, bindings: Mapping[str, Term] | None = None,
               graphs: Sequence[str] | None = None) -> list[Row]:
        """Run a SELECT; `graphs` limits the default graph to the union of those named graphs."""

    @abstractmethod
    def construct(self, query: str, bindings: Mapping[str, Term] | None = None,
                  graphs: Sequence[str] | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT (or DESCRIBE) and return its triples."""

    @abstractmethod
    def graph_triples(self, graph: str) -> Iterator[tuple[Term, ox.NamedNode, Term]]:
        """Every triple of one named graph, as fast as the backend can scan it."""

    @abstractmethod
    def protocol_query(self, query: str, graphs: Sequence[str], timeout: float | None = None
                       ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]:
        """Run a caller's query with both the default and the named graphs set to `graphs`.

        `timeout` bounds the wait where the backend can stop waiting (a remote server).
        """

    @abstractmethod
    def update(self, update: str) -> None:
        """Apply a SPARQL Update as one transaction: all of it or none of it."""

    @abstractmethod
    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads as one transaction."""

    def load_triples(self, graph: str, triples: Sequence[ox.Triple], *,
                     bulk: bool = False, ntriples: str = "",
                     also: Sequence[ox.Quad] = ()) -> None:
        """Add many triples to one named graph as one transaction (`bulk`: faster, not one).

        `ntriples` is more triples as N-Triples text, and `also` quads for other graphs (such as
        bookkeeping in the system graph), added in the same transaction.
        """
        g = ox.NamedNode(graph)
        parsed = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES) if ntriples else ()
        self.add_quads([*(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples),
                        *(ox.Quad(q.subject, q.predicate, q.object, g) for q in parsed), *also])

    @abstractmethod
    def dump(self, fmt: ox.RdfFormat, graph: str | None = None,
             prefixes: Mapping[str, str] | None = None) -> bytes:
        """Serialise one named graph (triples) or, with no graph, the whole dataset (quads)."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the named graphs in the store."""

    def close(self) -> None:  # noqa: B027 - optional for backends with nothing to release
        """Release the store (files, connections)."""

    def identity(self) -> str | None:
        """What tells this store's data from another's at the same place; None if unknown."""
        return None


class OxigraphStore(Store):
    """Embedded Oxigraph, on disk (durable) or in memory."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.url = f"oxigraph:{path}" if path is not None else "memory:"
        #: The folder of an on-disk store; None in memory.
        self.path = str(path) if path is not None else None
        self.index_dir = f"{self.path}.index" if self.path is not None else None
        self._read_only = False
        try:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLocked(
                    f"The store at {path} is open in another process (a running `cmo serve` "
                    "or import). An embedded store has one writer: stop the other process, or "
                    "share a SPARQL server between processes (README: Running for a team)."
                ) from exc
            raise StoreError(f"Cannot open the graph store at {path}: {exc}") from exc

    @classmethod
    def read_only(cls, path: str) -> OxigraphStore:
        """The on-disk store at `path`, opened for reading beside the process that writes it.

        It sees what was committed when it was opened; open it again to see later writes.
        """
        store = cls.__new__(cls)
        store.url, store.path, store._read_only = f"oxigraph:{path}", path, True
        store.index_dir = f"{path}.index"
        try:
            store._store = ox.Store.read_only(path)
        except OSError as exc:
            raise StoreError(f"Cannot read the graph store at {path}: {exc}") from exc
        return store

    def _query(self, query: str, bindings: Mapping[str, Term] | None,
               graphs: Sequence[str] | None) -> object:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in (bindings or {}).items()}
        if graphs is None:
            return self._store.query(query, substitutions=substitutions,
                                     use_default_graph_as_union=True)
        return self._store.query(query, substitutions=substitutions,
                                 default_graph=[ox.NamedNode(g) for g in graphs] or
                                 [ox.NamedNode("urn:realist-kg:empty")])

    def select(self, query: str, bindings: Mapping[str, Term] | None = None,
               graphs: Sequence[str] | None = None) -> list[Row]:
        """Run a SELECT; `graphs` limits the default graph to the union of those named graphs."""
        solutions = self._query(query, bindings, graphs)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names} for s in solutions]

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None,
                  graphs: Sequence[str] | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT (or DESCRIBE) and return its triples."""
        triples = self._query(query, bindings, graphs)
        assert isinstance(triples, ox.QueryTriples)
        return list(triples)

    def graph_triples(self, graph: str) -> Iterator[tuple[Term, ox.NamedNode, Term]]:
        """Every triple of one named graph (a direct index scan, no SPARQL)."""
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield quad.subject, quad.predicate, quad.object  # type: ignore[misc]

    def protocol_query(self, query: str, graphs: Sequence[str], timeout: float | None = None
                       ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a caller's query with both the default and the named graphs set to `graphs`.

        Oxigraph cannot stop a running query: `timeout` is not applied here (`cmo.store.sandbox`
        runs callers' queries in processes it can stop).
        """
        nodes = [ox.NamedNode(g) for g in graphs] or [ox.NamedNode("urn:realist-kg:empty")]
        result = self._store.query(query, default_graph=list(nodes), named_graphs=list(nodes))
        assert isinstance(result, ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples)
        return result

    def update(self, update: str) -> None:
        """Apply a SPARQL Update as one transaction: all of it or none of it."""
        self.generation += 1
        try:
            self._store.update(update)
        except OSError as exc:
            raise StoreError(f"The store refused an update: {exc}") from exc

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads as one transaction."""
        self.generation += 1
        try:
            self._store.extend(quads)
        except OSError as exc:
            raise StoreError(f"The store refused a write: {exc}") from exc

    def load_triples(self, graph: str, triples: Sequence[ox.Triple], *,
                     bulk: bool = False, ntriples: str = "",
                     also: Sequence[ox.Quad] = ()) -> None:
        """Add many triples to one named graph as one transaction (`bulk`: faster, not one).

        `ntriples` is more triples as N-Triples text, and `also` quads for other graphs, loaded
        in the same transaction. Parsing N-Triples inside Oxigraph is ~2x faster than a SPARQL
        INSERT DATA or `extend`.
        """
        g = ox.NamedNode(graph)
        if also:  # several graphs in one load: everything as N-Quads (each line ends " .\n")
            quads = [*(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples), *also]
            data = ((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode()
                    + ntriples.replace(" .\n", f" {g} .\n"))
            kwargs: dict[str, object] = {"format": ox.RdfFormat.N_QUADS}
        else:
            data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode() \
                + ntriples
            kwargs = {"format": ox.RdfFormat.N_TRIPLES, "to_graph": g}
        load = self._store.bulk_load if bulk else self._store.load
        self.generation += 1
        try:
            load(data, **kwargs)  # type: ignore[arg-type]
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"The store refused a write: {exc}") from exc

    def replace_graph(self, graph: str, triples: Sequence[ox.Triple]) -> None:
        """Make one named graph hold exactly `triples` (one transaction)."""
        node = ox.NamedNode(graph)
        self.generation += 1
        self._store.clear_graph(node) if self._store.contains_named_graph(node) else None
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in triples)

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None,
             prefixes: Mapping[str, str] | None = None) -> bytes:
        """Serialise one named graph (triples) or, with no graph, the whole dataset (quads)."""
        kwargs: dict[str, object] = {"format": fmt}
        if graph is not None:
            kwargs["from_graph"] = ox.NamedNode(graph)
        if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            kwargs["prefixes"] = dict(prefixes)
        data = self._store.dump(**kwargs)  # type: ignore[arg-type]
        assert isinstance(data, bytes)
        return data

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs in the store."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def identity(self) -> str | None:
        """The id RocksDB gave the store's files when it made them (its IDENTITY file): a store
        deleted and made again at the same path has another. None in memory."""
        if self.path is None:
            return None
        try:
            with open(os.path.join(self.path, "IDENTITY"), "rb") as f:
                found = f.read(200).decode("ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return found or None

    def close(self) -> None:
        """Flush and drop the handle so another process may open the files."""
        if self._store is not None:
            if self.path is not None and not self._read_only:
                self._store.flush()
            del self._store
            self._store = None  # type: ignore[assignment]
