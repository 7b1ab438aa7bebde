"""Appraisal of studies and fragments, and the questions that use it, on every store backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cmo
from cmo.errors import InUse, InvalidInput, NotFound, UnknownValue
from cmo.model.appraisal import AppraisalUpdate, EvidenceOverride
from cmo.questions import engine as q
from cmo.rdf.provenance import acting_as
from cmo.review.appraisals import (
    appraise_study,
    get_appraisal,
    get_evidence_appraisal,
    list_appraisals,
    override_evidence,
)
from cmo.review.cmocs import delete_cmoc
from cmo.review.index import build_index, review_indexes
from cmo.review.snapshots import Snapshots, _digest
from cmo.review.studies import delete_study, get_study, update_study
from cmo.store import Store, open_store

pytestmark = pytest.mark.virtuoso


def _review(store: Store) -> None:
    review = cmo.KnowledgeGraph(store).reviews.create(id="r", title="R")
    add = review.cmocs.create
    add(id="c1", studies=["Trial 2020"], contexts=["rural"], mechanism="trust",
        outcomes=["uptake"], outcome_direction="positive",
        evidence=[cmo.Evidence(quote="mothers trusted the peers", page="3")])
    add(id="c2", studies=["Interviews 2021"], contexts=["rural"], mechanism="trust",
        outcomes=["uptake"], outcome_direction="positive", mechanism_fired=False)
    add(id="c3", studies=["Opinion 2019"], contexts=["rural"], mechanism="trust",
        outcomes=["uptake"], outcome_direction="positive")


def test_contexts_for_mechanism_counts_each_side_once(store: Store) -> None:
    _review(store)
    answer = q.contexts_for_mechanism(store, "trust")
    fired, = answer.fired_in
    not_fired, = answer.not_fired_in
    # Two CMOcs fired in 'rural' and one did not: each side counts only its own.
    assert (fired.cmocs, fired.studies, fired.fired, fired.not_fired) == (2, 2, 2, 0)
    assert (not_fired.cmocs, not_fired.studies, not_fired.fired, not_fired.not_fired) == (
        1, 1, 0, 1)


def test_appraise_study_keeps_rationale_appraiser_and_date(store: Store) -> None:
    _review(store)
    with acting_as("Reviewer A"):
        got = appraise_study(store, "r", " trial  2020", AppraisalUpdate(
            rigour="High", relevance="moderate", rationale="randomised, well reported",
            relevance_rationale="another country"))
    assert got.study == "Trial 2020"
    assert (got.rigour.level, got.rigour.rationale, got.rigour.appraiser) == (
        "high", "randomised, well reported", "Reviewer A")
    assert (got.relevance.level, got.relevance.rationale) == ("moderate", "another country")
    assert got.richness is None and got.rigour.date is not None
    again = appraise_study(store, "r", "Trial 2020", AppraisalUpdate(
        rigour="low", rationale="on a second look, high attrition", appraiser="Reviewer B"))
    assert (again.rigour.level, again.rigour.appraiser) == ("low", "Reviewer B")
    assert again.relevance == got.relevance  # an aspect not given keeps its judgement
    assert [a.study for a in list_appraisals(store, "r")] == [
        "Interviews 2021", "Opinion 2019", "Trial 2020"]


def test_replacing_a_study_keeps_its_appraisal_and_deleting_it_drops_it(store: Store) -> None:
    _review(store)
    appraise_study(store, "r", "Opinion 2019", AppraisalUpdate(rigour="low", rationale="opinion"))
    study = get_study(store, "r", "Opinion 2019")
    update_study(store, "r", "Opinion 2019", study.model_copy(update={"title": "A view"}))
    assert get_appraisal(store, "r", "Opinion 2019").rigour.level == "low"
    with pytest.raises(InUse):  # still cited by c3, not by its own appraisal
        delete_study(store, "r", "Opinion 2019")
    delete_cmoc(store, "r", "c3")
    delete_study(store, "r", "Opinion 2019")
    assert "appraisal" not in "".join(t[0].value for t in store.graph_triples(
        "https://w3id.org/realist-kg/id/review/r"))


def test_appraise_refuses_unknown_study_and_nothing_to_judge(store: Store) -> None:
    _review(store)
    with pytest.raises(NotFound):
        appraise_study(store, "r", "No such 1999", AppraisalUpdate(rigour="high"))
    with pytest.raises(InvalidInput):
        appraise_study(store, "r", "Trial 2020", AppraisalUpdate(rationale="just words"))
    with pytest.raises(ValueError):
        AppraisalUpdate.model_validate({"rigour": "hihg"})


def test_a_quote_overrides_its_studys_rigour_for_the_filter(store: Store) -> None:
    _review(store)
    for key, level in (("Trial 2020", "high"), ("Interviews 2021", "moderate"),
                       ("Opinion 2019", "low")):
        appraise_study(store, "r", key, AppraisalUpdate(rigour=level, rationale="r"))
    high = q.CmocFilter.of(min_rigour="high")
    assert [r.cmocs for r in q.context_mechanism_matrix(store, filters=high).rows] == [1]
    got = override_evidence(store, "r", "c1", 1, EvidenceOverride(
        rigour="low", rationale="this passage is the authors' speculation"))
    assert (got.rigour.level, got.quote) == ("low", "mothers trusted the peers")
    assert q.context_mechanism_matrix(store, filters=high).rows == []
    cell, = q.context_mechanism_matrix(store).rows
    # Counts describe the studies' own appraisal; the override decides only what passes.
    assert (cell.rigour.high, cell.rigour.moderate, cell.rigour.low) == (1, 1, 1)
    assert get_evidence_appraisal(store, "r", "c1", 1).rigour.rationale.startswith("this")
    with pytest.raises(NotFound):
        override_evidence(store, "r", "c1", 2, EvidenceOverride(rigour="low", rationale="x"))


def test_unknown_filter_value_names_the_closest(store: Store) -> None:
    with pytest.raises(UnknownValue) as caught:
        q.CmocFilter.of(min_rigour="hihg")
    assert caught.value.field == "min_rigour" and caught.value.suggestions == ["high"]
    with pytest.raises(UnknownValue):
        q.CmocFilter.of(min_relevance="thick")


def test_patterns_flag_support_resting_only_on_low_rigour(store: Store) -> None:
    _review(store)
    for key in ("Trial 2020", "Opinion 2019"):
        appraise_study(store, "r", key, AppraisalUpdate(rigour="low", rationale="weak"))
    row, = q.recurring_patterns(store, 2).rows
    assert row.low_rigour_only and (row.rigour.low, row.studies) == (2, 2)
    appraise_study(store, "r", "Trial 2020", AppraisalUpdate(rigour="moderate", rationale="ok"))
    row, = q.recurring_patterns(store, 2).rows
    assert not row.low_rigour_only


def test_hostile_rationale_is_stored_as_text(store: Store) -> None:
    _review(store)
    text = '<script>alert(1)</script> " ; DROP GRAPH <x> } \u202e'
    got = appraise_study(store, "r", "Trial 2020", AppraisalUpdate(rigour="high", rationale=text))
    assert got.rigour.rationale == text.strip()
    with pytest.raises(ValueError):
        AppraisalUpdate(rigour="high", rationale="x" * 200_000)


def _appraised_on_disk(tmp_path: Path) -> Path:
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    _review(store)
    cmo.KnowledgeGraph(store).reviews.create(id="r2", title="R2").cmocs.create(
        id="c1", studies=["Other 2022"], contexts=["rural"], mechanism="trust", outcomes=["uptake"])
    appraise_study(store, "r", "Trial 2020", AppraisalUpdate(rigour="high", richness="thick",
                                                            rationale="a trial"))
    appraise_study(store, "r", "Opinion 2019", AppraisalUpdate(rigour="low", rationale="opinion"))
    override_evidence(store, "r", "c1", 1, EvidenceOverride(relevance="low", rationale="aside"))
    store.close()
    return tmp_path / "store"


def _rigour(matrix: Any) -> list[tuple[str, int, int, int, int]]:
    return [(r.context.label, r.rigour.high, r.rigour.moderate, r.rigour.low,
             r.rigour.unappraised) for r in matrix.rows]


def test_a_new_process_gets_the_appraisals_from_the_snapshots(tmp_path: Path) -> None:
    path = _appraised_on_disk(tmp_path)
    first = open_store(f"oxigraph:{path}")
    expected = _rigour(q.context_mechanism_matrix(first))  # kept on disk: over two reviews
    index = build_index("r", first.graph_triples("https://w3id.org/realist-kg/id/review/r"))
    first.close()
    again = open_store(f"oxigraph:{path}")
    shelf = Snapshots.of(again)
    assert shelf is not None and index.revision is not None
    assert shelf.load("r", index.revision) == index and index.appraisals
    again.graph_triples = _refuse  # type: ignore[method-assign,assignment]
    assert _rigour(q.context_mechanism_matrix(again)) == expected
    assert expected == [("rural", 1, 0, 1, 1), ("rural", 0, 0, 0, 1)]  # one cell per review
    filtered = q.context_mechanism_matrix(again, ["r"], q.CmocFilter.of(min_relevance="low"))
    # Only c1 passes: its quote was judged (low); no study is appraised for relevance.
    assert [r.cmocs for r in filtered.rows] == [1]
    again.close()


def _refuse(graph: str) -> Iterator[object]:
    raise AssertionError(f"read {graph} from the store")


def test_a_snapshot_of_the_earlier_layout_is_read_again(tmp_path: Path) -> None:
    path = _appraised_on_disk(tmp_path)
    store = open_store(f"oxigraph:{path}")
    q.context_mechanism_matrix(store)
    store.close()
    folder = Snapshots.of(open_store(f"oxigraph:{path}"))
    assert folder is not None
    file = folder.folder / "r.json"
    body = file.read_bytes().partition(b"\n")[2]
    file.write_bytes(b"realist-kg review index 1 " + _digest(body) + b"\n" + body)
    again = open_store(f"oxigraph:{path}")
    revision = review_indexes(again, ["r"])[0].revision
    assert revision is not None and folder.load("r", revision) is not None  # saved afresh
    again.close()
