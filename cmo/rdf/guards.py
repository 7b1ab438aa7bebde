"""Checks that run before any parser sees a caller's text: size, nesting, and federation.

Oxigraph's SPARQL and JSON-LD parsers recurse on nesting, and a few kilobytes of nested brackets
overflow their stack: the process dies with a segfault, not an exception. So every query and
every RDF body is first scanned here, in linear time, by a lexer that skips what cannot nest
(strings, IRIs, comments), and refused when it is too long or too deep. The limits are in
`cmo.limits`.

`SERVICE` (SPARQL federation) is refused whatever its spelling: the query is parsed into the
SPARQL algebra (rdflib) and searched for a service pattern; a keyword scan of the unescaped text
backs that up, so a query the two parsers read differently is still refused.

>>> nesting_depth("SELECT * WHERE { { ?s ?p '}}}' } }")
2
>>> check_query_text("SELECT * WHERE " + "{" * 100 + "}" * 100)
Traceback (most recent call last):
...
cmo.errors.QueryRefused: The query is nested 100 deep; the limit is 64.
  - query: simplify the query (limit 'nesting')
>>> mentions_service("SELECT * WHERE { \\\\u0053ERVICE <http://x/> { ?s ?p ?o } }")
True
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from cmo.errors import ParseError, Problem, QueryRefused
from cmo.limits import LIMITS, Limits

# Tokens that cannot hold a bracket that nests: comments, IRIs, the four kinds of string.
_OPAQUE = re.compile(rb"""
      \#[^\n\r]*
    | <[^<>"{}|^`\\\x00-\x20]*>
    | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
    | '''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''
    | "[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"
    | '[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'
""", re.VERBOSE)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_KEEP_BRACKETS = bytes(range(256)).translate(None, b"{}[]()")
_UNARY_RUN = re.compile(rb"(?:[!^+\-]\s*){%d,}")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile(rb"(?<![\w?$:.\-])SERVICE(?![\w:\-])", re.IGNORECASE)
_OPENERS = frozenset(b"{[(")
_TOKEN = re.compile(rb"[\w?$:.\-]+|[^\s\w]")


def _max_depth(brackets: bytes) -> int:
    depth = deepest = 0
    for byte in brackets:
        if byte in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _bare(data: bytes) -> tuple[bytes, int]:
    """The text with comments, IRIs and strings blanked and quoted triples as brackets, and how
    many tokens were blanked."""
    blanked, count = _OPAQUE.subn(b" ", data)
    return blanked.replace(b"<<", b"(").replace(b">>", b")"), count


def nesting_depth(text: str | bytes) -> int:
    """How deeply brackets nest in SPARQL, Turtle or TriG text (strings and IRIs skipped)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return _max_depth(_bare(data)[0].translate(None, _KEEP_BRACKETS))


def json_depth(data: bytes) -> int:
    """How deeply objects and arrays nest in a JSON document (strings skipped)."""
    return _max_depth(_JSON_STRING.sub(b"", data).translate(None, _KEEP_BRACKETS))


def _unescape(query: str) -> str:
    """The query with SPARQL's \\u and \\U escapes applied, as a SPARQL parser reads it first."""
    def char(match: re.Match[str]) -> str:
        code = int(match[1] or match[2], 16)
        return chr(code) if code <= sys.maxunicode else match[0]

    return _ESCAPE.sub(char, query)


def check_query_text(query: str, limits: Limits = LIMITS) -> None:
    """Refuse a query too long, too deeply nested or with a long run of unary operators."""
    if len(query) > limits.query_chars:
        raise QueryRefused(
            f"The query is {len(query)} characters long; the limit is {limits.query_chars}.",
            [Problem(field="query", reason="send a shorter query (limit 'query_chars')")])
    text = _unescape(query).encode("utf-8", "surrogatepass")
    bare, opaque = _bare(text)
    tokens = opaque + len(_TOKEN.findall(bare))
    if tokens > limits.query_tokens:
        raise QueryRefused(f"The query has {tokens} words and symbols; the limit is "
                           f"{limits.query_tokens}.", [Problem(
                               field="query", reason="send a shorter query (limit "
                                                     "'query_tokens')")])
    depth = _max_depth(bare.translate(None, _KEEP_BRACKETS))
    if depth > limits.nesting:
        raise QueryRefused(f"The query is nested {depth} deep; the limit is {limits.nesting}.",
                           [Problem(field="query", reason="simplify the query (limit 'nesting')")])
    run = re.compile(_UNARY_RUN.pattern % (limits.unary_run + 1)).search(bare)
    if run:
        raise QueryRefused(f"The query chains more than {limits.unary_run} unary operators.",
                           [Problem(field="query", reason="simplify the expression "
                                                          "(limit 'unary_run')")])


def mentions_service(query: str) -> bool:
    """Whether SERVICE stands as a keyword in the query, after escapes, strings and comments."""
    bare, _ = _bare(_unescape(query).encode("utf-8", "surrogatepass"))
    return _SERVICE.search(bare) is not None


def _names(node: Any) -> set[str]:
    from rdflib.plugins.sparql.parserutils import CompValue

    names, stack = set(), [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            names.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return names


def _in_big_stack(work: Callable[[], Any]) -> Any:
    """Run `work` in a thread with room to recurse: rdflib's parser recurses on every level."""
    result: dict[str, Any] = {}

    def run() -> None:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))
        try:
            result["value"] = work()
        except BaseException as exc:
            result["error"] = exc

    size = threading.stack_size(256 * 1024 * 1024)
    try:
        thread = threading.Thread(target=run, name="sparql-parse")
        thread.start()
    finally:
        threading.stack_size(size)
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


@lru_cache(maxsize=512)
def algebra_uses_service(query: str) -> bool | None:
    """Whether the query's SPARQL algebra holds a SERVICE pattern; None if rdflib cannot parse
    it (Oxigraph's parser then has the last word on its syntax)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = _in_big_stack(lambda: translateQuery(parseQuery(query)).algebra)
    except Exception:
        return None
    return any("Service" in name for name in _names(algebra))


def refuse_federation(query: str) -> None:
    """Refuse a query that uses SERVICE, decided from its algebra and backed by a keyword scan."""
    if algebra_uses_service(query) or mentions_service(query):
        raise QueryRefused("SERVICE (federated query) is not allowed here.", [Problem(
            field="query", reason="query the reviews in this service only; remove SERVICE")])


def check_rdf_body(data: bytes, fmt: ox.RdfFormat, source: str,
                   limits: Limits = LIMITS) -> None:
    """Refuse an RDF file nested deeper than the limit, before a parser sees it."""
    depth = json_depth(data) if fmt == ox.RdfFormat.JSON_LD else nesting_depth(data)
    if depth > limits.nesting:
        raise ParseError(source, f"nested {depth} deep; the limit is {limits.nesting} "
                                 "(limit 'nesting')")


def check_json_body(data: bytes, source: str = "body", limits: Limits = LIMITS) -> None:
    """Refuse a JSON body nested deeper than the limit, before a parser sees it."""
    depth = json_depth(data)
    if depth > limits.nesting:
        raise ParseError(source, f"nested {depth} deep; the limit is {limits.nesting} "
                                 "(limit 'nesting')",
                         summary=f"The {source} is nested too deeply to read.")
