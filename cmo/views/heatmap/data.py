"""The context × mechanism heatmap as data: rows, columns, cells and the evidence behind them.

Rows are the contexts of the shown cells and their broader concepts, each broader context
followed by its narrower ones (``depth`` counts the steps down); columns are the mechanisms, the
most studied first. A cell counts what `cmo.questions.engine.context_mechanism_matrix` counts for
the same pair (CMOcs, distinct studies, fired and not fired, from the same review indexes), and
keeps the studies of each side and its CMOcs, whose quotes make the evidence trail.

>>> import cmo
>>> kg = cmo.open("memory:")
>>> r = kg.reviews.create(id="r", title="R")
>>> _ = r.concepts.create(kind="context", label="rural")
>>> _ = r.concepts.create(kind="context", label="remote farms", broader="rural")
>>> _ = r.cmocs.create(id="c1", studies=["S 2020"], contexts=["remote farms"],
...     mechanism="trust", outcomes=["uptake"], mechanism_fired=False)
>>> data = heatmap_data(kg.store, ViewOptions(("r",)))
>>> [(row.label, row.depth) for row in data.rows], [c.label for c in data.columns]
([('rural', 0), ('remote farms', 1)], ['trust'])
>>> data.cells[0].words()
'1 study; 1 CMOc did not fire'
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import quote

from cmo.model import ids
from cmo.questions.engine import CmocFilter
from cmo.questions.filters import check_theory
from cmo.rdf.sparql import query_text
from cmo.review.index import CmocFacts, ReviewIndex, gc_paused, review_indexes
from cmo.review.reviews import get_review
from cmo.store import Store
from cmo.views.graph import ViewOptions, view_title
from cmo.views.graph import _context_subtrees as context_subtrees  # as the network reads it
from cmo.words import counted

#: Light to dark: the shade of a cell grows with its number of studies.
PALETTE = ("#dbe9f6", "#b3d1ec", "#83b3dd", "#5592c9", "#2f6fae", "#11487f")
#: Colours of the bar under a cell's number: CMOcs whose mechanism fired, and did not.
FIRED_COLOUR, NOT_FIRED_COLOUR = "#24292f", "#d1242f"


@dataclass(frozen=True, slots=True)
class HeatmapQuote:
    """One quote of a CMOc: its study, page, text, and the passage it is anchored to (a path
    of the workbench's reading page) when it is anchored in a source document."""

    cmoc: str
    study: str | None
    page: str | None
    quote: str
    passage: str | None = None


@dataclass(frozen=True, slots=True)
class HeatmapCmoc:
    """A CMOc behind one or more cells: whether its mechanism fired, its studies and quotes."""

    iri: str
    id: str
    review: str
    fired: bool
    direction: str | None
    studies: tuple[str, ...]
    quotes: tuple[HeatmapQuote, ...]


@dataclass(frozen=True, slots=True)
class HeatmapRow:
    """A context; `has_cells` is false for a broader context shown only to group narrower ones."""

    iri: str
    label: str
    review: str
    depth: int
    parent: str | None
    has_cells: bool


@dataclass(frozen=True, slots=True)
class HeatmapColumn:
    """A mechanism, with the distinct studies of its shown cells."""

    iri: str
    label: str
    review: str
    studies: int


@dataclass(frozen=True, slots=True)
class HeatmapCell:
    """A context and a mechanism found together: the counts of the matrix, and more."""

    row: int
    column: int
    context: str
    mechanism: str
    studies: int
    fired: int
    not_fired: int
    fired_studies: int
    not_fired_studies: int
    cmocs: tuple[str, ...]
    cmoc_iris: tuple[str, ...]

    def words(self) -> str:
        """The counts as a reader says them: ``3 studies; 2 CMOcs fired, 1 did not``."""
        if self.fired and self.not_fired:
            firing = f"{counted(self.fired, 'CMOc')} fired, {self.not_fired} did not"
        elif self.fired:
            firing = f"{counted(self.fired, 'CMOc')} fired"
        else:
            firing = f"{counted(self.not_fired, 'CMOc')} did not fire"
        return f"{counted(self.studies, 'study')}; {firing}"


@dataclass(frozen=True, slots=True)
class Shade:
    """A band of study counts (`low` to `high`) and its fill, with the ink legible on it."""

    low: int
    high: int
    fill: str
    ink: str

    def label(self) -> str:
        """``3`` or ``3–4``: the counts of the band."""
        return str(self.low) if self.low == self.high else f"{self.low}\u2013{self.high}"


@dataclass
class HeatmapData:
    """What the heatmap shows (`heatmap_data`)."""

    title: str
    rows: list[HeatmapRow]
    columns: list[HeatmapColumn]
    cells: list[HeatmapCell]
    cmocs: dict[str, HeatmapCmoc]
    options: ViewOptions
    study_titles: dict[str, str] = field(default_factory=dict)

    @property
    def max_studies(self) -> int:
        """The most studies in one cell (1 when there is no cell)."""
        return max((c.studies for c in self.cells), default=1)

    def cell(self, context: str, mechanism: str) -> HeatmapCell | None:
        """The cell of a context and a mechanism (IRIs), if shown."""
        return next((c for c in self.cells
                     if c.context == context and c.mechanism == mechanism), None)

    def shades(self) -> list[Shade]:
        """The bands of study counts, lightest first (`shades`)."""
        return shades(self.max_studies)

    def summary(self) -> str:
        """``45 contexts × 24 mechanisms; 54 cells``: what is drawn, in words."""
        contexts = sum(1 for r in self.rows if r.has_cells)
        return (f"{counted(contexts, 'context')} \u00d7 {counted(len(self.columns), 'mechanism')}"
                f"; {counted(len(self.cells), 'cell')}")


def shades(max_studies: int) -> list[Shade]:
    """One band per count up to six studies; above, six bands growing geometrically.

    >>> [s.label() for s in shades(3)], [s.label() for s in shades(40)]
    (['1', '2', '3'], ['1', '2–3', '4–6', '7–11', '12–21', '22–40'])
    """
    top = max(1, max_studies)
    if top <= len(PALETTE):
        bounds = [(n, n) for n in range(1, top + 1)]
    else:
        edges = sorted({math.ceil(top ** (k / len(PALETTE))) for k in range(len(PALETTE))})
        bounds = [(lo, hi - 1) for lo, hi in pairwise(edges)]
        bounds.append((edges[-1], top))
    # Few bands skip the palette's palest shade, which a single study would barely show.
    first = 0 if len(bounds) == len(PALETTE) else 1
    span = len(PALETTE) - 1 - first
    picks = [first + round(i * span / (len(bounds) - 1)) if len(bounds) > 1 else 2
             for i in range(len(bounds))]
    return [Shade(lo, hi, PALETTE[p], "#ffffff" if p >= 3 else "#1f2328")
            for (lo, hi), p in zip(bounds, picks, strict=True)]


def shade_of(studies: int, bands: Sequence[Shade]) -> Shade:
    """The band holding `studies`."""
    return next((b for b in bands if studies <= b.high), bands[-1])


@dataclass
class _Tally:
    studies: set[str] = field(default_factory=set)
    fired: list[CmocFacts] = field(default_factory=list)
    not_fired: list[CmocFacts] = field(default_factory=list)


def heatmap_data(store: Store, options: ViewOptions) -> HeatmapData:
    """The heatmap that `options` asks for (reviews, context subtree, theory, minimum studies,
    fired only); NotFound or UnknownConcept for an unknown review or context, UnknownValue for
    an unknown theory."""
    indexes = review_indexes(store, list(options.reviews) if options.reviews else None)
    check_theory(indexes, options.theory)
    under = context_subtrees(store, indexes, options)
    with gc_paused():
        return _heatmap(store, indexes, under, options)


def _heatmap(store: Store, indexes: list[ReviewIndex], under: dict[str, set[str]] | None,
             options: ViewOptions) -> HeatmapData:
    filters = CmocFilter(fired_only=options.fired_only, theory=options.theory)
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    owner: dict[str, ReviewIndex] = {}
    home: dict[str, ReviewIndex] = {}
    for index in indexes:
        allowed = None if under is None else under.get(index.review_id, set())
        for c in index.cmocs:
            if c.mechanism is None or not filters.accepts(c, index):
                continue
            owner.setdefault(c.mechanism, index)
            for ctx in set(c.contexts):
                if allowed is not None and ctx not in allowed:
                    continue
                owner.setdefault(ctx, index)
                home[c.iri] = index
                tally = tallies[(ctx, c.mechanism)]
                tally.studies.update(c.studies)
                (tally.fired if c.fired else tally.not_fired).append(c)
    kept = {k: t for k, t in tallies.items() if len(t.studies) >= options.min_studies}
    rows = _rows(indexes, {ctx for ctx, _ in kept}, under)
    columns = _columns(owner, kept)
    row_at = {r.iri: i for i, r in enumerate(rows)}
    column_at = {c.iri: i for i, c in enumerate(columns)}
    cells = sorted((_cell(row_at[ctx], column_at[mech], ctx, mech, t)
                    for (ctx, mech), t in kept.items()), key=lambda c: (c.row, c.column))
    used = {c.iri: (home[c.iri], c) for t in kept.values() for c in (*t.fired, *t.not_fired)}
    return HeatmapData(title=_title(store, indexes, options), rows=rows, columns=columns,
                       cells=cells, cmocs=_cmocs(store, used.values()), options=options,
                       study_titles=_study_titles(used.values()))


def _label_key(index: ReviewIndex, iri: str) -> tuple[str, str]:
    return (index.label.get(iri, iri).casefold(), iri)


def _rows(indexes: Sequence[ReviewIndex], shown: set[str],
          under: dict[str, set[str]] | None) -> list[HeatmapRow]:
    """The shown contexts and their broader ones (inside the asked subtree), depth first."""
    rows: list[HeatmapRow] = []
    placed: set[str] = set()
    for index in indexes:
        mine = {c for c in shown if c in index.kind and c not in placed}
        if mine:
            allowed = None if under is None else under.get(index.review_id, set())
            parent_of = _parents(index, mine, allowed)
            rows += _depth_first(index, parent_of, mine, placed)
    return rows


def _parents(index: ReviewIndex, mine: set[str],
             allowed: set[str] | None) -> dict[str, str | None]:
    """Each shown context and its broader ones, up to the top, with the one broader context
    that holds it (the first by label: a concept with two is shown once, under one)."""
    parent_of: dict[str, str | None] = {}
    todo = list(mine)
    while todo:
        c = todo.pop()
        if c in parent_of:
            continue
        parent_of[c] = p = next((p for p in sorted(index.broader.get(c, ()),
                                                   key=lambda p: _label_key(index, p))
                                 if index.kind.get(p) == "context"
                                 and (allowed is None or p in allowed)), None)
        if p is not None:
            todo.append(p)
    return parent_of


def _depth_first(index: ReviewIndex, parent_of: dict[str, str | None], mine: set[str],
                 placed: set[str]) -> list[HeatmapRow]:
    """The rows in order: each broader context, then its narrower ones, by label."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for c, p in parent_of.items():
        children[p].append(c)
    rows = []
    # Roots first; concepts on a cycle of skos:broader have no root and are listed after.
    for root in [*sorted(children[None], key=lambda c: _label_key(index, c)),
                 *sorted(parent_of, key=lambda c: _label_key(index, c))]:
        stack = [(root, 0)]
        while stack:
            iri, depth = stack.pop()
            if iri in placed:
                continue
            placed.add(iri)
            rows.append(HeatmapRow(iri, index.label.get(iri, iri), index.review_id, depth,
                                   parent_of[iri] if depth else None, iri in mine))
            stack.extend((c, depth + 1) for c in sorted(
                children[iri], key=lambda c: _label_key(index, c), reverse=True))
    return rows


def _columns(owner: dict[str, ReviewIndex],
             kept: dict[tuple[str, str], _Tally]) -> list[HeatmapColumn]:
    studies: dict[str, set[str]] = defaultdict(set)
    for (_, mech), t in kept.items():
        studies[mech].update(t.studies)
    columns = [HeatmapColumn(m, owner[m].label.get(m, m), owner[m].review_id, len(s))
               for m, s in studies.items()]
    columns.sort(key=lambda c: (-c.studies, c.label.casefold(), c.iri))
    return columns


def _cell(row: int, column: int, ctx: str, mech: str, t: _Tally) -> HeatmapCell:
    both = sorted((*t.fired, *t.not_fired), key=lambda c: (c.review, c.id))
    return HeatmapCell(row, column, ctx, mech, len(t.studies), len(t.fired), len(t.not_fired),
                       len({s for c in t.fired for s in c.studies}),
                       len({s for c in t.not_fired for s in c.studies}),
                       tuple(c.id for c in both), tuple(c.iri for c in both))


def _study_key(index: ReviewIndex, iri: str) -> str:
    study = index.studies.get(iri)
    return study.key if study else ids.local_id(iri)


def _passages(store: Store, index: ReviewIndex) -> dict[str, str]:
    """Evidence IRI -> the source id it is anchored in."""
    prefix = ids.source_iri(index.review_id, "")
    rows = store.select(query_text("evidence_sources"), graphs=[ids.review_iri(index.review_id)])
    return {row["ev"].value: row["src"].value[len(prefix):] for row in rows  # type: ignore[union-attr]
            if row["src"] is not None and row["src"].value.startswith(prefix)}


def _cmocs(store: Store, used: Iterable[tuple[ReviewIndex, CmocFacts]]) -> dict[str, HeatmapCmoc]:
    out: dict[str, HeatmapCmoc] = {}
    anchored: dict[str, dict[str, str]] = {}
    for index, c in sorted(used, key=lambda p: (p[1].review, p[1].id)):
        quotes = []
        for ev in c.evidence:
            e = index.evidence.get(ev)
            if e is None:
                continue
            if index.review_id not in anchored:
                anchored[index.review_id] = _passages(store, index)
            source = e.source or (c.studies[0] if len(c.studies) == 1 else None)
            where = anchored[index.review_id].get(ev)
            passage = (f"/reviews/{quote(index.review_id, safe='')}/sources/"
                       f"{quote(where, safe='')}/read"
                       + (f"#page-{quote(e.page, safe='')}" if e.page else "")) if where else None
            quotes.append(HeatmapQuote(c.id, _study_key(index, source) if source else None,
                                       e.page, e.quote, passage))
        out[c.iri] = HeatmapCmoc(c.iri, c.id, index.review_id, c.fired, c.direction,
                                 tuple(sorted((_study_key(index, s) for s in c.studies),
                                              key=str.casefold)), tuple(quotes))
    return out


def _study_titles(used: Iterable[tuple[ReviewIndex, CmocFacts]]) -> dict[str, str]:
    titles: dict[str, str] = {}
    for index, c in used:
        for s in c.studies:
            study = index.studies.get(s)
            if study is not None and study.title:
                titles[study.key] = study.title
    return titles


def _title(store: Store, indexes: Sequence[ReviewIndex], options: ViewOptions) -> str:
    if len(indexes) == 1:
        title = get_review(store, indexes[0].review_id).title
        subject = f"Contexts \u00d7 mechanisms \u2014 {title}"
    else:
        subject = "Contexts \u00d7 mechanisms: " + ", ".join(ix.review_id for ix in indexes)
    return view_title(subject, options)
