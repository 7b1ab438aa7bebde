"""Importing RDF is all-or-nothing, lands in the review's graph, and persists on disk."""

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import cmo
from cmo.errors import UnsupportedFormat
from cmo.interchange.rdf_files import export_review, import_rdf, rdf_format
from cmo.questions.stats import review_stats
from cmo.review.cmocs import get_cmoc, list_cmocs
from cmo.review.reviews import list_reviews
from cmo.store import Store, open_store
from tests.builders import sample_review

pytestmark = pytest.mark.virtuoso  # the store's own suite: on Virtuoso too

GOOD_TTL = b"""@prefix rkg: <https://w3id.org/realist-kg/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <http://example.org/> .
ex:c9 a rkg:CMOConfiguration ; dcterms:identifier "c9" ; rkg:fromStudy ex:s1 ;
  rkg:hasContext ex:ctx ; rkg:hasMechanism ex:m ; rkg:hasOutcome ex:o ;
  rkg:mechanismFired true .
ex:s1 a rkg:Study ; dcterms:identifier "Smith 2020" .
ex:ctx a rkg:Context, skos:Concept ; skos:prefLabel "rural setting" .
ex:m a rkg:Mechanism, skos:Concept ; skos:prefLabel "trust" .
ex:o a rkg:Outcome, skos:Concept ; skos:prefLabel "uptake" .
"""


def _content(store: Store) -> list[str]:
    """Every quad but the revision token (which every write renews)."""
    return sorted(line for line in store.dump(ox.RdfFormat.N_QUADS).decode().splitlines()
                  if "realist-kg/ns#revision" not in line)


def _ttl(data: bytes, name: str = "in.ttl") -> list[tuple[str, bytes, ox.RdfFormat]]:
    return [(name, data, rdf_format(None, name))]


def test_import_links_cmocs_to_review_and_creates_it(any_store: Store) -> None:
    report = import_rdf(any_store, "new", _ttl(GOOD_TTL))
    assert report.created_review and report.cmocs == 1
    cmoc = get_cmoc(any_store, "new", "c9")
    assert cmoc.contexts == ["rural setting"] and cmoc.studies == ["Smith 2020"]
    assert review_stats(any_store, "new").cmocs == 1


def test_parse_error_names_file_and_line_and_writes_nothing(any_store: Store) -> None:
    sample_review(any_store)
    before = any_store.dump(ox.RdfFormat.N_QUADS)
    broken = GOOD_TTL + b'ex:c9 rkg:resource "unterminated .\n'
    with pytest.raises(cmo.ParseError) as caught:
        import_rdf(any_store, "r1", _ttl(GOOD_TTL, "ok.ttl") + _ttl(broken, "bad.ttl"))
    assert caught.value.file == "bad.ttl" and caught.value.line == 12
    assert any_store.dump(ox.RdfFormat.N_QUADS) == before


def test_invalid_import_is_refused_and_store_unchanged(any_store: Store) -> None:
    sample_review(any_store)
    before = any_store.dump(ox.RdfFormat.N_QUADS)
    no_context = GOOD_TTL.replace(b"rkg:hasContext ex:ctx ;", b"")
    with pytest.raises(cmo.ValidationFailed, match="context"):
        import_rdf(any_store, "r1", _ttl(no_context))
    with pytest.raises(cmo.ValidationFailed):
        import_rdf(any_store, "brand-new", _ttl(no_context))
    assert any_store.dump(ox.RdfFormat.N_QUADS) == before
    assert [r.id for r in list_reviews(any_store)] == ["r1"]


def test_nquads_from_other_graphs_land_in_the_review_graph(store: Store) -> None:
    quads = ox.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode("http://x/g"))
                          for t in ox.parse(GOOD_TTL, format=ox.RdfFormat.TURTLE)],
                         format=ox.RdfFormat.N_QUADS)
    import_rdf(store, "r2", [("in.nq", quads, ox.RdfFormat.N_QUADS)])
    assert store.graphs() == [cmo.model.ids.review_iri("r2")]


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "jsonld"])
def test_export_then_import_gives_the_same_graph(example_store: Store, fmt: str) -> None:
    data = export_review(example_store, "peer-support", fmt)
    again = open_store("memory:")
    import_rdf(again, "peer-support", [(f"x.{fmt}", data, rdf_format(fmt))])
    assert _content(again) == _content(example_store)
    if fmt == "jsonld":
        assert "hasContext" in json.loads(data)["@context"]


def test_data_persists_across_processes(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    write = ("from cmo.store import open_store; from tests.builders import sample_review; "
             f"s = open_store({url!r}); sample_review(s); s.close()")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", write], cwd=root, check=True, timeout=120)
    store = open_store(url)
    try:
        assert [c.id for c in list_cmocs(store, "r1")] == ["c1", "c2"]
    finally:
        store.close()


def test_unknown_format_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match=r"notes\.docx"):
        rdf_format(None, "notes.docx")


def test_add_quads_keeps_line_separators_inside_literals(any_store: Store) -> None:
    text = "first\u2028second\u2029third\nfourth \"quoted\" ."
    graph = ox.NamedNode("https://w3id.org/realist-kg/id/review/odd")
    any_store.add_quads([ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"),
                                 ox.Literal(text), graph)])
    rows = any_store.select("SELECT ?o WHERE { ?s ?p ?o }", graphs=[graph.value])
    assert [r["o"].value for r in rows] == [text]  # type: ignore[union-attr]
