"""Builders for small reviews used across the tests."""

from __future__ import annotations

import cmo
from cmo.review.cmocs import create_cmoc
from cmo.review.concepts import add_concept
from cmo.review.reviews import create_review
from cmo.review.theories import add_theory
from cmo.store import Store


def sample_cmoc(cmoc_id: str = "c1", **changes: object) -> cmo.CMOConfiguration:
    """A well-formed CMOc; `changes` override any field."""
    fields: dict[str, object] = {
        "id": cmoc_id, "studies": ["Jolly 2012"], "contexts": ["low intensity support"],
        "mechanism": "mothers engage with the peer", "outcomes": ["breastfeeding continuation"],
        "resource": "a peer who calls fewer than five times", "mechanism_fired": False,
        "outcome_direction": "none", "confidence": "moderate",
        "evidence": [{"quote": "interventions of low intensity tend not to be effective",
                      "page": "3", "study": "Jolly 2012"}],
    }
    return cmo.CMOConfiguration.model_validate({**fields, **changes})


def sample_review(store: Store, review_id: str = "r1") -> None:
    """A review with a concept hierarchy, a synonym, two CMOcs in a chain and a theory."""
    create_review(store, cmo.Review(id=review_id, title=f"Review {review_id}"))
    for label, broader, alts in [("delivery", None, []), ("intensity", "delivery", []),
                                 ("low intensity support", "intensity",
                                  ["fewer than five contacts"])]:
        add_concept(store, review_id, cmo.Concept(kind="context", label=label,
                                                  broader=broader, alt_labels=alts))
    add_theory(store, review_id, cmo.ProgrammeTheory(id="t-v1", label="Peer theory"))
    create_cmoc(store, review_id, sample_cmoc("c2", mechanism_fired=True,
                                                  outcome_direction="positive"))
    create_cmoc(store, review_id, sample_cmoc("c1", leads_to=["c2"], theories=["t-v1"]))


# Hostile files -----------------------------------------------------------------------------------

_XLSX_PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>',
    "_rels/.rels":
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
    "xl/workbook.xml":
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="cmos" sheetId="1" r:id="rId1"/></sheets>'
        '</workbook>',
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>',
}
_SHEET_OPEN = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               'spreadsheetml/2006/main"><sheetData>')
_SHEET_CLOSE = "</sheetData></worksheet>"
HEADER_ROW = ('<row r="1">' + "".join(
    f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
    for col, name in zip("ABCD", ["study", "context", "mechanism", "outcome"], strict=True))
    + "</row>")


def xlsx_with_sheet(rows_xml: str | bytes, prolog: str = "") -> bytes:
    """A minimal workbook whose one sheet holds the CMO header row and then `rows_xml`, as
    stored (`<row>` elements); `prolog` goes before the sheet's root element (a DOCTYPE)."""
    import io
    import zipfile

    rows = rows_xml.encode() if isinstance(rows_xml, str) else rows_xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in _XLSX_PARTS.items():
            book.writestr(name, text)
        sheet = _SHEET_OPEN.replace("?>", "?>" + prolog, 1) + HEADER_ROW
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(sheet.encode())
            part.write(rows)
            part.write(_SHEET_CLOSE.encode())
    return out.getvalue()


def xlsx_zip_bomb(cells: int = 8_000_000) -> bytes:
    """A workbook of about 30 KB whose sheet unpacks to `cells` empty cells (4 bytes each)."""
    per_row = 1000
    row = "<row>" + "<c/>" * per_row + "</row>"
    return xlsx_with_sheet(row * (cells // per_row))


def xlsx_with_entities() -> bytes:
    """A workbook whose sheet defines nested XML entities ("billion laughs")."""
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)]
    prolog = f"<!DOCTYPE worksheet [{''.join(levels)}]>"
    row = '<row r="2">' + "".join(
        f'<c r="{col}2" t="inlineStr"><is><t>&l9;</t></is></c>' for col in "ABCD") + "</row>"
    return xlsx_with_sheet(row, prolog)


def xlsx_with_far_cells(rows: int) -> bytes:
    """A small workbook whose `rows` rows each have a cell in the last column (XFD): every row
    reads as 16,384 cells."""
    return xlsx_with_sheet("".join(
        f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, rows + 2)))


def xlsx_with_far_row(row: int) -> bytes:
    """A small workbook with one data row numbered `row`: every row before it reads as blank."""
    return xlsx_with_sheet(f'<row r="{row}"><c r="A{row}"><v>1</v></c></row>')
