"""Callers' SPARQL queries in worker processes that can be stopped.

Oxigraph cannot cancel a query once it runs, and a query can take minutes and gigabytes (three
unconstrained patterns under ORDER BY) or crash the engine outright. So a caller's query never
runs in the service's own process:

- on an embedded on-disk store, a worker opens the store read-only (it sees every committed
  write; it reopens after the service writes) and runs the query itself;
- on a remote store, a worker keeps an in-memory copy of the review graphs it is asked about,
  fetched from the server and fetched again when a review's revision token changes (every write
  renews it), and runs the query over that copy: the triplestore never runs a caller's query, so
  no query can crash it, overload it or make it call another address. Copying is not counted
  against the query's time limit (it has its own, `_SYNC_SECONDS`);
- on an in-memory store (tests, notebooks) a worker runs the query over an empty store first
  (which parses and plans it, so a query that would crash the engine crashes a worker), then the
  query runs in the service's process, where it cannot be stopped.

Each worker has a memory cap (RLIMIT_DATA). Past the time limit a worker is killed, and its slot
is free again only once the process is gone and a fresh worker has started, so runaway queries
cannot pile up. A worker that dies (stack overflow, memory cap) is replaced the same way.
"""

from __future__ import annotations

import ctypes
import json
import resource
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import pyoxigraph as ox

from cmo.errors import (
    CmoError,
    ParseError,
    Problem,
    QueryRefused,
    QueryTimeout,
    StoreError,
    UnsupportedFormat,
    UpdateRefused,
)
from cmo.rdf.guards import refuse_federation
from cmo.rdf.sparql import query_text
from cmo.settings import Settings
from cmo.store import OxigraphStore, Store, open_store
from cmo.store.protocol import run_protocol_query

_HEADER = struct.Struct("!II")
#: How long a new worker may take to start (imports) before the service gives up on it.
_START_SECONDS = 120.0
#: How long a worker may take to copy the asked reviews from a remote store.
_SYNC_SECONDS = 600.0


@dataclass(frozen=True)
class SandboxLimits:
    """How long a caller's query may run, how much memory its worker may take, how many run."""

    seconds: float = 30.0
    memory_mb: int = 2048
    workers: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> SandboxLimits:
        """The limits the settings name (``CMO_SPARQL_*``)."""
        return cls(seconds=settings.sparql_timeout_seconds, memory_mb=settings.sparql_memory_mb,
                   workers=settings.sparql_concurrency)


def _write(stream: IO[bytes], meta: dict[str, Any], data: bytes = b"") -> None:
    head = json.dumps(meta).encode()
    stream.write(_HEADER.pack(len(head), len(data)) + head + data)
    stream.flush()


def _read(stream: IO[bytes]) -> tuple[dict[str, Any], bytes] | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    head_size, data_size = _HEADER.unpack(header)
    meta = json.loads(stream.read(head_size))
    return meta, stream.read(data_size) if data_size else b""


def _error_meta(exc: CmoError) -> dict[str, Any]:
    return {"ok": False, "kind": type(exc).__name__, "error": exc.to_dict()}


def _rebuild(meta: dict[str, Any]) -> CmoError:
    """The worker's refusal as the same kind of error in the service's process."""
    error = meta["error"]
    problems = [Problem(**p) for p in error.get("problems", [])]
    if meta["kind"] == "ParseError" and problems:
        p = problems[0]
        return ParseError(p.file or "query", p.reason, p.line, p.column,
                          summary=error["message"])
    kinds: dict[str, type[CmoError]] = {"QueryRefused": QueryRefused,
                                        "UnsupportedFormat": UnsupportedFormat,
                                        "UpdateRefused": UpdateRefused}
    if meta["kind"] in kinds:
        return kinds[meta["kind"]](error["message"], problems)  # type: ignore[call-arg]
    return StoreError(error["message"])


