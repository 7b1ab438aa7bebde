"""Programme theories refined with evidence (issue 16): a version's if-then-because parts,
CMOcs that support, refute or refine a version, a new version made with its recorded change
(PROV), bulk linking in one write, and two versions compared. On every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pyoxigraph import NamedNode

import cmo
from cmo.errors import AlreadyExists, NotFound, UnknownConcept
from cmo.graph.knowledge_graph import KnowledgeGraph
from cmo.interchange.rdf_files import export_review, import_rdf, rdf_format
from cmo.model import ids
from cmo.model.records import NewCMOc, ProgrammeTheory, TheoryPart, TheoryRelation
from cmo.model.theories import CmocSelection, NewTheoryVersion
from cmo.questions.bulk import chooser
from cmo.rdf.provenance import acting_as
from cmo.review.cmocs import create_cmoc, delete_cmoc, edit_cmoc, get_cmoc
from cmo.review.index import build_index, review_indexes
from cmo.review.reviews import create_review
from cmo.review.theories import add_theory, delete_theory, get_theory, list_theories
from cmo.review.theory_diff import diff_theories
from cmo.review.theory_links import (
    link_cmocs,
    links_by_iri,
    links_of,
    new_theory_version,
    review_links,
    theory_detail,
)
from cmo.review.validation import validate_review
from cmo.store import Store
from cmo.store.writes import current_revision

S, F, N = TheoryRelation.supports, TheoryRelation.refutes, TheoryRelation.refines


def _review(store: Store, review: str = "r") -> None:
    """Four CMOcs, a first version they are all tested against."""
    create_review(store, cmo.Review(id=review, title=review.upper()))
    add_theory(store, review, ProgrammeTheory(id="t-v1", label="Peer support",
                                              statement="If peers help, then mothers cope."))
    for context, mechanism, fired, quote in [
            ("peer shares experience", "trust", True, "she had been there"),
            ("low intensity support", "trust", False, "fewer than five contacts"),
            ("rolling training", "confidence", True, "trained on a rolling basis"),
            ("low intensity support", "confidence", False, "too few contacts to matter")]:
        create_cmoc(store, review, NewCMOc(
            studies=["Jolly 2012"], contexts=[context], mechanism=mechanism,
            outcomes=["breastfeeding duration"], mechanism_fired=fired,
            evidence=[{"quote": quote, "page": "4", "study": "Jolly 2012"}],
            theories=["t-v1"]))


def test_link_cmocs_by_ids_relates_them_in_one_write(store: Store) -> None:
    _review(store)
    before = current_revision(store, "r")
    done = link_cmocs(store, "r", "t-v1", S, ["c01", "c03"])
    assert (done.added, done.changed, done.cmocs) == (0, 2, ["c01", "c03"])
    assert current_revision(store, "r") != before
    c01 = get_cmoc(store, "r", "c01")
    assert c01.theories == ["t-v1"]  # the old field keeps its shape
    assert [(x.theory, x.relation) for x in c01.theory_links] == [("t-v1", S)]
    assert links_of(store, "r", "t-v1") == {"c01": S, "c02": TheoryRelation.tested, "c03": S,
                                            "c04": TheoryRelation.tested}
    again = link_cmocs(store, "r", "t-v1", F, ["c01"])  # re-related: one relation per version
    assert (again.added, again.changed) == (0, 1)
    assert links_of(store, "r", "t-v1")["c01"] == F
    assert validate_review(store, "r") == []


def test_link_cmocs_unknown_id_writes_nothing(store: Store) -> None:
    _review(store)
    before = current_revision(store, "r")
    with pytest.raises(NotFound, match=r"'nope'.*'c99'|'c99'.*'nope'"):
        link_cmocs(store, "r", "t-v1", S, ["c01", "nope", "c99"])
    with pytest.raises(NotFound, match="t-v9"):
        link_cmocs(store, "r", "t-v9", S, ["c01"])
    assert current_revision(store, "r") == before
    assert set(links_of(store, "r", "t-v1").values()) == {TheoryRelation.tested}


def test_link_cmocs_by_filter_takes_the_matching_cmocs(store: Store) -> None:
    _review(store)
    create_review(store, cmo.Review(id="other", title="O"))
    chosen = chooser(CmocSelection(context="Low  Intensity Support", fired_only=False))
    done = link_cmocs(store, "r", "t-v1", F, chosen)
    assert done.cmocs == ["c02", "c04"] and done.added == 0
    fired = link_cmocs(store, "r", "t-v1", S, chooser(CmocSelection(
        mechanism="trust", fired_only=True)))
    assert fired.cmocs == ["c01"]
    with pytest.raises(UnknownConcept, match="low intensity support"):
        link_cmocs(store, "r", "t-v1", S, chooser(CmocSelection(context="low intensty suport")))


def test_relation_stays_through_an_edit_and_goes_with_its_theory(store: Store) -> None:
    _review(store)
    link_cmocs(store, "r", "t-v1", N, ["c01"])
    edited = edit_cmoc(store, "r", "c01", lambda c: c.model_copy(update={"notes": "seen"}))
    assert edited.cmoc.theory_links[0].relation == N
    # An older client edits `theories` only, sending the links it read back: the theory it
    # dropped goes, with its relation.
    dropped = edit_cmoc(store, "r", "c01",
                        lambda c: c.model_validate({**c.model_dump(), "theories": []}))
    assert dropped.cmoc.theories == [] and dropped.cmoc.theory_links == []
    assert "c01" not in links_of(store, "r", "t-v1")


def test_new_version_records_the_change_with_prov_and_carries_over(store: Store) -> None:
    _review(store)
    link_cmocs(store, "r", "t-v1", S, ["c01"])
    link_cmocs(store, "r", "t-v1", F, ["c02"])
    with acting_as("Ana"):
        v2 = new_theory_version(store, "r", "t-v1", NewTheoryVersion(
            statement="If support is intense enough, then mothers cope.",
            what="adds intensity", rationale="<b>low</b> intensity support did not work",
            cmocs=["c02", "c04"], carry_over=True))
    assert (v2.id, v2.version, v2.revision_of, v2.label) == ("t-v2", 2, "t-v1", "Peer support")
    assert v2.change is not None and v2.change.by == "Ana" and v2.change.cmocs == ["c02", "c04"]
    assert v2.change.rationale == "<b>low</b> intensity support did not work"  # data, as given
    assert v2.change.at is not None and abs(v2.change.at - datetime.now(UTC)) < timedelta(
        minutes=5)
    assert links_of(store, "r", "t-v2") == links_of(store, "r", "t-v1")
    rows = store.select(
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
        " SELECT ?v ?used ?who ?when WHERE { ?v prov:wasRevisionOf ?used ; prov:wasGeneratedBy ?a ."
        " ?a prov:used ?used ; prov:wasAssociatedWith/rdfs:label ?who ; prov:endedAtTime ?when }",
        {"v": NamedNode(ids.theory_iri("r", "t-v2"))}, graphs=[ids.review_iri("r")])
    assert [(r["used"].value, r["who"].value) for r in rows] == [  # type: ignore[union-attr]
        (ids.theory_iri("r", "t-v1"), "Ana")]
    assert validate_review(store, "r") == []
    plain = new_theory_version(store, "r", "t-v2", NewTheoryVersion(what="nothing carried"))
    assert plain.id == "t-v3" and plain.statement == v2.statement
    assert links_of(store, "r", "t-v3") == {}


def test_new_version_refuses_unknown_cmocs_a_taken_id_and_writes_nothing(store: Store) -> None:
    _review(store)
    before = current_revision(store, "r")
    with pytest.raises(NotFound, match="'c77'"):
        new_theory_version(store, "r", "t-v1", NewTheoryVersion(what="x", cmocs=["c01", "c77"],
                                                                carry_over=True))
    with pytest.raises(AlreadyExists):
        new_theory_version(store, "r", "t-v1", NewTheoryVersion(id="t-v1", what="x"))
    with pytest.raises(UnknownConcept):
        new_theory_version(store, "r", "t-v1", NewTheoryVersion(
            what="x", context=TheoryPart(text="if busy", concepts=["busy clinicans"])))
    assert current_revision(store, "r") == before
    assert [t.id for t in list_theories(store, "r")] == ["t-v1"]


def test_theory_parts_name_concepts_of_the_review(store: Store) -> None:
    _review(store)
    v2 = new_theory_version(store, "r", "t-v1", NewTheoryVersion(
        what="states its parts",
        context=TheoryPart(text="if support is intense", concepts=["Low intensity  support"]),
        mechanism=TheoryPart(text="because mothers trust the peer", concepts=["trust"]),
        outcome=TheoryPart(text="then they breastfeed for longer")))
    assert v2.context == TheoryPart(text="if support is intense",
                                    concepts=["low intensity support"])
    assert v2.mechanism is not None and v2.mechanism.concepts == ["trust"]
    assert v2.outcome is not None and v2.outcome.concepts == []
    assert validate_review(store, "r") == []


def test_diff_shows_statements_parts_cmocs_and_the_evidence_behind_the_change(
        store: Store) -> None:
    _review(store)
    link_cmocs(store, "r", "t-v1", S, ["c01", "c02"])
    with acting_as("Ana"):
        new_theory_version(store, "r", "t-v1", NewTheoryVersion(
            statement="If support is intense enough, then mothers cope.",
            mechanism=TheoryPart(text="because they trust the peer", concepts=["trust"]),
            what="adds intensity", rationale="low intensity did not work", cmocs=["c02"],
            carry_over=True))
    link_cmocs(store, "r", "t-v2", F, ["c02"])
    link_cmocs(store, "r", "t-v2", N, ["c04"])
    edit_cmoc(store, "r", "c03", lambda c: c.model_copy(update={"theories": ["t-v2"]}))
    diff = diff_theories(store, "r", "t-v1", "t-v2")
    assert diff.statement.changed and diff.statement.after == (
        "If support is intense enough, then mothers cope.")
    mechanism = next(p for p in diff.parts if p.part == "mechanism")
    assert mechanism.concepts_added == ["trust"] and mechanism.text.changed
    # c03 moved from v1 to v2 (an edit of its `theories`); c02 and c04 were carried over.
    assert [(c.id, c.before, c.after) for c in diff.added] == [
        ("c03", None, TheoryRelation.tested)]
    assert [c.id for c in diff.removed] == []
    assert [(c.id, c.before, c.after) for c in diff.re_related] == [
        ("c02", S, F), ("c04", TheoryRelation.tested, N)]
    assert diff.unchanged == ["c01"]
    assert diff.re_related[0].evidence[0].quote == "fewer than five contacts"
    assert diff.re_related[0].contexts == ["low intensity support"]
    [change] = diff.changes
    assert change.version == "t-v2" and change.change.by == "Ana"
    assert [c.id for c in change.justified_by] == ["c02"]
    assert change.justified_by[0].evidence[0].page == "4"
    back = diff_theories(store, "r", "t-v2", "t-v1")  # the other way round: same change
    assert [c.version for c in back.changes] == ["t-v2"] and [c.id for c in back.removed] == [
        "c03"]


def test_diff_keeps_a_deleted_justifying_cmoc_and_refuses_unknown_versions(
        store: Store) -> None:
    _review(store)
    new_theory_version(store, "r", "t-v1", NewTheoryVersion(what="x", cmocs=["c04"]))
    delete_cmoc(store, "r", "c04")
    [change] = diff_theories(store, "r", "t-v1", "t-v2").changes
    assert [(c.id, c.in_review) for c in change.justified_by] == [("c04", False)]
    with pytest.raises(NotFound, match="known: t-v1, t-v2"):
        diff_theories(store, "r", "t-v1", "t-v7")


def test_delete_version_removes_its_change_and_detail_counts(store: Store) -> None:
    _review(store)
    new_theory_version(store, "r", "t-v1", NewTheoryVersion(what="x", cmocs=["c01"]))
    link_cmocs(store, "r", "t-v2", F, ["c02"])
    detail = theory_detail(store, "r", "t-v1")
    assert detail.later_versions == ["t-v2"] and detail.counts["tested"] == 4
    with pytest.raises(cmo.InUse):
        delete_theory(store, "r", "t-v2")
    link_cmocs(store, "r", "t-v2", TheoryRelation.tested, ["c02"])
    edit_cmoc(store, "r", "c02", lambda c: c.model_copy(update={"theories": ["t-v1"]}))
    delete_theory(store, "r", "t-v2")
    assert store.select("SELECT ?s WHERE { ?s <https://w3id.org/realist-kg/ns#whatChanged> ?o }",
                        graphs=[ids.review_iri("r")]) == []
    assert get_theory(store, "r", "t-v1").change is None


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_export_and_import_keep_relations_parts_and_changes(store: Store, fmt: str) -> None:
    _review(store)
    link_cmocs(store, "r", "t-v1", S, ["c01"])
    with acting_as("Ana"):
        new_theory_version(store, "r", "t-v1", NewTheoryVersion(
            what="adds intensity", rationale="why", cmocs=["c02"], carry_over=True,
            context=TheoryPart(text="if intense", concepts=["low intensity support"])))
    link_cmocs(store, "r", "t-v2", N, ["c03"])
    data = export_review(store, "r", fmt)
    import_rdf(store, "copy", [(f"r.{fmt}", data, rdf_format(fmt))])
    for theory_id in ("t-v1", "t-v2"):
        assert links_of(store, "copy", theory_id) == links_of(store, "r", theory_id)
        assert get_theory(store, "copy", theory_id) == get_theory(store, "r", theory_id)
    assert diff_theories(store, "copy", "t-v1", "t-v2").model_dump(exclude={"review"}) == \
        diff_theories(store, "r", "t-v1", "t-v2").model_dump(exclude={"review"})


def test_links_bring_the_index_along_as_a_fresh_reading_would(store: Store) -> None:
    _review(store)
    before = review_indexes(store, ["r"])[0]
    diff_theories(store, "r", "t-v1", "t-v1")  # the links are kept with the index
    with acting_as("Ana"):
        new_theory_version(store, "r", "t-v1", NewTheoryVersion(what="x", carry_over=True))
        link_cmocs(store, "r", "t-v2", F, ["c02", "c03"])
    kept = store.state.indexes["r"]
    assert kept is not before and kept.revision == current_revision(store, "r")
    fresh = build_index("r", store.graph_triples(ids.review_iri("r")))
    assert {c.id: set(c.theories) for c in kept.cmocs} == {
        c.id: set(c.theories) for c in fresh.cmocs}
    assert kept.theories == fresh.theories and kept.agents == fresh.agents
    assert review_links(store, kept) == links_by_iri(store, "r")
    assert diff_theories(store, "r", "t-v1", "t-v2").re_related[0].id == "c02"


# The worked example, through the library's entry object, as a reviewer asks ----------------------

def test_example_what_changed_from_v1_to_v2_and_on_what_evidence(example_store: Store) -> None:
    theories = KnowledgeGraph(example_store).review("peer-support").theories
    diff = theories.diff("peer-support-v1", "peer-support-v2")
    [change] = diff.changes
    assert change.change.what.startswith("Adds the conditions that switch the mechanisms on")
    assert change.change.by == "Example reviewer"
    quotes = {c.id: [e.quote for e in c.evidence] for c in change.justified_by}
    assert quotes["c10"] == ["Five experimental studies in the UK have failed to demonstrate "
                             "positive findings for breastfeeding peer support (at least three "
                             "were low intensity)."]
    assert "intensity" in (diff.statement.after or "") and diff.statement.changed
    context = next(p for p in diff.parts if p.part == "context")
    assert "high intensity support" in context.concepts_added
    assert context.concepts_removed == ["similar characteristics"]


def test_example_which_findings_refute_the_initial_theory_and_what_became_of_them(
        example_store: Store) -> None:
    theories = KnowledgeGraph(example_store).review("peer-support").theories
    v1 = theories.links("peer-support-v1")
    assert sorted(c for c, r in v1.items() if r == F) == ["c10", "c38"]
    v2 = theories.links("peer-support-v2")
    assert {c: v2[c] for c in ("c10", "c38")} == {"c10": S, "c38": S}
    assert theories.show("peer-support-v2").counts == {
        "tested": len(v2) - 17, "supports": 14, "refutes": 0, "refines": 3}


def test_example_refine_v2_with_the_network_findings(example_store: Store) -> None:
    theories = KnowledgeGraph(example_store).review("peer-support").theories
    v3 = theories.new_version("peer-support-v2", what="adds local networks",
                              rationale="groups work through networks", cmocs=["c13", "c22"],
                              carry_over=True)
    linked = theories.link("peer-support-v3", "supports", context="social network involvement")
    assert linked.cmocs == ["c22", "c30"] and linked.changed == 2
    assert theories.link("peer-support-v3", "refutes", ["c01"]).changed == 1
    diff = theories.diff("peer-support-v2", v3.id)
    assert {(c.id, c.before, c.after) for c in diff.re_related} == {
        ("c22", N, S), ("c30", N, S), ("c01", TheoryRelation.tested, F)}
