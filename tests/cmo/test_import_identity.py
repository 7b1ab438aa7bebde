"""An RDF import into a review: the file's IRIs move to that review, visibility never changes,
and the summary counts what the file holds."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

import cmo
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.model import ids
from cmo.model.namespace import ID_IRI, RKG_IRI, SKOS_IRI
from cmo.questions.stats import review_stats
from cmo.review.cmocs import create_cmoc
from cmo.review.concepts import list_concepts
from cmo.review.reviews import create_review, get_review, review_graph_triples, update_review
from cmo.store import Store, open_store
from tests.conftest import EXAMPLE

REVIEWS = f"{ID_IRI}review/"
PS = f"{REVIEWS}peer-support"


@pytest.fixture
def mem() -> Store:
    """An empty in-memory store (the backends are compared where it matters)."""
    return open_store("memory:")


def _ttl(data: bytes, name: str = "in.ttl") -> list[tuple[str, bytes, ox.RdfFormat]]:
    return [(name, data, rdf_format(None, name))]


def _minted(store: Store, review_id: str) -> set[str]:
    """Every IRI under `…/id/review/` that the review's graph mentions."""
    terms = {term.value for t in review_graph_triples(store, review_id)
             for term in (t.subject, t.object) if isinstance(term, ox.NamedNode)}
    return {t for t in terms if t.startswith(REVIEWS)}


def _mine(iri: str, review_id: str) -> bool:
    own = ids.review_iri(review_id)
    return iri == own or iri.startswith(own + "/")


def test_import_into_another_id_remints_every_iri_of_the_files_review(store: Store) -> None:
    import_rdf(store, "ps", _ttl(EXAMPLE.read_bytes(), "review.ttl"))
    minted = _minted(store, "ps")
    assert minted and all(_mine(iri, "ps") for iri in minted), \
        sorted(i for i in minted if not _mine(i, "ps"))[:5]
    source = {str(term) for t in rdflib.Graph().parse(EXAMPLE) for term in t
              if isinstance(term, rdflib.URIRef) and str(term).startswith(PS)}
    assert {iri.replace(ids.review_iri("ps"), PS) for iri in minted} >= source
    assert ids.cmoc_iri("ps", "c10") in minted


def test_cmocs_created_after_an_import_share_its_scheme(mem: Store) -> None:
    import_rdf(mem, "ps", _ttl(EXAMPLE.read_bytes(), "review.ttl"))
    create_cmoc(mem, "ps", cmo.NewCMOc(
        studies=["Jolly 2012"], contexts=["low intensity support", "a brand new setting"],
        mechanism="authentic presence", outcomes=["a brand new outcome"]))
    schemes = {t.object.value for t in review_graph_triples(mem, "ps")  # type: ignore[union-attr]
               if t.predicate.value == f"{SKOS_IRI}inScheme"}
    assert schemes == {ids.scheme_iri("ps")}
    assert all(_mine(c.iri or "", "ps") for c in list_concepts(mem, "ps"))
    assert all(_mine(iri, "ps") for iri in _minted(mem, "ps"))


def test_import_without_a_review_node_remints_by_the_iris_it_uses(mem: Store) -> None:
    """No rkg:Review in the file: its review is the one its minted IRIs name."""
    src = f"{REVIEWS}src/"
    data = f"""@prefix rkg: <{RKG_IRI}> . @prefix skos: <{SKOS_IRI}> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{src}cmoc/c1> a rkg:CMOConfiguration ; rkg:inReview <{REVIEWS}src> ;
  rkg:fromStudy <{src}study/s> ; rkg:hasContext <{src}context/rural> ;
  rkg:hasMechanism <{src}mechanism/trust> ; rkg:hasOutcome <{src}outcome/uptake> ;
  rkg:mechanismFired true .
<{src}study/s> a rkg:Study ; dcterms:identifier "S 2020" .
<{src}context/rural> a rkg:Context, skos:Concept ; skos:prefLabel "rural" .
<{src}mechanism/trust> a rkg:Mechanism, skos:Concept ; skos:prefLabel "trust" .
<{src}outcome/uptake> a rkg:Outcome, skos:Concept ; skos:prefLabel "uptake" .
""".encode()
    import_rdf(mem, "dst", _ttl(data))
    minted = _minted(mem, "dst")
    assert ids.cmoc_iri("dst", "c1") in minted and all(_mine(i, "dst") for i in minted)
    assert cmo.review.cmocs.get_cmoc(mem, "dst", "c1").contexts == ["rural"]


