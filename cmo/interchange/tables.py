"""Tables in and out of spreadsheets: CSV and XLSX bytes <-> rows of text cells.

Reading tolerates what spreadsheets produce: a UTF-8 byte-order mark, `,`, `;` or tab delimiters
(chosen by which one splits the header into known column names), Windows line ends, blank rows,
empty trailing columns, and numbers or booleans typed as such (`2012`, not `2012.0`). Rows are
numbered as a spreadsheet shows them: the header is row 1.

Reading is bounded (`cmo.limits`): at most `sheet_rows` rows and `sheet_cells` cells a sheet,
counted while reading; a workbook's zip is checked before it is opened, against `unpacked_bytes`
(what it unpacks to) and `unpacked_ratio` (how far any large part of it is compressed), so a zip
bomb is refused before any XML is parsed. XML entities are refused (openpyxl reads through
defusedxml). Each refusal is a LimitExceeded naming the cap.

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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cmo.errors import LimitExceeded, ParseError, Problem
from cmo.limits import LIMITS

FORMULA_START = ("=", "+", "-", "@")
DELIMITERS = (",", ";", "\t")


@dataclass
class Table:
    """A sheet's header (normalised names) and its non-blank rows, each with its row number."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    title: str | None = None
    """The workbook's own title (File > Properties), if it has one."""


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


def _over(name: str, limit: str, what: str, row: int) -> LimitExceeded:
    allowed = int(getattr(LIMITS, limit))
    return LimitExceeded(f"{name} has more than {allowed} {what}.", limit, allowed,
                         [Problem(f"reading stopped here: over {allowed} {what} ({limit})",
                                  file=name, row=row)])


def _table(name: str, records: Iterable[Sequence[Any]]) -> Table:
    """The header and non-blank rows of `records`, refused past `sheet_rows` or `sheet_cells`."""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    cells_seen = 0
    for number, record in enumerate(records, start=1):
        cells_seen += len(record)
        if number > LIMITS.sheet_rows + 1:  # the header is not a data row
            raise _over(name, "sheet_rows", "rows", number)
        if cells_seen > LIMITS.sheet_cells:
            raise _over(name, "sheet_cells", "cells", number)
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first, known))
    try:
        return _table(name, reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise LimitExceeded(
                f"{name} has a cell longer than {LIMITS.text_chars} characters.", "text_chars",
                LIMITS.text_chars, [Problem("cell too long (text_chars)", file=name,
                                            line=reader.line_num)]) from exc
        raise ParseError(name, str(exc), reader.line_num) from exc


def check_zip(name: str, data: bytes) -> None:
    """Refuse a zip that would unpack past `unpacked_bytes`, or with a large part compressed
    more than `unpacked_ratio` times, judged by the sizes it declares (Python's zipfile never
    unpacks more than a part declares).

    >>> import zipfile
    >>> out = io.BytesIO()
    >>> with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("xl/worksheets/sheet1.xml", b" " * 50_000_000)
    >>> try:
    ...     check_zip("bomb.xlsx", out.getvalue())
    ... except LimitExceeded as exc:
    ...     print(exc.limit, exc.allowed)
    unpacked_ratio 100
    """
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ParseError(name, f"not a readable XLSX workbook ({exc})") from exc
    total = sum(p.file_size for p in parts)
    if total > LIMITS.unpacked_bytes:
        raise LimitExceeded(f"{name} unpacks to {total} bytes, more than {LIMITS.unpacked_bytes}.",
                            "unpacked_bytes", LIMITS.unpacked_bytes,
                            [Problem("too much data once unpacked (unpacked_bytes)", file=name)])
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FLOOR and ratio > LIMITS.unpacked_ratio:
            raise LimitExceeded(
                f"{name} unpacks to {ratio:.0f} times its size.", "unpacked_ratio",
                LIMITS.unpacked_ratio, [Problem(
                    f"{part.file_size} bytes packed into {part.compress_size} (unpacked_ratio)",
                    file=name, field=part.filename)])


def read_xlsx(name: str, data: bytes) -> dict[str, Table]:
    """The first sheet of a workbook (under '' and its lower-cased name) and its `concepts`
    sheet if it has one; a zip bomb or XML entities are refused before any work."""
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "openpyxl must read through defusedxml (a dependency of realist-kg)"
    check_zip(name, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ParseError(name, f"not a readable XLSX workbook ({_reason(exc)})") from exc
    try:
        tables = {}
        for i, sheet in enumerate(book.worksheets):
            key = sheet.title.strip().lower()
            if i > 0 and key != "concepts":
                continue
            sheet.reset_dimensions()  # rows as stored, not padded to a declared size
            tables[key] = _table(f"{name} [{sheet.title}]", _rows(name, sheet))
            if i == 0:
                tables[""] = tables[key]
        title = (book.properties.title or "").strip() if book.properties else ""
        for table in tables.values():
            table.title = title or None
        return tables
    finally:
        book.close()


_RATIO_FLOOR = 1 << 20  # parts smaller than 1 MiB may compress as far as they like


def _rows(name: str, sheet: Any) -> Iterator[Sequence[Any]]:
    """A read-only sheet's rows; XML it refuses (entities, bad syntax) is a ParseError."""
    try:
        yield from sheet.iter_rows(values_only=True)
    except (ValueError, KeyError, SyntaxError) as exc:  # defusedxml's and expat's errors
        raise ParseError(name, f"not a readable XLSX sheet ({_reason(exc)})") from exc


def _reason(exc: BaseException) -> str:
    """Why openpyxl could not read a workbook; entities refused by defusedxml said plainly."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return "XML entities and DTDs are not allowed"
        cause = cause.__cause__ or cause.__context__
    return str(exc).split("\n", 1)[0] or type(exc).__name__


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
