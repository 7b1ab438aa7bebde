"""Sources on every backend: adding a study's document, anchoring quotes, checking them."""

from __future__ import annotations

import json

import pytest
import rdflib

import cmo
from cmo.errors import AlreadyExists, AmbiguousQuote, InUse, InvalidInput, NotFound, QuoteNotFound
from cmo.interchange.annotations import export_annotations
from cmo.interchange.importer import import_file
from cmo.interchange.rdf_files import export_review, import_rdf, rdf_format
from cmo.interchange.sheet_export import export_sheet
from cmo.rdf.resources import ANNO_CONTEXT_URL, anno_context
from cmo.review.cmocs import create_cmoc, delete_cmoc, get_cmoc
from cmo.review.reviews import create_review, delete_review
from cmo.review.studies import add_study
from cmo.review.validation import validate_review
from cmo.sources.catalogue import get_page, get_source, list_sources
from cmo.sources.documents import add_source, remove_source
from cmo.sources.quotes import check_quotes
from cmo.store import Store
from tests.builders import sample_cmoc
from tests.pdfs import study_pdf

STUDY = "Jolly 2012"


def _cmoc(cmoc_id: str, *quotes: str | dict[str, object], study: str = STUDY
          ) -> cmo.CMOConfiguration:
    evidence = [{"quote": q} if isinstance(q, str) else q for q in quotes]
    return sample_cmoc(cmoc_id, studies=[study], evidence=evidence)


@pytest.fixture
def review(store: Store) -> Store:
    """Review r1 with CMOcs whose quotes are, or are not, in the study PDF."""
    create_review(store, cmo.Review(id="r1", title="R1"))
    create_cmoc(store, "r1", _cmoc("c1", "felt under-\nstood and kept breastfeeding"))
    create_cmoc(store, "r1", _cmoc("c2", "Women valued practical help at home."))
    create_cmoc(store, "r1", _cmoc("c3", "Peer supporters were trusted as they were local"))
    create_cmoc(store, "r1", _cmoc("c4", "a quote from another study", study="Other 2020"))
    return store


def _source_id(store: Store) -> str:
    return list_sources(store, "r1")[0].id


def test_add_source_stores_text_and_anchors_the_study_quotes(review: Store) -> None:
    report = add_source(review, "r1", "jolly  2012", "study.pdf", study_pdf())
    assert (report.anchored, report.total) == (1, 3)
    assert report.summary().startswith("anchored 1 of 3 quotes; not found: c3 (closest, p. 2, ")
    assert "found more than once: c2 (pp. 2, 3)" in report.summary()
    evidence = get_cmoc(review, "r1", "c1").evidence[0]
    assert (evidence.source, evidence.page) == (report.source.id, "1")
    assert evidence.quote == "felt understood and kept breastfeeding"
    source = get_source(review, "r1", report.source.id)
    assert (source.study, source.file_name, source.page_count) == (STUDY, "study.pdf", 3)
    assert source.pages[2].text is not None and "ομοτίμους" in source.pages[2].text
    assert get_page(review, "r1", source.id, 2).start == source.pages[1].start
    index = list_sources(review, "r1", pages=True)[0].pages
    assert index == [p.model_copy(update={"text": None}) for p in source.pages]


