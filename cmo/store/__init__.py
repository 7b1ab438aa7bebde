"""Graph stores: where a review's triples live, chosen by one URL-like setting.

- ``oxigraph:PATH`` — embedded Oxigraph on disk (the default, ``oxigraph:./cmo-data``);
- ``memory:`` — embedded Oxigraph in memory, for tests and notebooks;
- ``sparql+http://host:port[/path]`` — a SPARQL server shared by a team (`cmo.store.remote`);
- ``virtuoso+http://host:port[/path]`` — Virtuoso 7, whose quirks it works around
  (`cmo.store.virtuoso`).

The write path and its cross-process lock (`writes`), idempotent writes (`idempotency`), the
SPARQL Protocol answers (`protocol`) and the worker processes that run callers' queries
(`sandbox`) live beside them.

>>> store = open_store("memory:")
>>> store.select("SELECT ?x WHERE { VALUES ?x { 1 } }")[0]["x"].value
'1'
"""

from __future__ import annotations

from pathlib import Path

from cmo.errors import InvalidInput, Problem
from cmo.settings import DEFAULT_STORE, Settings
from cmo.store.base import OxigraphStore, Row, Store, Term

__all__ = ["DEFAULT_STORE", "OxigraphStore", "Row", "Store", "Term", "open_store"]


def open_store(url: str | None = None) -> Store:
    """Open the store named by `url`, `$CMO_STORE`, or the default ``oxigraph:./cmo-data``."""
    url = url or Settings().store
    scheme, _, rest = url.partition(":")
    if scheme == "memory" and not rest:
        return OxigraphStore(None)
    if scheme == "oxigraph" and rest:
        return OxigraphStore(Path(rest).expanduser())
    if scheme in ("sparql+http", "sparql+https"):
        from cmo.store.remote import SparqlStore

        return SparqlStore(url)
    if scheme in ("virtuoso+http", "virtuoso+https"):
        from cmo.store.virtuoso import VirtuosoStore

        return VirtuosoStore(url)
    raise InvalidInput(f"Unknown store {url!r}.", [Problem(
        field="store", reason="use oxigraph:PATH (embedded), memory: (throw-away), "
                              "sparql+http://host:port (a SPARQL server) or "
                              "virtuoso+http://host:port (Virtuoso 7)")])
