"""CMO chains: the outcome of one CMOc is the context of the next (`rkg:leadsTo`).

A reviewer asks two things of chains: how the CMOcs link up (the chain graph), and which
complete chains run through it (peers trained → peers confident → mothers engage →
breastfeeding continues). The answer gives both:

- `cmocs` and `links`: the chain graph itself, every CMOc that leads to or follows from another
  (from `start`: every CMOc reachable from it) and every `rkg:leadsTo` between them;
- `chains`: one page (`offset`, `limit`) of the maximal chains, each from a head (a CMOc that
  leads somewhere and that nothing leads to, or `start`) until a CMOc that leads nowhere new
  or `max_length` links; a cycle is cut where it would come back;
- `total`: how many maximal chains there are, when that is cheap to know (no cycle, and
  `COUNT_WORK` steps suffice); `truncated` says whether more chains follow the page.

Cost. Maximal chains can be exponentially many (a review where each of 20 CMOcs leads to every
later one has 2^18 of them), so they are never all listed. The graph is linear in the CMOcs
and links; counting is at most `COUNT_WORK` steps (links × (max_length + 1)); a page costs about
limit × max_length × links-per-CMOc steps, at most `WALK_STEPS`. So an answer holds at most the
chain graph plus `limit` chains of `max_length` + 1 ids, and never takes more than a second or
so, whatever the review.

>>> import cmo
>>> kg = cmo.open("memory:")
>>> cmocs = kg.reviews.create(id="r", title="R").cmocs
>>> for cmoc_id, later in [("c3", []), ("c2", ["c3"]), ("c1", ["c2", "c3"])]:
...     _ = cmocs.create(id=cmoc_id, studies=["S"], contexts=["x"], mechanism="m",
...                      outcomes=["o"], leads_to=later)
>>> answer = chains(kg.store, limit=1)
>>> [c.cmocs for c in answer.chains], answer.total, answer.truncated, len(answer.links)
([['c1', 'c2', 'c3']], 2, True, 3)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from cmo.errors import InvalidInput, NotFound, Problem
from cmo.model.answers import Chain, ChainCMOc, Chains, LeadsTo
from cmo.review.index import CmocFacts, ReviewIndex, review_indexes
from cmo.store import Store

#: Most links in one chain that may be asked for (each link is a level of the walk).
MAX_LENGTH = 100
#: Most steps spent counting the maximal chains (beyond it `total` is left unknown).
COUNT_WORK = 2_000_000
#: Most steps spent walking to and along one page of chains (beyond it the page is cut short).
WALK_STEPS = 1_000_000

Counter = Callable[[str, int], int]


@dataclass
class _Graph:
    """One review's chain graph: CMOcs by IRI, their successors (by id), and the heads."""

    index: ReviewIndex
    nodes: list[CmocFacts]
    succ: dict[str, list[str]]
    heads: list[str]


def _graph(index: ReviewIndex, start: str | None) -> _Graph:
    """The chain graph of a review, or the part of it reachable from `start`."""
    by_iri = {c.iri: c for c in index.cmocs}
    succ = {c.iri: sorted((t for t in set(c.leads_to) if t in by_iri),
                          key=lambda t: by_iri[t].id) for c in index.cmocs}
    if start is not None:
        if start not in index.cmoc_by_id:
            return _Graph(index, [], {}, [])
        heads = [index.cmoc_by_id[start].iri]
        seen, todo = set(heads), list(heads)
        while todo:
            for t in succ[todo.pop()]:
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
    else:
        targets = {t for ts in succ.values() for t in ts}
        heads = [c.iri for c in index.cmocs if succ[c.iri] and c.iri not in targets]
        seen = targets | {c.iri for c in index.cmocs if succ[c.iri]}
    nodes = [c for c in index.cmocs if c.iri in seen]
    return _Graph(index, nodes, {c.iri: succ[c.iri] for c in nodes}, heads)


def _acyclic(g: _Graph) -> bool:
    """Whether no cycle can be reached from the graph's CMOcs (Kahn's algorithm)."""
    indegree = dict.fromkeys(g.succ, 0)
    for ts in g.succ.values():
        for t in ts:
            indegree[t] += 1
    ready = [v for v, n in indegree.items() if n == 0]
    removed = 0
    while ready:
        removed += 1
        for t in g.succ[ready.pop()]:
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    return removed == len(indegree)


def _counter(g: _Graph, max_length: int) -> Counter | None:
    """count(cmoc, r): the maximal chains from `cmoc` with at most r more links; None when
    there is a cycle or counting would cost more than COUNT_WORK."""
    links = sum(len(ts) for ts in g.succ.values())
    if (links + len(g.succ)) * (max_length + 1) > COUNT_WORK or not _acyclic(g):
        return None
    memo: dict[tuple[str, int], int] = {}

    def count(iri: str, r: int) -> int:
        key = (iri, r)
        if key not in memo:
            nexts = g.succ[iri] if r > 0 else []
            memo[key] = sum(count(t, r - 1) for t in nexts) if nexts else 1
        return memo[key]

    return count