def test_evidence_by_position_fills_quote_and_page(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    text = get_page(review, "r1", sid, 3)
    start = text.start + (text.text or "").index("Η υποστήριξη")
    made = create_cmoc(review, "r1", _cmoc("c9", {"source": sid, "start": start,
                                                  "end": start + 12}))
    assert (made.evidence[0].quote, made.evidence[0].page) == ("Η υποστήριξη", "3")
    assert made.evidence[0].study == STUDY
    assert get_cmoc(review, "r1", "c9").evidence[0].start == start


def test_evidence_by_quote_finds_its_place(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    made = create_cmoc(review, "r1", _cmoc("c9", {"source": sid,
                                                  "exact": "trusted because\nthey were local"}))
    ev = made.evidence[0]
    assert (ev.page, ev.quote, ev.suffix) == ("2", "trusted because they were local",
                                              ".\nWomen valued practical help at")


def test_quote_found_twice_needs_prefix_or_suffix(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    twice = {"source": sid, "exact": "Women valued practical help at home."}
    with pytest.raises(AmbiguousQuote) as caught:
        create_cmoc(review, "r1", _cmoc("c9", twice))
    assert [c["page"] for c in caught.value.candidates] == [2, 3]
    made = create_cmoc(review, "r1", _cmoc("c9", {**twice, "prefix": "because they were local."}))
    assert made.evidence[0].page == "2"
    made = create_cmoc(review, "r1", _cmoc("c10", {**twice, "suffix": "Η υποστήριξη"}))
    assert made.evidence[0].page == "3"


def test_quote_not_in_source_names_the_closest_passage(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    with pytest.raises(QuoteNotFound) as caught:
        create_cmoc(review, "r1", _cmoc("c9", {"source": sid,
                                               "exact": "Peer supporters were trusted as local"}))
    closest = caught.value.closest
    assert closest is not None and closest["page"] == 2
    assert closest["passage"].startswith("Peer supporters were trusted")
    assert 0.7 < closest["similarity"] < 1
    assert caught.value.problems[0].field == "evidence.0.quote"
    with pytest.raises(NotFound):
        get_cmoc(review, "r1", "c9")


def test_position_and_quote_that_disagree_are_refused(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    with pytest.raises(InvalidInput, match="is not the text at 0-12"):
        create_cmoc(review, "r1", _cmoc("c9", {"source": sid, "start": 0, "end": 12,
                                               "quote": "something else"}))
    with pytest.raises(InvalidInput, match="no passage at"):
        create_cmoc(review, "r1", _cmoc("c9", {"source": sid, "start": 0, "end": 10**6}))


def test_unknown_source_and_another_reviews_source_are_not_found(review: Store) -> None:
    create_review(review, cmo.Review(id="r2", title="R2"))
    create_cmoc(review, "r2", _cmoc("c1", "felt understood"))
    other = add_source(review, "r2", STUDY, "study.pdf", study_pdf()).source.id
    with pytest.raises(NotFound):
        create_cmoc(review, "r1", _cmoc("c9", {"source": other, "exact": "felt understood"}))
    for bad in (other, "../r2/source/x", "x" * 300):
        with pytest.raises(NotFound):
            get_source(review, "r1", bad)
        with pytest.raises(NotFound):
            get_page(review, "r1", bad, 1)
        with pytest.raises(NotFound):
            remove_source(review, "r1", bad, force=True)
    assert get_source(review, "r2", other).id == other


def test_unknown_study_and_same_file_twice_are_refused(review: Store) -> None:
    with pytest.raises(NotFound, match="Did you mean: 'jolly 2012'"):
        add_source(review, "r1", "Jolly 2021", "study.pdf", study_pdf())
    add_source(review, "r1", STUDY, "study.pdf", study_pdf())
    with pytest.raises(AlreadyExists):
        add_source(review, "r1", "Other 2020", "copy.pdf", study_pdf())
    assert len(list_sources(review, "r1")) == 1


def test_checker_sorts_quotes_into_four_classes(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    # c5 is anchored, then given a wrong place, as an edited sheet or RDF file might have it.
    create_cmoc(review, "r1", _cmoc("c5", {"source": sid, "exact": "Some mothers declined"}))
    graph = cmo.model.ids.review_iri("r1")
    review.update(f"""PREFIX oa: <http://www.w3.org/ns/oa#>
        DELETE {{ GRAPH <{graph}> {{ ?p oa:start ?s ; oa:end ?e }} }}
        INSERT {{ GRAPH <{graph}> {{ ?p oa:start 0 ; oa:end 21 }} }}
        WHERE {{ GRAPH <{graph}> {{ ?p oa:start ?s ; oa:end ?e .
                 FILTER(CONTAINS(STR(?p), "/cmoc/c5/")) }} }}""")
    report = check_quotes(review, "r1")
    status = {q.cmoc: q.status for q in report.quotes}
    assert status == {"c1": "anchored", "c2": "moved", "c3": "not_found", "c4": "no_source",
                      "c5": "moved"}
    not_found = next(q for q in report.quotes if q.cmoc == "c3")
    assert not_found.closest is not None and not_found.closest.page == 2
    fixed = check_quotes(review, "r1", fix=True)
    assert fixed.fixed == 1
    again = {q.cmoc: q.status for q in check_quotes(review, "r1").quotes}
    assert again["c5"] == "anchored" and again["c2"] == "moved"
    assert get_cmoc(review, "r1", "c5").evidence[0].page == "2"


def test_remove_source_refused_while_anchored_unless_forced(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    with pytest.raises(InUse, match="c1"):
        remove_source(review, "r1", sid)
    assert remove_source(review, "r1", sid, force=True) == 1
    evidence = get_cmoc(review, "r1", "c1").evidence[0]
    assert (evidence.source, evidence.start, evidence.page) == (None, None, "1")
    assert list_sources(review, "r1") == []
    leftovers = review.select("SELECT ?s WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?s), '/source/')"
                              " || CONTAINS(STR(?s), '/quote') || CONTAINS(STR(?s), "
                              "'/position')) }", graphs=[cmo.model.ids.review_iri("r1")])
    assert leftovers == []


def test_export_round_trips_sources_and_anchors(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    create_cmoc(review, "r1", _cmoc("c9", {"source": sid, "exact": "flexible timing helped"}))
    before = [get_cmoc(review, "r1", c) for c in ("c1", "c9")]
    pages = get_source(review, "r1", sid).pages
    for fmt in ("trig", "ttl", "nq", "jsonld"):
        data = export_review(review, "r1", fmt)
        delete_review(review, "r1")
        import_rdf(review, "r1", [(f"r.{fmt}", data, rdf_format(fmt))])
        assert [get_cmoc(review, "r1", c) for c in ("c1", "c9")] == before, fmt
        assert get_source(review, "r1", sid).pages == pages, fmt
        assert {q.status for q in check_quotes(review, "r1").quotes
                if q.cmoc in ("c1", "c9")} == {"anchored"}, fmt


def test_sheet_round_trips_sources_and_positions(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    create_cmoc(review, "r1", _cmoc("c9", {"source": sid, "exact": "flexible timing helped"},
                                    {"quote": "not anchored", "study": STUDY}))
    sheet = export_sheet(review, "r1", "csv")
    assert b"source,position" in sheet.splitlines()[0]
    before = get_cmoc(review, "r1", "c9")
    delete_review(review, "r1")
    create_review(review, cmo.Review(id="r1", title="R1"))
    add_study(review, "r1", cmo.Study(key=STUDY))
    add_source(review, "r1", STUDY, "study.pdf", study_pdf())
    import_file(review, "r1", "sheet.csv", sheet)
    assert get_cmoc(review, "r1", "c9").evidence == before.evidence
    # A quote imported without an anchor is anchored in its study's source.
    report = import_file(review, "r1", "more.csv", b"cmoc_id,study,context,mechanism,outcome,"
                         b"quote\nc20,Jolly 2012,a,b,c,Some mothers declined visits\n")
    assert any(n.startswith("anchored 1 of ") for n in report.notes), report.notes
    assert get_cmoc(review, "r1", "c20").evidence[0].page == "2"


def test_sheet_with_an_unknown_source_imports_nothing(review: Store) -> None:
    sheet = (b"study,context,mechanism,outcome,quote,source,position\n"
             b"Jolly 2012,a,b,c,some words,nosuchsource,0-10\n"
             b"Jolly 2012,a,b,c,other words,,3-10\n")
    with pytest.raises(InvalidInput) as caught:
        import_file(review, "r1", "sheet.csv", sheet)
    assert {(p.row, p.field) for p in caught.value.problems} == {(2, "source"), (3, "position")}


# rdflib's JSON-LD parser calls rdflib's own deprecated ConjunctiveGraph.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_web_annotation_export_reads_back_as_json_ld(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    document = json.loads(export_annotations(review, "r1"))
    assert document["@context"][0] == ANNO_CONTEXT_URL
    # Read with the W3C context shipped in the package: nothing is fetched.
    document["@context"][0] = anno_context()
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    annotations = set(graph.subjects(rdflib.RDF.type, oa.Annotation))
    assert len(annotations) == 4  # one per evidence item
    anchored = next(a for a in annotations
                    if str(a).startswith(cmo.model.ids.cmoc_iri("r1", "c1")))
    target = graph.value(anchored, oa.hasTarget)
    assert graph.value(target, oa.hasSource) == rdflib.URIRef(
        cmo.model.ids.source_iri("r1", sid))
    selectors = {graph.value(s, rdflib.RDF.type): s for s in graph.objects(target,
                                                                           oa.hasSelector)}
    quote, position = selectors[oa.TextQuoteSelector], selectors[oa.TextPositionSelector]
    assert str(graph.value(quote, oa.exact)) == "felt understood and kept breastfeeding"
    start = graph.value(position, oa.start)
    assert isinstance(start, rdflib.Literal) and start.datatype == rdflib.XSD.nonNegativeInteger
    bodies = set(graph.objects(anchored, oa.hasBody))
    assert rdflib.URIRef(cmo.model.ids.cmoc_iri("r1", "c1")) in bodies
    assert len(bodies) == 4  # the CMOc, its context, mechanism and outcome


def test_deleting_a_cmoc_deletes_its_selectors(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    create_cmoc(review, "r1", _cmoc("c9", {"source": sid, "exact": "flexible timing helped"}))
    delete_cmoc(review, "r1", "c9")
    left = review.select("SELECT ?s WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?s), '/cmoc/c9')) }",
                         graphs=[cmo.model.ids.review_iri("r1")])
    assert left == []


def test_review_with_sources_conforms_to_the_shapes(review: Store) -> None:
    sid = add_source(review, "r1", STUDY, "study.pdf", study_pdf()).source.id
    create_cmoc(review, "r1", _cmoc("c9", {"source": sid, "exact": "flexible timing helped"}))
    assert validate_review(review, "r1") == []
    graph = cmo.model.ids.review_iri("r1")
    review.update(f"""PREFIX oa: <http://www.w3.org/ns/oa#>
        DELETE {{ GRAPH <{graph}> {{ ?p oa:end ?e }} }}
        WHERE {{ GRAPH <{graph}> {{ ?p oa:end ?e FILTER(CONTAINS(STR(?p), "/cmoc/c9/")) }} }}""")
    violations = validate_review(review, "r1")
    assert [v.message for v in violations] == [
        "The place of a quote needs one end: a whole number past its start."]


def test_checker_names_each_quotes_study_by_key(review: Store) -> None:
    add_source(review, "r1", STUDY, "study.pdf", study_pdf())
    studies = {q.cmoc: q.study for q in check_quotes(review, "r1").quotes}
    assert studies == {"c1": STUDY, "c2": STUDY, "c3": STUDY, "c4": "Other 2020"}
