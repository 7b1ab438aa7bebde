"""The CMO extraction sheet: rows of a CSV or XLSX table read into the model, every problem found.

One row per CMOc, with the columns of `COLUMNS` (header names in any case; unknown columns are
refused so a typo cannot vanish). `;` separates several values in `study`, `context`, `outcome`,
`programme_theory`, `leads_to` and `page`; several quotes are separated by a line holding only `;`.
The optional concept sheet (`CONCEPT_COLUMNS`) gives hierarchy, synonyms and definitions.

Reading never stops at the first mistake: `read_sheet` returns every row it could read and a
`Problem` (row, column, reason) for every one it could not, numbered as the spreadsheet shows them.
`cmo.interchange.sheet_import` turns a clean sheet into triples and writes them in one transaction.

>>> from cmo.interchange.tables import Table
>>> t = Table("s.csv", ["study", "context", "mechanism", "outcome", "outcome_direction"],
...           [(2, ["Jolly 2012", "rural; remote", "trust", "uptake", "postive"])])
>>> sheet = read_sheet(t)
>>> print(sheet.problems[0])
row 2, outcome_direction: unknown value 'postive'; use one of: positive, negative, none, mixed
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from cmo.errors import Problem, UnknownValue
from cmo.interchange.sheet_appraisal import APPRAISAL_COLUMNS, LEVELS, level, lone_rationales
from cmo.interchange.tables import Table
from cmo.limits import LIMITS
from cmo.model import ids
from cmo.model.records import (
    CMOConfiguration,
    Concept,
    ConceptKind,
    Confidence,
    Direction,
    Evidence,
    StudyDesign,
    choose,
)
from cmo.words import counted

COLUMNS = (
    "study", "context", "mechanism", "outcome", "cmoc_id", "resource", "intervention", "actor",
    "mechanism_fired", "outcome_direction", "confidence", "quote", "page", "source", "position",
    "programme_theory",
    "leads_to", "study_title", "study_authors", "study_year", "study_design", "doi", "reviewer",
    "notes", "study_relevance", "study_relevance_rationale", "study_richness",
    "study_richness_rationale", "study_rigour", "study_rigour_rationale",
)
REQUIRED = ("study", "context", "mechanism", "outcome")
CONCEPT_COLUMNS = ("kind", "label", "broader", "alt_labels", "definition")
STUDY_COLUMNS = {"study_title": "title", "study_authors": "authors", "study_year": "year",
                 "study_design": "design", "doi": "doi"}
STUDY_COLUMNS.update(APPRAISAL_COLUMNS)
QUOTE_SEPARATOR = "\n;\n"
_BOOLEAN = {"yes": True, "y": True, "true": True, "1": True,
            "no": False, "n": False, "false": False, "0": False}
_YEAR = re.compile(r"^\d{4}$")
_QUOTES = re.compile(r"\r?\n[ \t]*;[ \t]*\r?\n")


def split(cell: str) -> list[str]:
    """The `;`-separated values of a cell, blanks dropped."""
    return [v.strip() for v in cell.split(";") if v.strip()]


@dataclass
class SheetRow:
    """One good row: its CMOc (id None when the sheet gave none) and its study's metadata."""

    row: int
    cmoc: CMOConfiguration
    given_id: bool
    study_meta: dict[str, Any]
    theory_names: list[str]