class _OutOfSteps(Exception):
    """The walk spent WALK_STEPS: the page is cut short."""


class _Walk:
    """Maximal chains in order, after skipping `skip` of them, within WALK_STEPS steps."""

    def __init__(self, skip: int, max_length: int) -> None:
        self.skip = skip
        self.max_length = max_length
        self.steps = 0

    def chains(self, g: _Graph, count: Counter | None) -> Iterator[list[str]]:
        """The chains of one review (IRIs), skipping whole subtrees when `count` knows them."""
        for head in g.heads:
            yield from self._from([head], {head}, self.max_length, g, count)

    def _from(self, path: list[str], on_path: set[str], r: int, g: _Graph,
              count: Counter | None) -> Iterator[list[str]]:
        nexts = g.succ[path[-1]] if r > 0 else []
        self.steps += 1 + len(nexts)
        if self.steps > WALK_STEPS:
            raise _OutOfSteps
        if count is not None and self.skip >= (n := count(path[-1], r)):
            self.skip -= n
            return
        nexts = [t for t in nexts if t not in on_path]
        if not nexts:
            if self.skip:
                self.skip -= 1
            else:
                yield list(path)
            return
        for t in nexts:
            path.append(t)
            on_path.add(t)
            yield from self._from(path, on_path, r - 1, g, count)
            path.pop()
            on_path.discard(t)


def _cmoc(index: ReviewIndex, c: CmocFacts) -> ChainCMOc:
    return ChainCMOc(review=index.review_id, cmoc=c.id,
                     contexts=sorted((index.label.get(x, x) for x in c.contexts), key=str.casefold),
                     mechanism=index.label.get(c.mechanism) if c.mechanism else None,
                     outcomes=sorted((index.label.get(x, x) for x in c.outcomes), key=str.casefold),
                     fired=c.fired)


def chains(store: Store, start: str | None = None, *, max_length: int = 10, limit: int = 100,
           offset: int = 0, reviews: Sequence[str] | None = None) -> Chains:
    """The chain graph along rkg:leadsTo and one page of its maximal chains (module docstring).

    From `start` (a CMOc id; NotFound if no review has it) or from every chain head; each chain
    has at most `max_length` links; chains `offset` to `offset + limit - 1`, in order (by review,
    then by CMOc id at each step). The answer is bounded by the chain graph plus `limit` chains,
    whatever the number of chains; `limit=0` answers the graph and `total` alone.
    """
    _check(max_length, limit, offset)
    indexes = review_indexes(store, list(reviews) if reviews else None)
    if start is not None and not any(start in ix.cmoc_by_id for ix in indexes):
        raise NotFound(f"No CMOc {start!r}.")
    walk = _Walk(offset, max_length)
    answer = Chains(cmocs=[], links=[], chains=[], total=0, truncated=False, offset=offset,
                    limit=limit, max_length=max_length, next_offset=None)
    for index in indexes:
        g = _graph(index, start)
        ids = {c.iri: c.id for c in g.nodes}
        answer.cmocs += [_cmoc(index, c) for c in g.nodes]
        answer.links += [LeadsTo(review=index.review_id, cmoc=ids[s], leads_to=ids[t])
                         for s in g.succ for t in g.succ[s]]
        count = _counter(g, max_length)
        total = sum(count(h, max_length) for h in g.heads) if count else None
        answer.total = None if total is None or answer.total is None else answer.total + total
        if not answer.truncated:
            _page(answer, walk, g, count, ids)
    if answer.truncated and answer.chains:
        answer.next_offset = offset + len(answer.chains)
    return answer


def _check(max_length: int, limit: int, offset: int) -> None:
    """InvalidInput naming each parameter out of range."""
    problems = [Problem(field=name, reason=reason) for name, bad, reason in [
        ("max_length", not 1 <= max_length <= MAX_LENGTH, f"from 1 to {MAX_LENGTH} links"),
        ("limit", limit < 0, "0 or more chains"), ("offset", offset < 0, "0 or more")] if bad]
    if problems:
        raise InvalidInput("Cannot page through chains that way.", problems)


def _page(answer: Chains, walk: _Walk, g: _Graph, count: Counter | None,
          ids: dict[str, str]) -> None:
    """Add this review's chains to the page until it holds `limit` (then mark it truncated if
    one more exists) or the walk runs out of steps (then mark it truncated)."""
    try:
        for chain in walk.chains(g, count):
            if len(answer.chains) == answer.limit:
                answer.truncated = True
                return
            answer.chains.append(Chain(review=g.index.review_id, cmocs=[ids[i] for i in chain]))
    except _OutOfSteps:
        answer.truncated = True
