"""A left-to-right layered layout: contexts, then mechanisms, then outcomes, in three columns.

Contexts follow their concept hierarchy: each broader concept is followed by its narrower
contexts, indented one step; a broader concept that no CMOc names is a group heading (`Heading`)
with a row of its own. Siblings, mechanisms and outcomes are ordered by the mean row of the
concepts they link to (the barycentre heuristic, two sweeps), which keeps crossings down.

Rows are as tall as what they hold: the node (sized by its studies) and its label, wrapped at
24 characters, below it; columns are as far apart as their widest labels need. So, for up to
`LABEL_ALL` concepts, no two labels meet and none is drawn outside the layout's box. Larger
networks are laid out on a tight grid and the page labels the concepts with most studies first.
Computed here, in linear time, so the browser only draws.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", kind="context", label="c", broader=[], studies=1)
>>> g.add_node("m", kind="mechanism", label="m", studies=1)
>>> _ = g.add_edge("c", "m")
>>> layered_positions(g)
{'c': (0, -16), 'm': (128, -16)}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import fmean
from typing import Any

import networkx as nx

LABEL_ALL = 100    # up to this many concepts every label has room; above, the page chooses
WRAP = 24          # characters per label line
MAX_LINES = 4
FONT = 14          # label font size (px at zoom 1)
LINE = 17          # height of one label line (px)
CHAR = 7.6         # width of one character, generous for system-ui at 14 px (px)
SIZE = (7, 16)     # node radius for the fewest and the most studies (px)
GAP = 12           # space between one row's label and the next node (px)
INDENT = 36        # indent of a narrower context (px)
LINKS = 120        # room for the links between two columns, beyond the labels (px)
ROW = 42           # rows of a network too large to label every concept (px)


@lru_cache(maxsize=8192)
def wrap_label(label: str, width: int = WRAP, lines: int = MAX_LINES) -> str:
    """A label broken into lines of at most `width` characters (words longer are cut).

    >>> wrap_label("high background breastfeeding rates in rural areas")
    'high background\\nbreastfeeding rates in\\nrural areas'
    """
    out: list[str] = []
    line = ""
    for word in str(label).split():
        while len(word) > width:
            if line:
                out.append(line)
                line = ""
            out.append(word[:width - 1] + "-")
            word = word[width - 1:]
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        out.append(line)
    if len(out) > lines:
        out = [*out[:lines - 1], out[lines - 1][:width - 1] + "\u2026"]
    return "\n".join(out)


def node_sizes(graph: nx.MultiDiGraph) -> dict[str, float]:
    """Node -> radius (px), from its number of studies."""
    studies = {n: int(a.get("studies") or 1) for n, a in graph.nodes(data=True)}
    low, high = min(studies.values(), default=1), max(studies.values(), default=1)
    span = SIZE[1] - SIZE[0]
    return {n: round(SIZE[0] + (span * (s - low) / (high - low) if high > low else span / 2), 1)
            for n, s in studies.items()}


@dataclass
class Heading:
    """A broader concept no drawn CMOc names: a heading above its narrower contexts."""

    iri: str
    label: str
    depth: int
    x: int = 0
    y: int = 0
    members: list[str] = field(default_factory=list)  # the drawn contexts under it


@dataclass
class Layout:
    """Positions of the nodes, the context hierarchy (depth, headings) and the box it fills."""

    positions: dict[str, tuple[int, int]]
    depth: dict[str, int]
    headings: list[Heading]
    labelled: bool  # every label has room
    narrower: dict[str, list[str]] = field(default_factory=dict)  # drawn context -> drawn under it


def _tree(graph: nx.MultiDiGraph, contexts: list[str]) -> dict[str, dict[str, Any]]:
    tree = graph.graph.get("context_tree")
    if tree:
        return dict(tree)
    # A graph without the tree (built by hand): broader labels that name drawn contexts.
    by_label = {graph.nodes[n]["label"]: n for n in contexts}
    return {n: {"label": graph.nodes[n]["label"],
                "broader": [by_label[b] for b in graph.nodes[n].get("broader") or ()
                            if b in by_label]} for n in contexts}


def _context_rows(graph: nx.MultiDiGraph, contexts: list[str], rank: dict[str, float]
                  ) -> tuple[list[str | Heading], dict[str, int], dict[str, list[str]]]:
    """Depth-first along the hierarchy; siblings by the mean rank of what lies under them."""
    tree = _tree(graph, contexts)
    shown = set(contexts)
    children: dict[str | None, list[str]] = defaultdict(list)
    for n, entry in tree.items():
        parents = [b for b in entry.get("broader") or () if isinstance(b, str) and b in tree]
        children[parents[0] if parents else None].append(n)
    under: dict[str, list[float]] = {}
    below: dict[str, bool] = {}

    def shown_below(n: str, path: frozenset[str]) -> bool:
        if n not in below:
            below[n] = n in shown or any(shown_below(k, path | {k})
                                         for k in children.get(n, ()) if k not in path)
        return below[n]

    def ranks(n: str, path: frozenset[str]) -> list[float]:
        if n not in under:
            own = [rank[n]] if n in rank else []
            under[n] = own + [r for k in children.get(n, ()) if k not in path
                              for r in ranks(k, path | {k})]
        return under[n]

    def order(nodes: Iterable[str]) -> list[str]:
        def key(n: str) -> tuple[float, str]:
            r = ranks(n, frozenset({n}))
            return (fmean(r) if r else float("inf"), str(tree[n]["label"]).casefold())
        return sorted(nodes, key=key)

    rows: list[str | Heading] = []
    depth: dict[str, int] = {}
    narrower: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()

    def visit(n: str, d: int, heads: list[Heading | str]) -> None:
        if n in seen:
            return
        seen.add(n)
        kids = order(children.get(n, ()))
        if n in shown:
            rows.append(n)
            depth[n] = d
            for h in heads:
                if isinstance(h, Heading):
                    h.members.append(n)
                else:
                    narrower[h].append(n)
            heads = [*heads, n]
        elif shown_below(n, frozenset({n})):
            head = Heading(n, str(tree[n]["label"]), d)
            rows.append(head)
            heads = [*heads, head]
        else:
            return
        for k in kids:
            visit(k, d + 1, heads)

    for root in order(children.get(None, ())):
        visit(root, 0, [])
    for n in order(contexts):  # cycles in the hierarchy leave nodes unvisited
        visit(n, 0, [])
    return rows, depth, dict(narrower)


def _by_barycentre(graph: nx.MultiDiGraph, nodes: list[str], rank: dict[str, float],
                   upstream: bool = True) -> list[str]:
    def key(n: str) -> tuple[float, str]:
        near = graph.predecessors(n) if upstream else graph.successors(n)
        ranks = [rank[m] for m in near if m in rank]
        return (sum(ranks) / len(ranks) if ranks else float("inf"),
                graph.nodes[n]["label"].casefold())

    return sorted(nodes, key=key)


def _ranked(nodes: list[str]) -> dict[str, float]:
    return {n: float(i) / max(1, len(nodes)) for i, n in enumerate(nodes)}


def _half_width(label: str) -> float:
    return max(len(line) for line in wrap_label(label).split("\n")) * CHAR / 2


def layout(graph: nx.MultiDiGraph) -> Layout:
    """The whole layout: positions, context depth and group headings."""
    columns: dict[str, list[str]] = defaultdict(list)
    for n, kind in graph.nodes(data="kind"):
        columns[kind].append(n)
    rows, depth, narrower = _context_rows(graph, columns["context"], {})
    contexts = [r for r in rows if isinstance(r, str)]
    rank = _ranked(contexts)
    mechanisms = _by_barycentre(graph, columns["mechanism"], rank)
    for _ in range(2):  # sweep back and forth: contexts follow their mechanisms, and so on
        rank.update(_ranked(mechanisms))
        down = {c: fmean(near) for c in contexts
                if (near := [rank[m] for m in graph.successors(c) if m in rank])}
        rows, depth, narrower = _context_rows(graph, columns["context"], down)
        contexts = [r for r in rows if isinstance(r, str)]
        rank.update(_ranked(contexts))
        mechanisms = _by_barycentre(graph, mechanisms, rank)
    rank.update(_ranked(mechanisms))
    outcomes = _by_barycentre(graph, columns["outcome"], rank)
    labelled = graph.number_of_nodes() <= LABEL_ALL
    size = node_sizes(graph)

    def height(row: str | Heading) -> float:
        if isinstance(row, Heading):
            return LINE + GAP
        if not labelled:
            return ROW
        lines = wrap_label(graph.nodes[row]["label"]).count("\n") + 1
        return 2 * size[row] + 4 + lines * LINE + GAP

    cols: list[list[str | Heading]] = [rows, list(mechanisms), list(outcomes)]
    tallest = max((sum(height(r) for r in col) for col in cols), default=0.0)
    reach = [max((_half_width(graph.nodes[r]["label"]) + INDENT * depth.get(r, 0)
                  if isinstance(r, str) else INDENT * r.depth + len(r.label) * CHAR / 2
                  for r in col), default=0.0) for col in cols]
    half = [max((_half_width(graph.nodes[r]["label"]) for r in col if isinstance(r, str)),
                default=0.0) for col in cols]
    xs = [0.0, reach[0] + half[1] + LINKS]
    xs.append(xs[1] + half[1] + half[2] + LINKS)
    positions: dict[str, tuple[int, int]] = {}
    headings: list[Heading] = []
    for col, items in enumerate(cols):
        own = sum(height(r) for r in items)
        # Shorter columns spread over the height of the tallest, so links run left to right.
        spread = (tallest - own) / (len(items) - 1) if len(items) > 1 else 0.0
        y = -tallest / 2 if len(items) > 1 else -height(items[0]) / 2 if items else 0.0
        for r in items:
            h = height(r)
            if isinstance(r, Heading):
                r.x, r.y = round(xs[col] + INDENT * r.depth), round(y + LINE / 2)
                headings.append(r)
            else:
                top = size[r] if labelled else 0
                positions[r] = (round(xs[col] + INDENT * depth.get(r, 0)), round(y + top))
            y += h + spread
    return Layout(positions, depth, headings, labelled, narrower)


def layered_positions(graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Node -> (x, y) in pixels: three columns, contexts indented by their hierarchy."""
    return layout(graph).positions
