"""Several writers on one shared store lose nothing: guarded writes and ETags across clients."""

import threading

import pytest

import cmo
from cmo.review.cmocs import (
    cmoc_etag,
    create_cmoc,
    edit_cmoc,
    get_cmoc,
    get_cmoc_version,
    list_cmocs,
    replace_cmoc,
)
from cmo.review.concepts import find_concept, update_concept
from cmo.review.reviews import create_review, get_review, update_review
from cmo.store import Store, open_store
from tests.builders import sample_cmoc, sample_review

pytestmark = pytest.mark.virtuoso  # the store's own suite: on Virtuoso too


def test_concurrent_creates_from_two_clients_all_land(remote_store: Store,
                                                      server_url: str) -> None:
    sample_review(remote_store)
    other = open_store(server_url)  # a second client: its own caches and locks
    errors: list[BaseException] = []

    def tag(store: Store, who: str) -> None:
        try:
            for n in range(8):
                new = sample_cmoc("x").model_dump(exclude={"id"})
                new["notes"] = f"{who}-{n}"
                create_cmoc(store, "r1", cmo.NewCMOc.model_validate(new))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=tag, args=(s, w))
               for s, w in [(remote_store, "a"), (other, "b")]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert not errors
    cmocs = list_cmocs(remote_store, "r1")
    notes = sorted(c.notes for c in cmocs if c.notes)
    assert notes == sorted([f"a-{n}" for n in range(8)] + [f"b-{n}" for n in range(8)])
    assert len({c.id for c in cmocs}) == len(cmocs) == 18
    assert all(len(c.evidence) == 1 for c in cmocs)  # no two CMOcs merged under one id


def test_stale_etag_from_another_client_is_refused(remote_store: Store,
                                                   server_url: str) -> None:
    sample_review(remote_store)
    other = open_store(server_url)
    seen = cmoc_etag(remote_store, "r1", "c1")
    changed = get_cmoc(other, "r1", "c1").model_copy(update={"notes": "changed elsewhere"})
    replace_cmoc(other, "r1", changed, if_match=cmoc_etag(other, "r1", "c1"))
    other.close()
    mine = get_cmoc(remote_store, "r1", "c1").model_copy(update={"notes": "mine"})
    with pytest.raises(cmo.PreconditionFailed):
        replace_cmoc(remote_store, "r1", mine, if_match=seen)
    assert get_cmoc(remote_store, "r1", "c1").notes == "changed elsewhere"


def test_edit_cmoc_answers_the_version_it_stored(store: Store) -> None:
    sample_review(store)
    seen = get_cmoc_version(store, "r1", "c1")
    saved = edit_cmoc(store, "r1", "c1", lambda c: c.model_copy(update={"notes": "mine"}),
                      if_match=seen.etag)
    assert saved == get_cmoc_version(store, "r1", "c1")
    assert saved.cmoc.notes == "mine" and saved.etag != seen.etag
    with pytest.raises(cmo.PreconditionFailed):
        edit_cmoc(store, "r1", "c1", lambda c: c, if_match=seen.etag)


def test_etag_changes_when_a_label_the_cmoc_shows_changes(store: Store) -> None:
    """The body shows concept labels, so a renamed concept is a new version of the CMOc."""
    sample_review(store)
    seen = get_cmoc_version(store, "r1", "c1")
    concept = find_concept(store, "r1", cmo.ConceptKind.context, "low intensity support")
    update_concept(store, "r1", cmo.ConceptKind.context, "low intensity support",
                   concept.model_copy(update={"label": "low-intensity support"}))
    now = get_cmoc_version(store, "r1", "c1")
    assert now.cmoc.contexts == ["low-intensity support"] and now.etag != seen.etag
    with pytest.raises(cmo.PreconditionFailed):
        replace_cmoc(store, "r1", seen.cmoc, if_match=seen.etag)


def test_guarded_write_after_someone_else_wrote_is_a_conflict(store: Store) -> None:
    from cmo.store.writes import WriteConflict, current_revision, write

    sample_review(store)
    before = current_revision(store, "r1")
    update_review(store, "r1", title="changed in between")
    with pytest.raises(WriteConflict):
        write(store, "r1", remove=[cmo.model.ids.cmoc_iri("r1", "c1")], expected=before)
    assert get_cmoc(store, "r1", "c1").id == "c1"  # nothing was written


def test_write_lock_excludes_other_processes(remote_store: Store, server_url: str) -> None:
    """Read-modify-write under the lock from two clients: no increment is lost."""
    from cmo.store.writes import write_lock

    create_review(remote_store, cmo.Review(id="counter", title="0"))
    clients = [remote_store, open_store(server_url)]

    def bump(store: Store) -> None:
        for _ in range(15):
            with write_lock(store, "counter"):
                n = int(get_review(store, "counter").title)
                update_review(store, "counter", title=str(n + 1))

    threads = [threading.Thread(target=bump, args=(s,)) for s in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    clients[1].close()
    assert get_review(remote_store, "counter").title == "30"
