"""CMOcs filtered and paged by the library, matched in the review's index."""

from __future__ import annotations

import pytest

from cmo.review.cmocs import find_cmocs, list_cmocs
from cmo.store import Store

pytestmark = pytest.mark.virtuoso  # the store's own suite: on Virtuoso too


def test_find_cmocs_pages_in_id_order_with_a_total(example_store: Store) -> None:
    everything = list_cmocs(example_store, "peer-support")
    page, total = find_cmocs(example_store, "peer-support", limit=5, offset=3)
    assert total == len(everything) == 43
    assert [c.id for c in page] == [c.id for c in everything[3:8]]


def test_find_cmocs_filters_like_a_reviewer_names_things(example_store: Store) -> None:
    everything = list_cmocs(example_store, "peer-support")
    not_fired, total = find_cmocs(example_store, "peer-support", fired=False, limit=None)
    assert total == len(not_fired) == sum(1 for c in everything if not c.mechanism_fired)
    study, _ = find_cmocs(example_store, "peer-support", study="  jolly   2012 ", limit=None)
    assert study and all("Jolly 2012" in c.studies for c in study)
    mechanism = everything[0].mechanism
    same, _ = find_cmocs(example_store, "peer-support", mechanism=mechanism.upper(), limit=None)
    assert [c.id for c in same] == [c.id for c in everything if c.mechanism == mechanism]


def test_find_cmocs_with_an_unknown_label_finds_nothing(example_store: Store) -> None:
    assert find_cmocs(example_store, "peer-support", context="no such context") == ([], 0)
