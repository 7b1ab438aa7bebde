"""Importing REFI-QDA projects in the shapes NVivo, ATLAS.ti, MAXQDA and QualCoder write."""

from __future__ import annotations

import pytest

from cmo.errors import InvalidInput
from cmo.interchange.importer import detect_format, import_file
from cmo.interchange.qdpx import QdpxOptions, read_code_map
from cmo.review.cmocs import list_cmocs
from cmo.review.codings import list_codings
from cmo.review.concepts import list_concepts
from cmo.review.validation import validate_review
from cmo.sources.catalogue import list_sources, source_text
from cmo.store import Store, open_store
from tests.qdpx_builders import Sel, Src, gid, project

TEXT = ("Interview 1\r\nMothers in remote farms 😀 said the peer 👩🏽‍🍼 felt like a friend.\r\n"
        "Because they trusted her, they rang when feeding hurt,\r\nand kept breastfeeding.")


def nvivo(s: str, text: str = TEXT) -> tuple[int, int]:
    """Where NVivo puts `s`: UTF-16 code units, CR LF as two."""
    i = text.index(s)
    return len(text[:i].encode("utf-16-le")) // 2, len(text[:i + len(s)].encode("utf-16-le")) // 2


def atlas(s: str, text: str = TEXT) -> tuple[int, int]:
    """Where ATLAS.ti and MAXQDA put `s`: code points, CR LF as one."""
    i = text.index(s)
    return len(text[:i].replace("\r\n", "\n")), len(text[:i + len(s)].replace("\r\n", "\n"))


def points(s: str, text: str = TEXT) -> tuple[int, int]:
    """Where QualCoder puts `s`: code points of the text as stored."""
    i = text.index(s)
    return i, i + len(s)


CODES = {"Contexts": {"rural": {"remote farms": "Farms an hour or more from town."}},
         "MECHANISM": {"trust": {}}, "outcome": {"continued breastfeeding": {}},
         "Resources": {"peer visits": {}}, "Themes": {"friendship": {}}}


def _shape(origin: str, at: object, **src: object) -> bytes:
    def sel(name: str, s: str, codes: list[str], **kw: object) -> Sel:
        return Sel(name, *at(s), codes, **kw)  # type: ignore[operator]
    return project(origin=origin, users=["Ana Ruiz"], codes=CODES, sources=[Src(
        "Interview 1.txt", TEXT, [
            sel("ctx", "remote farms", ["remote farms"], user="Ana Ruiz"),
            sel("mech", "trusted her", ["trust", "peer visits"],
                description="trust came from shared places"),
            sel("out", "kept breastfeeding", ["continued breastfeeding"]),
            sel("emoji", "peer 👩🏽‍🍼 felt like a friend", ["friendship", "rural"])],
        **src)],  # type: ignore[arg-type]
        links=[("", "ctx", "mech", None), ("", "mech", "out", "n")],
        notes={"n": "fired: yes\ndirection: positive\nconfidence: moderate\nSeen twice."})


@pytest.fixture
def mem() -> Store:
    return open_store("memory:")


@pytest.mark.parametrize(("origin", "at"), [("NVivo 14 (Windows)", nvivo),
                                            ("ATLAS.ti 23.2", atlas), ("MAXQDA 2022", atlas),
                                            ("QualCoder 3.5", points)],
                         ids=["nvivo", "atlas", "maxqda", "qualcoder"])
def test_import_project_places_passages_whatever_the_tool_counts(mem: Store, origin: str,
                                                                   at: object) -> None:
    data = _shape(origin, at)
    assert detect_format("project.zip", data) == "qdpx"
    report = import_file(mem, "r", "interviews.qdpx", data)
    assert (report.sources, report.studies, report.cmocs, report.codings) == (1, 1, 1, 1)
    assert report.concepts_by_kind == {"context": 2, "mechanism": 1, "outcome": 1,
                                       "resource": 1}
    assert report.unmapped_codes == ["Themes", "Themes/friendship"]
    [cmoc] = list_cmocs(mem, "r")
    assert (cmoc.contexts, cmoc.mechanism, cmoc.outcomes, cmoc.resource) == (
        ["remote farms"], "trust", ["continued breastfeeding"], "peer visits")
    assert [(e.quote, e.part) for e in cmoc.evidence] == [
        ("remote farms", "context"), ("trusted her", None),
        ("kept breastfeeding", "outcome")]
    assert (cmoc.mechanism_fired, cmoc.outcome_direction, cmoc.confidence) == (
        True, "positive", "moderate")
    assert cmoc.notes == "Seen twice.\n\ntrust came from shared places"
    assert cmoc.reviewer == "Ana Ruiz" and cmoc.studies == ["Interview 1"]
    [coding] = list_codings(mem, "r")
    assert coding.quote == "peer 👩🏽‍🍼 felt like a friend" and coding.codes == {
        "context": ["rural"]}
    text = source_text(mem, "r", list_sources(mem, "r")[0].id).text
    assert "\r" not in text and text[coding.start:coding.end] == coding.quote
    concepts = {(c.kind.value, c.label): c for c in list_concepts(mem, "r")}
    assert concepts[("context", "remote farms")].broader == "rural"
    assert validate_review(mem, "r") == []


