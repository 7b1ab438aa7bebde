"""The CMO extraction sheet: every column, the concept sheet, spreadsheet quirks, bad rows."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from openpyxl import Workbook

import cmo
from cmo.interchange.importer import import_file
from cmo.interchange.sheet import COLUMNS
from cmo.questions.engine import mechanisms_for_context
from cmo.questions.stats import review_stats
from cmo.review.cmocs import get_cmoc, list_cmocs
from cmo.review.concepts import find_concept
from cmo.review.studies import get_study, update_study
from cmo.review.theories import get_theory
from cmo.review.validation import validate_review
from cmo.store import Store
from tests.builders import sample_review

HEADER = "study,context,mechanism,outcome"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _xlsx(rows: list[list[object]], concepts: list[list[object]] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "CMOcs"
    for row in rows:
        sheet.append(row)
    if concepts is not None:
        extra = book.create_sheet("Concepts")
        for row in concepts:
            extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_sheet_reads_every_column(store: Store) -> None:
    row = {c: "" for c in COLUMNS} | {
        "study": "Okafor 2019", "context": "rural setting; low income", "mechanism": "trust",
        "outcome": "uptake; retention", "cmoc_id": "k1", "resource": "a peer who visits",
        "intervention": "home visits", "actor": "peer supporter", "mechanism_fired": "No",
        "outcome_direction": "Negative", "confidence": "LOW", "quote": "She never came back.",
        "page": "12", "programme_theory": "Peer theory", "leads_to": "k2",
        "study_title": "Peers at home", "study_authors": "Okafor N; Ade B", "study_year": "2019",
        "study_design": "Process evaluation", "doi": "10.1/xyz", "reviewer": "Ann Reviewer",
        "notes": "memo"}
    second = {**{c: "" for c in COLUMNS}, "study": "Okafor 2019", "context": "rural setting",
              "mechanism": "trust", "outcome": "uptake", "cmoc_id": "k2"}
    data = _csv(",".join(COLUMNS), ",".join(f'"{row[c]}"' for c in COLUMNS),
                ",".join(second[c] for c in COLUMNS))
    report = import_file(store, "r", "sheet.csv", data)
    assert report.cmocs == 2 and report.created_review
    c = get_cmoc(store, "r", "k1")
    assert (c.studies, c.contexts, c.mechanism, c.outcomes) == (
        ["Okafor 2019"], ["low income", "rural setting"], "trust", ["retention", "uptake"])
    assert (c.resource, c.intervention, c.actor, c.mechanism_fired) == (
        "a peer who visits", "home visits", "peer supporter", False)
    assert (c.outcome_direction, c.confidence, c.leads_to) == ("negative", "low", ["k2"])
    assert c.evidence == [cmo.Evidence(quote="She never came back.", page="12",
                                       study="Okafor 2019")]
    assert (c.reviewer, c.notes, c.theories) == ("Ann Reviewer", "memo", ["peer-theory-v1"])
    assert get_theory(store, "r", "peer-theory-v1").label == "Peer theory"
    study = get_study(store, "r", "okafor  2019")
    assert (study.title, study.authors, study.year, study.design, study.doi) == (
        "Peers at home", "Okafor N; Ade B", 2019, "process-evaluation", "10.1/xyz")
    assert get_cmoc(store, "r", "k2").mechanism_fired is True
    assert validate_review(store, "r") == []


def test_concept_sheet_gives_hierarchy_synonyms_and_definitions(store: Store) -> None:
    concepts = _csv("Kind,Label,Broader,Alt_Labels,Definition",
                    "context,delivery,,,How support is given",
                    "context,low intensity support,delivery,fewer than five contacts; few visits,",
                    "mechanism,trust,,trusting relationship,")
    sheet = _csv(HEADER, "Jolly 2012,Fewer than five  contacts,Trusting relationship,uptake",
                 "Jolly 2012,delivery,trust,uptake")
    import_file(store, "r", "s.csv", sheet, concepts=("concepts.csv", concepts))
    low = find_concept(store, "r", cmo.ConceptKind.context, "few visits")
    assert (low.label, low.broader) == ("low intensity support", "delivery")
    assert low.alt_labels == ["few visits", "fewer than five contacts"]
    assert find_concept(store, "r", "context", "delivery").definition == "How support is given"
    assert [c.mechanism for c in list_cmocs(store, "r")] == ["trust", "trust"]
    found = mechanisms_for_context(store, "delivery", reviews=["r"])
    assert found.model_dump()["rows"][0]["cmocs"] == 2


def test_sheet_labels_resolve_to_stored_concepts_and_synonyms(store: Store) -> None:
    sample_review(store)
    import_file(store, "r1", "s.csv", _csv(HEADER, "Jolly 2012,FEWER than five contacts,"
                                                   "mothers engage with the peer,x"))
    new = [c for c in list_cmocs(store, "r1") if c.id not in ("c1", "c2")]
    assert new[0].contexts == ["low intensity support"] and new[0].id == "c0002"


def test_workbook_with_concepts_sheet_and_typed_cells(store: Store) -> None:
    rows = [["Study", "Context", "Mechanism", "Outcome", "Mechanism_Fired", "Page",
             "Study_Year", "Quote", None, None],
            ["Jolly 2012", "rural", "trust", "uptake", False, 3.0, 2012, "q", None, None],
            ["Jolly 2012", "rural", "trust", "uptake", 1, 4, 2012.0, "q2", None, None],
            [None] * 10, [None] * 10]
    concepts = [["kind", "label", "broader", "alt_labels", "definition"],
                ["context", "rural", "", "countryside", ""]]
    import_file(store, "r", "s.xlsx", _xlsx(rows, concepts))
    first, second = list_cmocs(store, "r")
    assert (first.mechanism_fired, first.evidence[0].page, second.mechanism_fired) == (
        False, "3", True)
    assert get_study(store, "r", "Jolly 2012").year == 2012
    assert find_concept(store, "r", "context", "countryside").label == "rural"


QUIRKS = {
    "byte-order mark": b"\xef\xbb\xbf" + _csv(HEADER, "Jolly 2012,rural,trust,uptake"),
    "semicolons": _csv("study;context;mechanism;outcome", "Jolly 2012;rural;trust;uptake"),
    "semicolons, quoted lists": _csv("study;context;mechanism;outcome",
                                     'Jolly 2012;"rural; remote";trust;uptake'),
    "tabs": _csv("Study\tContext\tMechanism\tOutcome", "Jolly 2012\trural\ttrust\tuptake"),
    "windows line ends": b"Study,Context,Mechanism,Outcome\r\nJolly 2012,rural,trust,uptake\r\n",
    "trailing empty rows and columns": _csv(HEADER + ",,", "Jolly 2012,rural,trust,uptake,,",
                                            ",,,,,", ",,,,,", ""),
    "upper-case headers with spaces": _csv("STUDY, Context ,Mechanism,Outcome",
                                           "Jolly 2012,rural,trust,uptake"),
    "no extension": _csv(HEADER, "Jolly 2012,rural,trust,uptake"),
}


@pytest.mark.parametrize("data", QUIRKS.values(), ids=QUIRKS.keys())
def test_import_sheet_tolerates_spreadsheet_quirks(store: Store, data: bytes) -> None:
    name = "export" if data == QUIRKS["no extension"] else "sheet.csv"
    assert import_file(store, "r", name, data).cmocs == 1
    (cmoc,) = list_cmocs(store, "r")
    assert cmoc.studies == ["Jolly 2012"] and "rural" in cmoc.contexts


def test_every_bad_row_is_reported_at_once_and_nothing_written(store: Store) -> None:
    sample_review(store)
    before = store.dump(ox.RdfFormat.N_QUADS)
    data = _csv("study,context,mechanism,outcome,cmoc_id,outcome_direction,leads_to,"
                "mechanism_fired,confidence,study_year",
                "Jolly 2012,rural,trust,uptake,k1,positive,,,,",      # row 2: fine
                ",rural,trust,uptake,k2,,,,,",                          # 3: no study
                "Jolly 2012,rural,trust,uptake,k3,postive,,,,",         # 4: direction
                "Jolly 2012,rural,trust,uptake,k4,,k99,,,",             # 5: dangling link
                "Jolly 2012,rural,trust,uptake,c1,,,,,",                # 6: id taken
                "Jolly 2012,rural,trust,uptake,k1,,,maybe,sure,20x2",   # 7: four problems
                "Jolly 2012,rural,,,bad id!,,,,,")                      # 8: three problems
    with pytest.raises(cmo.InvalidInput) as caught:
        import_file(store, "r1", "sheet.csv", data)
    found = [(p.row, p.field) for p in caught.value.problems]
    assert found == [(3, "study"), (4, "outcome_direction"), (5, "leads_to"), (6, "cmoc_id"),
                     (7, "cmoc_id"), (7, "mechanism_fired"), (7, "confidence"),
                     (7, "study_year"), (8, "mechanism"), (8, "outcome"), (8, "cmoc_id")]
    message = caught.value.message
    assert "row 4, outcome_direction: unknown value 'postive'; use one of: positive" in message
    assert "'k99'" in message and "row 3, study: missing required value" in message
    assert store.dump(ox.RdfFormat.N_QUADS) == before


def test_unknown_and_missing_columns_are_refused(store: Store) -> None:
    with pytest.raises(cmo.InvalidInput) as caught:
        import_file(store, "r", "s.csv", _csv("study,context,mechanism,outcmoe,qoute",
                                               "a,b,c,d,e"))
    text = caught.value.message
    assert "outcmoe: unknown column (did you mean 'outcome'?)" in text
    assert "qoute: unknown column (did you mean 'quote'?)" in text
    assert "outcome: required column is missing" in text
    assert store.graphs() == []


def test_concept_sheet_problems_name_the_concept_file(store: Store) -> None:
    concepts = _csv("kind,label,broader", "contxt,a,", "context,b,nowhere", "context,B,")
    with pytest.raises(cmo.InvalidInput) as caught:
        import_file(store, "r", "s.csv", _csv(HEADER, "S 2000,a,m,o"),
                    concepts=("c.csv", concepts))
    found = [(p.file, p.row, p.field) for p in caught.value.problems]
    assert found == [("c.csv", 2, "kind"), ("c.csv", 3, "broader"), ("c.csv", 4, "label")]


def test_check_reports_without_writing(store: Store) -> None:
    report = import_file(store, "r", "s.csv", _csv(HEADER, "S 2000,a,m,o"), check=True)
    assert report.checked and report.cmocs == 1 and store.graphs() == []


def test_generated_ids_avoid_taken_ids(store: Store) -> None:
    import_file(store, "r", "s.csv", _csv(HEADER + ",cmoc_id", "S 2000,a,m,o,c0003",
                                           "S 2000,a,m,o,"))
    assert [c.id for c in list_cmocs(store, "r")] == ["c0003", "c0003-2"]


def test_stored_study_metadata_is_filled_not_overwritten(store: Store) -> None:
    sample_review(store)
    update_study(store, "r1", "Jolly 2012", cmo.Study(key="Jolly 2012", year=2012))
    before = store.dump(ox.RdfFormat.N_QUADS)
    bad = _csv(HEADER + ",study_year,study_title", "Jolly 2012,a,m,o,2013,T")
    with pytest.raises(cmo.InvalidInput, match="2013 differs from the stored '2012'"):
        import_file(store, "r1", "s.csv", bad)
    assert store.dump(ox.RdfFormat.N_QUADS) == before
    import_file(store, "r1", "s.csv", _csv(HEADER + ",study_year,study_title",
                                           "Jolly 2012,a,m,o,2012,T"))
    assert get_study(store, "r1", "Jolly 2012").title == "T"


@pytest.mark.parametrize("bulk", [False, True], ids=["load", "bulk"])
def test_big_writes_load_triples_and_keep_one_revision_token(
        any_store: Store, monkeypatch: pytest.MonkeyPatch, bulk: bool) -> None:
    monkeypatch.setattr("cmo.store.writes.BULK_TRIPLES", 1)
    import_file(any_store, "r", "s.csv", _csv(HEADER, "S 2000,a,m,o", "S 2000,b,m,o"), bulk=bulk)
    assert review_stats(any_store, "r").cmocs == 2
    import_file(any_store, "r", "s.csv", _csv(HEADER, "S 2001,c,m,o"))
    tokens = [q for q in any_store.dump(ox.RdfFormat.N_QUADS).decode().splitlines()
              if "ns#revision" in q]
    assert len(tokens) == 1 and review_stats(any_store, "r").cmocs == 3
