"""Access tokens in the library: public ids, listing, revocation, and binding to the review."""

from __future__ import annotations

import hashlib
import re
import time

import pytest

import cmo
from cmo.interchange.rdf_files import export_review, import_rdf, rdf_format
from cmo.review.reviews import delete_review
from cmo.review.tokens import authenticate, create_token, list_tokens, revoke_token
from cmo.settings import check_admin_token
from cmo.store import Store, open_store
from cmo.store.writes import SYSTEM_GRAPH
from tests.conftest import EXAMPLE


def _review(store: Store, review_id: str = "ps") -> None:
    import_rdf(store, review_id, [("r.ttl", EXAMPLE.read_bytes(), rdf_format("ttl"))])


def test_list_tokens_shows_ids_names_roles_never_secrets(store: Store) -> None:
    _review(store)
    secret = create_token(store, "editor", "ps", name="A. Reviewer")
    create_token(store, "viewer", name="reader")
    listed = list_tokens(store)
    assert [(t.name, t.role, t.review) for t in listed] == [("A. Reviewer", "editor", "ps"),
                                                            ("reader", "viewer", None)]
    assert all(re.fullmatch(r"tok_[0-9a-f]{12}", t.id) for t in listed)
    shown = "".join(t.model_dump_json() for t in listed)
    assert secret not in shown and not re.search(r"[0-9a-f]{32}", shown)
    assert [t.name for t in list_tokens(store, "ps")] == ["A. Reviewer"]


def test_revoke_token_stops_it_at_once_in_this_process(store: Store) -> None:
    secret = create_token(store, "viewer", name="reader")
    principal = authenticate(store, secret)  # now trusted for 10 s without asking the store
    assert principal is not None and principal.token_id is not None
    revoke_token(store, principal.token_id)
    assert authenticate(store, secret) is None
    assert list_tokens(store) == []


def test_revoke_unknown_token_is_not_found(store: Store) -> None:
    with pytest.raises(cmo.NotFound, match="tok_000000000000"):
        revoke_token(store, "tok_000000000000")


def test_revoked_token_works_in_another_process_only_within_the_cache_bound(
        remote_store: Store, server_url: str) -> None:
    other = open_store(server_url)  # another process's view of the same server
    try:
        secret = create_token(remote_store, "viewer", name="reader")
        assert authenticate(other, secret, cache_seconds=1.5) is not None
        [token] = list_tokens(remote_store)
        revoke_token(remote_store, token.id)
        revoked_at = time.monotonic()
        assert authenticate(remote_store, secret) is None
        while authenticate(other, secret, cache_seconds=1.5) is not None:
            assert time.monotonic() - revoked_at < 1.5, "trusted past the cache bound"
            time.sleep(0.05)
    finally:
        other.close()


def _drop_with_the_api(store: Store) -> None:
    delete_review(store, "ps")


def _drop_the_graph_on_the_server(store: Store) -> None:
    store.update(f"DROP GRAPH <{cmo.model.ids.review_iri('ps')}>")


@pytest.mark.parametrize("delete", [_drop_with_the_api, _drop_the_graph_on_the_server],
                         ids=["delete_review", "drop-graph"])
def test_token_for_deleted_review_does_not_open_new_review_with_same_id(store: Store,
                                                                        delete: object) -> None:
    _review(store)
    old = create_token(store, "editor", "ps", name="old editor")
    assert authenticate(store, old, cache_seconds=0) is not None
    delete(store)  # type: ignore[operator]
    assert authenticate(store, old, cache_seconds=0) is None
    _review(store)  # a new review, the same id
    assert authenticate(store, old, cache_seconds=0) is None
    new = create_token(store, "editor", "ps", name="new editor")
    principal = authenticate(store, new, cache_seconds=0)
    assert principal is not None and principal.review == "ps"


def test_deleting_a_review_removes_its_tokens(store: Store) -> None:
    _review(store)
    create_token(store, "editor", "ps", name="old editor")
    create_token(store, "viewer", name="reader")
    delete_review(store, "ps")
    assert [t.name for t in list_tokens(store)] == ["reader"]


def test_review_instance_is_neither_exported_nor_imported(store: Store) -> None:
    _review(store)
    create_token(store, "viewer", "ps")
    exported = export_review(store, "ps", "trig")
    assert b"instance" not in exported
    smuggled = b"<urn:realist-kg:instance:old> <https://w3id.org/realist-kg/system#instanceOf> " \
               b"<https://w3id.org/realist-kg/id/review/other> .\n"
    import_rdf(store, "other", [("x.nt", smuggled, rdf_format("nt"))])
    assert not store.select("SELECT ?i WHERE { GRAPH ?g { ?i "
                            "<https://w3id.org/realist-kg/system#instanceOf> <urn:x> } }"
                            .replace("urn:x", cmo.model.ids.review_iri("other")))


def test_token_issued_before_public_ids_is_listed_and_revocable(store: Store) -> None:
    # How tokens were stored before they had an id: the node named after the hash.
    secret = "rkg_legacy-token-secret"
    digest = hashlib.sha256(secret.encode()).hexdigest()
    store.update(f"""PREFIX sys: <https://w3id.org/realist-kg/system#>
        INSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{
          <{SYSTEM_GRAPH}/token/{digest[:16]}> a sys:AccessToken ; sys:hash "{digest}" ;
            sys:role "viewer" ; <http://www.w3.org/2000/01/rdf-schema#label> "old" }} }}""")
    [token] = list_tokens(store)
    assert token.name == "old" and digest[:12] not in token.id
    principal = authenticate(store, secret)
    assert principal is not None and principal.token_id == token.id
    revoke_token(store, token.id)
    assert authenticate(store, secret) is None


def test_admin_token_needs_24_characters() -> None:
    with pytest.raises(cmo.InvalidInput, match="at least 24"):
        check_admin_token("x" * 23)
    assert check_admin_token("x" * 24) == "x" * 24
