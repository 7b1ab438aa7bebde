"""SPARQL text: the `.rq` files in `cmo/queries/`, and writes with their terms bound safely.

Queries are run with values bound by the store (``bindings``). Updates cannot be bound that way by
every engine, so `bind_update` puts each bound term in as the RDF library serialises it (an IRI
that pyoxigraph has checked, a literal it has escaped), never as raw text.

>>> from pyoxigraph import Literal
>>> bind_update("INSERT DATA { <urn:a> <urn:b> ?v }", {"v": Literal('say "hi"')})
'INSERT DATA { <urn:a> <urn:b> "say \\\\"hi\\\\"" }'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from cmo.model.namespace import PREFIXES, SYS_IRI

QUERY_DIR = Path(__file__).parent / "queries"
# `sys:` names the service's own bookkeeping (tokens, write receipts), never review data.
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in {
    **PREFIXES, "sys": SYS_IRI}.items())


@cache
def _body(name: str) -> str:
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")


def query_text(name: str) -> str:
    """The text of `cmo/queries/{name}.rq`, with the standard prefixes in front."""
    return PROLOGUE + _body(name)


def bind_update(update: str, bindings: Mapping[str, NamedNode | Literal | BlankNode]) -> str:
    """Replace each bound variable ``?name`` in an update with its serialised term."""
    def term(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(bindings[name]) if name in bindings else match.group(0)

    return re.sub(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", term, update)


def insert_data(graph: str, triples: Iterable[Triple], where: str | None = None) -> str:
    """An update putting `triples` into the named graph `graph` (only if `where` holds)."""
    body = serialize(list(triples), format=RdfFormat.N_TRIPLES)
    assert body is not None
    block = f"GRAPH {NamedNode(graph)} {{\n{body.decode()}}}"
    if where is None:
        return f"INSERT DATA {{ {block} }}"
    return f"INSERT {{ {block} }} WHERE {{ {where} }}"


def update_text(name: str, bindings: Mapping[str, NamedNode | Literal | BlankNode]) -> str:
    """The update in `cmo/queries/{name}.rq` with its variables bound (no prefixes yet).

    Comment lines are dropped: the update is spliced into a larger request.
    """
    body = "\n".join(line for line in _body(name).splitlines()
                     if not line.lstrip().startswith("#"))
    return bind_update(body, bindings)


def join_updates(*parts: str) -> str:
    """Several update operations as one request (one transaction), prefixes declared once."""
    return PROLOGUE + " ;\n".join(p.strip().rstrip(";") for p in parts if p)