def test_import_leaves_other_reviews_of_the_store_alone(mem: Store) -> None:
    """A file naming another stored review's IRIs writes only into the target review."""
    import_rdf(mem, "peer-support", _ttl(EXAMPLE.read_bytes(), "review.ttl"))
    update_review(mem, "peer-support", public=True)
    before = review_graph_triples(mem, "peer-support")
    import_rdf(mem, "mine", _ttl(EXAMPLE.read_bytes(), "review.ttl"))
    assert sorted(map(str, review_graph_triples(mem, "peer-support"))) == \
        sorted(map(str, before))
    assert all(_mine(i, "mine") for i in _minted(mem, "mine"))
    assert get_review(mem, "peer-support").public and not get_review(mem, "mine").public


def test_import_refuses_two_cmocs_that_would_share_an_id(mem: Store) -> None:
    """Two reviews' c1 in one file cannot both be the target's c1: refused, naming both."""
    parts = []
    for review in ("a", "b"):
        base = f"{REVIEWS}{review}/"
        parts.append(f"""<{base}cmoc/c1> a rkg:CMOConfiguration ; rkg:fromStudy <{base}study/s> ;
  rkg:hasContext <{base}context/x> ; rkg:hasMechanism <{base}mechanism/m> ;
  rkg:hasOutcome <{base}outcome/o> .""")
    data = f"@prefix rkg: <{RKG_IRI}> .\n{chr(10).join(parts)}\n".encode()
    with pytest.raises(cmo.InvalidInput) as caught:
        import_rdf(mem, "t", _ttl(data, "two.ttl"))
    text = caught.value.message
    assert f"{REVIEWS}a/cmoc/c1" in text and f"{REVIEWS}b/cmoc/c1" in text
    assert ids.cmoc_iri("t", "c1") in text and "two.ttl" in text
    assert mem.graphs() == []


@pytest.mark.parametrize("flag", ["true", "false"])
def test_import_never_changes_visibility(mem: Store, flag: str) -> None:
    data = EXAMPLE.read_bytes().replace(b"rkg:public true", f"rkg:public {flag}".encode())
    assert f"rkg:public {flag}".encode() in data
    import_rdf(mem, "new", _ttl(data, "review.ttl"))
    assert get_review(mem, "new").public is False  # a new review is private
    create_review(mem, cmo.Review(id="open", title="Open", public=True))
    create_review(mem, cmo.Review(id="closed", title="Closed"))
    import_rdf(mem, "open", _ttl(data, "review.ttl"))
    import_rdf(mem, "closed", _ttl(data, "review.ttl"))
    assert get_review(mem, "open").public is True
    assert get_review(mem, "closed").public is False
    assert get_review(mem, "open").title == "Open"
    for review in ("new", "open", "closed"):
        public = [t for t in review_graph_triples(mem, review)
                  if t.predicate.value == f"{RKG_IRI}public"]
        assert len(public) == 1, public


def _file_counts() -> dict[str, int]:
    """What the example file holds, counted by rdflib's own SPARQL (not by the importer)."""
    g = rdflib.Graph().parse(EXAMPLE)
    query = ("PREFIX rkg: <https://w3id.org/realist-kg/ns#> "
             "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES ?k { %s } ?x a ?k }")
    kinds = {"cmocs": "rkg:CMOConfiguration", "studies": "rkg:Study",
             "concepts": "rkg:Context rkg:Mechanism rkg:Outcome rkg:Intervention rkg:Actor"}
    return {name: int(next(iter(g.query(query % k)))[0]) for name, k in kinds.items()}  # type: ignore[index, call-overload]