def test_import_pdf_representation_case_and_variable_name_studies(mem: Store) -> None:
    text = "Peer support worked best when it began on the ward."
    i = text.index("began on the ward")
    data = project(origin="ATLAS.ti 9", codes=CODES, variables=True, sets=True,
                   cases={"Jolly 2012": ["Jolly.pdf"]},
                   sources=[Src("Jolly.pdf", text, [Sel("p", i, i + 17, ["rural"])], pdf=True),
                            Src("Notes.txt", text, [Sel("q", 0, 12, ["trust"])],
                                study_variable="Lee 2019", inline=True),
                            Src("Memo 3.docx", text, [Sel("r", 0, 4, ["trust"])])])
    report = import_file(mem, "r", "atlas.qdpx", data)
    assert report.sources == 3 and report.cmocs == 0 and report.codings == 3
    assert "1 PDF area selection not imported" in " ".join(report.notes)
    by_study = {s.study: s.file_name for s in list_sources(mem, "r")}
    assert by_study == {"Jolly 2012": "Jolly.pdf", "Lee 2019": "Notes.txt",
                        "Memo 3": "Memo 3.docx"}
    assert {c.quote for c in list_codings(mem, "r")} == {"began on the ward", "Peer support",
                                                         "Peer"}


def test_import_map_and_window_assemble_passages_near_each_other(mem: Store) -> None:
    text = "Rural mothers trusted local peers and so they kept feeding. " + "x " * 200 + \
        "Rural mothers trusted local peers."
    sels = [Sel("a", 0, 13, ["rural"]), Sel("b", 14, 33, ["trust"]),
            Sel("c", 45, 58, ["kept feeding"]), Sel("d", 460, 473, ["rural"]),
            Sel("e", 474, 493, ["trust"])]
    codes = {"Place": {"rural": {}}, "Why": {"trust": {}}, "Result": {"kept feeding": {}}}
    data = project(origin="QualCoder 3.5", codes=codes, sources=[Src("s.txt", text, sels)])
    mapping = read_code_map("map.csv", b"code_path,kind\nPlace,context\nwhy,Mechanism\n"
                                       b"Result,outcome\n")
    report = import_file(mem, "r", "p.qdpx", data, qdpx=QdpxOptions(mapping, window=20))
    assert (report.cmocs, report.codings, report.unmapped_codes) == (1, 2, [])
    [cmoc] = list_cmocs(mem, "r")
    assert [e.quote for e in cmoc.evidence] == ["Rural mothers", "trusted local peers",
                                                "kept feeding"]
    fresh = open_store("memory:")
    assert import_file(fresh, "r", "p.qdpx", data, qdpx=QdpxOptions(mapping)).cmocs == 0


def test_read_code_map_refuses_an_unknown_kind() -> None:
    with pytest.raises(InvalidInput) as err:
        read_code_map("map.csv", b"code_path,kind\nThemes/x,mechansim\n")
    assert err.value.problems[0].row == 2 and "mechansim" in err.value.problems[0].reason


def test_import_named_links_make_one_cmoc_each_and_leads_to(mem: Store) -> None:
    text = "early contact; feeling understood; uptake; trust; ringing back"
    def s(name: str, word: str, codes: list[str]) -> Sel:
        return Sel(name, text.index(word), text.index(word) + len(word), codes)
    data = project(origin="NVivo 12", codes={"Context": {"early contact": {}},
                                             "Mechanism": {"understood": {}, "trust": {}},
                                             "Outcome": {"uptake": {}, "ringing back": {}}},
                   sources=[Src("w.txt", text, [s("a", "early contact", ["early contact"]),
                                                s("b", "feeling understood", ["understood"]),
                                                s("c", "uptake", ["uptake", "early contact"]),
                                                s("d", "trust", ["trust"]),
                                                s("e", "ringing back", ["ringing back"])])],
                   links=[("c7", "a", "b", "n1"), ("c7", "b", "c", "n1"),
                          ("c8", "c", "d", None), ("c8", "d", "e", None)],
                   notes={"n1": "fired: no\nleads to: c8; c99"})
    report = import_file(mem, "r", "p.qdpx", data)
    cmocs = {c.id: c for c in list_cmocs(mem, "r")}
    assert sorted(cmocs) == ["c7", "c8"] and report.codings == 0
    assert cmocs["c7"].leads_to == ["c8"] and cmocs["c7"].mechanism_fired is False
    assert any("c99" in n for n in report.notes)


def test_check_reads_everything_and_writes_nothing(mem: Store) -> None:
    data = _shape("NVivo 14", nvivo)
    report = import_file(mem, "r", "p.qdpx", data, check=True)
    assert report.checked and report.cmocs == 1
    assert mem.graphs() == []


def test_importing_the_same_project_twice_is_refused_naming_the_source(mem: Store) -> None:
    data = _shape("QualCoder", points)
    import_file(mem, "r", "p.qdpx", data)
    with pytest.raises(Exception, match=gid("src:Interview 1.txt").lower()):
        import_file(mem, "r", "p.qdpx", data)


def test_fast_path_writes_the_part_a_quote_supports() -> None:
    from cmo.model.records import CMOConfiguration
    from cmo.rdf.mapping import MintedRefs, cmoc_triples
    from cmo.rdf.ntriples import NTriples, cmoc_ntriples

    cmoc = CMOConfiguration(id="c1", studies=["S"], contexts=["a"], mechanism="b",
                            outcomes=["c"], evidence=[{"quote": "q", "part": "mechanism"}])
    text = NTriples()
    cmoc_ntriples(text, "r", cmoc, MintedRefs("r"))
    assert set(text.triples()) == set(cmoc_triples("r", cmoc, MintedRefs("r")))
