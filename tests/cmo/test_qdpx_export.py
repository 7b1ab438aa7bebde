"""Exporting a review as a REFI-QDA project: valid against the schema, and a faithful round trip."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from cmo.interchange.importer import import_file
from cmo.interchange.qdpx import export_qdpx
from cmo.model.records import CMOConfiguration, Evidence
from cmo.review.cmocs import create_cmoc, list_cmocs
from cmo.review.codings import list_codings
from cmo.review.concepts import list_concepts
from cmo.sources.catalogue import list_sources
from cmo.sources.documents import add_source
from cmo.store import Store, open_store
from tests.conftest import EXAMPLE
from tests.qdpx_builders import NS, Sel, Src, project, valid_project

NOTES = EXAMPLE.parent / "sources" / "workshop-notes.md"
SHEET = EXAMPLE.parent / "sources" / "workshop-cmocs.csv"


def _anchored(store: Store, review: str) -> dict[str, dict[str, Any]]:
    """The CMOcs with anchored quotes, as the round trip must keep them."""
    out = {}
    for c in list_cmocs(store, review):
        if not any(e.anchored for e in c.evidence):
            continue
        out[c.id] = {**c.model_dump(exclude={"evidence", "created", "modified", "id"}),
                     "evidence": sorted((e.quote, e.start, e.end, e.page, e.part, e.study)
                                        for e in c.evidence if e.anchored)}
    return out


def _concepts(store: Store, review: str) -> set[tuple[str, str, str | None]]:
    return {(c.kind.value, c.label, c.broader) for c in list_concepts(store, review)}


@pytest.fixture
def workshop(example_store: Store) -> Store:
    """The peer-support example with its workshop notes as an anchored source, and one more
    CMOc with notes, a reviewer, a resource and a chain to w01."""
    import_file(example_store, "peer-support", SHEET.name, SHEET.read_bytes())
    report = add_source(example_store, "peer-support", "Workshop notes 2026", NOTES.name,
                        NOTES.read_bytes())
    text = NOTES.read_text(encoding="utf-8")
    assert report.anchored == 4 and "mother" in text
    create_cmoc(example_store, "peer-support", CMOConfiguration(
        id="w05", studies=["Workshop notes 2026"], contexts=["early contact on the ward"],
        mechanism="trusting relationship with the peer", outcomes=["uptake of support"],
        resource="a named supporter", mechanism_fired=False, outcome_direction="mixed",
        confidence="high", leads_to=["w01"], reviewer="Ana Ruiz",
        notes="Two supporters disagreed.\nfired: this line is a note, not a field",
        evidence=[Evidence(source=report.source.id, start=0, end=12, part="context"),
                  Evidence(source=report.source.id, start=20, end=40)]))
    return example_store


def test_export_round_trip_keeps_cmocs_concepts_quotes_and_notes(workshop: Store) -> None:
    data = export_qdpx(workshop, "peer-support")
    qde = valid_project(data)
    root = etree.fromstring(qde)
    links = root.findall(f"{{{NS}}}Links/{{{NS}}}Link")
    assert {k.get("name") for k in links} == {"w01", "w02", "w03", "w04", "w05"}
    assert "CMOc" in (root.findtext(f"{{{NS}}}Description") or "")  # the unanchored ones
    copy = open_store("memory:")
    report = import_file(copy, "copy", "peer-support.qdpx", data)
    assert report.unmapped_codes == [] and report.codings == 0 and report.cmocs == 5
    before, after = _anchored(workshop, "peer-support"), _anchored(copy, "copy")
    for k in before:
        for f in before[k]:
            assert (k, f, after[k][f]) == (k, f, before[k][f])
    assert after == before
    assert _concepts(copy, "copy") == _concepts(workshop, "peer-support")
    assert [s.study for s in list_sources(copy, "copy")] == ["Workshop notes 2026"]
    again = export_qdpx(copy, "copy")
    valid_project(again)


def test_export_is_valid_and_keeps_codings_and_users(tmp_path: object) -> None:
    store = open_store("memory:")
    codes = {"Context": {"rural": {"remote farms": "far away"}}, "Mechanism": {"trust": {}},
             "Outcome": {"uptake": {}}}
    text = "Rural 😀 mothers\r\ntrusted peers and took up support."
    import_file(store, "r", "p.qdpx", project(origin="QualCoder", users=["Ana"], codes=codes,
                sources=[Src("a.txt", text, [Sel("x", 0, 5, ["remote farms"], "memo", "Ana")],
                             description="a source memo")]))
    data = export_qdpx(store, "r")
    qde = valid_project(data)
    assert b"<Description>far away</Description>" in qde  # the concept's note
    assert b"<Description>a source memo</Description>" in qde
    copy = open_store("memory:")
    import_file(copy, "r", "e.qdpx", data)
    [before], [after] = list_codings(store, "r"), list_codings(copy, "r")
    assert after.model_dump(exclude={"source"}) == before.model_dump(exclude={"source"})
    assert (after.quote, after.note, after.coder) == ("Rural", "memo", "Ana")
    assert _concepts(copy, "r") == _concepts(store, "r")


def test_export_empty_review_is_valid(store: Store) -> None:
    from cmo.model.records import Review
    from cmo.review.reviews import create_review

    create_review(store, Review(id="empty", title="Nothing yet"))
    valid_project(export_qdpx(store, "empty"))
