"""Small real PDFs for the tests and benchmarks, written byte by byte (no font files needed).

Each page is a list of lines. Characters are drawn with Helvetica through one-byte codes, and a
ToUnicode map says which Unicode character each code stands for, so a PDF reader extracts any
text, ligatures and Greek included, exactly as a typesetter's PDF would give it.
"""

from __future__ import annotations


def _cmap(chars: list[str]) -> bytes:
    lines = [f"<{code:02X}> <{''.join(f'{u:04X}' for u in _utf16(ch))}>"
             for code, ch in enumerate(chars, start=1)]
    body = "\n".join(f"{len(lines[i:i + 100])} beginbfchar\n" + "\n".join(lines[i:i + 100])
                     + "\nendbfchar" for i in range(0, len(lines), 100))
    return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <01> <FF> endcodespacerange\n"
            f"{body}\nendcmap CMapName currentdict /CMap defineresource pop end end\n").encode()


def _utf16(ch: str) -> list[int]:
    data = ch.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def make_pdf(pages: list[list[str]], *, text_layer: bool = True) -> bytes:
    """A PDF with one page per list of lines; without `text_layer`, pages only hold a drawing
    (what a scan without OCR looks like to a text extractor)."""
    chars = sorted({ch for page in pages for line in page for ch in line})
    if len(chars) > 255:
        raise ValueError("at most 255 distinct characters")
    code = {ch: i for i, ch in enumerate(chars, start=1)}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    pages_obj = add(b"")
    cmap = _cmap(chars)
    to_unicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 1 /LastChar 255"
               b" /Widths [" + b" 500" * 255 + b"] /ToUnicode %d 0 R >>" % to_unicode)
    kids = []
    for lines in pages:
        if text_layer:
            ops = [b"BT /F1 11 Tf 14 TL 72 760 Td"]
            for line in lines:
                ops.append(b"<" + "".join(f"{code[ch]:02X}" for ch in line).encode()
                           + b"> Tj T*")
            ops.append(b"ET")
        else:
            ops = [b"0.5 g 72 72 450 650 re f"]
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
                        b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_obj, content,
                                                                          font)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, xref)
    return bytes(out)


#: A three-page study: a hyphenated line end, ligatures, a phrase said twice, Greek text.
STUDY_PAGES = [
    ["Peer support for breastfeeding: a trial in two cities",
     "Mothers who met a peer supporter early felt under-",
     "stood and kept breastfeeding for longer.",
     "The ﬁrst visit mattered most, and ﬂexible timing helped."],
    ["Peer supporters were trusted because they were local.",
     "Women valued practical help at home.",
     "Some mothers declined visits from strangers."],
    ["Women valued practical help at home.",
     "Η υποστήριξη από ομοτίμους βοήθησε τις μητέρες.",
     "In the second city, low intensity support did not change outcomes."],
]


def study_pdf() -> bytes:
    """The three-page study PDF (STUDY_PAGES)."""
    return make_pdf(STUDY_PAGES)
