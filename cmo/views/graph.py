"""The mechanism network of a review as a networkx graph: contexts → mechanisms → outcomes.

Nodes are concepts (IRIs), with `kind` ``context`` / ``mechanism`` / ``outcome``, their label,
definition, counts, studies and quotes. Edges are keyed, so a pair can carry both kinds:

- context → mechanism, ``relation="triggers"``, key ``fired`` or ``not_fired``;
- mechanism → outcome, ``relation="generates"``, key = the outcome direction
  (``positive``, ``negative``, ``none``, ``mixed`` or ``unknown``), followed by ``_not_fired``
  for the CMOcs whose mechanism did not fire (so those stay apart all along their path);
- outcome → context, ``relation="leads_to"`` (CMO chains, only with ``chains=True``): the outcome
  of one CMOc is the context of the next.

Every node and edge names the CMOcs behind it (``cmoc_ids``); ``graph.graph["cmocs"]`` holds each
of those CMOcs (its shown contexts, mechanism, outcomes, firing and direction), so a reader can
follow one configuration from context to outcome. ``graph.graph["context_tree"]`` maps each shown
context and each of its broader concepts to its broader concepts and label (the hierarchy).

>>> import cmo
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="R").cmocs.create(id="c1", studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"], mechanism_fired=False)
>>> g = mechanism_graph(kg.store, "r")
>>> sorted((g.nodes[u]["label"], g.nodes[v]["label"], k) for u, v, k in g.edges(keys=True))
[('rural', 'trust', 'not_fired'), ('trust', 'uptake', 'unknown_not_fired')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from cmo.errors import InvalidInput, Problem
from cmo.model.records import Direction
from cmo.questions.engine import CmocFilter, lookup_concept
from cmo.questions.filters import check_theory
from cmo.review.index import CmocFacts, ReviewIndex, review_indexes
from cmo.store import Store

KINDS = ("context", "mechanism", "outcome")
DIRECTIONS = (*(d.value for d in Direction), "unknown")


@dataclass(frozen=True)
class ViewOptions:
    """What a view shows: reviews, programme theory, context subtree, minimum studies, firing."""

    reviews: tuple[str, ...] | None = None
    context: str | None = None
    theory: str | None = None
    min_studies: int = 1
    fired_only: bool = False
    chains: bool = False

    def __post_init__(self) -> None:
        if self.min_studies < 1:
            raise InvalidInput("min_studies must be at least 1.", [Problem(
                field="min_studies", reason="use 1 or more")])


@dataclass
class _Tally:
    """CMOcs, studies and quotes behind a node or an edge."""

    cmocs: set[str] = field(default_factory=set)
    studies: set[str] = field(default_factory=set)
    fired: int = 0
    not_fired: int = 0
    evidence: dict[str, CmocFacts] = field(default_factory=dict)

    def add(self, c: CmocFacts) -> None:
        if c.iri in self.cmocs:
            return
        self.cmocs.add(c.iri)
        self.studies.update(c.studies)
        if c.fired:
            self.fired += 1
        else:
            self.not_fired += 1
        self.evidence.setdefault(c.iri, c)


def mechanism_graph(store: Store, reviews: str | Sequence[str] | None = None, *,
                    context: str | None = None, theory: str | None = None,
                    min_studies: int = 1, fired_only: bool = False,
                    chains: bool = False) -> nx.MultiDiGraph:
    """The mechanism network of one review, several (a sequence) or all (None)."""
    review_ids = (reviews,) if isinstance(reviews, str) else (tuple(reviews) if reviews else None)
    return build_graph(store, ViewOptions(review_ids, context, theory, min_studies, fired_only,
                                          chains))


def build_graph(store: Store, options: ViewOptions) -> nx.MultiDiGraph:
    """The mechanism network that `options` asks for."""
    indexes = review_indexes(store, list(options.reviews) if options.reviews else None)
    under = _context_subtrees(store, indexes, options)
    check_theory(indexes, options.theory)
    filters = CmocFilter(fired_only=options.fired_only, theory=options.theory)
    nodes: dict[str, _Tally] = defaultdict(_Tally)
    edges: dict[tuple[str, str, str], _Tally] = defaultdict(_Tally)
    owner: dict[str, ReviewIndex] = {}
    kept: dict[str, CmocFacts] = {}
    shown_contexts: dict[str, list[str]] = {}
    for index, c in _chosen(indexes, filters):
        contexts = [x for x in dict.fromkeys(c.contexts)
                    if under is None or x in under.get(index.review_id, ())]
        if c.mechanism is None or not contexts:
            continue
        kept[c.iri] = c
        shown_contexts[c.iri] = contexts
        outcomes = list(dict.fromkeys(c.outcomes))
        for iri in (*contexts, c.mechanism, *outcomes):
            nodes[iri].add(c)
            owner[iri] = index
        for ctx in contexts:
            edges[(ctx, c.mechanism, "fired" if c.fired else "not_fired")].add(c)
        for out in outcomes:
            direction = c.direction or "unknown"
            edges[(c.mechanism, out, direction if c.fired else f"{direction}_not_fired")].add(c)
    if options.chains:
        _add_chains(kept, edges, set(nodes))
    graph = nx.MultiDiGraph(title=_title(indexes, options), min_studies=options.min_studies)
    for (u, v, key), tally in edges.items():
        if len(tally.studies) >= options.min_studies:
            graph.add_edge(u, v, key=key, **_edge_attrs(owner[u], key, tally))
    for iri in graph.nodes:
        graph.nodes[iri].update(_node_attrs(owner[iri], iri, nodes[iri]))
    graph.graph["study_titles"] = _study_titles(indexes, (nodes[n] for n in graph.nodes))
    graph.graph["cmocs"] = _cmocs(graph, kept, shown_contexts)
    graph.graph["context_tree"] = _context_tree(graph, owner)
    return graph


def _cmocs(graph: nx.MultiDiGraph, kept: dict[str, CmocFacts],
           contexts: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """The CMOcs behind the drawn links, each with the concepts of it that are drawn."""
    used = {i for *_, ids in graph.edges(data="cmoc_ids") for i in ids}
    return {iri: {"id": c.id, "contexts": [x for x in contexts[iri] if x in graph],
                  "mechanism": c.mechanism, "outcomes": [o for o in dict.fromkeys(c.outcomes)
                                                         if o in graph],
                  "fired": c.fired, "direction": c.direction or "unknown"}
            for iri, c in sorted(kept.items(), key=lambda kv: kv[1].id) if iri in used}


def _context_tree(graph: nx.MultiDiGraph,
                  owner: dict[str, ReviewIndex]) -> dict[str, dict[str, Any]]:
    """Each drawn context and each broader concept above it: label and broader concepts."""
    tree: dict[str, dict[str, Any]] = {}
    todo = [(n, owner[n]) for n in graph.nodes if graph.nodes[n]["kind"] == "context"]
    while todo:
        iri, index = todo.pop()
        if iri in tree:
            continue
        parents = [b for b in index.broader.get(iri, ()) if b != iri]
        tree[iri] = {"label": index.label.get(iri, iri), "broader": parents}
        todo.extend((b, index) for b in parents)
    return tree


def _chosen(indexes: Iterable[ReviewIndex],
            filters: CmocFilter) -> Iterable[tuple[ReviewIndex, CmocFacts]]:
    for index in indexes:
        for c in index.cmocs:
            if filters.accepts(c, index):
                yield index, c


def _context_subtrees(store: Store, indexes: list[ReviewIndex],
                      options: ViewOptions) -> dict[str, set[str]] | None:
    """Per review, the asked context and every narrower one (None: no context asked)."""
    if options.context is None:
        return None
    found = {ix.review_id: ix.descendants(iri) for ix in indexes
             if (iri := ix.resolve("context", options.context))}
    if not found:  # raises UnknownConcept with the closest labels
        lookup_concept(store, "context", options.context, options.reviews)
    return found


def _add_chains(kept: dict[str, CmocFacts], edges: dict[tuple[str, str, str], _Tally],
                shown: set[str]) -> None:
    for c in kept.values():
        for nxt in c.leads_to:
            following = kept.get(nxt)
            if following is None:
                continue
            for out in c.outcomes:
                for ctx in following.contexts:
                    if out in shown and ctx in shown and out != ctx:
                        tally = edges[(out, ctx, "leads_to")]
                        tally.add(c)
                        tally.add(following)


def _title(indexes: list[ReviewIndex], options: ViewOptions) -> str:
    return view_title("Mechanisms: " + ", ".join(ix.review_id for ix in indexes), options)


def view_title(subject: str, options: ViewOptions) -> str:
    """A title naming what is drawn and every option that narrows it."""
    parts = [subject]
    if options.context:
        parts.append(f"context: {options.context}")
    if options.theory:
        parts.append(f"theory: {options.theory}")
    if options.min_studies > 1:
        parts.append(f"at least {options.min_studies} studies")
    if options.fired_only:
        parts.append("fired only")
    return " \u00b7 ".join(parts)


def _study_keys(index: ReviewIndex, studies: Iterable[str]) -> list[str]:
    keys = [index.studies[s].key if s in index.studies else s.rsplit("/", 1)[-1]
            for s in studies]
    return sorted(keys, key=str.casefold)


def _study_titles(indexes: list[ReviewIndex], tallies: Iterable[_Tally]) -> dict[str, str]:
    """Study key -> title, for the studies behind the shown concepts."""
    used = {s for t in tallies for s in t.studies}
    return {f.key: f.title for ix in indexes for iri, f in ix.studies.items()
            if iri in used and f.title}


def _edge_attrs(index: ReviewIndex, key: str, tally: _Tally) -> dict[str, Any]:
    if key == "leads_to":
        relation, fired, direction = "leads_to", None, None
    elif key in ("fired", "not_fired"):
        relation, fired, direction = "triggers", key == "fired", None
    else:
        relation, fired, direction = "generates", not key.endswith("_not_fired"), \
            key.removesuffix("_not_fired")
    return {"relation": relation, "fired": fired, "direction": direction,
            "cmoc_ids": sorted(tally.cmocs), "cmocs": len(tally.cmocs),
            "studies": len(tally.studies), "not_fired_only": tally.fired == 0,
            "study_keys": _study_keys(index, tally.studies)}


def _node_attrs(index: ReviewIndex, iri: str, tally: _Tally) -> dict[str, Any]:
    broader = [index.label.get(b, b) for b in index.broader.get(iri, ())]
    return {"kind": index.kind.get(iri, "concept"), "label": index.label.get(iri, iri),
            "review": index.review_id, "iri": iri,
            "definition": index.definition.get(iri), "broader": broader,
            "cmoc_ids": sorted(tally.cmocs), "cmocs": len(tally.cmocs),
            "studies": len(tally.studies), "fired": tally.fired,
            "not_fired": tally.not_fired, "study_keys": _study_keys(index, tally.studies),
            "evidence": _quotes(index, tally.evidence.values())}


def _quotes(index: ReviewIndex, cmocs: Iterable[CmocFacts]) -> list[dict[str, str | None]]:
    out = []
    for c in sorted(cmocs, key=lambda c: c.id):
        for ev in c.evidence:
            e = index.evidence.get(ev)
            if e is None:
                continue
            source = e.source or (c.studies[0] if len(c.studies) == 1 else None)
            study = _study_keys(index, [source])[0] if source else None
            out.append({"cmoc": c.id, "study": study, "page": e.page, "quote": e.quote})
    return out
