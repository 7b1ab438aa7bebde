"""Review indexes and the matrix kept on disk: used by a new process, never stale, never trusted
when damaged or foreign, and never a way round a review's privacy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from cmo.model.answers import Matrix
from cmo.model.records import Review
from cmo.questions.engine import (
    NO_FILTER,
    CmocFilter,
    context_mechanism_matrix,
    mechanisms_for_context,
)
from cmo.review.cmocs import create_cmoc
from cmo.review.index import build_index, review_indexes, review_revisions
from cmo.review.reviews import create_review, update_review
from cmo.review.snapshots import MAGIC, Snapshots, _digest
from cmo.settings import Settings
from cmo.store import OxigraphStore, Store, open_store
from tests.api.conftest import serving
from tests.builders import sample_cmoc, sample_review
from tests.conftest import ROOT

ADMIN = "snapshot-test-admin-0123456789"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """An on-disk store holding two reviews (r1, r2), closed; its path."""
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    sample_review(store, "r1")
    sample_review(store, "r2")
    store.close()
    return tmp_path / "store"


def fresh(path: Path) -> Store:
    """The store as a new process opens it: no index or answer in memory."""
    return open_store(f"oxigraph:{path}")


def no_scans(store: Store) -> Store:
    """`store`, refusing to scan a review's graph (as reading it into an index does)."""
    def refuse(graph: str) -> Iterator[object]:
        raise AssertionError(f"read {graph} from the store")
    store.graph_triples = refuse  # type: ignore[method-assign,assignment]
    return store


def cells(matrix: Matrix) -> list[tuple[str, str, int, int, int, int]]:
    return [(r.context.iri, r.mechanism.iri, r.cmocs, r.studies, r.fired, r.not_fired)
            for r in matrix.rows]


def matrix_from_store(path: Path) -> list[tuple[str, str, int, int, int, int]]:
    """The matrix computed straight from the store (snapshots off)."""
    store = fresh(path)
    store.index_dir = None
    try:
        return cells(context_mechanism_matrix(store))
    finally:
        store.close()


def test_a_new_process_reads_no_review_when_its_snapshots_match(path: Path) -> None:
    first = fresh(path)
    expected = cells(context_mechanism_matrix(first))
    first.close()
    second = no_scans(fresh(path))
    assert cells(context_mechanism_matrix(second)) == expected
    assert {ix.review_id for ix in review_indexes(second)} == {"r1", "r2"}  # not the matrix
    assert mechanisms_for_context(second, "intensity").rows
    second.close()


def test_a_snapshot_is_the_index_the_store_gives(path: Path) -> None:
    store = fresh(path)
    from_store = build_index("r1", store.graph_triples("https://w3id.org/realist-kg/id/review/r1"))
    review_indexes(store)
    shelf = Snapshots.of(store)
    assert shelf is not None and from_store.revision is not None
    assert shelf.load("r1", from_store.revision) == from_store
    store.close()


def test_a_write_is_seen_by_the_next_process(path: Path) -> None:
    store = fresh(path)
    before = cells(context_mechanism_matrix(store))
    create_cmoc(store, "r1", sample_cmoc("c9", mechanism="a new mechanism"))
    store.close()
    after = fresh(path)
    got = cells(context_mechanism_matrix(after))
    after.close()
    assert got != before and any(c[1].endswith("/a-new-mechanism") for c in got)
    assert got == matrix_from_store(path)


