"""Re-minting: an RDF file's review becomes the review it is imported into.

Every IRI minted under a review (``…/id/review/peer-support/cmoc/c10``) is minted again under
the target review (``…/id/review/ps/cmoc/c10``), and every node typed `rkg:Review` becomes the
target review, so a copy of a review dereferences under its own id and new CMOcs join the same
concept scheme. The file's review is whatever review its minted IRIs and `rkg:Review` nodes
name (several are merged); a file that names none (only IRIs of its own namespace) keeps its
IRIs as they are. Concepts and studies of two reviews that become one IRI merge, as equal
labels do within a review; two CMOcs or theory versions that would share an id
(``review/a/cmoc/c1`` and ``review/b/cmoc/c1``) are refused, naming both.

>>> moved = remint_map([("f.ttl", [ox.Quad(ox.NamedNode(ids.cmoc_iri("peer-support", "c10")),
...     ox.NamedNode("https://w3id.org/realist-kg/ns#inReview"),
...     ox.NamedNode(ids.review_iri("peer-support")))])], "ps")
>>> sorted(new.value.removeprefix(ids.review_iri("")) for new in moved.values())
['ps', 'ps/cmoc/c10']
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from cmo.errors import InvalidInput, Problem
from cmo.model import ids
from cmo.rdf.mapping import P, R

_REVIEWS = ids.review_iri("")
_SEGMENT = re.compile(r"[^/#?]+")
_SHOWN = 10  # collisions named in one refusal
_BY_ID = ("cmoc/", "theory/")  # resources a reviewer names by id: two are never one
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _moved(iri: str, target: str) -> str | None:
    """`iri` minted under the target review, or None if it is not minted under another one."""
    if not iri.startswith(_REVIEWS):
        return None
    rest = iri[len(_REVIEWS):]
    segment = _SEGMENT.match(rest)
    if segment is None or segment.group() == target:
        return None
    return ids.review_iri(target) + rest[segment.end():]


def remint_map(files: Sequence[tuple[str, Sequence[ox.Quad]]],
               review_id: str) -> dict[Term, ox.NamedNode]:
    """What each IRI of the files becomes in review `review_id` (IRIs that stay are left out).

    InvalidInput when two CMOcs or theory versions of the files would share an id, naming
    both and their files.
    """
    target = ox.NamedNode(ids.review_iri(review_id))
    # Subjects and objects: a review's IRIs are never predicates (nor graph names, dropped).
    terms = {term for _, quads in files for q in quads for term in (q.subject, q.object)}
    reviews = {q.subject for _, quads in files for q in quads
               if q.predicate == P.type and q.object == R["Review"]}
    moved: dict[Term, ox.NamedNode] = {
        old: ox.NamedNode(new) for old in terms if isinstance(old, ox.NamedNode)
        and (new := _moved(old.value, review_id)) is not None}
    moved |= {old: target for old in reviews if isinstance(old, ox.NamedNode) and old != target}
    _refuse_collisions(files, moved, terms, target, review_id)
    return moved


def _refuse_collisions(files: Sequence[tuple[str, Sequence[ox.Quad]]],
                       moved: dict[Term, ox.NamedNode], terms: set[Term],
                       target: ox.NamedNode, review_id: str) -> None:
    """Refuse two CMOcs (with their evidence) or theory versions of the files that would be
    one; the review nodes, schemes, concepts and studies merge by design."""
    by_id = tuple(f"{target.value}/{kind}" for kind in _BY_ID)
    into: defaultdict[ox.NamedNode, list[ox.NamedNode]] = defaultdict(list)
    for old, new in moved.items():
        if new.value.startswith(by_id) and isinstance(old, ox.NamedNode):
            into[new].append(old)
    for new in into:
        if new in terms and new not in moved:  # the file already uses the target's own IRI
            into[new].append(new)
    clashes = sorted((sorted(olds, key=str), new) for new, olds in into.items() if len(olds) > 1)
    if not clashes:
        return
    shown = clashes[:_SHOWN]
    named = {o for olds, _ in shown for o in olds}
    where: defaultdict[Term, set[str]] = defaultdict(set)
    for source, quads in files:
        for q in quads:
            for term in (q.subject, q.object):
                if term in named:
                    where[term].add(source)
    problems = [Problem(f"{', '.join(o.value for o in olds)} would "
                        f"{'both' if len(olds) == 2 else 'all'} become {new.value}",
                        file=", ".join(sorted(set().union(*(where[o] for o in olds)))))
                for olds, new in shown]
    more = f" ({len(clashes) - _SHOWN} more)" if len(clashes) > _SHOWN else ""
    raise InvalidInput(f"{len(clashes)} CMOc(s) or theories of different reviews would share an "
                       f"id in review {review_id!r}{more}; import each review into a review of "
                       "its own. Nothing was imported.", problems)


def remint(quads: Iterable[ox.Quad], moved: dict[Term, ox.NamedNode]) -> set[ox.Triple]:
    """The quads as a set of triples, each IRI replaced by what `moved` says it becomes."""
    get = moved.get
    return {ox.Triple(get(q.subject, q.subject), q.predicate, get(q.object, q.object))
            for q in quads}
