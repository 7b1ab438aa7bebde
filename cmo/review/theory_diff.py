"""Two versions of a programme theory compared: what a reviewer asks when the theory has been
refined — what changed from v1 to v2, and on what evidence?

Statements and "if ... then ... because ..." parts side by side, the CMOcs that were linked,
unlinked or re-related (each with its quotes), and the changes recorded on the way from one
version to the other, with the CMOcs that justify them. Read from the review's index and two
small queries, so a review of thousands of CMOcs is compared in milliseconds.
"""

from __future__ import annotations

from cmo.errors import NotFound
from cmo.model import ids
from cmo.model.records import ConceptKind, ProgrammeTheory, TheoryPart, TheoryRelation
from cmo.model.theories import (
    CmocEvidence,
    LinkedCmoc,
    PartChange,
    RecordedChange,
    TextChange,
    TheoryDiff,
)
from cmo.review.index import ReviewIndex, review_indexes
from cmo.review.theories import list_theories
from cmo.review.theory_links import review_links
from cmo.store import Store

_PARTS = (ConceptKind.context, ConceptKind.mechanism, ConceptKind.outcome)


def _text(before: str | None, after: str | None) -> TextChange:
    return TextChange(before=before, after=after, changed=(before or "") != (after or ""))


def _part(kind: ConceptKind, a: TheoryPart | None, b: TheoryPart | None) -> PartChange:
    before = set(a.concepts) if a else set()
    after = set(b.concepts) if b else set()
    return PartChange(part=kind.value, text=_text(a.text if a else None, b.text if b else None),
                      concepts_added=sorted(after - before, key=str.casefold),
                      concepts_removed=sorted(before - after, key=str.casefold))


class _Cmocs:
    """CMOcs as a diff shows them, from the review's index."""

    def __init__(self, index: ReviewIndex, a: dict[str, TheoryRelation],
                 b: dict[str, TheoryRelation]) -> None:
        self.index, self.a, self.b = index, a, b

    def shown(self, cmoc_id: str) -> LinkedCmoc:
        """One CMOc with its relation to each version and its quotes."""
        ix = self.index
        facts = ix.cmoc_by_id.get(cmoc_id)
        if facts is None:
            return LinkedCmoc(id=cmoc_id, before=self.a.get(cmoc_id), after=self.b.get(cmoc_id),
                              in_review=False)
        evidence = []
        for ev in facts.evidence:
            found = ix.evidence.get(ev)
            if found is not None:
                study = ix.studies.get(found.source) if found.source else None
                evidence.append(CmocEvidence(quote=found.quote, page=found.page,
                                             study=study.key if study else None))
        return LinkedCmoc(
            id=cmoc_id, contexts=sorted((ix.label.get(c, c) for c in facts.contexts),
                                        key=str.casefold),
            mechanism=ix.label.get(facts.mechanism, facts.mechanism) if facts.mechanism else None,
            outcomes=sorted((ix.label.get(o, o) for o in facts.outcomes), key=str.casefold),
            mechanism_fired=facts.fired, outcome_direction=facts.direction,
            studies=sorted(ix.studies[s].key for s in facts.studies if s in ix.studies),
            before=self.a.get(cmoc_id), after=self.b.get(cmoc_id), evidence=evidence)


def _path(theories: dict[str, ProgrammeTheory], start: str, stop: str) -> list[str] | None:
    """The versions from `start` back to `stop` along revision_of (start first, stop left
    out), or None when `stop` is not an earlier version of `start`."""
    out: list[str] = []
    seen: set[str] = set()
    at = theories.get(start)
    while at is not None and at.id not in seen:
        if at.id == stop:
            return out
        seen.add(at.id)
        out.append(at.id)
        at = theories.get(at.revision_of) if at.revision_of else None
    return None


def diff_theories(store: Store, review_id: str, a_id: str, b_id: str) -> TheoryDiff:
    """Compare version `a_id` with `b_id` of a review's programme theories; NotFound (naming
    the versions the review has) for either one it lacks."""
    index = review_indexes(store, [review_id])[0]
    theories = {t.id: t for t in list_theories(store, review_id)}
    for wanted in (a_id, b_id):
        if wanted not in theories:
            known = ", ".join(sorted(theories)) or "none yet"
            raise NotFound(f"No programme theory {wanted!r} in review {review_id!r} "
                           f"(known: {known}).")
    a, b = theories[a_id], theories[b_id]
    links = review_links(store, index)
    ids_of = {c.iri: c.id for c in index.cmocs}
    iri_of = {theory_id: iri for iri, (theory_id, _, _) in index.theories.items()}

    def by_id(theory_id: str) -> dict[str, TheoryRelation]:
        found = links.get(iri_of.get(theory_id, ""), {})
        return {ids_of.get(c) or ids.local_id(c): r for c, r in found.items()}

    la, lb = by_id(a_id), by_id(b_id)
    cmocs = _Cmocs(index, la, lb)
    path = _path(theories, b_id, a_id)
    if path is None:
        path = list(reversed(_path(theories, a_id, b_id) or []))
    changes = [RecordedChange(version=v, revision_of=theories[v].revision_of,
                              change=change, justified_by=[cmocs.shown(c) for c in change.cmocs])
               for v in reversed(path) if (change := theories[v].change) is not None]
    return TheoryDiff(
        review=review_id, a=a, b=b, label=_text(a.label, b.label),
        statement=_text(a.statement, b.statement),
        parts=[_part(k, getattr(a, k.value), getattr(b, k.value)) for k in _PARTS],
        added=[cmocs.shown(c) for c in sorted(lb.keys() - la.keys())],
        removed=[cmocs.shown(c) for c in sorted(la.keys() - lb.keys())],
        re_related=[cmocs.shown(c) for c in sorted(la.keys() & lb.keys()) if la[c] != lb[c]],
        unchanged=sorted(c for c in la.keys() & lb.keys() if la[c] == lb[c]),
        changes=changes)
