"""Item 6: an ETag is always sent with the body it was computed from.

Eight editors race on one CMOc through real HTTP (over both API processes in the team setup).
Every (ETag, body) pair any response carried is recorded: one ETag must never come with two
bodies. And a client that edits the body it got and sends that ETag back never overwrites a
change it did not see: every edit that was accepted is still in the final CMOc.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import httpx

from tests.security.conftest import Target

EDITORS = 8
SECONDS = 5.0
CMOC = "/reviews/peer-support/cmocs/c10"


def _race(target: Target, work: Callable[[httpx.Client, int, int], None]) -> None:
    """Run `work(client, editor, round)` in EDITORS threads for SECONDS, spread over the
    setup's API processes; the first error in any thread fails the test."""
    errors: list[BaseException] = []
    deadline = time.monotonic() + SECONDS

    def editor(n: int) -> None:
        client = target.client(target.editor_token, url=target.urls[n % len(target.urls)])
        rounds = 0
        try:
            while time.monotonic() < deadline and not errors:
                work(client, n, rounds)
                rounds += 1
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(EDITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]


#: What a write answers about the request, beside the CMOc: not part of the representation.
WRITE_REPORT = ("new_concepts", "warnings")


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in body.items() if k not in WRITE_REPORT}, sort_keys=True)


def test_etag_never_comes_with_two_bodies_under_racing_patches(target: Target) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    lock = threading.Lock()

    def record(response: httpx.Response) -> None:
        assert response.status_code == 200, response.text
        with lock:
            seen[response.headers["ETag"]].add(_canonical(response.json()))

    def work(client: httpx.Client, n: int, rounds: int) -> None:
        got = client.get(CMOC)
        record(got)
        if rounds % 2 == 0:
            patched = client.patch(CMOC, json={"notes": f"editor {n}, round {rounds}"},
                                   headers={"If-Match": got.headers["ETag"]})
            if patched.status_code != 412:
                record(patched)

    _race(target, work)
    twice = {tag: len(bodies) for tag, bodies in seen.items() if len(bodies) > 1}
    assert len(seen) > 4, "the race hardly ran"
    assert not twice, f"{len(twice)} of {len(seen)} ETags came with two bodies: {twice}"
    target.assert_alive()


def test_edit_of_the_body_got_never_overwrites_an_unseen_change(target: Target) -> None:
    accepted: list[str] = []
    lock = threading.Lock()

    def work(client: httpx.Client, n: int, rounds: int) -> None:
        got = client.get(CMOC)
        assert got.status_code == 200, got.text
        body = got.json()
        mark = f"[{n}.{rounds}]"
        body["notes"] = f"{body['notes'] or ''} {mark}"
        put = client.put(CMOC, json=body, headers={"If-Match": got.headers["ETag"]})
        assert put.status_code in (200, 412), put.text
        if put.status_code == 200:
            assert put.json()["notes"] == body["notes"]
            with lock:
                accepted.append(mark)

    _race(target, work)
    final = target.editor.get(CMOC).json()["notes"]
    lost = [mark for mark in accepted if mark not in final]
    assert len(accepted) > 1, "the race hardly ran"
    assert not lost, f"{len(lost)} of {len(accepted)} accepted edits were overwritten unseen"
    target.assert_alive()
