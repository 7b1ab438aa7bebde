"""Callers' SPARQL queries in worker processes that can be stopped.

Oxigraph cannot cancel a query once it runs, and a query can take minutes and gigabytes (three
unconstrained patterns under ORDER BY) or crash the engine outright. So a caller's query never
runs in the service's own process:

- on an embedded on-disk store, a worker opens the store read-only (it sees every committed
  write; it reopens after the service writes) and runs the query itself;
- on a remote store, a worker first runs the query over an empty store, which parses and plans it
  exactly as the server would, so a query that would crash the server crashes a worker instead;
  the server then runs it under its own timeout (`oxigraph serve --timeout-s`);
- on an in-memory store (tests, notebooks) the same check runs first, then the query runs in the
  service's process, where it cannot be stopped.

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

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
from cmo.settings import Settings
from cmo.store import OxigraphStore, Store
from cmo.store.protocol import run_protocol_query

_HEADER = struct.Struct("!II")
#: How long a new worker may take to start (imports) before the service gives up on it.
_START_SECONDS = 120.0


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

    def __init__(self, store_path: str | None, memory_mb: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cmo.store.sandbox", store_path or "", str(memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.generation = -1
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
        self._path = store.path if isinstance(store, OxigraphStore) else None
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.limits.workers)

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self._path, self.limits.memory_mb)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def start(self) -> None:
        """Start the workers ahead of the first query (they take a moment to import)."""
        for _ in range(self.limits.workers):
            self._give_back(_Worker(self._path, self.limits.memory_mb))

    def run(self, query: str, graphs: Sequence[str], accept: str = "") -> tuple[bytes, str]:
        """Run a caller's read-only query over `graphs`; the answer serialised as `accept` asks.

        Raises QueryRefused (SERVICE, or a query that crashed its worker), ParseError,
        UnsupportedFormat, or QueryTimeout at the time limit.
        """
        with self._slots:
            worker = self._take()
            generation = getattr(self.store, "generation", 0)
            request = {"query": query, "graphs": list(graphs), "accept": accept,
                       "reopen": worker.generation != generation}
            try:
                meta, data = worker.ask(request, self.limits.seconds)
            except TimeoutError:
                self._give_back(_Worker(self._path, self.limits.memory_mb))
                raise QueryTimeout(f"The query took longer than {self.limits.seconds:g} s and "
                                   "was stopped.") from None
            except EOFError:
                self._give_back(_Worker(self._path, self.limits.memory_mb))
                raise QueryRefused("The query stopped the query engine (it ran out of stack "
                                   f"or of its {self.limits.memory_mb} MB of memory).", [Problem(
                                       field="query", reason="simplify the query or ask for "
                                                             "less")]) from None
            worker.generation = generation
            self._give_back(worker)
            if not meta["ok"]:
                raise _rebuild(meta)
            if self._path is not None:
                return data, meta["media"]
            # The slot stays taken until the server has answered, which it does once it has
            # stopped the query by its own timeout; the caller is answered at the deadline.
            return run_protocol_query(self.store, query, graphs, accept,
                                      timeout=self.limits.seconds * 4)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.kill()


def _serve(store_path: str, memory_mb: int) -> None:
    """The worker's loop: read a request, answer it, until the service closes the pipe."""
    if sys.platform == "linux":
        # A worker dies with the service, even in the middle of a query (PR_SET_PDEATHSIG).
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the pipe
    store: Store = OxigraphStore(None)
    _write(stdout, {"ready": True})
    while (message := _read(stdin)) is not None:
        request, _ = message
        try:
            if store_path and request["reopen"]:
                store.close()
                store = OxigraphStore.read_only(store_path)
            refuse_federation(request["query"])
            data, media = run_protocol_query(store, request["query"], request["graphs"],
                                             request["accept"])
            _write(stdout, {"ok": True, "media": media}, data if store_path else b"")
        except CmoError as exc:
            _write(stdout, _error_meta(exc))
        except (OSError, ValueError, RuntimeError) as exc:
            _write(stdout, _error_meta(StoreError(f"The query could not run: {exc}")))


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
