"""The pre-parse guards: nesting counted like a parser would, SERVICE found in any spelling."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cmo.errors import ParseError, QueryRefused
from cmo.rdf.guards import (
    algebra_uses_service,
    check_query_text,
    check_rdf_body,
    json_depth,
    mentions_service,
    nesting_depth,
    refuse_federation,
)


@pytest.mark.parametrize(("text", "depth"), [
    ("SELECT * WHERE { }", 1),
    ("SELECT * WHERE { FILTER(?a = '{{{{') }", 2),
    ('SELECT * WHERE { ?s ?p """ {{{ \n ((( """ }', 1),
    ("SELECT * WHERE { # {{{{{ \n ?s ?p ?o }", 1),
    ("SELECT * WHERE { ?s <http://x/((a)#[b]> ?o }", 1),
    ("<< << <urn:a> <urn:b> <urn:c> >> <urn:b> <urn:c> >> <urn:p> 1 .", 2),
    ("<urn:a> <urn:p> [ <urn:q> ( 1 2 ( 3 ) ) ] .", 3),
], ids=["empty", "string", "long-string", "comment", "iri", "quoted", "turtle"])
def test_nesting_depth_skips_what_cannot_nest(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_json_depth_skips_strings() -> None:
    assert json_depth(b'{"a": ["{[{[", {"b": "\\"]]]"}]}') == 3


def test_escaped_braces_count_as_braces() -> None:
    with pytest.raises(QueryRefused, match="nested"):
        check_query_text("SELECT * WHERE " + "\\u007B" * 70 + "\\u007D" * 70)


def test_unary_runs_are_capped() -> None:
    check_query_text("SELECT * WHERE { FILTER(!!true) }")
    with pytest.raises(QueryRefused, match="unary"):
        check_query_text("SELECT * WHERE { FILTER(" + "! " * 17 + "true) }")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://a/> { ?s ?p ?o } }",
    "SELECT * WHERE { service\tsilent <http://a/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://a/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\U00000053ERVICE <http://a/> { ?s ?p ?o } }",
    "SELECT * WHERE { OPTIONAL { { SELECT * WHERE { SERVICE ?e { ?s ?p ?o } } } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { SERVICE <http://a/> { ?s ?p ?o } } }",
], ids=["plain", "silent", "u-escape", "U-escape", "subquery", "filter-exists"])
def test_service_is_found_in_every_spelling(query: str) -> None:
    assert mentions_service(query)
    assert algebra_uses_service(query) is True
    with pytest.raises(QueryRefused, match="SERVICE"):
        refuse_federation(query)


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p 'SERVICE' }",
    "PREFIX ex: <http://ex/> SELECT * WHERE { ex:SERVICE ?p ?o }",
    "SELECT * WHERE { ?s ?p <http://ex/SERVICE> } # SERVICE <http://a/>",
], ids=["variable-and-string", "prefixed-name", "iri-and-comment"])
def test_service_as_a_name_or_in_text_is_allowed(query: str) -> None:
    assert not mentions_service(query)
    assert algebra_uses_service(query) is False
    refuse_federation(query)


def test_algebra_check_cannot_tell_on_rdflib_syntax_it_lacks() -> None:
    assert algebra_uses_service("SELECT * WHERE { ?s ?p ?o } garbage") is None


def test_deep_jsonld_is_refused_before_parsing() -> None:
    body = b'{"@id":"urn:a","urn:p":' + b'{"urn:p":' * 5000 + b"1" + b"}" * 5001
    with pytest.raises(ParseError, match="nesting"):
        check_rdf_body(body, ox.RdfFormat.JSON_LD, "deep.jsonld")
