"""Which CMOcs a bulk action (theory linking) takes: those named by id, or every CMOc of a
review that matches a filter — the concepts, study and question filters a reviewer already uses.

A concept is named by label or synonym (any case or spacing) and must be one the review has:
an unknown label is UnknownConcept with the closest labels, never an empty selection.
"""

from __future__ import annotations

from collections.abc import Callable

from cmo.model.ids import normalise_label
from cmo.model.records import ConceptKind
from cmo.model.theories import CmocSelection
from cmo.questions.filters import check_theory
from cmo.questions.selection import CmocFilter
from cmo.review.index import ReviewIndex
from cmo.review.names import ReviewNames


def chooser(selection: CmocSelection) -> list[str] | Callable[[ReviewIndex], list[str]]:
    """The ids the selection names, or a function choosing the matching CMOcs of an index (run
    under the write lock, so the choice and the write see the same review). With both ids and
    filters, the ids that match; an unknown id is still refused."""
    if not selection.by_filter:
        return list(selection.ids or [])
    filters = CmocFilter.of(design=selection.design, min_confidence=selection.min_confidence,
                            fired_only=selection.fired_only, direction=selection.direction,
                            theory=selection.theory, min_relevance=selection.min_relevance,
                            min_rigour=selection.min_rigour)

    def choose(index: ReviewIndex) -> list[str]:
        check_theory([index], selection.theory)
        names = ReviewNames.from_index(index)
        wanted = {kind: names.require_concept(kind, text) for kind, text in (
            (ConceptKind.context, selection.context), (ConceptKind.mechanism, selection.mechanism),
            (ConceptKind.outcome, selection.outcome)) if text is not None}
        study = normalise_label(selection.study) if selection.study is not None else None
        keys = {iri: normalise_label(s.key) for iri, s in index.studies.items()}
        only = set(selection.ids) if selection.ids is not None else None
        if only is not None and not only <= index.cmoc_by_id.keys():
            return sorted(only)  # the write refuses the unknown ids, naming them
        return [c.id for c in index.cmocs
                if (only is None or c.id in only)
                and (ConceptKind.context not in wanted or wanted[ConceptKind.context] in c.contexts)
                and (ConceptKind.mechanism not in wanted
                     or wanted[ConceptKind.mechanism] == c.mechanism)
                and (ConceptKind.outcome not in wanted or wanted[ConceptKind.outcome] in c.outcomes)
                and (study is None or study in {keys.get(s) for s in c.studies})
                and filters.accepts(c, index)]

    return choose
