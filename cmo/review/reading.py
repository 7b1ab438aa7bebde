"""A source as a reviewer reads it: its text page by page, cut where quoted passages begin and
end, so a page can mark what is already coded, and say which CMOcs each passage supports.

Every piece of text keeps its place (`Segment.start`, in code points over the source's
normalised text, as anchors count), so a page can turn a selection back into an anchor exactly.

>>> [(s.start, s.text, s.anchors) for s in _segments(0, "peers felt understood", [(6, 21, 0)])]
[(0, 'peers ', ()), (6, 'felt understood', (0,))]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from pyoxigraph import NamedNode

from cmo.model import ids
from cmo.rdf.sparql import query_text
from cmo.review.index import review_indexes
from cmo.sources.catalogue import get_source, list_sources
from cmo.sources.model import Source
from cmo.store import Store


@dataclass(frozen=True)
class Anchor:
    """A quote anchored in the source: the evidence item, its CMOc, its place and part."""

    n: int
    cmoc: str
    start: int
    end: int
    page: int
    part: str | None


@dataclass(frozen=True)
class Segment:
    """A run of a page's text that the same anchors (by `Anchor.n`) cover: none, or some."""

    start: int
    text: str
    anchors: tuple[int, ...] = ()


@dataclass
class PageView:
    """One page: its number, place, text cut into segments, and the anchors that begin on it."""

    number: int
    start: int
    end: int
    segments: list[Segment]
    anchors: list[Anchor] = field(default_factory=list)


@dataclass(frozen=True)
class CmocSummary:
    """What a reader is shown of a CMOc coded in the source."""

    id: str
    contexts: tuple[str, ...]
    mechanism: str
    outcomes: tuple[str, ...]
    fired: bool
    direction: str | None


@dataclass
class Reading:
    """A source ready to be read and coded (`reading_view`)."""

    source: Source
    pages: list[PageView]
    anchors: list[Anchor]
    cmocs: dict[str, CmocSummary]
    siblings: list[Source]


def reading_view(store: Store, review_id: str, source_id: str) -> Reading:
    """The source's pages cut at its anchors, the anchors, the CMOcs they belong to, and the
    other sources of its study; NotFound if the review has no such source."""
    source = get_source(store, review_id, source_id)
    rows = store.select(query_text("source_anchors"),
                        {"src": NamedNode(ids.source_iri(review_id, source_id))},
                        graphs=[ids.review_iri(review_id)])
    anchors = []
    for n, row in enumerate(rows):
        start, end = int(row["start"].value), int(row["end"].value)  # type: ignore[union-attr]
        on_page = next((p.number for p in reversed(source.pages) if p.start <= start), 1)
        part = row["part"].value if row["part"] is not None else None
        anchors.append(Anchor(n, row["cmoc"].value, start, end, on_page, part))  # type: ignore[union-attr]
    pages = []
    for page in source.pages:
        spans = [(a.start, a.end, a.n) for a in anchors
                 if a.start < page.end and a.end > page.start]
        pages.append(PageView(page.number, page.start, page.end,
                              _segments(page.start, page.text or "", spans),
                              [a for a in anchors if a.page == page.number]))
    index = review_indexes(store, [review_id])[0]
    cmocs = {}
    for cmoc_id in dict.fromkeys(a.cmoc for a in anchors):
        facts = index.cmoc_by_id.get(cmoc_id)
        if facts is not None:
            label = index.label.get
            cmocs[cmoc_id] = CmocSummary(
                cmoc_id, tuple(label(c, c) for c in facts.contexts),
                label(facts.mechanism, facts.mechanism) if facts.mechanism else "",
                tuple(label(o, o) for o in facts.outcomes), facts.fired, facts.direction)
    siblings = [s for s in list_sources(store, review_id)
                if s.study == source.study and s.id != source.id]
    return Reading(source, pages, anchors, cmocs, siblings)


def _segments(offset: int, text: str, spans: Sequence[tuple[int, int, int]]) -> list[Segment]:
    """`text` (which begins at `offset`) cut wherever one of `spans` (start, end, n) begins or
    ends; each piece names the spans covering it."""
    end = offset + len(text)
    cuts = {offset, end}
    for s, e, _ in spans:
        cuts.update(x for x in (s, e) if offset < x < end)
    points = sorted(cuts)
    out = []
    for a, b in pairwise(points):
        covering = tuple(n for s, e, n in spans if s <= a and e >= b)
        out.append(Segment(a, text[a - offset:b - offset], covering))
    return out
