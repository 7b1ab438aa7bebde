"""Review indexes kept on disk, so a new process answers without reading every review again.

Reading a review into its index (`cmo.review.index`) scans its graph: at 100k CMOcs that is most
of a new process's first cross-review answer. Each index built from the store is written here, as
JSON under a checksum, keyed by the review, its revision token and the store's identity. A new
process loads the snapshot only if all three match what the store says now, so a write (which
renews the token), another store at the same path, or a damaged file means a fresh read, never a
stale or wrong answer. Snapshots are data, parsed and checked field by field: never code (no
pickle). The folder must be this user's and writable by no one else, or it is not used.

>>> from cmo.store import open_store
>>> Snapshots.of(open_store("memory:")) is None
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cmo.model import ids
from cmo.model.records import ConceptKind, Confidence, Direction, StudyDesign
from cmo.rdf.appraisals import LEVEL_IRI
from cmo.review.index import AppraisalFacts, CmocFacts, EvidenceFacts, ReviewIndex, StudyFacts
from cmo.store import Store

#: The first bytes of every snapshot; a change of layout changes the number.
MAGIC = b"realist-kg review index 2 "  # 2: appraisals (issue 16)
#: A snapshot bigger than this is not read (a review of about a million CMOcs).
MAX_BYTES = 1 << 30
#: Answers kept on disk (the full matrix at 100k CMOcs: 6 MB); the least recently used go.
KEEP_ANSWERS = 8
_KINDS = frozenset(k.value for k in ConceptKind)
_DIRECTIONS = frozenset(d.value for d in Direction)
_CONFIDENCES = frozenset(c.value for c in Confidence)
_ASPECTS = frozenset(("relevance", "richness", "rigour"))


def snapshot_dir(store: Store) -> Path | None:
    """The folder of this store's snapshots, made if missing; None when there is none or it is
    not safe (a symlink, another user's, or writable by others)."""
    if store.index_dir is None:
        return None
    folder = Path(store.index_dir)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() \
            or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return folder


class Snapshots:
    """The snapshots of one store's review indexes, in their folder."""

    def __init__(self, folder: Path, identity: str) -> None:
        self.folder, self.identity = folder, identity

    @classmethod
    def of(cls, store: Store) -> Snapshots | None:
        """The store's snapshots; None when it has no safe folder or no identity."""
        identity = store.identity()
        folder = snapshot_dir(store) if identity is not None else None
        return cls(folder, identity) if folder is not None and identity is not None else None

    def _path(self, review_id: str) -> Path:
        # Only a well-formed id ([A-Za-z0-9._-], not starting with a dot) names a file: a graph
        # loaded by another tool as ".../review/../x" must not write outside the folder.
        if not ids.is_id(review_id):
            raise ValueError(review_id)
        return self.folder / f"{review_id}.json"

    def load(self, review_id: str, revision: str) -> ReviewIndex | None:
        """The index of `review_id` at `revision`, or None (no snapshot, another revision or
        store, a damaged or foreign file: the caller reads the store instead)."""
        try:
            data = _read(self._path(review_id))
            if data is None:
                return None
            return _decode(json.loads(data), review_id, revision, self.identity)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError,
                RecursionError, MemoryError, OSError):
            return None

    def save(self, index: ReviewIndex) -> None:
        """Write the snapshot of `index` (read at its revision); nothing for a review without a
        token or an id that is not one. Best effort: a failure leaves no file behind."""
        if index.revision is None or not ids.is_id(index.review_id):
            return
        try:
            body = json.dumps(_encode(index, self.identity), ensure_ascii=False,
                              separators=(",", ":")).encode()
        except (UnicodeEncodeError, ValueError):
            return
        self._write(self._path(index.review_id), body)

    def _answer_path(self, key: str) -> Path:
        return self.folder / "answers" / (hashlib.sha256(key.encode()).hexdigest() + ".json")

    def load_answer(self, key: str) -> Any:
        """The JSON document kept under `key` (a question and the revisions it is over), or
        None when there is none or it is damaged or foreign. The caller checks its shape."""
        try:
            data = _read(self._answer_path(key))
            if data is None:
                return None
            kept, _, body = data.partition(b"\n")
            if kept != self._answer_key(key):
                return None
            os.utime(self._answer_path(key))  # used: the last to be dropped
            return json.loads(body)
        except (ValueError, OSError, RecursionError, MemoryError):
            return None

    def _answer_key(self, key: str) -> bytes:
        return json.dumps([self.identity, key]).encode()

    def save_answer(self, key: str, doc: Any) -> None:
        """Keep a JSON document under `key`; the `KEEP_ANSWERS` last used stay."""
        folder = self.folder / "answers"
        try:
            body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
            folder.mkdir(mode=0o700, exist_ok=True)
            kept = sorted(os.scandir(folder), key=lambda e: e.stat().st_mtime)
            for old in kept[:max(0, len(kept) - KEEP_ANSWERS + 1)]:
                os.unlink(old.path)
        except (OSError, ValueError):
            return
        self._write(self._answer_path(key), self._answer_key(key) + b"\n" + body)

    def _write(self, path: Path, body: bytes) -> None:
        try:
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC + _digest(body) + b"\n" + body)
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)

    def forget(self, keep: set[str]) -> None:
        """Delete the snapshots of reviews not in `keep` (reviews that were deleted)."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name.endswith(".json") and entry.name[:-5] not in keep:
                    os.unlink(entry.path)


def _read(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() \
                or info.st_size > MAX_BYTES:
            raise ValueError(path)
        raw = f.read(MAX_BYTES + 1)
    header, _, body = raw.partition(b"\n")
    if not header.startswith(MAGIC) or header[len(MAGIC):] != _digest(body):
        raise ValueError(path)
    return body


def _digest(body: bytes) -> bytes:
    # A check against damage, not against forgery (the folder is the user's own): crc32 reads
    # the ~100 MB of a 100k-CMOc store 10x faster than a cryptographic hash.
    return b"%08x" % zlib.crc32(body)


class _Strings:
    """Every string of a snapshot, once; rows name them by number."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}

    def __call__(self, value: str | None) -> int | None:
        if value is None:
            return None
        return self.number.setdefault(value, len(self.number))

    def all(self, values: Iterable[str]) -> list[int]:
        number = self.number
        return [number.setdefault(v, len(number)) for v in values]


