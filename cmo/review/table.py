"""A review's CMOcs as a table: filtered, sorted and paged from the review's index, so a page
of a large review costs what the page shows, not what the review holds.

>>> import cmo
>>> from cmo.store import open_store
>>> from cmo.review.cmocs import create_cmoc
>>> from cmo.review.reviews import create_review
>>> store = open_store("memory:")
>>> _ = create_review(store, cmo.Review(id="r", title="R"))
>>> for n, m in [(2, "trust"), (10, "belonging")]:
...     _ = create_cmoc(store, "r", cmo.CMOConfiguration(id=f"c{n}", studies=["S"],
...         contexts=["rural"], mechanism=m, outcomes=["uptake"]))
>>> [row.id for row in cmoc_table(store, "r").rows]
['c2', 'c10']
>>> [row.mechanism for row in cmoc_table(store, "r", sort="mechanism").rows]
['belonging', 'trust']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from cmo.model import ids
from cmo.model.ids import normalise_label
from cmo.rdf.sparql import query_text
from cmo.review.index import CmocFacts, ReviewIndex, review_indexes
from cmo.review.reviews import get_review
from cmo.store import Store

Sort = Literal["id", "context", "mechanism", "outcome", "study", "fired", "direction",
               "confidence", "evidence"]
SORTS: tuple[Sort, ...] = ("id", "context", "mechanism", "outcome", "study", "fired",
                           "direction", "confidence", "evidence")


class CmocRow(BaseModel):
    """One CMOc as the table shows it: labels, study keys, firing, direction, confidence."""

    id: str
    contexts: list[str]
    mechanism: str | None
    outcomes: list[str]
    studies: list[str]
    fired: bool
    direction: str | None
    confidence: str | None
    evidence: int


class CmocTable(BaseModel):
    """One page of the table, how many CMOcs match, and the filters that named nothing."""

    rows: list[CmocRow]
    total: int
    offset: int
    limit: int
    sort: Sort
    descending: bool
    #: Filters whose label or key names nothing in the review (kind -> the text given).
    unknown: dict[str, str]


def _natural(text: str) -> tuple[object, ...]:
    """Sort key where c2 comes before c10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text.casefold()))


def _row(index: ReviewIndex, c: CmocFacts) -> CmocRow:
    label = index.label
    return CmocRow(id=c.id,
                   contexts=sorted((label.get(x, x) for x in c.contexts), key=str.casefold),
                   mechanism=label.get(c.mechanism, c.mechanism) if c.mechanism else None,
                   outcomes=sorted((label.get(x, x) for x in c.outcomes), key=str.casefold),
                   studies=sorted(index.studies[s].key if s in index.studies else s
                                  for s in c.studies),
                   fired=c.fired, direction=c.direction, confidence=c.confidence,
                   evidence=len(c.evidence))


_KEYS: dict[str, Callable[[CmocRow], Any]] = {
    "id": lambda r: _natural(r.id),
    "context": lambda r: [c.casefold() for c in r.contexts],
    "mechanism": lambda r: (r.mechanism or "").casefold(),
    "outcome": lambda r: [o.casefold() for o in r.outcomes],
    "study": lambda r: [s.casefold() for s in r.studies],
    "fired": lambda r: r.fired,
    "direction": lambda r: r.direction or "",
    "confidence": lambda r: {"high": 0, "moderate": 1, "low": 2}.get(r.confidence or "", 3),
    "evidence": lambda r: r.evidence,
}


def cmoc_table(store: Store, review_id: str, *, context: str | None = None,
               mechanism: str | None = None, outcome: str | None = None,
               study: str | None = None, fired: bool | None = None, sort: Sort = "id",
               descending: bool = False, limit: int = 50, offset: int = 0) -> CmocTable:
    """One page of a review's CMOcs matching every filter, sorted (ties by id).

    Concepts are named by label or synonym (any case or spacing), a study by its key; a
    context filter also matches the contexts narrower than it.
    """
    get_review(store, review_id)
    index = review_indexes(store, [review_id])[0]
    unknown: dict[str, str] = {}
    wanted: dict[str, set[str]] = {}
    for kind, text in (("context", context), ("mechanism", mechanism), ("outcome", outcome)):
        if text:
            iri = index.resolve(kind, text)
            if iri is None:
                unknown[kind] = text
            wanted[kind] = index.descendants(iri) if iri and kind == "context" else {iri or ""}
    keys = {iri for iri, s in index.studies.items()
            if study and normalise_label(s.key) == normalise_label(study)}
    if study and not keys:
        unknown["study"] = study

    def matches(c: CmocFacts) -> bool:
        return (("context" not in wanted or not wanted["context"].isdisjoint(c.contexts))
                and ("mechanism" not in wanted or c.mechanism in wanted["mechanism"])
                and ("outcome" not in wanted or not wanted["outcome"].isdisjoint(c.outcomes))
                and (not study or not keys.isdisjoint(c.studies))
                and (fired is None or c.fired == fired))

    rows = sorted((_row(index, c) for c in index.cmocs if matches(c)), key=_KEYS["id"])
    if sort != "id" or descending:
        rows.sort(key=_KEYS[sort], reverse=descending)
    return CmocTable(rows=rows[offset:offset + limit], total=len(rows), offset=offset,
                     limit=limit, sort=sort, descending=descending, unknown=unknown)


def recent_cmocs(store: Store, review_id: str) -> list[tuple[str, datetime | None]]:
    """The ten CMOcs changed (or created) last: id and when."""
    get_review(store, review_id)
    found = store.select(query_text("recent_cmocs"), graphs=[ids.review_iri(review_id)])
    return [(row["id"].value,  # type: ignore[union-attr]
             datetime.fromisoformat(row["when"].value) if row["when"] else None)
            for row in found]
