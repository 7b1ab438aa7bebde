"""Tables in and out of spreadsheets: CSV and XLSX bytes <-> rows of text cells.

Reading tolerates what spreadsheets produce: a UTF-8 byte-order mark, `,`, `;` or tab delimiters
(chosen by which one splits the header into known column names), Windows line ends, blank rows,
empty trailing columns, and numbers or booleans typed as such (`2012`, not `2012.0`). Rows are
numbered as a spreadsheet shows them: the header is row 1.

Writing neutralises cells a spreadsheet would run as a formula (starting `=`, `+`, `-` or `@`)
by prefixing `'`; reading removes that prefix again, so values survive a round trip.

>>> data = b"\\xef\\xbb\\xbfStudy;Context\\r\\nJolly 2012;rural\\r\\n;\\r\\n"
>>> t = read_csv("s.csv", data, ["study"])
>>> t.header, t.rows
(['study', 'context'], [(2, ['Jolly 2012', 'rural'])])
>>> neutralise("=1+1"), restore("'=1+1")
("'=1+1", '=1+1')
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cmo.errors import ParseError

FORMULA_START = ("=", "+", "-", "@")
DELIMITERS = (",", ";", "\t")


@dataclass
class Table:
    """A sheet's header (normalised names) and its non-blank rows, each with its row number."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def header_name(cell: str) -> str:
    """A header cell as a column name: case, spaces and hyphens do not matter ('Study Title')."""
    return "_".join(cell.strip().lower().replace("-", " ").split())


def neutralise(value: str) -> str:
    """A cell value a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def restore(value: str) -> str:
    """Undo `neutralise`: drop the `'` in front of a would-be formula."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: numbers typed as numbers lose a spurious `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _table(name: str, records: Iterable[Sequence[Any]]) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, record in enumerate(records, start=1):
        cells = [cell_text(v).strip() for v in record]
        if header is None:
            header = [header_name(c) for c in cells]
            while header and not header[-1]:
                header.pop()
            continue
        if any(cells):
            rows.append((number, [restore(c) for c in cells]))
    return Table(name, header or [], rows)


def _delimiter(first_line: str, known: Iterable[str]) -> str:
    """The delimiter that splits the header into the most known column names."""
    names = set(known)

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return (sum(header_name(c) in names for c in cells), len(cells))

    return max(DELIMITERS, key=score)


def read_csv(name: str, data: bytes, known: Iterable[str]) -> Table:
    """A CSV file (UTF-8, with or without a byte-order mark) as a table."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ParseError(name, "not UTF-8 text; save the sheet as 'CSV UTF-8'", line) from exc
    first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""),
                                  delimiter=_delimiter(first, known)))
    except csv.Error as exc:
        raise ParseError(name, str(exc)) from exc
    return _table(name, records)


def read_xlsx(name: str, data: bytes) -> dict[str, Table]:
    """Every sheet of a workbook, by lower-cased sheet name; the first also under ''."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ParseError(name, f"not a readable XLSX workbook ({exc})") from exc
    try:
        tables = {}
        for i, sheet in enumerate(book.worksheets):
            table = _table(f"{name} [{sheet.title}]", sheet.iter_rows(values_only=True))
            tables[sheet.title.strip().lower()] = table
            if i == 0:
                tables[""] = table
        return tables
    finally:
        book.close()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A UTF-8 CSV (with a byte-order mark, so spreadsheets know it), formulas made safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([neutralise(c) for c in row] for row in rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[str]]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows), every cell text, formulas made safe."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(header))
        for row in rows:
            sheet.append([neutralise(c) if c else None for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
