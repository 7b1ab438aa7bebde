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
               review_id: str) -> dict[ox.NamedNode, ox.NamedNode]:
    """What each IRI of the files becomes in review `review_id` (IRIs that stay are left out).

    InvalidInput when two IRIs of the files would become one, naming both and their files.
    """
    target = ox.NamedNode(ids.review_iri(review_id))
    seen: dict[ox.NamedNode, str] = {}
    reviews: set[ox.NamedNode] = set()
    for source, quads in files:
        for q in quads:
            for term in (q.subject, q.object):
                if isinstance(term, ox.NamedNode):
                    seen.setdefault(term, source)
            if q.predicate == P.type and q.object == R["Review"] and \
                    isinstance(q.subject, ox.NamedNode):
                reviews.add(q.subject)
    moved = {old: ox.NamedNode(new) for old in seen
             if (new := _moved(old.value, review_id)) is not None}
    moved |= {old: target for old in reviews if old != target}
    _refuse_collisions(moved, seen, target, review_id)
    return moved


def _refuse_collisions(moved: dict[ox.NamedNode, ox.NamedNode], seen: dict[ox.NamedNode, str],
                       target: ox.NamedNode, review_id: str) -> None:
    """Refuse two CMOcs (with their evidence) or theory versions of the files that would be
    one; the review nodes, schemes, concepts and studies merge by design."""
    by_id = tuple(f"{target.value}/{kind}" for kind in _BY_ID)
    into: defaultdict[ox.NamedNode, list[ox.NamedNode]] = defaultdict(list)
    for old, new in moved.items():
        if new.value.startswith(by_id):
            into[new].append(old)
    for new in into:
        if new in seen and new not in moved:  # the file already uses the target's own IRI
            into[new].append(new)
    clashes = sorted((sorted(olds, key=str), new) for new, olds in into.items() if len(olds) > 1)
    if not clashes:
        return
    problems = [Problem(f"{', '.join(o.value for o in olds)} would "
                        f"{'both' if len(olds) == 2 else 'all'} become {new.value}",
                        file=", ".join(sorted({seen[o] for o in olds})))
                for olds, new in clashes[:_SHOWN]]
    more = f" ({len(clashes) - _SHOWN} more)" if len(clashes) > _SHOWN else ""
    raise InvalidInput(f"{len(clashes)} CMOc(s) or theories of different reviews would share an "
                       f"id in review {review_id!r}{more}; import each review into a review of "
                       "its own. Nothing was imported.", problems)


def remint(quads: Iterable[ox.Quad], moved: dict[ox.NamedNode, ox.NamedNode]
           ) -> list[ox.Triple]:
    """The quads as triples, with each IRI replaced by what `moved` says it becomes."""
    def here(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
             ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
        return moved.get(term, term) if isinstance(term, ox.NamedNode) else term

    return [ox.Triple(here(q.subject), q.predicate, here(q.object))  # type: ignore[arg-type]
            for q in quads]
