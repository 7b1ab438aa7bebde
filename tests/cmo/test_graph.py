"""The entry object: `cmo.open(url)` → KnowledgeGraph → ReviewGraph, over the library."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import cmo
from cmo.graph import KnowledgeGraph, ReviewGraph
from cmo.questions import engine
from cmo.questions.chains import chains
from cmo.questions.engine import CmocFilter
from cmo.review.cmocs import list_cmocs
from cmo.store import Store
from cmo.views import MechanismView
from tests.builders import sample_cmoc
from tests.conftest import EXAMPLE


@pytest.fixture
def kg() -> Iterator[KnowledgeGraph]:
    """An empty knowledge graph in memory."""
    with cmo.open("memory:") as graph:
        yield graph


@pytest.fixture
def example(kg: KnowledgeGraph) -> ReviewGraph:
    """The bundled peer-support review, imported through the entry object."""
    review = kg.review("peer-support")
    review.import_file(EXAMPLE)
    return review


def test_open_without_url_uses_the_store_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMO_STORE", "memory:")
    with cmo.open() as kg:
        assert kg.url == "memory:" and kg.reviews.list() == []


def test_open_on_disk_keeps_reviews_after_close(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'data'}"
    with cmo.open(url) as kg:
        kg.reviews.create(id="ps", title="Peer support")
    with pytest.raises(cmo.StoreError, match="closed"):
        kg.reviews.list()
    with cmo.open(url) as again:
        assert [r.id for r in again.reviews] == ["ps"]


def test_open_with_an_unknown_scheme_is_invalid_input() -> None:
    with pytest.raises(cmo.InvalidInput):
        cmo.open("postgres://localhost")


def test_a_review_is_filled_and_asked_on_every_backend(any_store: Store) -> None:
    kg = KnowledgeGraph(any_store)  # the fixture closes the store
    review = kg.reviews.create(id="r", title="R")
    review.cmocs.create(sample_cmoc("c1"))
    answer = review.ask.mechanisms_for_context("low intensity support")
    assert [row.mechanism.label for row in answer.rows] == ["mothers engage with the peer"]


def test_two_graphs_in_one_process_share_no_state() -> None:
    with cmo.open("memory:") as a, cmo.open("memory:") as b:
        a.reviews.create(id="r", title="A").cmocs.create(sample_cmoc("c1"))
        b.reviews.create(id="r", title="B")
        assert [len(g.review("r").cmocs) for g in (a, b)] == [1, 0]
        assert a.store.state is not b.store.state
        assert set(a.store.state.indexes) == set(b.store.state.indexes) == {"r"}


def test_reviews_create_get_update_delete(kg: KnowledgeGraph) -> None:
    review = kg.reviews.create(cmo.Review(id="ps", title="Peer support"))
    assert isinstance(review, ReviewGraph) and review.id == "ps"
    assert "ps" in kg.reviews and "other" not in kg.reviews and len(kg.reviews) == 1
    assert kg.reviews.update("ps", public=True).public
    assert review.update(question="How?").question == "How?"
    assert kg.reviews.get("ps").title == review.details().title == "Peer support"
    with pytest.raises(cmo.AlreadyExists):
        kg.reviews.create(id="ps", title="Again")
    kg.reviews.delete("ps")
    with pytest.raises(cmo.NotFound):
        review.details()


def test_review_with_an_invalid_id_is_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(cmo.InvalidInput, match="review id"):
        kg.review("no spaces")


def test_a_model_that_refuses_the_fields_is_invalid_input(kg: KnowledgeGraph) -> None:
    with pytest.raises(cmo.InvalidInput, match="Review is not valid"):
        kg.reviews.create(id="ps")


def test_cmocs_create_get_update_delete_list(kg: KnowledgeGraph) -> None:
    cmocs = kg.reviews.create(id="r", title="R").cmocs
    first = cmocs.create(cmo.NewCMOc(studies=["S"], contexts=["rural"], mechanism="trust",
                                     outcomes=["uptake"]))
    second = cmocs.create(sample_cmoc("c9"), notes="from a model, changed")
    assert (first.id, second.id, second.notes) == ("c01", "c9", "from a model, changed")
    updated = cmocs.update("c01", mechanism_fired=False, id="ignored")
    assert (updated.id, updated.mechanism_fired, cmocs.get("c01").mechanism_fired) == (
        "c01", False, False)
    assert [c.id for c in cmocs.list(fired=False)] == ["c01", "c9"]
    assert [c.id for c in cmocs.list(context="RURAL")] == ["c01"]
    assert cmocs.count(study="jolly 2012") == 1 and len(cmocs) == 2
    cmocs.delete("c9")
    assert [c.id for c in cmocs] == ["c01"]
    with pytest.raises(cmo.NotFound):
        cmocs.get("c9")


def test_cmocs_list_pages_like_the_library(example: ReviewGraph) -> None:
    everything = list_cmocs(example.kg.store, "peer-support")
    assert example.cmocs.list() == everything
    assert example.cmocs.list(limit=5, offset=3) == everything[3:8]


def test_concepts_studies_and_theories_through_the_review(kg: KnowledgeGraph) -> None:
    review = kg.reviews.create(id="r", title="R")
    review.concepts.create(cmo.Concept(kind="context", label="delivery"))
    review.concepts.create(kind=cmo.ConceptKind.context, label="intensity", broader="delivery")
    changed = review.concepts.update("context", "Intensity", alt_labels=["dose"])
    assert (changed.label, changed.broader) == ("intensity", "delivery")
    assert review.concepts.get("context", "dose").label == "intensity"
    assert [c.label for c in review.concepts.list("context")] == ["delivery", "intensity"]
    with pytest.raises(cmo.InvalidInput, match="concept kind"):
        review.concepts.list("setting")
    with pytest.raises(cmo.InUse):
        review.concepts.delete("context", "delivery")
    review.studies.create(key="Jolly 2012")
    assert review.studies.update("jolly  2012", year=2012).year == 2012
    assert [s.year for s in review.studies] == [2012]
    review.theories.create(id="t-v1", label="Peer theory")
    assert review.theories.update("t-v1", statement="Trust first").statement == "Trust first"
    review.theories.delete("t-v1")
    review.studies.delete("Jolly 2012")
    assert (len(review.theories), len(review.studies), len(review.concepts)) == (0, 0, 2)


TRUST = "trusting relationship with the peer"
QUESTIONS: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
    ("matrix", engine.context_mechanism_matrix, {}),
    ("mechanisms", engine.mechanisms_for_context, {"context": "delivery"}),
    ("contexts", engine.contexts_for_mechanism, {"mechanism": TRUST}),
    ("outcomes", engine.outcomes_for_mechanism, {"mechanism": TRUST}),
    ("trail", engine.evidence_trail, {"concept": "delivery"}),
    ("patterns", engine.recurring_patterns, {"min_studies": 1}),
]


@pytest.mark.parametrize(("name", "question", "args"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_review_ask_answers_as_the_engine_does(example: ReviewGraph, name: str,
                                               question: Callable[..., Any],
                                               args: dict[str, Any]) -> None:
    filters = {"fired_only": True, "min_confidence": "moderate"}
    asked = getattr(example.ask, question.__name__)(**args, **filters)
    expected = question(example.kg.store, **args, reviews=["peer-support"],
                        filters=CmocFilter(**filters))
    assert asked == expected
    assert asked != getattr(example.ask, question.__name__)(**args)  # the filters were applied


def test_review_ask_contradictions_as_the_engine_does(kg: KnowledgeGraph) -> None:
    review = kg.reviews.create(id="r", title="R")
    review.cmocs.create(sample_cmoc("c1", outcome_direction="positive", mechanism_fired=True))
    review.cmocs.create(sample_cmoc("c2", outcome_direction="negative", mechanism_fired=True))
    asked = review.ask.contradictions(direction="positive")
    assert len(review.ask.contradictions().rows) == 1 and asked.rows == []
    assert asked == engine.contradictions(kg.store, reviews=["r"],
                                          filters=CmocFilter(direction="positive"))


def test_review_ask_chains_and_lookup_as_the_engine_does(example: ReviewGraph) -> None:
    store = example.kg.store
    assert example.ask.chains(limit=3) == chains(store, limit=3, reviews=["peer-support"])
    assert example.ask.lookup_concept("context", "DELIVERY") == engine.lookup_concept(
        store, "context", "delivery")


def test_kg_ask_across_all_or_some_reviews(kg: KnowledgeGraph) -> None:
    for rid in ("a", "b", "c"):
        kg.reviews.create(id=rid, title=rid).cmocs.create(sample_cmoc("c1"))
    assert [r.cmocs for r in kg.ask.context_mechanism_matrix().rows] == [1, 1, 1]
    some = kg.ask.across("a", "c")
    assert some.reviews == ("a", "c")
    assert len(some.context_mechanism_matrix().rows) == 2


def test_a_filter_value_the_engine_does_not_know_is_invalid_input(example: ReviewGraph) -> None:
    with pytest.raises(cmo.InvalidInput, match="Unknown design"):
        example.ask.context_mechanism_matrix(design="anecdote")


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "jsonld", "csv", "xlsx"])
def test_export_then_import_into_a_new_review_keeps_every_cmoc(example: ReviewGraph,
                                                               tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"review.{fmt}"
    path.write_bytes(example.export(fmt))
    copy = example.kg.review("copy")
    report = copy.import_file(path)
    assert report.created_review
    assert [c.id for c in copy.cmocs] == [c.id for c in example.cmocs]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cyjs"])
def test_export_the_mechanism_network(example: ReviewGraph, fmt: str) -> None:
    assert example.export(fmt)


def test_export_in_an_unknown_format_names_every_format(example: ReviewGraph) -> None:
    with pytest.raises(cmo.InvalidInput) as refused:
        example.export("pdf")
    assert "ttl, trig, nq, jsonld, csv, xlsx, graphml, gexf, cyjs" in str(refused.value)


def test_import_file_with_check_writes_nothing(kg: KnowledgeGraph) -> None:
    report = kg.review("new").import_file(EXAMPLE, check=True)
    assert report.checked and report.cmocs == 43 and "new" not in kg.reviews


def test_draw_is_the_mechanism_view(example: ReviewGraph, tmp_path: Path) -> None:
    view = example.draw(context="delivery", min_studies=2)
    assert isinstance(view, MechanismView) and isinstance(view.graph, nx.MultiDiGraph)
    assert view.graph.number_of_nodes() > 3
    assert view.save(tmp_path / "v.html").read_text().startswith("<!DOCTYPE html>")


def test_writes_inside_acting_as_name_the_reviewer(kg: KnowledgeGraph) -> None:
    review = kg.reviews.create(id="r", title="R")
    with kg.acting_as("Ann Reviewer"):
        review.cmocs.create(sample_cmoc("c1", reviewer=None))
    assert review.cmocs.get("c1").reviewer == "Ann Reviewer"


def test_stats_of_a_review_and_of_the_graph(example: ReviewGraph) -> None:
    assert example.stats().cmocs == example.kg.stats().cmocs == 43
