"""Running a caller's SPARQL query for the SPARQL 1.1 Protocol endpoint, read-only and scoped.

The caller's dataset is exactly the review graphs they may read: both the default graph (their
union) and the named graphs are set by us, which overrides any FROM / FROM NAMED in the query, so
no query can reach another review or the system graph. Updates are refused before they run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

from cmo.errors import ParseError, Problem, UnsupportedFormat, UpdateRefused
from cmo.store import Store

RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\s[^\n]*\s*)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|"
                     r"COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


def choose_media(accept: str, offered: Sequence[str], default: str) -> str:
    """The first media type in an Accept header that we offer (quality values respected)."""
    ranked = []
    for n, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((-q, n, media.strip().lower()))
    for _, _, media in sorted(ranked):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*", ""):
            return default
    if not accept.strip():
        return default
    raise UnsupportedFormat(f"Cannot answer in {accept!r}.", [Problem(
        field="Accept", reason=f"use one of: {', '.join(offered)}")])


def run_protocol_query(store: Store, query: str, graphs: Sequence[str],
                       accept: str = "", timeout: float | None = None) -> tuple[bytes, str]:
    """Run a read-only query over `graphs` and serialise the answer as `accept` asks.

    This runs the query in this process: callers' queries go through `cmo.store.sandbox`, which
    checks them (`cmo.rdf.guards`) and runs them where they can be stopped.
    """
    if _UPDATE.match(query):
        raise UpdateRefused("This endpoint is read-only: SPARQL Update is refused.",
                            [Problem(field="query", reason="send SELECT, ASK, CONSTRUCT or "
                                                           "DESCRIBE")])
    try:
        result = store.protocol_query(query, graphs, timeout)
    except SyntaxError as exc:
        # Oxigraph puts the position of a query error in the message: "error at 3:1: ...".
        where = re.match(r"error at (\d+):(\d+): (.*)", exc.msg, re.DOTALL)
        line, column = (int(where[1]), int(where[2])) if where else (exc.lineno, exc.offset)
        reason = where[3] if where else exc.msg
        reason = reason if len(reason) <= 200 else reason[:200] + "…"
        raise ParseError("query", reason, line, column,
                         summary="The SPARQL query has a syntax error.") from exc
    if isinstance(result, ox.QueryTriples | list):
        media = choose_media(accept, list(GRAPH_TYPES), "text/turtle")
        data = ox.serialize(list(result), format=GRAPH_TYPES[media]) or b""
        return data, media
    media = choose_media(accept, list(RESULT_TYPES), "application/sparql-results+json")
    out = result.serialize(format=RESULT_TYPES[media])
    assert isinstance(out, bytes)
    return out, media
