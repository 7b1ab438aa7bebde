"""Virtuoso 7 as a remote store: ``virtuoso+http://[user:password@]host:port[/path]``.

Queries and updates both go to ``/sparql`` (or the path given); the server must grant
``SPARQL_UPDATE`` to the user it runs updates as (docs/triplestores.md). What differs from a plain
SPARQL 1.1 server, and what this class does about it (each measured on Virtuoso 7.2.5):

- its JSON results name a blank node ``nodeID://b10003`` (not a valid blank node label) and
  give a boolean as ``"1"``/``"0"``: rewritten to ``b10003`` and ``true``/``false`` before parsing;
- the endpoint compiles each constant triple of INSERT DATA into SQL (1,000 triples: 1.8 s, and
  over ~1,200 it refuses); ``define sql:big-data-const 1`` passes them as data (12,000: 1.9 s);
- it cuts every answer at ``ResultSetMaxRows`` (Debian: 10,000) without an error: a SELECT so cut
  (it says so in a header) and a graph read short of its count raise StoreError instead;
- it keeps its own graphs (RDF views, WebDAV, two vocabularies) beside ours: `graphs` leaves them
  out, so dumps and tests never touch them.

The rest is standard SPARQL that every server takes (`cmo.rdf.sparql.insert_data`: blocks of
2,000 triples, blank nodes in INSERT ... WHERE {}; guards that Virtuoso evaluates correctly).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from cmo.errors import StoreError
from cmo.store.base import Term
from cmo.store.remote import SparqlStore

# Graphs a fresh Virtuoso 7 holds for itself (its RDF views, WebDAV, the endpoint's service
# description and two vocabularies): never a review's, never dropped or dumped by realist-kg.
_OWN_GRAPH = re.compile(r"http://www\.openlinksw\.com/schemas/virtrdf#|http://www\.w3\.org/ns/ldp#|"
                        r"http://www\.w3\.org/2002/07/owl#|https?://[^/]+/(?:DAV/|sparql)$")
# Virtuoso writes these JSON members itself, always spaced so; a string value in the results
# cannot contain them (its quotes would be escaped).
_BNODE = re.compile(rb'("type": "bnode", "value": ")nodeID://')
_BOOLEAN = re.compile(rb'(XMLSchema#boolean", "value": ")([01])"')
_DATA = "define sql:big-data-const 1\n"


class VirtuosoStore(SparqlStore):
    """Virtuoso 7's SPARQL endpoint, where queries and updates share one path."""

    def __init__(self, url: str, *, token: str | None = None, timeout: float = 60.0) -> None:
        parts = urlsplit(url.removeprefix("virtuoso+"))
        path = parts.path.rstrip("/") or "/sparql"
        netloc = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
        endpoint = urlunsplit((parts.scheme, netloc, path, "", ""))
        super().__init__("sparql+" + urlunsplit((parts.scheme, parts.netloc, path, "", "")),
                         query_url=endpoint, update_url=endpoint, token=token, timeout=timeout)
        self.url = url

    def _json(self, content: bytes) -> bytes:
        content = _BNODE.sub(rb"\1", content)
        return _BOOLEAN.sub(lambda m: m[1] + (b'true"' if m[2] == b"1" else b'false"'), content)

    def _post_query(self, query: str, accept: str, graphs: Sequence[str] | None,
                    named: Sequence[str] | None = None,
                    timeout: float | None = None) -> httpx.Response:
        response = super()._post_query(query, accept, graphs, named, timeout)
        if "x-sparql-maxrows" in response.headers:
            raise _cut(response.headers["x-sparql-maxrows"])
        return response

    def _whole_graph(self, graph: str) -> list[ox.Triple]:
        # A CONSTRUCT that Virtuoso cut at its row limit says nothing: check the count.
        triples = self.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graphs=[graph])
        count = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graphs=[graph])
        if count[0]["n"] is None or int(count[0]["n"].value) != len(triples):
            raise _cut(str(len(triples)))
        return triples

    def graph_triples(self, graph: str) -> Iterator[tuple[Term, ox.NamedNode, Term]]:
        """Every triple of one named graph, or StoreError if Virtuoso cut the answer."""
        for t in self._whole_graph(graph):
            yield t.subject, t.predicate, t.object  # type: ignore[misc]

    def update(self, update: str) -> None:
        """Send one SPARQL Update request, its constant data passed as data (not as SQL).

        Virtuoso compiles the whole request before it runs any of it, so a request it refuses
        changes nothing; but it does not undo the operations already run when a later one fails
        (docs/triplestores.md: what is atomic on Virtuoso).
        """
        super().update(_DATA + update)

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None,
             prefixes: Mapping[str, str] | None = None) -> bytes:
        """Serialise one named graph, or every named graph as quads (each read checked)."""
        if graph is not None:
            triples = self._whole_graph(graph)
            return ox.serialize(triples, format=fmt, prefixes=dict(prefixes or {})) or b""
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                 for g in self.graphs() for t in self._whole_graph(g)]
        return ox.serialize(sorted(quads, key=str), format=fmt) or b""

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs on the server, without Virtuoso's own."""
        return [g for g in super().graphs() if not _OWN_GRAPH.match(g)]


def _cut(rows: str) -> StoreError:
    return StoreError(f"Virtuoso cut an answer at {rows} rows, its ResultSetMaxRows: raise it in "
                      "the [SPARQL] section of virtuoso.ini (docs/triplestores.md).")