def test_a_write_is_seen_by_a_new_cmo_process(path: Path) -> None:
    def cmo_matrix() -> str:
        return subprocess.run(
            [sys.executable, "-m", "cmo.cli", "--store", f"oxigraph:{path}", "query", "matrix",
             "--format", "json"], check=True, capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout

    assert "a new mechanism" not in cmo_matrix()
    assert (Path(f"{path}.index") / "answers").is_dir()
    store = fresh(path)
    update_review(store, "r2", title="renamed")  # a write to the other review as well
    create_cmoc(store, "r1", sample_cmoc("c9", mechanism="a new mechanism"))
    store.close()
    assert "a new mechanism" in cmo_matrix()


def test_another_store_at_the_same_path_is_not_answered_from_the_old_ones_snapshots(
        path: Path) -> None:
    store = fresh(path)
    context_mechanism_matrix(store)
    revision = review_revisions(store)["r1"]
    data = store.dump(ox.RdfFormat.N_QUADS).decode()
    store.close()
    shutil.rmtree(path)  # the snapshots beside it stay
    again = fresh(path)
    changed = data.replace("mothers engage with the peer", "someone else entirely")
    again.add_quads(ox.parse(changed, format=ox.RdfFormat.N_QUADS))  # type: ignore[arg-type]
    assert review_revisions(again)["r1"] == revision  # the same tokens, other data
    labels = {r.mechanism.label for r in context_mechanism_matrix(again).rows}
    assert labels == {"someone else entirely"}
    again.close()


def _damage(file: Path, how: str) -> None:
    raw = file.read_bytes()
    _, _, body = raw.partition(b"\n")
    if how == "truncated":
        file.write_bytes(raw[: len(raw) // 2])
    elif how == "empty":
        file.write_bytes(b"")
    elif how == "garbage":
        file.write_bytes(os.urandom(4000))
    elif how == "one byte changed":
        at = len(raw) - 40
        file.write_bytes(raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1:])
    else:  # forged: a valid checksum over a body of the wrong shape
        doc = json.loads(body)
        if how == "wrong types":
            doc["cmocs"][0][6] = "yes"
        elif how == "numbers out of range":
            doc["cmocs"][0][0] = -1
        elif how == "unknown kind":
            doc["strings"][doc["concepts"][0][1]] = "<script>alert(1)</script>"
        elif how == "deep nesting":
            forged = b"[" * 200_000 + b"]" * 200_000
            file.write_bytes(MAGIC + _digest(forged) + b"\n" + forged)
            return
        elif how == "another review's":
            doc["review"] = "r2"
        new = json.dumps(doc).encode()
        file.write_bytes(MAGIC + _digest(new) + b"\n" + new)


DAMAGE = ["truncated", "empty", "garbage", "one byte changed", "wrong types",
          "numbers out of range", "unknown kind", "deep nesting", "another review's"]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_or_forged_snapshot_is_read_again_from_the_store(path: Path,
                                                                    how: str) -> None:
    expected = matrix_from_store(path)
    store = fresh(path)
    context_mechanism_matrix(store)
    revision = review_revisions(store)["r1"]
    store.close()
    folder = Path(f"{path}.index")
    shutil.rmtree(folder / "answers")
    _damage(folder / "r1.json", how)
    again = fresh(path)
    assert cells(context_mechanism_matrix(again)) == expected
    again.close()
    reopened = fresh(path)
    shelf = Snapshots.of(reopened)
    reopened.close()
    assert shelf is not None and shelf.load("r1", revision or "") is not None  # rewritten


@pytest.mark.parametrize("how", ["truncated", "garbage", "wrong shape", "another question"])
def test_a_damaged_or_forged_kept_answer_is_computed_again(path: Path, how: str) -> None:
    expected = matrix_from_store(path)
    store = fresh(path)
    context_mechanism_matrix(store)
    fired = context_mechanism_matrix(store, filters=CmocFilter(fired_only=True))
    context_mechanism_matrix(store, ["r1"])  # one review: answered from its index, not kept
    store.close()
    answers = sorted((Path(f"{path}.index") / "answers").iterdir(), key=lambda p: p.stat().st_mtime)
    full, other = answers
    if how == "truncated":
        full.write_bytes(full.read_bytes()[:-100])
    elif how == "garbage":
        full.write_bytes(os.urandom(2000))
    elif how == "wrong shape":
        _, _, rest = full.read_bytes().partition(b"\n")
        key, _, _ = rest.partition(b"\n")
        body = key + b"\n" + json.dumps({"concepts": [[1, 2]], "rows": [[0, 0, "x", None, 1, 1]]
                                         }).encode()
        full.write_bytes(MAGIC + _digest(body) + b"\n" + body)
    else:  # the answer to another question put where this one's goes
        shutil.copy(other, full)
    again = fresh(path)
    assert cells(context_mechanism_matrix(again)) == expected
    assert cells(context_mechanism_matrix(again, filters=CmocFilter(fired_only=True))) \
        == cells(fired) != expected
    again.close()


def test_an_unsafe_folder_is_not_used(path: Path) -> None:
    folder = Path(f"{path}.index")
    shutil.rmtree(folder)
    folder.mkdir()
    folder.chmod(0o777)  # writable by anyone: a snapshot in it could be anyone's
    store = fresh(path)
    expected = cells(context_mechanism_matrix(store))
    assert Snapshots.of(store) is None and list(folder.iterdir()) == []
    store.close()
    folder.rmdir()
    folder.symlink_to(path.parent / "elsewhere", target_is_directory=True)
    (path.parent / "elsewhere").mkdir(mode=0o700)
    store = fresh(path)
    assert Snapshots.of(store) is None and cells(context_mechanism_matrix(store)) == expected
    store.close()


def test_a_snapshot_that_is_a_symlink_is_not_followed(path: Path, tmp_path: Path) -> None:
    store = fresh(path)
    context_mechanism_matrix(store)
    store.close()
    folder = Path(f"{path}.index")
    shutil.rmtree(folder / "answers")
    target = tmp_path / "elsewhere.json"
    shutil.copy(folder / "r1.json", target)
    (folder / "r1.json").unlink()
    (folder / "r1.json").symlink_to(target)
    again = no_scans(fresh(path))
    with pytest.raises(AssertionError, match="review/r1"):
        review_indexes(again)
    again.close()


def test_a_review_with_two_tokens_is_never_cached(tmp_path: Path) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    sample_review(store, "r1")
    g = "https://w3id.org/realist-kg/id/review/r1"
    store.update(f'INSERT DATA {{ GRAPH <{g}> {{ <{g}> <https://w3id.org/realist-kg/ns#revision>'
                 ' "from-a-file" } }')
    assert review_revisions(store) == {"r1": None}
    shutil.rmtree(f"{tmp_path / 'store'}.index")
    context_mechanism_matrix(store)
    assert not Path(f"{tmp_path / 'store'}.index", "r1.json").exists()
    store.close()


def test_snapshots_can_be_turned_off_or_moved(path: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(f"{path}.index")
    monkeypatch.setenv("CMO_INDEX_DIR", "off")
    store = fresh(path)
    context_mechanism_matrix(store)
    store.close()
    assert not Path(f"{path}.index").exists()
    monkeypatch.setenv("CMO_INDEX_DIR", str(tmp_path / "kept"))
    store = fresh(path)
    expected = cells(context_mechanism_matrix(store))
    store.close()
    (folder,) = (tmp_path / "kept").iterdir()  # one sub-folder per store
    assert folder.stat().st_mode & 0o777 == 0o700 and (folder / "r1.json").is_file()
    again = no_scans(fresh(path))
    assert cells(context_mechanism_matrix(again)) == expected
    again.close()


def test_memory_and_other_stores_keep_no_snapshot() -> None:
    assert Snapshots.of(open_store("memory:")) is None
    assert OxigraphStore(None).index_dir is None


def test_a_private_review_stays_private_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = open_store(f"oxigraph:{path}")
    for review_id, public in [("open", True), ("also-open", True), ("secret", False)]:
        create_review(store, Review(id=review_id, title=review_id, public=public))
        create_cmoc(store, review_id, sample_cmoc("c1", mechanism=f"{review_id} mechanism"))
    with serving(Settings(admin_token=ADMIN), store) as url:
        everything = httpx.get(f"{url}/matrix", headers={"Authorization": f"Bearer {ADMIN}"},
                               timeout=30).json()
    assert {r["mechanism"]["label"] for r in everything["rows"]} == {
        "open mechanism", "also-open mechanism", "secret mechanism"}
    store.close()
    # After a restart the answer over all three reviews is on disk: put a copy where the
    # anonymous caller's answer (the two public reviews) would be kept.
    store = open_store(f"oxigraph:{path}")
    shelf = Snapshots.of(store)
    assert shelf is not None
    revisions = review_revisions(store)

    def kept(*reviews: str) -> Path:
        return shelf._answer_path(repr((("matrix", NO_FILTER),
                                        tuple((r, revisions[r]) for r in reviews))))

    assert kept("also-open", "open", "secret").is_file()
    shutil.copy(kept("also-open", "open", "secret"), kept("also-open", "open"))
    with serving(Settings(admin_token=ADMIN), store) as url:
        anonymous = httpx.get(f"{url}/matrix", timeout=30)
        assert httpx.get(f"{url}/reviews/secret/matrix", timeout=30).status_code == 404
    assert anonymous.status_code == 200
    assert {r["mechanism"]["label"] for r in anonymous.json()["rows"]} == {
        "open mechanism", "also-open mechanism"}
    store.close()


def test_answering_again_after_a_write_keeps_nothing_more_on_disk(path: Path) -> None:
    store = fresh(path)
    context_mechanism_matrix(store)
    answers = Path(f"{path}.index") / "answers"
    kept = sorted(answers.iterdir())
    create_cmoc(store, "r1", sample_cmoc("c9", mechanism="a new mechanism"))
    assert any(r.mechanism.label == "a new mechanism" for r in context_mechanism_matrix(store).rows)
    assert sorted(answers.iterdir()) == kept  # the next process keeps the new one
    store.close()


def test_a_remote_store_keeps_snapshots_only_where_told(
        remote_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample_review(remote_store, "r1")
    assert remote_store.index_dir is None and Snapshots.of(remote_store) is None
    monkeypatch.setenv("CMO_INDEX_DIR", str(tmp_path / "kept"))
    first = open_store(remote_store.url)
    expected = cells(context_mechanism_matrix(first))
    first.close()
    second = no_scans(open_store(remote_store.url))
    assert cells(context_mechanism_matrix(second)) == expected
    assert len(review_indexes(second)) == 1
    second.close()
    update_review(remote_store, "r1", title="renamed")
    create_cmoc(remote_store, "r1", sample_cmoc("c9", mechanism="a new mechanism"))
    third = open_store(remote_store.url)
    assert any(r.mechanism.label == "a new mechanism"
               for r in context_mechanism_matrix(third).rows)
    third.close()


def test_a_review_graph_named_to_escape_the_folder_writes_nothing_outside(path: Path) -> None:
    store = fresh(path)
    g = "https://w3id.org/realist-kg/id/review/../../escape"
    store.update(f"INSERT DATA {{ GRAPH <{g}> {{ <{g}> a <https://w3id.org/realist-kg/ns#Review> ;"
                 ' <https://w3id.org/realist-kg/ns#revision> "t1" } }')
    assert "../../escape" in review_revisions(store)
    assert len(review_indexes(store)) == 3
    context_mechanism_matrix(store)
    store.close()
    assert not (Path(f"{path}.index") / "../../escape.json").resolve().exists()
    assert (Path(f"{path}.index") / "r1.json").is_file()
