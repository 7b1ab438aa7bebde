"""A left-to-right layered layout: contexts, then mechanisms, then outcomes, in three columns.

Contexts start in the order of their concept hierarchy (a parent followed by its narrower
contexts); mechanisms take the mean row of the contexts that trigger them, contexts then the mean
row of their mechanisms (two sweeps), and outcomes the mean row of the mechanisms that produce
them: the barycentre heuristic, which keeps crossings down. Computed
here, in linear time, so the browser only draws: vis-network's own hierarchical layout takes
minutes on a thousand concepts.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", kind="context", label="c", broader=[])
>>> g.add_node("m", kind="mechanism", label="m")
>>> _ = g.add_edge("c", "m")
>>> layered_positions(g)
{'c': (0, 0), 'm': (500, 0)}
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

ROW = 42          # vertical distance between two concepts of one column (px)
MIN_GAP = 500     # horizontal distance between columns (px)


def _context_order(graph: nx.MultiDiGraph, contexts: list[str]) -> list[str]:
    """Depth-first along skos:broader (by label), so a subtree stays together."""
    label_of = {graph.nodes[n]["label"]: n for n in contexts}
    children: dict[str | None, list[str]] = defaultdict(list)
    for n in contexts:
        parents = [label_of[b] for b in graph.nodes[n].get("broader") or () if b in label_of]
        children[parents[0] if parents else None].append(n)
    order: list[str] = []
    seen: set[str] = set()

    def visit(n: str) -> None:
        stack = [n]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            order.append(node)
            kids = sorted(children.get(node, ()), key=lambda k: graph.nodes[k]["label"].casefold())
            stack.extend(reversed(kids))

    for root in sorted(children.get(None, ()), key=lambda k: graph.nodes[k]["label"].casefold()):
        visit(root)
    for n in contexts:  # cycles in the hierarchy leave nodes unvisited
        visit(n)
    return order


def _by_barycentre(graph: nx.MultiDiGraph, nodes: list[str], rank: dict[str, float],
                   upstream: bool = True) -> list[str]:
    def key(n: str) -> tuple[float, str]:
        near = graph.predecessors(n) if upstream else graph.successors(n)
        ranks = [rank[m] for m in near if m in rank]
        return (sum(ranks) / len(ranks) if ranks else float("inf"),
                graph.nodes[n]["label"].casefold())

    return sorted(nodes, key=key)


def layered_positions(graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Node -> (x, y) in pixels: three columns, each centred on y = 0."""
    columns: dict[str, list[str]] = defaultdict(list)
    for n, kind in graph.nodes(data="kind"):
        columns[kind].append(n)
    contexts = _context_order(graph, columns["context"])
    rank = {n: float(i) / max(1, len(contexts)) for i, n in enumerate(contexts)}
    mechanisms = _by_barycentre(graph, columns["mechanism"], rank)
    for _ in range(2):  # sweep back and forth: contexts follow their mechanisms, and so on
        rank.update({n: float(i) / max(1, len(mechanisms)) for i, n in enumerate(mechanisms)})
        contexts = _by_barycentre(graph, contexts, rank, upstream=False)
        rank.update({n: float(i) / max(1, len(contexts)) for i, n in enumerate(contexts)})
        mechanisms = _by_barycentre(graph, mechanisms, rank)
    rank.update({n: float(i) / max(1, len(mechanisms)) for i, n in enumerate(mechanisms)})
    outcomes = _by_barycentre(graph, columns["outcome"], rank)
    tallest = max((len(c) for c in (contexts, mechanisms, outcomes)), default=1)
    gap = max(MIN_GAP, round(tallest * ROW / 4))
    positions: dict[str, tuple[int, int]] = {}
    for col, nodes in enumerate((contexts, mechanisms, outcomes)):
        # Shorter columns spread over the height of the tallest, so links run left to right.
        step = ROW if len(nodes) <= 1 else max(ROW, (tallest - 1) * ROW / (len(nodes) - 1))
        top = -(len(nodes) - 1) * step / 2
        for i, n in enumerate(nodes):
            positions[n] = (col * gap, round(top + i * step))
    return positions