def _encode(ix: ReviewIndex, identity: str) -> dict[str, Any]:
    n = _Strings()
    doc: dict[str, Any] = {
        "review": ix.review_id, "revision": ix.revision, "store": identity,
        "cmocs": [[n(c.iri), n(c.id), n.all(c.contexts), n(c.mechanism), n.all(c.outcomes),
                   n.all(c.studies), c.fired, n(c.direction), n(c.confidence),
                   n.all(c.theories), n.all(c.leads_to), n.all(c.evidence)] for c in ix.cmocs],
        "concepts": [[n(iri), n(kind), n(ix.label[iri]), n(ix.definition.get(iri)),
                      n.all(ix.broader[iri]), n.all(ix.alt_labels.get(iri, ()))]
                     for iri, kind in ix.kind.items()],
        "by_label": [[n(kind), n(key), n(iri)] for (kind, key), iri in ix.by_label.items()],
        "studies": [[n(s.iri), n(s.key), n(s.title), s.year, n(s.design)]
                    for s in ix.studies.values()],
        "theories": [[n(iri), n(tid), n(label), version]
                     for iri, (tid, label, version) in ix.theories.items()],
        "evidence": [[n(iri), n(e.quote), n(e.page), n(e.source)]
                     for iri, e in ix.evidence.items()],
        "agents": [[n(iri), n(label)] for iri, label in ix.agents.items()],
        "appraisals": [[n(target), n(aspect), n(a.level), n(a.rationale), n(a.agent), n(a.time)]
                       for target, aspects in ix.appraisals.items()
                       for aspect, a in aspects.items()],
    }
    doc["strings"] = list(n.number)
    return doc