@pytest.mark.parametrize("review_id", ["peer-support", "ps"])
def test_import_summary_counts_what_the_file_holds(mem: Store, review_id: str) -> None:
    expected = _file_counts()
    checked = import_rdf(mem, review_id, _ttl(EXAMPLE.read_bytes(), "review.ttl"), check=True)
    report = import_rdf(mem, review_id, _ttl(EXAMPLE.read_bytes(), "review.ttl"))
    for r in (checked, report):
        assert {"cmocs": r.cmocs, "studies": r.studies, "concepts": r.concepts} == expected
    stats = review_stats(mem, review_id)
    assert (stats.cmocs, stats.studies, stats.contexts + stats.mechanisms + stats.outcomes) == \
        (expected["cmocs"], expected["studies"], expected["concepts"])
    # Every triple the review holds came from this import, but for the revision token.
    stored = [t for t in review_graph_triples(mem, review_id)
              if t.predicate.value != f"{RKG_IRI}revision"]
    assert report.triples == checked.triples == len(stored)


def _cmoc(review: str, cmoc_id: str) -> str:
    """One CMOc (with its concepts and study) minted under `review`, as Turtle."""
    base = f"{REVIEWS}{review}/"
    return f"""<{base}cmoc/{cmoc_id}> a rkg:CMOConfiguration ; rkg:fromStudy <{base}study/s> ;
  rkg:hasContext <{base}context/x> ; rkg:hasMechanism <{base}mechanism/m> ;
  rkg:hasOutcome <{base}outcome/o> ; rkg:mechanismFired true .
<{base}study/s> a rkg:Study ; dcterms:identifier "S 2020" .
<{base}context/x> a rkg:Context ; skos:prefLabel "x" .
<{base}mechanism/m> a rkg:Mechanism ; skos:prefLabel "m" .
<{base}outcome/o> a rkg:Outcome ; skos:prefLabel "o" .
"""


def _turtle(*parts: str) -> bytes:
    head = (f"@prefix rkg: <{RKG_IRI}> . @prefix skos: <{SKOS_IRI}> . "
            "@prefix dcterms: <http://purl.org/dc/terms/> .\n")
    return (head + "".join(parts)).encode()


def test_import_remints_by_whole_segments_and_odd_review_ids(mem: Store) -> None:
    """'ps-old' is another review than 'ps', an encoded id is just another review, and their
    concepts and study with the same labels and key merge, as equal labels do in a review."""
    data = _turtle(_cmoc("ps-old", "c1"), _cmoc("%3Cscript%3E", "c2"))
    import_rdf(mem, "ps", _ttl(data))
    minted = _minted(mem, "ps")
    assert {ids.cmoc_iri("ps", "c1"), ids.cmoc_iri("ps", "c2")} <= minted
    assert all(_mine(i, "ps") for i in minted)
    assert len(list_concepts(mem, "ps")) == 3 and review_stats(mem, "ps").studies == 1
    with pytest.raises(cmo.InvalidInput, match="ps-old/cmoc/c1"):
        import_rdf(mem, "ps2", _ttl(_turtle(_cmoc("ps-old", "c1"), _cmoc("ps2", "c1"))))


def test_collisions_across_files_name_each_file_and_stop_at_ten(mem: Store) -> None:
    a = _turtle(*(_cmoc("a", f"c{n}") for n in range(12)))
    b = _turtle(*(_cmoc("b", f"c{n}") for n in range(12)))
    with pytest.raises(cmo.InvalidInput) as caught:
        import_rdf(mem, "t", [*_ttl(a, "a.ttl"), *_ttl(b, "b.ttl")])
    problems = caught.value.problems
    # 12 CMOcs share their ids (the study and concepts merge): ten named, the rest counted.
    assert len(problems) == 10 and "(2 more)" in caught.value.summary
    assert all(p.file == "a.ttl, b.ttl" for p in problems)
    assert mem.graphs() == []
