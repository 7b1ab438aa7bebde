"""Item 8: chains are bounded. A 1.5 KB sheet of 20 CMOcs, each leading to every later one,
has 2^18 paths and once made `GET /chains` answer 213 MB in 21 s; the answer now holds the chain
graph plus one page of chains, on every API process, and a cycle in rkg:leadsTo terminates."""

from __future__ import annotations

import time

import pytest

from tests.security.conftest import Target

#: Generous: the largest answer asked for here is about 0.7 MB.
MAX_BYTES = 2_000_000
MAX_SECONDS = 15.0
HUGE_PAGES = [{}, {"max_length": 100, "limit": 1000},
              {"max_length": 100, "limit": 1000, "offset": 10**12}]


def _sheet(leads: dict[str, list[str]]) -> bytes:
    rows = ["cmoc_id,study,context,mechanism,outcome,leads_to"]
    rows += [f"{c},S 2020,context {c},mechanism {c},outcome {c},{';'.join(later)}"
             for c, later in leads.items()]
    return "\n".join(rows).encode()


def _public_review(target: Target, review_id: str, leads: dict[str, list[str]]) -> None:
    created = target.admin.post("/reviews", json={"id": review_id, "title": review_id,
                                                  "public": True})
    assert created.status_code == 201, created.text
    loaded = target.admin.post(f"/reviews/{review_id}/import", content=_sheet(leads),
                               headers={"Content-Type": "text/csv"})
    assert loaded.status_code == 200, loaded.text


def _bounded_chains(target: Target, review_id: str, params: dict[str, object]
                    ) -> dict[str, object]:
    """The anonymous answer of every API process, checked for size and time."""
    answers = []
    for url in target.urls:
        began = time.monotonic()
        response = target.client(url=url).get(f"/reviews/{review_id}/chains", params=params)
        elapsed = time.monotonic() - began
        assert response.status_code == 200, response.text
        assert len(response.content) < MAX_BYTES, (params, len(response.content))
        assert elapsed < MAX_SECONDS, (params, elapsed)
        answers.append(response.json())
    assert all(a == answers[0] for a in answers)
    return answers[0]


@pytest.mark.parametrize("n", [20, 40], ids=["20-cmocs", "40-cmocs"])
def test_all_to_all_chains_are_bounded(target: Target, n: int) -> None:
    ids = [f"c{i:02d}" for i in range(1, n + 1)]
    _public_review(target, f"all-to-all-{n}", {c: ids[i + 1:] for i, c in enumerate(ids)})
    for params in HUGE_PAGES:
        answer = _bounded_chains(target, f"all-to-all-{n}", params)
        assert len(answer["links"]) == n * (n - 1) // 2  # type: ignore[arg-type]
        assert answer["truncated"] is (params.get("offset") is None)
        assert isinstance(answer["total"], int) and answer["total"] > 10**5
    target.assert_alive()


def test_cycle_in_leads_to_terminates(target: Target) -> None:
    _public_review(target, "cycle", {"c1": ["c2"], "c2": ["c1"]})
    whole = _bounded_chains(target, "cycle", {})
    assert whole["chains"] == [] and len(whole["links"]) == 2  # type: ignore[arg-type]
    from_c1 = _bounded_chains(target, "cycle", {"start": "c1"})
    assert from_c1["chains"] == [{"review": "cycle", "cmocs": ["c1", "c2"]}]
    target.assert_alive()


def test_every_cmoc_leading_to_every_other_is_bounded(target: Target) -> None:
    """Cycles everywhere: chains cannot be counted, and the walk to a far page stops early."""
    ids = [f"c{i:02d}" for i in range(1, 41)]
    _public_review(target, "all-cycles", {c: [t for t in ids if t != c] for c in ids})
    for params in HUGE_PAGES:
        answer = _bounded_chains(target, "all-cycles", {"start": "c01", **params})
        assert answer["total"] is None and answer["truncated"] is True
    target.assert_alive()