class _Worker:
    """One worker process and the pipes to it."""

    def __init__(self, source: str | None, memory_mb: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cmo.store.sandbox", source or "", str(memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.ready = False

    def _receive(self, seconds: float) -> tuple[dict[str, Any], bytes]:
        """The next message, or TimeoutError after `seconds`, or EOFError if the worker died."""
        stdout = self.proc.stdout
        assert stdout is not None
        answer: list[tuple[dict[str, Any], bytes] | None] = []
        reader = threading.Thread(target=lambda: answer.append(_read(stdout)), daemon=True)
        reader.start()
        reader.join(max(0.0, seconds))
        if reader.is_alive():
            self.kill()
            reader.join()
            raise TimeoutError
        if not answer or answer[0] is None:
            self.kill()
            raise EOFError
        return answer[0]

    def ask(self, request: dict[str, Any], seconds: float) -> tuple[dict[str, Any], bytes]:
        """Send one request; the answer, or TimeoutError after `seconds` (counted once the
        worker has started: starting is not the caller's time), or EOFError if it died."""
        if not self.ready:
            try:
                self._receive(_START_SECONDS)
            except TimeoutError:
                raise StoreError("A query worker did not start.") from None
            self.ready = True
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            _write(stdin, request)
        except BrokenPipeError:
            self.kill()
            raise EOFError from None
        return self._receive(seconds)

    def kill(self) -> None:
        """Stop the process and wait until it is gone."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


class QuerySandbox:
    """A pool of worker processes that run (or check) callers' queries with a time limit."""

    def __init__(self, store: Store, limits: SandboxLimits | None = None) -> None:
        self.store, self.limits = store, limits or SandboxLimits()
        # What a worker reads: an on-disk store's folder, a remote store's URL, or nothing.
        self._source = store.path if isinstance(store, OxigraphStore) else \
            store.url if store.shared else None
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.limits.workers)

    def _fresh(self) -> _Worker:
        return _Worker(self._source, self.limits.memory_mb)

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._fresh()

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def start(self) -> None:
        """Start the workers ahead of the first query (they take a moment to import)."""
        for _ in range(self.limits.workers):
            self._give_back(self._fresh())

    def run(self, query: str, graphs: Sequence[str], accept: str = "") -> tuple[bytes, str]:
        """Run a caller's read-only query over `graphs`; the answer serialised as `accept` asks.

        Raises QueryRefused (SERVICE, or a query that crashed its worker), ParseError,
        UnsupportedFormat, or QueryTimeout at the time limit.
        """
        self._slots.acquire()
        try:
            meta, data = self._ask(query, graphs, accept)
        except BaseException:
            self._slots.release()
            raise
        if self._source is not None:
            self._slots.release()
            return data, meta["media"]
        return self._run_here(query, graphs, accept)

    def _ask(self, query: str, graphs: Sequence[str], accept: str) -> tuple[dict[str, Any], bytes]:
        """One worker's answer; a worker that is stopped or dies is replaced."""
        worker = self._take()
        request = {"query": query, "graphs": list(graphs), "accept": accept,
                   "generation": self.store.generation}
        try:
            if self.store.shared:
                # Copying the reviews from the server is the service's cost, not the query's:
                # it has its own, longer, limit.
                self._sync(worker, {**request, "sync": True})
            meta, data = worker.ask(request, self.limits.seconds)
        except TimeoutError:
            self._give_back(self._fresh())
            raise QueryTimeout(f"The query took longer than {self.limits.seconds:g} s and "
                               "was stopped.") from None
        except EOFError:
            self._give_back(self._fresh())
            raise QueryRefused("The query stopped the query engine (it ran out of stack or of "
                               f"its {self.limits.memory_mb} MB of memory).", [Problem(
                                   field="query", reason="simplify the query or ask for less"
                               )]) from None
        self._give_back(worker)
        if not meta["ok"]:
            raise _rebuild(meta)
        return meta, data

    def _sync(self, worker: _Worker, request: dict[str, Any]) -> None:
        """Bring a worker's copy of the asked reviews up to date, within `_SYNC_SECONDS`."""
        try:
            meta, _ = worker.ask(request, _SYNC_SECONDS)
        except (TimeoutError, EOFError):
            self._give_back(self._fresh())
            raise StoreError("The reviews could not be copied from the SPARQL server in "
                             f"{_SYNC_SECONDS:g} s, or within {self.limits.memory_mb} MB "
                             "(raise CMO_SPARQL_MEMORY_MB).") from None
        if not meta["ok"]:
            self._give_back(worker)
            raise _rebuild(meta)

    def _run_here(self, query: str, graphs: Sequence[str], accept: str) -> tuple[bytes, str]:
        """Run the checked query in this process (an in-memory store, which no other process
        can read). The caller is answered at the time limit; the slot stays taken until the
        query has really ended."""
        answer: dict[str, Any] = {}

        def work() -> None:
            try:
                answer["value"] = run_protocol_query(self.store, query, graphs, accept)
            except BaseException as exc:
                answer["error"] = exc
            finally:
                self._slots.release()

        thread = threading.Thread(target=work, name="sparql-query", daemon=True)
        thread.start()
        thread.join(self.limits.seconds)
        if thread.is_alive():
            raise QueryTimeout(f"The query took longer than {self.limits.seconds:g} s.")
        if "error" in answer:
            raise answer["error"]
        value: tuple[bytes, str] = answer["value"]
        return value

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.kill()


