"""A review written back out as the CMO extraction sheet (CSV, or an XLSX workbook).

One row per CMOc, in the columns of `sheet.COLUMNS`, several values `; `-joined; the workbook
has a second sheet `concepts` (for CSV, `concept_sheet` gives it as its own file). Cells that a
spreadsheet would run as a formula are prefixed with `'`; importing removes the prefix, so
importing an export gives the same answers.

What the sheet cannot hold stays in the RDF exports only: creation times, a study's journal and
purpose, theory statements and versions (a CMOc names its theories by label), who appraised a
study and when, a quote's own rigour or relevance, and confidence judgements.
"""

from __future__ import annotations

from collections.abc import Iterator

from cmo.errors import Problem, UnsupportedFormat
from cmo.interchange.sheet import COLUMNS, CONCEPT_COLUMNS, QUOTE_SEPARATOR
from cmo.interchange.tables import write_csv, write_xlsx
from cmo.model.appraisal import StudyAppraisal
from cmo.model.records import CMOConfiguration, Study
from cmo.review.appraisals import list_appraisals
from cmo.review.cmocs import list_cmocs
from cmo.review.concepts import list_concepts
from cmo.review.studies import list_studies
from cmo.review.theories import list_theories
from cmo.store import Store

SHEET_EXPORT_FORMATS = ("csv", "xlsx")


def _join(values: list[str]) -> str:
    return "; ".join(values)


def _appraisal(found: StudyAppraisal | None) -> dict[str, str]:
    cells = {}
    for aspect in ("relevance", "richness", "rigour"):
        judged = getattr(found, aspect) if found else None
        cells[f"study_{aspect}"] = judged.level if judged else ""
        cells[f"study_{aspect}_rationale"] = judged.rationale or "" if judged else ""
    return cells


def _row(cmoc: CMOConfiguration, studies: dict[str, Study], theories: dict[str, str],
         appraised: dict[str, StudyAppraisal]) -> list[str]:
    study = studies.get(cmoc.studies[0]) if len(cmoc.studies) == 1 else None
    design = study.design.value if study and study.design else ""
    cells = {
        "study": _join(cmoc.studies), "context": _join(cmoc.contexts),
        "mechanism": cmoc.mechanism, "outcome": _join(cmoc.outcomes), "cmoc_id": cmoc.id,
        "resource": cmoc.resource or "", "intervention": cmoc.intervention or "",
        "actor": cmoc.actor or "", "mechanism_fired": "yes" if cmoc.mechanism_fired else "no",
        "outcome_direction": cmoc.outcome_direction.value if cmoc.outcome_direction else "",
        "confidence": cmoc.confidence.value if cmoc.confidence else "",
        "quote": QUOTE_SEPARATOR.join(e.quote for e in cmoc.evidence),
        "page": _join([e.page or "" for e in cmoc.evidence]) if any(
            e.page for e in cmoc.evidence) else "",
        "source": _join([e.source or "" for e in cmoc.evidence]) if any(
            e.source for e in cmoc.evidence) else "",
        "position": _join([f"{e.start}-{e.end}" if e.start is not None else ""
                           for e in cmoc.evidence]) if any(
            e.start is not None for e in cmoc.evidence) else "",
        "programme_theory": _join(list(dict.fromkeys(theories.get(t, t)
                                                     for t in cmoc.theories))),
        "leads_to": _join(cmoc.leads_to),
        "study_title": study.title or "" if study else "",
        "study_authors": study.authors or "" if study else "",
        "study_year": str(study.year) if study and study.year else "",
        "study_design": design, "doi": study.doi or "" if study else "",
        "reviewer": cmoc.reviewer or "", "notes": cmoc.notes or "",
        **_appraisal(appraised.get(study.key) if study else None),
    }
    return [cells[c] for c in COLUMNS]


def cmoc_rows(store: Store, review_id: str) -> Iterator[list[str]]:
    """The rows of the CMO sheet of a review (without the header)."""
    studies = {s.key: s for s in list_studies(store, review_id)}
    theories = {t.id: t.label for t in list_theories(store, review_id)}
    appraised = {a.study: a for a in list_appraisals(store, review_id)}
    for cmoc in list_cmocs(store, review_id):
        yield _row(cmoc, studies, theories, appraised)


def concept_rows(store: Store, review_id: str) -> Iterator[list[str]]:
    """The rows of the concept sheet of a review (without the header)."""
    for c in list_concepts(store, review_id):
        yield [c.kind.value, c.label, c.broader or "", _join(c.alt_labels), c.definition or ""]


def concept_sheet(store: Store, review_id: str) -> bytes:
    """The concept sheet of a review as CSV."""
    return write_csv(CONCEPT_COLUMNS, concept_rows(store, review_id))


def export_sheet(store: Store, review_id: str, fmt: str) -> bytes:
    """A review as its CMO sheet: `csv` (CMOcs only) or `xlsx` (sheets `cmocs` and `concepts`)."""
    if fmt == "csv":
        return write_csv(COLUMNS, cmoc_rows(store, review_id))
    if fmt == "xlsx":
        return write_xlsx([("cmocs", COLUMNS, cmoc_rows(store, review_id)),
                           ("concepts", CONCEPT_COLUMNS, concept_rows(store, review_id))])
    raise UnsupportedFormat(f"Cannot export a sheet as {fmt!r}.", [Problem(
        field="format", reason=f"use one of: {', '.join(SHEET_EXPORT_FORMATS)}")])
