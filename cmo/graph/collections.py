"""What a review holds, one collection each: `review.cmocs`, `.concepts`, `.studies`, `.theories`.

Every collection answers `create`, `get`, `update`, `delete` and `list`, takes a model or its
fields, and iterates over what it holds. Concepts are named by kind and label (or a synonym),
studies by key, CMOcs and theory versions by id.

>>> import cmo
>>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
>>> _ = review.concepts.create(kind="context", label="delivery")
>>> _ = review.concepts.create(kind="context", label="low intensity support", broader="delivery")
>>> review.concepts.get("context", "Low  Intensity Support").broader
'delivery'
>>> _ = review.studies.create(key="Jolly 2012", year=2012)
>>> review.studies.update("jolly 2012", design="rct").design
<StudyDesign.rct: 'rct'>
>>> review.studies.appraise("Jolly 2012", rigour="high", rationale="trials").rigour.level
'high'
>>> [t.id for t in review.theories.list()], len(review.cmocs)
([], 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cmo.errors import InvalidInput, Problem
from cmo.graph.parts import Collection, built
from cmo.model.appraisal import AppraisalUpdate, StudyAppraisal
from cmo.model.records import (
    CMOConfiguration,
    Concept,
    ConceptKind,
    ConceptMerge,
    NewCMOc,
    ProgrammeTheory,
    Study,
    TheoryRelation,
)
from cmo.model.suggestions import ConceptSuggestion
from cmo.model.theories import (
    CmocSelection,
    NewTheoryVersion,
    TheoryDetail,
    TheoryDiff,
    TheoryLinking,
)
from cmo.questions.bulk import chooser
from cmo.review.appraisals import appraise_study, get_appraisal
from cmo.review.cmocs import create_cmoc, delete_cmoc, edit_cmoc, find_cmocs, get_cmoc
from cmo.review.concepts import (
    add_concept,
    delete_concept,
    find_concept,
    list_concepts,
    merge_concepts,
    update_concept,
)
from cmo.review.studies import add_study, delete_study, get_study, list_studies, update_study
from cmo.review.suggestions import suggest_concepts
from cmo.review.theories import (
    add_theory,
    delete_theory,
    get_theory,
    list_theories,
    update_theory,
)
from cmo.review.theory_diff import diff_theories
from cmo.review.theory_links import link_cmocs, links_of, new_theory_version, theory_detail


class CMOcs(Collection[CMOConfiguration]):
    """The CMOcs of a review (`review.cmocs`), by id."""

    def create(self, cmoc: NewCMOc | CMOConfiguration | None = None, /,
               **fields: Any) -> CMOConfiguration:
        """Store a new CMOc (a `NewCMOc`, a `CMOConfiguration`, or their fields).

        A CMOc without an id gets the next one (c01, c02, ...); labels resolve to the review's
        concepts (any case, or a synonym) or become new ones, as study keys become studies.

        >>> import cmo
        >>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
        >>> review.cmocs.create(studies=["Jolly 2012"], contexts=["rural"], mechanism="trust",
        ...                     outcomes=["uptake"]).id
        'c01'
        """
        with_id = "id" in fields or isinstance(cmoc, CMOConfiguration)
        new = built(CMOConfiguration if with_id else NewCMOc, cmoc, fields)
        return create_cmoc(self._store, self.review_id, new)

    def get(self, cmoc_id: str) -> CMOConfiguration:
        """The CMOc with this id; NotFound if there is none.

        >>> import cmo
        >>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
        >>> _ = review.cmocs.create(id="c7", studies=["S"], contexts=["rural"],
        ...                         mechanism="trust", outcomes=["uptake"],
        ...                         mechanism_fired=False)
        >>> review.cmocs.get("c7").mechanism_fired
        False
        """
        return get_cmoc(self._store, self.review_id, cmoc_id)

    def update(self, cmoc_id: str, **changes: Any) -> CMOConfiguration:
        """Change some fields of a CMOc (the others, and its id, stay); answer what was stored."""
        def change(current: CMOConfiguration) -> CMOConfiguration:
            return built(CMOConfiguration, current, changes)

        return edit_cmoc(self._store, self.review_id, cmoc_id, change).cmoc

    def delete(self, cmoc_id: str) -> None:
        """Delete a CMOc, its evidence, and the chain links that point at it."""
        delete_cmoc(self._store, self.review_id, cmoc_id)

    def count(self, *, context: str | None = None, mechanism: str | None = None,
              outcome: str | None = None, study: str | None = None,
              fired: bool | None = None) -> int:
        """How many CMOcs match every filter given (as for `list`)."""
        return find_cmocs(self._store, self.review_id, context=context, mechanism=mechanism,
                          outcome=outcome, study=study, fired=fired, limit=0)[1]

    def __len__(self) -> int:
        return self.count()

    def list(self, *, context: str | None = None, mechanism: str | None = None,
             outcome: str | None = None, study: str | None = None, fired: bool | None = None,
             limit: int | None = None, offset: int = 0) -> list[CMOConfiguration]:
        """The CMOcs (by id) that match every filter given; `limit` and `offset` page them.

        Concepts are named by label or synonym (any case or spacing), a study by its key.

        >>> import cmo
        >>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
        >>> for mechanism in ("trust", "shame", "trust"):
        ...     _ = review.cmocs.create(studies=["S"], contexts=["rural"],
        ...                             mechanism=mechanism, outcomes=["uptake"])
        >>> [c.id for c in review.cmocs.list(mechanism="Trust")]
        ['c01', 'c03']
        >>> [c.id for c in review.cmocs.list(limit=1, offset=1)]
        ['c02']
        """
        return find_cmocs(self._store, self.review_id, context=context, mechanism=mechanism,
                          outcome=outcome, study=study, fired=fired, limit=limit,
                          offset=offset)[0]


def _kind(kind: ConceptKind | str) -> ConceptKind:
    try:
        return ConceptKind(kind)
    except ValueError:
        raise InvalidInput(f"Unknown concept kind {kind!r}.", [Problem(
            field="kind", reason=f"use one of: {', '.join(ConceptKind)}")]) from None


class Concepts(Collection[Concept]):
    """The concepts of a review (`review.concepts`), by kind and label or synonym."""

    def create(self, concept: Concept | None = None, /, **fields: Any) -> Concept:
        """Add a concept (a `Concept`, or its fields); AlreadyExists if its label is taken."""
        return add_concept(self._store, self.review_id, built(Concept, concept, fields))

    def get(self, kind: ConceptKind | str, label: str) -> Concept:
        """The concept a label or synonym names; UnknownConcept (with close labels) if none."""
        return find_concept(self._store, self.review_id, _kind(kind), label)

    def update(self, kind: ConceptKind | str, label: str, **changes: Any) -> Concept:
        """Change a concept's label, synonyms, parent or definition (the others stay)."""
        current = self.get(kind, label)
        return update_concept(self._store, self.review_id, _kind(kind), label,
                              built(Concept, current, changes))

    def delete(self, kind: ConceptKind | str, label: str) -> None:
        """Delete a concept; InUse while a CMOc or a narrower concept points at it."""
        delete_concept(self._store, self.review_id, _kind(kind), label)

    def merge(self, kind: ConceptKind | str, keep: str, merged: str) -> ConceptMerge:
        """Merge the concept `merged` into `keep`: its CMOcs and narrower concepts move, its
        label becomes a synonym, the merge is recorded in the provenance."""
        return merge_concepts(self._store, self.review_id, keep, merged, kind=_kind(kind))

    def suggest(self, text: str, kind: ConceptKind | str | None = None,
                limit: int = 10) -> list[ConceptSuggestion]:
        """Autocomplete: the concepts `text` may mean, by prefix, then by closeness."""
        return suggest_concepts(self._store, self.review_id, text,
                                _kind(kind) if kind is not None else None, limit)

    def list(self, kind: ConceptKind | str | None = None) -> list[Concept]:
        """The concepts (of one kind, or all), by kind then label."""
        return list_concepts(self._store, self.review_id,
                             _kind(kind) if kind is not None else None)


