"""One entry point for every file a reviewer brings: sheets, reference libraries and RDF.

`import_file` picks the format from the file name's extension, then from the content: `{` or `[`
is JSON-LD, a zip (`PK`) is a REFI-QDA project when it holds `project.qde` and else an XLSX
workbook, `@prefix`/`PREFIX` is Turtle (read as TriG), `<` is
N-Triples/N-Quads, `TY  -` is RIS, `@article{` (or another entry type) is BibTeX, and a header
row naming known sheet columns is CSV. A `fmt` argument overrides the guess.

>>> detect_format("refs.bib", b"")
'bib'
>>> detect_format("export", b"\\xef\\xbb\\xbfstudy;context;mechanism;outcome\\n")
'csv'
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from cmo.errors import InvalidInput, Problem, UnsupportedFormat
from cmo.interchange.qdpx import QdpxOptions, import_qdpx
from cmo.interchange.rdf_files import FORMATS, ImportReport, import_rdf
from cmo.interchange.references import import_references, read_bibtex, read_ris
from cmo.interchange.sheet import COLUMNS, CONCEPT_COLUMNS
from cmo.interchange.sheet_import import Progress, import_sheet
from cmo.interchange.tables import Table, header_name, read_csv, read_xlsx
from cmo.model.records import NewConcepts
from cmo.sources.quotes import anchor_pending
from cmo.store import Store

SHEET_FORMATS = ("csv", "xlsx")
REFERENCE_FORMATS = ("ris", "bib")
PROJECT_FORMATS = ("qdpx",)
_ALIASES = {"tsv": "csv", "bibtex": "bib", "xlsm": "xlsx"}
IMPORT_FORMATS = tuple(sorted({*FORMATS, *SHEET_FORMATS, *REFERENCE_FORMATS, *PROJECT_FORMATS,
                               *_ALIASES}))
_BIBTEX = re.compile(rb"^@(article|book|inbook|incollection|inproceedings|conference|misc|"
                     rb"phdthesis|mastersthesis|techreport|report|online|unpublished|manual|"
                     rb"proceedings|string|preamble|comment)\s*[{(]", re.I | re.M)


def _canonical(fmt: str) -> str:
    key = _ALIASES.get(fmt.lower(), fmt.lower())
    if key not in IMPORT_FORMATS:
        raise UnsupportedFormat(f"Cannot import the format {fmt!r}.", [Problem(
            field="format", reason=f"use one of: {', '.join(IMPORT_FORMATS)}")])
    return key


def _sniff(data: bytes) -> str | None:
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"PK\x03\x04"):
        return "qdpx" if _holds_project(data) else "xlsx"
    if head[:1] in (b"{", b"["):
        return "jsonld"
    if re.match(rb"(@prefix|@base|prefix\s|base\s)", head, re.I):
        return "trig"
    if head.startswith(b"<"):
        return "nq"
    if head.startswith(b"TY  -"):
        return "ris"
    if _BIBTEX.search(head):
        return "bib"
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    cells = {header_name(c) for c in re.split(r"[,;\t]", first)}
    if len(cells & {*COLUMNS, *CONCEPT_COLUMNS}) >= 2:
        return "csv"
    return None


def _holds_project(data: bytes) -> bool:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return any(n.replace("\\", "/").rsplit("/", 1)[-1].lower() == "project.qde" for n in names)


def detect_format(name: str, data: bytes) -> str:
    """The import format of a file: from its extension, else from its first bytes."""
    ext = Path(name).suffix.lstrip(".").lower()
    if ext and _ALIASES.get(ext, ext) in IMPORT_FORMATS:
        return _canonical(ext)
    found = _sniff(data)
    if found is None:
        raise UnsupportedFormat(f"Cannot tell what kind of file {name!r} is.", [Problem(
            field="format", reason=f"name the format: one of {', '.join(IMPORT_FORMATS)}")])
    return found


def read_tables(name: str, data: bytes, fmt: str) -> tuple[Table, Table | None]:
    """The CMO table of a CSV or workbook, and the workbook's `concepts` sheet if it has one."""
    if fmt == "csv":
        return read_csv(name, data, COLUMNS), None
    tables = read_xlsx(name, data)
    first = tables[""]
    concepts = tables.get("concepts")
    return first, concepts if concepts is not first else None


def _concept_table(name: str, data: bytes) -> Table:
    if detect_format(name, data) == "xlsx":
        tables = read_xlsx(name, data)
        return tables.get("concepts") or tables[""]
    return read_csv(name, data, CONCEPT_COLUMNS)


def import_file(store: Store, review_id: str, name: str, data: bytes, fmt: str | None = None,
                concepts: tuple[str, bytes] | None = None, check: bool = False,
                progress: Progress | None = None, bulk: bool = False,
                new_concepts: NewConcepts = "allow",
                qdpx: QdpxOptions | None = None) -> ImportReport:
    """Import one file of any supported format into a review: all of it, or nothing.

    `concepts` is an optional concept sheet (name, bytes) to go with a CMO sheet; `check` checks
    and counts without writing; `bulk` lets a big sheet for a new review use the store's bulk
    loader (see `cmo.store.writes.add_triples`); ``new_concepts="refuse"`` refuses a sheet or
    RDF that would create concepts. The report names the concepts created. `qdpx`
    says how to read a REFI-QDA project (its code map and assembling window).
    """
    kind = _canonical(fmt) if fmt else detect_format(name, data)
    if kind in PROJECT_FORMATS:
        if concepts is not None:
            raise InvalidInput("A concept sheet goes with a CMO sheet (CSV or XLSX).",
                               [Problem(field="concepts", reason=f"{name} is {kind}")])
        return anchor_imported(store, import_qdpx(store, review_id, name, data, qdpx,
                                                  check=check, bulk=bulk,
                                                  new_concepts=new_concepts))
    if concepts is not None and kind not in SHEET_FORMATS:
        raise InvalidInput("A concept sheet goes with a CMO sheet (CSV or XLSX).",
                           [Problem(field="concepts", reason=f"{name} is {kind}")])
    if kind in REFERENCE_FORMATS:
        refs = read_ris(name, data) if kind == "ris" else read_bibtex(name, data)
        return import_references(store, review_id, name, refs, check=check)
    if kind in SHEET_FORMATS:
        table, concept_table = read_tables(name, data, kind)
        if concepts is not None:
            concept_table = _concept_table(*concepts)
        report = import_sheet(store, review_id, table, concept_table, check=check,
                              progress=progress, bulk=bulk, new_concepts=new_concepts)
    else:
        report = import_rdf(store, review_id, [(name, data, FORMATS[kind])], check=check,
                            new_concepts=new_concepts)
    return anchor_imported(store, report)


def anchor_imported(store: Store, report: ImportReport) -> ImportReport:
    """After an import (not a check), anchor the unanchored quotes of studies that have
    sources, and say so in the report's notes."""
    if not report.checked:
        anchored, total = anchor_pending(store, report.review)
        if total:
            report.notes.append(f"anchored {anchored} of {total} unanchored quotes in their "
                                "studies' sources (`cmo quotes check` lists the others)")
    return report
