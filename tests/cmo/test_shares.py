"""Share links in the library: made, found, listed, expired and revoked; never a token."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

import cmo
from cmo.errors import InvalidInput, LimitExceeded, NotFound, UnknownConcept, UnknownValue
from cmo.interchange.rdf_files import export_review, import_rdf, rdf_format
from cmo.review import shares
from cmo.review.reviews import create_review, delete_review
from cmo.review.shares import NewShare, ShareFilters, find_share, list_shares, revoke_share
from cmo.review.tokens import authenticate
from cmo.store import Store
from cmo.views import shared
from cmo.views.shared import create_share, shared_view_html, view_function
from tests.conftest import EXAMPLE

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)  # in the past: its shares have expired


def _review(store: Store, review_id: str = "ps") -> None:
    import_rdf(store, review_id, [("r.ttl", EXAMPLE.read_bytes(), rdf_format("ttl"))])


def test_create_share_is_found_by_secret_and_listed_without_it(store: Store) -> None:
    _review(store)
    issued = create_share(store, "ps", NewShare(
        filters=ShareFilters(context="low intensity support", theory="peer-support-v2",
                             min_studies=2, fired_only=True), label="Report, figure 3"), "Ana")
    assert re.fullmatch(r"shr_[0-9a-f]{12}", issued.id) and len(issued.secret) >= 43
    found = find_share(store, issued.secret)
    assert found is not None and found.model_dump() == issued.model_dump(exclude={"secret"})
    assert found.filters.context == "low intensity support" and found.filters.fired_only
    assert found.created_by == "Ana"
    assert timedelta(days=29) < found.expires_at - found.created <= timedelta(days=30)
    [listed] = list_shares(store, "ps")
    assert listed.id == issued.id and issued.secret not in listed.model_dump_json()
    everything = store.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert not any(issued.secret in str(term) for row in everything for term in row.values())


def test_share_secret_is_not_a_token(store: Store) -> None:
    _review(store)
    issued = create_share(store, "ps", NewShare(), "Ana")
    assert authenticate(store, issued.secret) is None


def test_find_share_after_expiry_is_none(store: Store) -> None:
    _review(store)
    issued = create_share(store, "ps", NewShare(expires_in="2h"), "Ana", now=NOW)
    assert find_share(store, issued.secret, now=NOW + timedelta(minutes=119)) is not None
    assert find_share(store, issued.secret, now=NOW + timedelta(hours=2)) is None
    assert find_share(store, issued.secret) is None  # NOW is in the past: it expired long ago
    with pytest.raises(NotFound):
        shared_view_html(store, issued.secret)


def test_revoke_share_stops_it_at_once_and_only_in_its_review(store: Store) -> None:
    _review(store)
    _review(store, "other")
    issued = create_share(store, "ps", NewShare(), "Ana")
    with pytest.raises(NotFound, match="No share"):
        revoke_share(store, "other", issued.id)
    assert find_share(store, issued.secret) is not None
    revoke_share(store, "ps", issued.id)
    assert find_share(store, issued.secret) is None and list_shares(store, "ps") == []
    with pytest.raises(NotFound):
        revoke_share(store, "ps", issued.id)


def test_share_of_deleted_review_stops_even_when_the_id_comes_back(store: Store) -> None:
    _review(store)
    issued = create_share(store, "ps", NewShare(), "Ana")
    delete_review(store, "ps")
    _review(store)
    assert find_share(store, issued.secret) is None and list_shares(store, "ps") == []


def test_share_is_neither_exported_nor_in_the_review_graph(store: Store) -> None:
    _review(store)
    issued = create_share(store, "ps", NewShare(label="secret-ish label"), "Ana")
    exported = export_review(store, "ps", "trig").decode()
    assert issued.id not in exported and "secret-ish label" not in exported


def test_shared_view_draws_only_the_stored_filters(store: Store) -> None:
    _review(store)
    narrow = create_share(store, "ps", NewShare(filters=ShareFilters(
        context="low intensity support")), "Ana")
    page = shared_view_html(store, narrow.secret)
    expected = cmo.views.mechanism_view_html(store, "ps", context="low intensity support",
                                             embed=True)
    assert page == expected
    assert page != cmo.views.mechanism_view_html(store, "ps", embed=True)


@pytest.mark.parametrize(("new", "error", "words"), [
    (NewShare(view="mechanisms ", filters=ShareFilters()), UnknownValue, "mechanisms"),
    (NewShare(view="network"), UnknownValue, "use one of: mechanisms"),
    (NewShare(filters=ShareFilters(context="no such context")), UnknownConcept, "context"),
    (NewShare(filters=ShareFilters(theory="no such theory")), UnknownValue, "peer-support-v1"),
    (NewShare(expires_in="30"), InvalidInput, "90m"),
    (NewShare(expires_in="-3d"), InvalidInput, "90m"),
    (NewShare(expires_in="0m"), InvalidInput, "past or too near"),
    (NewShare(expires_in="366d"), InvalidInput, "share_days"),
    (NewShare(expires_in="9999999d"), InvalidInput, "90m"),
    (NewShare(expires_in="2020-01-01"), InvalidInput, "past"),
    (NewShare(expires_at=datetime(2020, 1, 1, tzinfo=UTC)), InvalidInput, "past"),
    (NewShare(expires_in="tomorrow<script>"), InvalidInput, "tomorrow"),
], ids=["view-space", "view-unknown", "context", "theory", "no-unit", "negative", "zero",
        "over-a-year", "huge", "past-date", "past-time", "words"])
def test_create_share_refuses_what_would_point_at_nothing(store: Store, new: NewShare,
                                                          error: type[Exception],
                                                          words: str) -> None:
    _review(store)
    with pytest.raises(error) as caught:
        create_share(store, "ps", new, "Ana")
    assert words in str(caught.value)
    assert list_shares(store, "ps") == []


def test_create_share_of_missing_review_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        create_share(store, "nope", NewShare(), "Ana")


def test_view_kinds_are_looked_up_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "mechanisms" in shared.shared_view_kinds()
    monkeypatch.setitem(shared.SHARED_VIEWS, "absent", "cmo.views.no_such_module:f")
    assert "absent" not in shared.shared_view_kinds()
    with pytest.raises(UnknownValue, match="use one of: mechanisms"):
        view_function("absent")
    monkeypatch.setitem(shared.SHARED_VIEWS, "graphml", "cmo.views:graph_bytes")
    assert view_function("graphml") is cmo.views.graph_bytes


def test_shares_per_review_are_capped_and_expired_ones_make_room(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    create_review(store, cmo.Review(id="r", title="R"))
    monkeypatch.setattr(shares, "LIMITS", replace(shares.LIMITS, shares_per_review=3))
    old = create_share(store, "r", NewShare(expires_in="1h"), "Ana", now=NOW)
    for _ in range(2):
        create_share(store, "r", NewShare(), "Ana")
    create_share(store, "r", NewShare(), "Ana")  # the expired one is removed to make room
    assert old.id not in {s.id for s in list_shares(store, "r")}
    with pytest.raises(LimitExceeded, match="revoke some") as caught:
        create_share(store, "r", NewShare(), "Ana")
    assert caught.value.limit == "shares_per_review"


def test_hostile_labels_and_filters_are_refused_or_kept_as_text(store: Store) -> None:
    create_review(store, cmo.Review(id="r", title="R"))
    with pytest.raises(Exception, match="label_chars"):
        NewShare(label="x" * 10_000)
    with pytest.raises(Exception, match="label_chars"):
        ShareFilters(context="c" * 10_000)
    with pytest.raises(Exception, match="Extra inputs"):
        ShareFilters.model_validate({"review": "other"})
    markup = '<script>alert(1)</script>"><img src=x>'
    issued = create_share(store, "r", NewShare(label=markup), markup)
    [listed] = list_shares(store, "r")
    assert listed.label == markup and listed.created_by == markup
    link = shares.shared_link(issued, "http://kg.example")
    assert "<script>" not in link.iframe and "&lt;script&gt;" in link.iframe
