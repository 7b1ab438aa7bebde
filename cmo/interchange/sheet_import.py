"""Importing an extraction sheet into a review: all rows, or none and a list of what to fix.

Every check runs before anything is written: the rows themselves (`sheet.read_sheet`), then
what they say against the review — a `cmoc_id` the review already has (an import adds CMOcs, it
never changes stored ones), a `leads_to` id that names no CMOc, study metadata or a concept's
parent or definition that disagrees with what is stored, a synonym that already names another
concept. Labels resolve to the review's concepts (any case or spacing, or a synonym); new labels,
study keys and programme theory labels become new resources. Then all triples are written in one
transaction. Stored facts are only ever added to: a sheet fills in what is missing.

The CMOcs' triples (nearly all of a big sheet's) are written as N-Triples text by
`ntriples.cmoc_ntriples` rather than as pyoxigraph `Triple`s: the same triples, each term still
made by pyoxigraph, at a fraction of the cost (tests/cmo/test_sheet_fast_path.py checks the two).

SHACL validation (pyshacl) runs only on small imports (`SHACL_LIMIT` triples, the review's
existing ones included): the Python checks here already guarantee the shapes, and pyshacl would
take minutes on a 100,000-row sheet.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import InvalidInput, Problem, ValidationFailed
from cmo.interchange.rdf_files import ImportReport, new_review_title
from cmo.interchange.sheet import (
    COLUMNS,
    CONCEPT_COLUMNS,
    STUDY_COLUMNS,
    Sheet,
    read_sheet,
)
from cmo.interchange.sheet_appraisal import APPRAISAL_COLUMNS, appraisal_from_sheet
from cmo.interchange.tables import Table
from cmo.model import ids
from cmo.model.records import (
    Concept,
    ConceptKind,
    NewConcept,
    NewConcepts,
    ProgrammeTheory,
    Review,
    Study,
)
from cmo.rdf.mapping import (
    DESIGN_IRI,
    P,
    R,
    concept_triples,
    review_triples,
    study_triples,
    theory_triples,
)
from cmo.rdf.ntriples import NTriples, cmoc_ntriples
from cmo.review.concepts import list_concepts
from cmo.review.index import review_indexes
from cmo.review.names import ReviewNames
from cmo.review.new_concepts import (
    CMOC_FIELDS,
    Existing,
    created,
    near_duplicate_warnings,
)
from cmo.review.reviews import review_exists, review_graph_triples
from cmo.review.studies import list_studies
from cmo.review.theories import list_theories
from cmo.review.validation import validate_triples
from cmo.sources.catalogue import list_sources
from cmo.store import Store
from cmo.store.writes import add_triples
from cmo.words import counted

Progress = Callable[[str, int, int], None]
SHACL_LIMIT = 20_000
_ORDER = {c: i for i, c in enumerate((*COLUMNS, *CONCEPT_COLUMNS))}
_COLUMN_OF = {"contexts": "context", "mechanism": "mechanism", "outcomes": "outcome",
              "intervention": "intervention", "actor": "actor"}


def _sort_key(p: Problem) -> tuple[str, int, int]:
    return (p.file or "", p.row or 0, _ORDER.get(p.field or "", -1))


class _Plan:
    """The triples a sheet adds to a review, worked out against what the review holds."""

    def __init__(self, store: Store, review_id: str, sheet: Sheet, exists: bool,
                 concept_file: str | None) -> None:
        self.store, self.review_id, self.sheet, self.exists = store, review_id, sheet, exists
        self.names = ReviewNames.load(store, review_id) if exists else ReviewNames(review_id)
        self.problems: list[Problem] = []
        self.triples: list[Triple] = []
        self.cmoc_text = NTriples()  # the CMOcs' triples, written as N-Triples text
        self.concept_file = concept_file
        self.described: set[str] = set()
        self.described_studies = 0
        self.sheet_concepts: list[tuple[int, str]] = []  # (row, IRI) new from the concept sheet

    def problem(self, reason: str, field: str, row: int, file: str | None = None) -> None:
        self.problems.append(Problem(reason, field=field, row=row, file=file))

    # Concepts of the concept sheet -------------------------------------------------------------
    def concepts(self) -> None:
        stored = ({c.iri: c for c in list_concepts(self.store, self.review_id)}
                  if self.exists and self.sheet.concepts else {})
        placed: list[tuple[int, Concept, str]] = []
        for row, concept in self.sheet.concepts:
            iri = self.names.find_concept(concept.kind, concept.label)
            for alt in concept.alt_labels:
                taken = self.names.find_concept(concept.kind, alt)
                if taken is not None and taken != iri:
                    self.problem(f"synonym {alt!r} already names the {concept.kind.value} "
                                 f"{self.names.label_of(taken)!r}", "alt_labels", row,
                                 self.concept_file)
            placed.append((row, concept, iri or self.names.concept(concept.kind, concept.label)))
            for alt in concept.alt_labels:
                self.names.concepts.setdefault((concept.kind, ids.normalise_label(alt)),
                                               placed[-1][2])
        for row, concept, iri in placed:
            self._describe_concept(row, concept, iri, stored.get(iri))

    def _broader(self, row: int, concept: Concept, iri: str) -> str | None:
        if concept.broader is None:
            return None
        parent = self.names.find_concept(concept.kind, concept.broader)
        if parent is None:
            self.problem(f"no {concept.kind.value} called {concept.broader!r} in the concept "
                         "sheet or the review", "broader", row, self.concept_file)
            return None
        ancestor: str | None = parent
        for _ in range(10_000):
            if ancestor is None:
                break
            if ancestor == iri:
                self.problem(f"{concept.label!r} under {concept.broader!r} makes a cycle",
                             "broader", row, self.concept_file)
                return None
            ancestor = self.names.broader.get(ancestor)
        self.names.broader[iri] = parent
        return parent

    def _describe_concept(self, row: int, concept: Concept, iri: str, old: Concept | None
                          ) -> None:
        broader = self._broader(row, concept, iri)
        self.described.add(iri)
        if old is None:
            self.names.new_concepts.pop(iri, None)
            self.sheet_concepts.append((row, iri))
            self.triples += concept_triples(self.review_id, concept, iri, broader)
            return
        s = NamedNode(iri)
        known = {ids.normalise_label(a) for a in [old.label, *old.alt_labels]}
        self.triples += [Triple(s, P.alt_label, Literal(a)) for a in concept.alt_labels
                         if ids.normalise_label(a) not in known]
        was_broader = (self.names.find_concept(concept.kind, old.broader)
                       if old.broader else None)
        if broader is not None and was_broader is None:
            self.triples.append(Triple(s, P.broader, NamedNode(broader)))
        elif broader is not None and broader != was_broader:
            self._differs(row, "broader", concept.broader, old.broader)
        if concept.definition and old.definition is None:
            self.triples.append(Triple(s, P.definition, Literal(concept.definition)))
        elif concept.definition and concept.definition != old.definition:
            self._differs(row, "definition", concept.definition, old.definition)

    def _differs(self, row: int, column: str, new: str | None, was: str | None) -> None:
        self.problem(f"{new!r} differs from the stored {was!r}; change the concept itself, "
                     "not through an import", column, row, self.concept_file)

    def refuse_new_concepts(self) -> None:
        """A problem for each label that would make a new concept, by row and column."""
        fresh = {iri for _, iri in self.sheet_concepts}
        existing = Existing(self.names, fresh)
        for row, iri in self.sheet_concepts:
            kind, label = self.names.kind[iri], self.names.label_of(iri)
            self.problem(existing.refused(kind, label), "label", row, self.concept_file)
        for r in self.sheet.rows:
            for field, kind in CMOC_FIELDS:
                value = getattr(r.cmoc, field)
                for label in value if isinstance(value, list) else [value] if value else []:
                    found = self.names.find_concept(kind, label)
                    if found is None or found in fresh:
                        self.problem(existing.refused(kind, label), _COLUMN_OF[field],
                                     r.row)

    def new_concepts(self) -> list[NewConcept]:
        """The concepts this import creates: from the concept sheet, then from the rows."""
        return created(self.names, [*(iri for _, iri in self.sheet_concepts),
                                    *self.names.new_concepts])

    # CMOcs ------------------------------------------------------------------------------------
    def cmoc_ids(self) -> None:
        taken = set(self.names.cmocs) | {r.cmoc.id for r in self.sheet.rows if r.given_id}
        width = max(4, len(str(max((r.row for r in self.sheet.rows), default=0))))
        for r in self.sheet.rows:
            if r.given_id:
                if r.cmoc.id in self.names.cmocs:
                    self.problem(f"the review already has a CMOc {r.cmoc.id!r}; an import adds "
                                 "CMOcs and never changes stored ones", "cmoc_id", r.row)
                continue
            new_id = base = f"c{r.row:0{width}d}"
            n = 1
            while new_id in taken:
                n += 1
                new_id = f"{base}-{n}"
            taken.add(new_id)
            r.cmoc.id = new_id
        for r in self.sheet.rows:
            for later in r.cmoc.leads_to:
                if later not in taken:
                    self.problem(f"no CMOc {later!r} in this sheet or the review", "leads_to",
                                 r.row)

    def theories(self) -> None:
        labels = {n for r in self.sheet.rows for n in r.theory_names}
        if not labels:
            return
        stored = list_theories(self.store, self.review_id) if self.exists else []
        by_id = {t.id: t.id for t in stored}
        by_label = {ids.normalise_label(t.label): t.id for t in stored}  # sorted: latest last
        for name in sorted(labels):
            key = ids.normalise_label(name)
            if name in by_id or key in by_label:
                continue
            theory_id = base = ids.slugify(name)[:120] + "-v1"
            n = 1
            while theory_id in by_id:
                n += 1
                theory_id = f"{base}-{n}"
            theory = ProgrammeTheory(id=theory_id, label=name)
            by_id[theory_id] = by_label[key] = theory_id
            iri = ids.theory_iri(self.review_id, theory_id)
            self.names.theories[theory_id] = iri
            self.triples += theory_triples(theory, iri, None)
        for r in self.sheet.rows:
            r.cmoc.theories = list(dict.fromkeys(
                by_id.get(n) or by_label[ids.normalise_label(n)] for n in r.theory_names))

    def studies(self) -> None:
        meta: dict[str, tuple[str, dict[str, Any], int]] = {}
        for r in self.sheet.rows:
            if r.study_meta:
                key = r.cmoc.studies[0]
                slot = meta.setdefault(ids.normalise_label(key), (key, {}, r.row))
                slot[1].update(r.study_meta)
        stored = ({ids.normalise_label(s.key): s for s in list_studies(self.store, self.review_id)}
                  if self.exists and meta else {})
        for norm, (key, fields, row) in meta.items():
            judged = {k: fields.pop(k) for k in list(fields) if k in APPRAISAL_COLUMNS.values()}
            old = stored.get(norm)
            iri = self.names.study(key)
            index = review_indexes(self.store, [self.review_id])[0] \
                if judged and old is not None else None
            self.triples += appraisal_from_sheet(iri, judged, index, self._at_row(row))
            if old is None:
                self.names.new_studies.pop(iri, None)
                self.described_studies += 1
                self.triples += study_triples(Study(key=key, **fields), iri)
                continue
            self._fill_study(iri, old, fields, row)

    def _at_row(self, row: int) -> Callable[[str, str], None]:
        """`problem(column, reason)` for one row of the sheet."""
        return lambda column, reason: self.problem(reason, column, row)

    def _fill_study(self, iri: str, old: Study, fields: dict[str, Any], row: int) -> None:
        preds = {"title": P.title, "authors": P.creator, "year": R["year"],
                 "design": R["studyDesign"], "doi": P.doi}
        for key, value in fields.items():
            was = getattr(old, key)
            column = next(c for c, k in STUDY_COLUMNS.items() if k == key)
            if was is not None and str(was) != str(value):
                self.problem(f"{value!r} differs from the stored {str(was)!r} for study "
                             f"{old.key!r}", column, row)
            elif was is None:
                obj = DESIGN_IRI[value] if key == "design" else Literal(value)
                self.triples.append(Triple(NamedNode(iri), preds[key], obj))

    def cmocs(self, progress: Progress | None) -> int:
        for r in self.sheet.rows:
            self.names.cmocs[r.cmoc.id] = ids.cmoc_iri(self.review_id, r.cmoc.id)
        now = datetime.now(UTC)
        total = len(self.sheet.rows)
        refs = _RememberedRefs(self.names)
        for n, r in enumerate(self.sheet.rows, start=1):
            r.cmoc.created = now
            cmoc_ntriples(self.cmoc_text, self.review_id, r.cmoc, refs)
            if progress and (n % 5000 == 0 or n == total):
                progress("building", n, total)
        for iri, (kind, label) in self.names.new_concepts.items():
            if iri not in self.described:
                self.triples += concept_triples(self.review_id, Concept(kind=kind, label=label),
                                                iri, None)
        for iri, key in self.names.new_studies.items():
            self.triples += study_triples(Study(key=key), iri)
        return total


class _RememberedRefs:
    """`ReviewNames` as `Refs`, each label and key looked up once (labels recur in every row).

    The same answers: `ReviewNames.concept`/`study` mint an IRI for a new label on the first
    call and find that IRI on every later one.
    """

    def __init__(self, names: ReviewNames) -> None:
        self.names = names
        self._concepts: dict[tuple[ConceptKind, str], str] = {}
        self._studies: dict[str, str] = {}
        self.theory, self.cmoc = names.theory, names.cmoc

    def concept(self, kind: ConceptKind, label: str) -> str:
        """The IRI of the concept a label names (minted on first use)."""
        found = self._concepts.get((kind, label))
        if found is None:
            found = self._concepts[(kind, label)] = self.names.concept(kind, label)
        return found

    def study(self, key: str) -> str:
        """The IRI of the study with `key` (minted on first use)."""
        found = self._studies.get(key)
        if found is None:
            found = self._studies[key] = self.names.study(key)
        return found


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a sheet is read and turned into triples.

    The import allocates millions of small objects that form no cycles; the collector's repeated
    passes over them took ~20% of a 20,000-row import. Reference counting still frees them.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def import_sheet(store: Store, review_id: str, table: Table, concepts: Table | None = None, *,
                 check: bool = False, progress: Progress | None = None,
                 bulk: bool = False, new_concepts: NewConcepts = "allow") -> ImportReport:
    """Import a CMO extraction sheet into a review (created when missing): every row or none.

    With `check`, everything is checked and counted but nothing is written. `bulk` (honoured for
    a new review only) writes with Oxigraph's bulk loader: faster on disk, but not a transaction.
    The report names the concepts created and warns of labels close to existing ones; with
    ``new_concepts="refuse"`` each label that names no concept is a problem (row and column).
    """
    ids.check_id(review_id, "review id")
    with _no_gc():
        return _import_sheet(store, review_id, table, concepts, check=check, progress=progress,
                             bulk=bulk, new_concepts=new_concepts)


def _import_sheet(store: Store, review_id: str, table: Table, concepts: Table | None, *,
                  check: bool, progress: Progress | None, bulk: bool,
                  new_concepts: NewConcepts) -> ImportReport:
    sheet = read_sheet(table, concepts)
    if progress:
        progress("reading", len(table.rows), len(table.rows))
    exists = review_exists(store, review_id)
    plan = _Plan(store, review_id, sheet, exists, concepts.name if concepts else None)
    if sheet.columns_ok:
        plan.concepts()
        plan.cmoc_ids()
        plan.theories()
        plan.studies()
        if new_concepts == "refuse":
            plan.refuse_new_concepts()
    problems = sorted([*sheet.problems, *plan.problems, *_unknown_sources(store, review_id,
                                                                          sheet, exists)],
                      key=_sort_key)
    if problems:
        rows = len({(p.file, p.row) for p in problems})
        raise InvalidInput(f"{table.name}: {counted(len(problems), 'problem')} on "
                           f"{counted(rows, 'row')}; nothing was imported.", problems)
    cmocs = plan.cmocs(progress)
    triples = plan.triples
    report = ImportReport(review_id, 1 + (concepts is not None), 0, cmocs, not exists,
                          checked=check)
    if not exists:
        title = new_review_title(report, table.name, table.title)
        triples = review_triples(Review(id=review_id, title=title,
                                        created=datetime.now(UTC))) + triples
    text = plan.cmoc_text
    _validate_small(store, review_id, triples, text, exists)
    if not check:
        add_triples(store, review_id, triples, bulk=bulk and not exists, ntriples=text)
    if progress:
        progress("writing", 1, 1)
    report.triples = len(triples) + text.count
    report.studies = len(plan.names.new_studies) + plan.described_studies
    report.concepts = len(plan.names.new_concepts | dict.fromkeys(plan.described))
    report.new_concepts = plan.new_concepts()
    report.warnings = near_duplicate_warnings(plan.names, report.new_concepts)
    return report


def _unknown_sources(store: Store, review_id: str, sheet: Sheet, exists: bool) -> list[Problem]:
    """A problem for each quote anchored in a source the review does not have."""
    known = {s.id for s in list_sources(store, review_id)} if exists else set()
    return [Problem(f"no source {e.source!r} in review {review_id!r}", field="source", row=r.row)
            for r in sheet.rows for e in r.cmoc.evidence if e.source and e.source not in known]


def _validate_small(store: Store, review_id: str, triples: list[Triple], text: NTriples,
                    exists: bool) -> None:
    if len(triples) + text.count > SHACL_LIMIT:
        return
    existing = review_graph_triples(store, review_id) if exists else []
    if len(existing) + len(triples) + text.count > SHACL_LIMIT:
        return
    violations = validate_triples([*existing, *triples, *text.triples()])
    if violations:
        raise ValidationFailed(violations, review_id)