class Studies(Collection[Study]):
    """The studies of a review (`review.studies`), by key (any case or spacing)."""

    def create(self, study: Study | None = None, /, **fields: Any) -> Study:
        """Add a study (a `Study`, or its fields); AlreadyExists if its key is taken."""
        return add_study(self._store, self.review_id, built(Study, study, fields))

    def get(self, key: str) -> Study:
        """The study with this key; NotFound if there is none."""
        return get_study(self._store, self.review_id, key)

    def update(self, key: str, **changes: Any) -> Study:
        """Change what is known of a study (what is not given stays)."""
        return update_study(self._store, self.review_id, key,
                            built(Study, self.get(key), changes))

    def delete(self, key: str) -> None:
        """Delete a study; InUse while a CMOc or a quote cites it."""
        delete_study(self._store, self.review_id, key)

    def list(self) -> list[Study]:
        """Every study of the review, by key."""
        return list_studies(self._store, self.review_id)

    def appraise(self, key: str, **judged: Any) -> StudyAppraisal:
        """Judge a study's relevance, richness and/or rigour, with rationales (the fields of
        `AppraisalUpdate`); aspects not given keep their judgement."""
        return appraise_study(self._store, self.review_id, key,
                              built(AppraisalUpdate, None, judged))

    def appraisal(self, key: str) -> StudyAppraisal:
        """A study's appraisal: each aspect's level, rationale, appraiser and date."""
        return get_appraisal(self._store, self.review_id, key)


