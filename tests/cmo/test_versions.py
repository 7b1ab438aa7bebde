"""The library's side of ids and versions: a given CMOc id is kept, If-Match holds as RFC 9110
says, and a concept has an ETag that an update checks and answers."""

from __future__ import annotations

import pytest

import cmo
from cmo.errors import AlreadyExists, InvalidInput, PreconditionFailed
from cmo.model.records import ConceptKind
from cmo.review.cmocs import check_new_cmoc_id, edit_cmoc, get_cmoc_version
from cmo.review.concepts import concept_etag, find_concept, update_concept
from cmo.store import Store

CMOC = {"studies": ["S 2020"], "contexts": ["rural"], "mechanism": "trust",
        "outcomes": ["uptake"]}


@pytest.fixture
def kg() -> cmo.KnowledgeGraph:
    graph = cmo.open("memory:")
    graph.reviews.create(id="r", title="R")
    return graph


def test_create_keeps_a_given_id_and_refuses_a_taken_one(kg: cmo.KnowledgeGraph) -> None:
    cmocs = kg.review("r").cmocs
    assert cmocs.create(id="mine-1", **CMOC).id == "mine-1"
    with pytest.raises(AlreadyExists, match="already has a CMOc 'mine-1'"):
        cmocs.create(id="mine-1", **CMOC)
    with pytest.raises(AlreadyExists):
        check_new_cmoc_id(kg.store, "r", "mine-1")
    with pytest.raises(InvalidInput, match="id"):
        check_new_cmoc_id(kg.store, "r", "not an id")
    assert check_new_cmoc_id(kg.store, "r", "mine-2") == "mine-2"


def test_if_match_star_list_and_weak_tags(kg: cmo.KnowledgeGraph) -> None:
    kg.review("r").cmocs.create(id="c1", **CMOC)
    for holds in ("*", '"{}"', '"x", "{}"', "{}"):
        tag = get_cmoc_version(kg.store, "r", "c1").etag
        edit_cmoc(kg.store, "r", "c1", lambda c: c, if_match=holds.format(tag))
    tag = get_cmoc_version(kg.store, "r", "c1").etag
    for fails in (f'W/"{tag}"', '"x"', f'"{tag}x"'):
        with pytest.raises(PreconditionFailed):
            edit_cmoc(kg.store, "r", "c1", lambda c: c, if_match=fails)


def test_concept_update_checks_and_answers_the_stored_version(kg: cmo.KnowledgeGraph) -> None:
    store: Store = kg.store
    kg.review("r").cmocs.create(id="c1", **CMOC)
    seen = find_concept(store, "r", ConceptKind.context, "rural")
    changed = seen.model_copy(update={"alt_labels": ["Remote", "country"]})
    stored = update_concept(store, "r", ConceptKind.context, "rural", changed,
                            if_match=f'"{concept_etag(seen)}"')
    assert stored.alt_labels == ["country", "Remote"]  # as stored (and as GET shows it)
    assert concept_etag(stored) == concept_etag(find_concept(store, "r", ConceptKind.context,
                                                             "rural"))
    with pytest.raises(PreconditionFailed):
        update_concept(store, "r", ConceptKind.context, "rural", changed,
                       if_match=concept_etag(seen))
