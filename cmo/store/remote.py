"""A remote store: any SPARQL 1.1 Protocol + Update server (Oxigraph server, Fuseki, GraphDB...).

Selected with ``sparql+http://[user:password@]host:port[/path]`` (or ``sparql+https://``). By
default queries go to ``{path}/query`` and updates to ``{path}/update`` (Oxigraph server's layout);
``CMO_STORE_QUERY_URL`` and ``CMO_STORE_UPDATE_URL`` name other endpoints (Fuseki:
``/ds/query``, ``/ds/update``; GraphDB: ``/repositories/r`` and ``/repositories/r/statements``),
and ``CMO_STORE_TOKEN`` sends a bearer token. Every write is one SPARQL Update request, so it is
atomic on the server (on Virtuoso, short of a crash mid-request: docs/triplestores.md); only
reads are retried. Virtuoso has its own class and URL form (`cmo.store.virtuoso`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from cmo.errors import ParseError, QueryTimeout, StoreError
from cmo.rdf.sparql import insert_data, join_updates
from cmo.settings import Settings
from cmo.store import Row, Store, Term

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_GRAPH_FORM = re.compile(r"(?:\s+|#[^\n]*|(?:PREFIX\s*[\w.-]*:|BASE)\s*<[^>]*>)*"
                         r"(?:CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_JSON = "application/sparql-results+json"
_NT = "application/n-triples"


def bind_query(query: str, bindings: Mapping[str, Term] | None) -> str:
    """Bind values by an inline VALUES block opening the WHERE clause (same answers as
    substituting them; terms are serialised by pyoxigraph, never pasted from raw text)."""
    if not bindings:
        return query
    match = _WHERE.search(query)
    if match is None:
        raise ValueError("a query with bound values needs a WHERE clause")
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return query[: match.end()] + block + query[match.end():]


class SparqlStore(Store):
    """A store behind the SPARQL 1.1 Protocol (queries, updates) on another server."""

    shared = True

    def __init__(self, url: str, *, query_url: str | None = None, update_url: str | None = None,
                 token: str | None = None, timeout: float = 60.0) -> None:
        self.url = url
        parts = urlsplit(url.removeprefix("sparql+"))
        auth = (parts.username or "", parts.password or "") if parts.username else None
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        base = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        settings = Settings()
        self.query_url = query_url or settings.store_query_url or f"{base}/query"
        self.update_url = update_url or settings.store_update_url or f"{base}/update"
        token = token or settings.store_token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
        # Reads are idempotent: the transport retries them when a connection fails.
        self._reads = httpx.Client(auth=auth, headers=headers, timeout=timeout, limits=limits,
                                   transport=httpx.HTTPTransport(retries=3, limits=limits))
        self._writes = httpx.Client(auth=auth, headers=headers, timeout=timeout, limits=limits)

    def _post_query(self, query: str, accept: str, graphs: Sequence[str] | None,
                    named: Sequence[str] | None = None,
                    timeout: float | None = None) -> httpx.Response:
        form: dict[str, str | list[str]] = {"query": query}
        # No dataset in the request: GRAPH ?g sees every graph (our queries with graphs=None
        # always use GRAPH). A dataset: its graphs, and any FROM in the query is overridden.
        if graphs is not None:
            form["default-graph-uri"] = list(graphs) or ["urn:realist-kg:empty"]
            if named:
                form["named-graph-uri"] = list(named)
        try:
            response = self._reads.post(self.query_url, data=form, headers={"Accept": accept},
                                        timeout=timeout or httpx.USE_CLIENT_DEFAULT)
        except httpx.TimeoutException as exc:
            raise QueryTimeout(f"The SPARQL server at {self.query_url} did not answer within "
                               f"{timeout or self._reads.timeout.read} s.") from exc
        except httpx.HTTPError as exc:
            raise StoreError(f"The SPARQL server at {self.query_url} did not answer: {exc}"
                             ) from exc
        if response.status_code == 400:
            raise ParseError("query", response.text[:300],
                             summary="The SPARQL server refused the query as malformed.")
        if response.status_code >= 300:
            raise StoreError(f"The SPARQL server refused a query ({response.status_code}): "
                             f"{response.text[:300]}")
        return response

    def _json(self, content: bytes) -> bytes:
        """SPARQL JSON results as the server sent them (a server with quirks rewrites them)."""
        return content

    def select(self, query: str, bindings: Mapping[str, Term] | None = None,
               graphs: Sequence[str] | None = None) -> list[Row]:
        """Run a SELECT; `graphs` limits the default graph to the union of those named graphs."""
        response = self._post_query(bind_query(query, bindings), _JSON, graphs)
        solutions = ox.parse_query_results(self._json(response.content),
                                           format=ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names} for s in solutions]

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None,
                  graphs: Sequence[str] | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT and return its triples."""
        response = self._post_query(bind_query(query, bindings), _NT, graphs)
        return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]

    def graph_triples(self, graph: str) -> Iterator[tuple[Term, ox.NamedNode, Term]]:
        """Every triple of one named graph."""
        for t in self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graphs=[graph]):
            yield t.subject, t.predicate, t.object  # type: ignore[misc]

    def protocol_query(self, query: str, graphs: Sequence[str], timeout: float | None = None
                       ) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
        """Run a caller's query with the default and named graphs set by the protocol; stop
        waiting after `timeout` seconds (the server stops it by its own timeout)."""
        # Ask for one media type, by the query's form: Virtuoso answers a CONSTRUCT asked for
        # in JSON with s/p/o bindings.
        accept = _NT if _GRAPH_FORM.match(query) else _JSON
        response = self._post_query(query, accept, graphs, graphs, timeout)
        try:
            if response.headers.get("content-type", "").startswith(_NT):
                return [q.triple for q in ox.parse(response.content,
                                                   format=ox.RdfFormat.N_TRIPLES)]
            return ox.parse_query_results(self._json(response.content),
                                          format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            # Oxigraph server ends an answer it cancelled at its timeout with a message.
            if b"cancelled" in response.content[-200:]:
                raise QueryTimeout("The SPARQL server stopped the query at its time limit."
                                   ) from exc
            raise StoreError(f"The SPARQL server's answer could not be read: {exc}") from exc

    def update(self, update: str) -> None:
        """Send one SPARQL Update request: the server applies it as one transaction."""
        try:
            response = self._writes.post(self.update_url, content=update.encode(), headers={
                "Content-Type": "application/sparql-update"})
        except httpx.HTTPError as exc:
            raise StoreError(f"The SPARQL server at {self.update_url} did not answer: {exc}. "
                             "The write may or may not have been applied.") from exc
        if response.status_code >= 300:
            raise StoreError(f"The SPARQL server refused an update ({response.status_code}): "
                             f"{response.text[:300]}")

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one update request (grouped by graph, serialised by pyoxigraph)."""
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in quads:
            if isinstance(q.graph_name, ox.DefaultGraph):
                raise StoreError("realist-kg keeps every triple in a named graph.")
            by_graph.setdefault(q.graph_name.value, []).append(q.triple)
        if by_graph:
            self.update(join_updates(*(insert_data(g, ts) for g, ts in by_graph.items())))

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None,
             prefixes: Mapping[str, str] | None = None) -> bytes:
        """Serialise one named graph, or every named graph as quads."""
        if graph is not None:
            triples = list(self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                          graphs=[graph]))
            return ox.serialize(triples, format=fmt, prefixes=dict(prefixes or {})) or b""
        quads = []
        for g in self.graphs():
            node = ox.NamedNode(g)
            quads += [ox.Quad(t.subject, t.predicate, t.object, node)
                      for t in self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                              graphs=[g])]
        return ox.serialize(sorted(quads, key=str), format=fmt) or b""

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs on the server."""
        response = self._post_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                    _JSON, graphs=None)
        solutions = ox.parse_query_results(self._json(response.content),
                                           format=ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        return sorted(s["g"].value for s in solutions if isinstance(s["g"], ox.NamedNode))

    def identity(self) -> str | None:
        """The server's URL: its revision tokens are trusted never to name two contents."""
        return self.url

    def close(self) -> None:
        """Close the HTTP connections."""
        self._reads.close()
        self._writes.close()