class _Replica:
    """A worker's in-memory copy of a remote store's review graphs, current by revision token."""

    def __init__(self, url: str) -> None:
        self.remote, self.copy = open_store(url), OxigraphStore(None)
        self.revisions: dict[str, str | None] = {}

    def refresh(self, graphs: Sequence[str]) -> None:
        """Fetch every asked graph that is new here or whose revision token has changed."""
        current = {row["g"].value: row["revision"].value if row["revision"] else None
                   for row in self.remote.select(query_text("revisions"))
                   if row["g"] is not None and row["g"].value in set(graphs)}
        for graph in graphs:
            revision = current.get(graph)
            if graph in self.revisions and revision is not None \
                    and self.revisions[graph] == revision:
                continue
            triples = [ox.Triple(s, p, o)  # type: ignore[arg-type]
                       for s, p, o in self.remote.graph_triples(graph)]
            self.copy.replace_graph(graph, triples)
            self.revisions[graph] = revision


def _view(source: str, store: Store, seen: int, generation: int,
          replica: _Replica | None, graphs: Sequence[str]) -> tuple[Store, int]:
    """The store a query runs on: a fresh read-only view of an on-disk store when the service
    has written since `seen`, a replica brought up to date, or the empty store."""
    if replica is not None:
        replica.refresh(graphs)
        return replica.copy, seen
    if source and generation != seen:
        store.close()
        return OxigraphStore.read_only(source), generation
    return store, seen


def _serve(source: str, memory_mb: int) -> None:
    """The worker's loop: read a request, answer it, until the service closes the pipe.

    `source` is an on-disk store's folder, a remote store's URL, or empty (check only).
    """
    if sys.platform == "linux":
        # A worker dies with the service, even in the middle of a query (PR_SET_PDEATHSIG).
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the pipe
    replica = _Replica(source) if source.startswith("sparql+") else None
    store: Store = OxigraphStore(None)
    seen = -1  # the service's write generation this worker's view was opened at
    # The guard's first use imports rdflib's SPARQL parser (0.2 s, more on a loaded machine):
    # that is starting, not the first caller's query time, so it happens before "ready".
    refuse_federation("ASK {}")
    run_protocol_query(store, "ASK {}", [], "")
    _write(stdout, {"ready": True})
    while (message := _read(stdin)) is not None:
        request, _ = message
        try:
            if request.get("sync"):
                store, seen = _view(source, store, seen, request["generation"], replica,
                                    request["graphs"])
                _write(stdout, {"ok": True})
                continue
            refuse_federation(request["query"])
            for attempt in range(3):
                try:
                    store, seen = _view(source, store, -1 if attempt else seen,
                                        request["generation"], replica, request["graphs"])
                    data, media = run_protocol_query(store, request["query"],
                                                     request["graphs"], request["accept"])
                    break
                except (StoreError, OSError, RuntimeError):
                    # An on-disk writer compacted away a file this view still listed: look
                    # again with a fresh view.
                    if attempt == 2 or not source or replica is not None:
                        raise
                    time.sleep(0.05)
            _write(stdout, {"ok": True, "media": media}, data if source else b"")
        except CmoError as exc:
            _write(stdout, _error_meta(exc))
        except (OSError, ValueError, RuntimeError) as exc:
            _write(stdout, _error_meta(StoreError(f"The query could not run: {exc}")))


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