@dataclass
class Sheet:
    """What a sheet says, and everything wrong with it."""

    rows: list[SheetRow] = field(default_factory=list)
    concepts: list[tuple[int, Concept]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns_ok: bool = True


def _columns_problems(table: Table, known: tuple[str, ...], required: tuple[str, ...]
                      ) -> list[Problem]:
    problems = []
    for name in table.header:
        if name and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(Problem(f"unknown column{hint}; the columns are: "
                                    f"{', '.join(known)}", field=name or "(blank)", row=1))
    for n, name in enumerate(table.header, start=1):
        if not name and any(n <= len(cells) and cells[n - 1] for _, cells in table.rows):
            problems.append(Problem(f"column {n} has values but no header", row=1))
    seen = set()
    for name in table.header:
        if name and name in seen:
            problems.append(Problem("column appears twice", field=name, row=1))
        seen.add(name)
    for name in required:
        if name not in table.header:
            problems.append(Problem("required column is missing", field=name, row=1))
    return problems


def _choice(value: str, allowed: list[str], column: str, row: int, problems: list[Problem]
            ) -> str | None:
    token = value.strip().lower()
    if not token:
        return None
    if token in allowed:
        return token
    problems.append(Problem(f"unknown value {value!r}; use one of: {', '.join(allowed)}",
                            field=column, row=row))
    return None


class _RowReader:
    """Reads one row's cells by column name, noting each problem."""

    def __init__(self, header: list[str], row: int, cells: list[str]) -> None:
        self.row = row
        self.cells = {name: cells[i] if i < len(cells) else ""
                      for i, name in enumerate(header) if name}
        self.problems: list[Problem] = []
        for name, cell in self.cells.items():
            if len(cell) > LIMITS.text_chars:
                self.problem(name, f"longer than {LIMITS.text_chars} characters (text_chars)")
                self.cells[name] = ""

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def problem(self, column: str, reason: str) -> None:
        self.problems.append(Problem(reason, field=column, row=self.row))

    def required(self, column: str, many: bool = False) -> list[str]:
        values = self.many(column) if many else [self.get(column)] * bool(self.get(column))
        if not values:
            self.problem(column, "missing required value")
        return values

    def many(self, column: str) -> list[str]:
        """The `;`-separated values of a cell, at most `list_items` of them."""
        values = split(self.get(column))
        if len(values) > LIMITS.list_items:
            self.problem(column, f"{len(values)} values; at most {LIMITS.list_items} "
                                 "(list_items)")
        return values[:LIMITS.list_items]

    def labels(self, column: str, values: list[str]) -> list[str]:
        for v in values:
            if len(v) > LIMITS.label_chars:
                self.problem(column, f"a label is longer than {LIMITS.label_chars} characters "
                                     f"(label_chars): {v[:40]}...")
        return values

    def identifiers(self, column: str, values: list[str]) -> list[str]:
        good = []
        for v in values:
            if re.match(ids.ID_PATTERN, v):
                good.append(v)
            else:
                self.problem(column, f"{v!r} is not a valid id: use letters, digits, '.', '_' "
                                     "or '-', starting with a letter or digit")
        return good


def _fired(r: _RowReader) -> bool:
    value = r.get("mechanism_fired").lower()
    if not value:
        return True
    if value not in _BOOLEAN:
        r.problem("mechanism_fired", f"unknown value {value!r}; use yes, no, true, false, 1 or 0")
        return True
    return _BOOLEAN[value]


def _evidence(r: _RowReader, studies: list[str]) -> list[dict[str, Any]]:
    quotes = [q.strip() for q in _QUOTES.split(r.get("quote")) if q.strip()]
    pages = [p.strip() for p in r.get("page").split(";")] if r.get("page") else []
    if pages and not quotes:
        r.problem("page", "a page needs a quote")
    if len(pages) > max(len(quotes), 1):
        r.problem("page", f"{len(pages)} pages for {counted(len(quotes), 'quote')}")
    if len(quotes) > LIMITS.list_items:
        r.problem("quote", f"{len(quotes)} quotes; at most {LIMITS.list_items} (list_items)")
    r.labels("page", pages)
    study = studies[0] if len(studies) == 1 else None
    out = [{"quote": q, "page": pages[i] if i < len(pages) and pages[i] else None,
            "study": study} for i, q in enumerate(quotes)]
    for i, (source, place) in enumerate(_anchors(r, len(quotes))):
        if source:
            out[i]["source"] = source
        if place:
            out[i]["start"], out[i]["end"] = place
    return out


_POSITION = re.compile(r"^(\d+)-(\d+)$")


def _anchors(r: _RowReader, quotes: int) -> list[tuple[str, tuple[int, int] | None]]:
    """Each quote's source id and position (`start-end`), from the `;`-separated cells."""
    sources = [s.strip() for s in r.get("source").split(";")] if r.get("source") else []
    places = [p.strip() for p in r.get("position").split(";")] if r.get("position") else []
    for column, values in (("source", sources), ("position", places)):
        if len(values) > max(quotes, 1) or (values and not quotes):
            r.problem(column, f"{len(values)} value(s) for {quotes} quote(s)")
            return []
    r.identifiers("source", [s for s in sources if s])
    out: list[tuple[str, tuple[int, int] | None]] = []
    for i in range(quotes):
        source = sources[i] if i < len(sources) else ""
        place = places[i] if i < len(places) else ""
        match = _POSITION.match(place)
        if place and (not match or int(match.group(2)) <= int(match.group(1))):
            r.problem("position", f"{place!r} is not a position; use start-end, e.g. 120-188")
        elif place and not source:
            r.problem("position", "a position needs the source it is in")
        out.append((source, (int(match.group(1)), int(match.group(2))) if match else None))
    return out


def _study_meta(r: _RowReader, studies: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for column, key in STUDY_COLUMNS.items():
        value = r.get(column)
        if not value:
            continue
        if column == "study_year":
            if not _YEAR.match(value):
                r.problem(column, f"{value!r} is not a year (four digits)")
                continue
            meta[key] = int(value)
        elif column == "study_design":
            meta[key] = _design(r, value)
        elif key in LEVELS:
            meta[key] = level(r.problem, column, key, value)
        else:
            meta[key] = value
    lone_rationales(r.get, r.problem)
    if meta and len(studies) > 1:
        r.problem("study", "study_* columns describe one study, but this row names "
                           f"{len(studies)}; give the metadata on a row of each study alone")
    return {k: v for k, v in meta.items() if v is not None}


def _design(r: _RowReader, value: str) -> str | None:
    """A design's token from its token, label or synonym (`ontology/vocab.ttl`), any case."""
    try:
        return choose(StudyDesign, "design", value).value
    except UnknownValue as exc:
        near = (f" (did you mean {' or '.join(map(repr, exc.suggestions))}?)"
                if exc.suggestions else "")
        r.problem("study_design", f"unknown value {value!r}{near}; use one of: "
                  f"{', '.join(exc.allowed)}, or a design's label or synonym")
        return None


def _read_row(header: list[str], row: int, cells: list[str]) -> tuple[SheetRow, list[Problem]]:
    r = _RowReader(header, row, cells)
    studies = r.labels("study", r.required("study", many=True))
    contexts = r.labels("context", r.required("context", many=True))
    mechanism = r.labels("mechanism", r.required("mechanism"))
    outcomes = r.labels("outcome", r.required("outcome", many=True))
    cmoc_id = r.identifiers("cmoc_id", [r.get("cmoc_id")] if r.get("cmoc_id") else [])
    for short in ("reviewer", "doi"):
        r.labels(short, [r.get(short)])
    fields: dict[str, Any] = {
        "id": cmoc_id[0] if cmoc_id else "pending", "studies": studies, "contexts": contexts,
        "mechanism": mechanism[0] if mechanism else "", "outcomes": outcomes,
        "resource": r.get("resource") or None,
        "intervention": (r.labels("intervention", [r.get("intervention")])[0]
                         if r.get("intervention") else None),
        "actor": r.labels("actor", [r.get("actor")])[0] if r.get("actor") else None,
        "mechanism_fired": _fired(r),
        "outcome_direction": _choice(r.get("outcome_direction"), [d.value for d in Direction],
                             "outcome_direction", row, r.problems),
        "confidence": _choice(r.get("confidence"), [c.value for c in Confidence],
                              "confidence", row, r.problems),
        "evidence": _evidence(r, studies),
        "leads_to": r.identifiers("leads_to", r.many("leads_to")),
        "reviewer": r.get("reviewer") or None, "notes": r.get("notes") or None,
    }
    meta = _study_meta(r, studies)
    theories = r.labels("programme_theory", r.many("programme_theory"))
    # Every field is checked above, so the model is built without pydantic's second pass
    # (a third of the time of a 100,000-row import). A bad row is still checked against the
    # others (ids, links, metadata), but never written.
    cmoc = CMOConfiguration.model_construct(**_cleaned(fields))
    return SheetRow(row, cmoc, bool(cmoc_id), meta if studies else {}, theories), r.problems


def _cleaned(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields as the model's validators would leave them: labels tidied, enums typed."""
    for name in ("studies", "contexts", "outcomes"):
        fields[name] = [ids.clean_label(v) for v in fields[name]]
    for name in ("mechanism", "intervention", "actor"):
        fields[name] = ids.clean_label(fields[name]) if fields[name] else fields[name]
    fields["outcome_direction"] = (Direction(fields["outcome_direction"])
                                   if fields["outcome_direction"] else None)
    fields["confidence"] = Confidence(fields["confidence"]) if fields["confidence"] else None
    fields["evidence"] = [Evidence.model_construct(**e) for e in fields["evidence"]]
    fields["theories"] = []
    return fields


def _cross_row_problems(sheet: Sheet) -> None:
    """Ids used twice, and study metadata that disagrees between rows."""
    first_row: dict[str, int] = {}
    meta_seen: dict[tuple[str, str], tuple[Any, int]] = {}
    for r in sheet.rows:
        if r.given_id:
            if r.cmoc.id in first_row:
                sheet.problems.append(Problem(f"cmoc_id {r.cmoc.id!r} is also used on row "
                                              f"{first_row[r.cmoc.id]}", field="cmoc_id",
                                              row=r.row))
            first_row.setdefault(r.cmoc.id, r.row)
        for key, value in r.study_meta.items():
            slot = (ids.normalise_label(r.cmoc.studies[0]), key)
            earlier = meta_seen.setdefault(slot, (value, r.row))
            if earlier[0] != value:
                column = next(c for c, k in STUDY_COLUMNS.items() if k == key)
                sheet.problems.append(Problem(
                    f"{value!r} disagrees with {earlier[0]!r} given for "
                    f"{r.cmoc.studies[0]!r} on row {earlier[1]}", field=column, row=r.row))


def read_sheet(table: Table, concepts: Table | None = None) -> Sheet:
    """Every CMOc and concept a sheet describes, with every problem found (none written yet)."""
    sheet = Sheet()
    sheet.problems += _columns_problems(table, COLUMNS, REQUIRED)
    if concepts is not None:
        sheet.problems += [_in(p, concepts.name) for p in
                           _columns_problems(concepts, CONCEPT_COLUMNS, ("kind", "label"))]
    if sheet.problems:
        sheet.columns_ok = False
        return sheet
    for row, cells in table.rows:
        parsed, problems = _read_row(table.header, row, cells)
        sheet.problems += problems
        sheet.rows.append(parsed)
    _cross_row_problems(sheet)
    if concepts is not None:
        _read_concepts(concepts, sheet)
    return sheet


def _in(problem: Problem, file: str) -> Problem:
    problem.file = file
    return problem


def _read_concepts(table: Table, sheet: Sheet) -> None:
    kinds = [k.value for k in ConceptKind]
    seen: dict[tuple[str, str], int] = {}
    for row, cells in table.rows:
        r = _RowReader(table.header, row, cells)
        kind = _choice(r.get("kind"), kinds, "kind", row, r.problems)
        if not r.get("kind"):
            r.problem("kind", "missing required value")
        label = r.labels("label", r.required("label"))
        alts = r.labels("alt_labels", r.many("alt_labels"))
        for name in [*label, *alts]:
            slot = (kind or "", ids.normalise_label(name))
            if kind and slot in seen:
                r.problem("label" if name in label else "alt_labels",
                          f"{name!r} already names a {kind} on row {seen[slot]}")
            seen.setdefault(slot, row)
        if not r.problems:
            try:
                concept = Concept(kind=kind, label=label[0], alt_labels=alts,  # type: ignore[arg-type]
                                  broader=r.get("broader") or None,
                                  definition=r.get("definition") or None)
                sheet.concepts.append((row, concept))
                continue
            except ValidationError as exc:
                r.problems += [Problem(e["msg"], field=str(e["loc"][0]), row=row)
                               for e in exc.errors()]
        sheet.problems += [_in(p, table.name) for p in r.problems]