def _rows(doc: dict[str, Any], name: str, width: int) -> list[list[Any]]:
    rows = doc[name]
    if type(rows) is not list or not all(type(r) is list and len(r) == width for r in rows):
        raise ValueError(name)
    return rows


def _decode(doc: Any, review_id: str, revision: str, identity: str) -> ReviewIndex:
    """A ReviewIndex from a parsed snapshot, every field checked; ValueError (or the lookup's
    own error) at the first surprise.

    Strings are looked up by number in a dict, never a list: a number that is not one of the
    table's (negative, too big, not a number) fails rather than picking another string.
    """
    if type(doc) is not dict or doc.get("review") != review_id \
            or doc.get("revision") != revision or doc.get("store") != identity:
        raise ValueError("another review, revision or store")
    table = doc["strings"]
    if type(table) is not list or not all(type(v) is str for v in table):
        raise ValueError("strings")
    strings: dict[int, str] = dict(enumerate(table))
    one = strings.__getitem__

    def opt(number: Any, allowed: frozenset[str] | None = None) -> str | None:
        if number is None:
            return None
        value = one(number)
        if allowed is not None and value not in allowed:
            raise ValueError(value)
        return value

    def many(numbers: Any) -> tuple[str, ...]:
        if type(numbers) is not list:
            raise ValueError(numbers)
        return tuple(map(one, numbers))

    ix = ReviewIndex(review_id, revision)
    for iri, cid, ctx, mech, out, studies, fired, direction, confidence, theories, leads, ev \
            in _rows(doc, "cmocs", 12):
        if type(fired) is not bool:
            raise ValueError(fired)
        facts = CmocFacts(one(iri), one(cid), review_id, many(ctx), opt(mech), many(out),
                          many(studies), fired, opt(direction, _DIRECTIONS),
                          opt(confidence, _CONFIDENCES), many(theories), many(leads), many(ev))
        ix.cmocs.append(facts)
        ix.cmoc_by_id[facts.id] = facts
    # Six columns since the synonyms joined (issue 14): an older snapshot is read again.
    for iri, kind, label, definition, broader, alts in _rows(doc, "concepts", 6):
        concept = one(iri)
        if alts:
            ix.alt_labels[concept] = list(many(alts))
        ix.kind[concept] = opt(kind, _KINDS) or ""
        ix.label[concept] = one(label)
        if definition is not None:
            ix.definition[concept] = one(definition)
        ix.broader[concept] = list(many(broader))
    if "" in ix.kind.values():
        raise ValueError("a concept without a kind")
    for concept in ix.kind:  # as build_index makes them
        for parent in ix.broader[concept]:
            ix.narrower.setdefault(parent, []).append(concept)
    for kind, key, iri in _rows(doc, "by_label", 3):
        ix.by_label[(opt(kind, _KINDS) or "", one(key))] = one(iri)
    designs = frozenset(d.value for d in StudyDesign)
    for iri, key, title, year, design in _rows(doc, "studies", 5):
        if year is not None and type(year) is not int:
            raise ValueError(year)
        study = one(iri)
        ix.studies[study] = StudyFacts(study, one(key), opt(title), year, opt(design, designs))
    for iri, tid, label, version in _rows(doc, "theories", 4):
        if type(version) is not int:
            raise ValueError(version)
        ix.theories[one(iri)] = (one(tid), one(label), version)
    for iri, quote, page, source in _rows(doc, "evidence", 4):
        ix.evidence[one(iri)] = EvidenceFacts(one(quote), opt(page), opt(source))
    for iri, label in _rows(doc, "agents", 2):
        ix.agents[one(iri)] = one(label)
    for target, aspect, level, rationale, agent, time in _rows(doc, "appraisals", 6):
        name = opt(aspect, _ASPECTS) or ""
        if (name, one(level)) not in LEVEL_IRI:
            raise ValueError(level)
        ix.appraisals.setdefault(one(target), {})[name] = AppraisalFacts(
            one(level), opt(rationale), opt(agent), opt(time))
    return ix
