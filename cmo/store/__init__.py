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

import hashlib
from pathlib import Path

from pydantic import ValidationError

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
        return _with_index_dir(OxigraphStore(Path(rest).expanduser()))
    if scheme in ("sparql+http", "sparql+https"):
        from cmo.store.remote import SparqlStore

        return _with_index_dir(SparqlStore(url))
    if scheme in ("virtuoso+http", "virtuoso+https"):
        from cmo.store.virtuoso import VirtuosoStore

        return _with_index_dir(VirtuosoStore(url))
    raise InvalidInput(f"Unknown store {url!r}.", [Problem(
        field="store", reason="use oxigraph:PATH (embedded), memory: (throw-away), "
                              "sparql+http://host:port (a SPARQL server) or "
                              "virtuoso+http://host:port (Virtuoso 7)")])


def _with_index_dir(store: Store) -> Store:
    """`store` with the snapshot folder CMO_INDEX_DIR names (`off`: none); unset, an embedded
    store keeps its own (beside it) and a remote one has none."""
    try:
        setting = Settings().index_dir
    except ValidationError:  # another variable is wrong; whoever reads it says so
        return store
    if setting == "off":
        store.index_dir = None
    elif setting:
        # One folder may serve several stores: each gets its own sub-folder.
        name = hashlib.sha256(store.url.encode()).hexdigest()[:16]
        store.index_dir = str(Path(setting).expanduser() / name)
    return store