class Theories(Collection[ProgrammeTheory]):
    """The programme theory versions of a review (`review.theories`), by id."""

    def create(self, theory: ProgrammeTheory | None = None, /,
               **fields: Any) -> ProgrammeTheory:
        """Add a theory version (a `ProgrammeTheory`, or its fields); the version it revises
        must exist."""
        return add_theory(self._store, self.review_id, built(ProgrammeTheory, theory, fields))

    def get(self, theory_id: str) -> ProgrammeTheory:
        """One version of a programme theory; NotFound if there is none."""
        return get_theory(self._store, self.review_id, theory_id)

    def update(self, theory_id: str, **changes: Any) -> ProgrammeTheory:
        """Change a theory version's label, statement, version or revision link (its id
        stays)."""
        return update_theory(self._store, self.review_id, built(
            ProgrammeTheory, self.get(theory_id), {**changes, "id": theory_id}))

    def delete(self, theory_id: str) -> None:
        """Delete a theory version; InUse while CMOcs or later versions point at it."""
        delete_theory(self._store, self.review_id, theory_id)

    def list(self) -> list[ProgrammeTheory]:
        """Every version of every programme theory, by label then version."""
        return list_theories(self._store, self.review_id)

    def new_version(self, earlier_id: str, new: NewTheoryVersion | None = None, /,
                    **fields: Any) -> ProgrammeTheory:
        """Make the next version from `earlier_id` with its recorded change (`what`,
        `rationale`, justifying `cmocs`; who and when are recorded), optionally carrying over
        its CMOc links (`carry_over=True`); one write."""
        return new_theory_version(self._store, self.review_id, earlier_id,
                                  built(NewTheoryVersion, new, fields))

    def link(self, theory_id: str, relation: TheoryRelation | str,
             selection: CmocSelection | Sequence[str] | None = None, /,
             **filters: Any) -> TheoryLinking:
        """Relate CMOcs to a version with `relation` (tested, supports, refutes, refines), in
        one write: a list of ids, or a `CmocSelection` (or its filters: context, mechanism,
        outcome, study, design, min_confidence, fired_only, direction, theory)."""
        chosen = (CmocSelection(ids=list(selection)) if isinstance(selection, Sequence)
                  else built(CmocSelection, selection, filters))
        return link_cmocs(self._store, self.review_id, theory_id, TheoryRelation(relation),
                          chooser(chosen))

    def links(self, theory_id: str) -> dict[str, TheoryRelation]:
        """CMOc id -> its relation to a version."""
        return links_of(self._store, self.review_id, theory_id)

    def show(self, theory_id: str) -> TheoryDetail:
        """A version with its linked CMOcs, their relations and the versions that revise it."""
        return theory_detail(self._store, self.review_id, theory_id)

    def diff(self, a: str, b: str) -> TheoryDiff:
        """What changed from version `a` to `b`, and on what evidence."""
        return diff_theories(self._store, self.review_id, a, b)
