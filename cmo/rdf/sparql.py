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


# Virtuoso 7's parser refuses a GRAPH block of more than ~4,900 triples, and blank nodes in
# INSERT DATA (SPARQL 1.1 allows both); these forms are standard SPARQL for every server.
BLOCK_TRIPLES = 2000
TEMPLATE_TRIPLES = 300


def insert_data(graph: str, triples: Iterable[Triple], where: str | None = None) -> str:
    """An update putting `triples` into the named graph `graph` (only if `where` holds).

    Triples with blank nodes go in INSERT ... WHERE {} operations (a blank node's triples
    stay in one operation, so it stays one node); big data is split into blocks.
    """
    triples = list(triples)
    if where is not None:
        return f"INSERT {{ {_blocks(graph, triples)} }} WHERE {{ {where} }}"
    ground = [t for t in triples if not _blank(t)]
    parts = [f"INSERT DATA {{ {_blocks(graph, ground)} }}"] if ground or not triples else []
    parts += [f"INSERT {{ {_blocks(graph, group)} }} WHERE {{}}"
              for group in _by_blank_node([t for t in triples if _blank(t)])]
    return " ;\n".join(parts)


def delete_triples(graph: str, triples: Iterable[Triple]) -> str:
    """An update removing exactly these ground `triples` from `graph`, where GUARD holds (the
    caller's write puts its guard there, as in `update_text`)."""
    return f"DELETE {{ {_blocks(graph, list(triples))} }} WHERE {{ GUARD }}"


def _blank(t: Triple) -> bool:
    return isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)


def _blocks(graph: str, triples: list[Triple]) -> str:
    blocks = []
    for start in range(0, max(len(triples), 1), BLOCK_TRIPLES):
        body = serialize(triples[start:start + BLOCK_TRIPLES], format=RdfFormat.N_TRIPLES)
        assert body is not None
        blocks.append(f"GRAPH {NamedNode(graph)} {{\n{body.decode()}}}")
    return "\n".join(blocks)


def _by_blank_node(triples: list[Triple]) -> list[list[Triple]]:
    """Triples in groups of about `TEMPLATE_TRIPLES`, the triples of a blank node (and of the
    blank nodes linked to it) always in one group."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for t in triples:
        ends = [str(n) for n in (t.subject, t.object) if isinstance(n, BlankNode)]
        parent[root(ends[0])] = root(ends[-1])
    components: dict[str, list[Triple]] = {}
    for t in triples:
        node = t.subject if isinstance(t.subject, BlankNode) else t.object
        components.setdefault(root(str(node)), []).append(t)
    groups: list[list[Triple]] = []
    for component in components.values():
        if not groups or len(groups[-1]) + len(component) > TEMPLATE_TRIPLES:
            groups.append([])
        groups[-1].extend(component)
    return groups


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
