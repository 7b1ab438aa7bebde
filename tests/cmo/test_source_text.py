"""Extracting and normalising a source's text: PDF, Word, HTML, text; and what is refused."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from cmo.errors import LimitExceeded, NoText, ParseError, UnsupportedFormat
from cmo.limits import LIMITS
from cmo.sources.extract import DOCX, HTML, PDF, extract
from cmo.sources.matching import SourceText
from cmo.sources.normalise import MatchText, normalise, normalise_quote
from tests.pdfs import STUDY_PAGES, make_pdf, study_pdf


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_normalise_joins_hyphenation_expands_ligatures_and_collapses_spaces() -> None:
    text = "The ﬁrst  visit\tmattered: under-\nstood,\r\nself-\nEfficacy, cafe\u0301\u00ad."
    assert normalise(text) == "The first visit mattered: understood,\nself-\nEfficacy, café."


def test_normalise_keeps_one_blank_line_and_drops_control_characters() -> None:
    assert normalise("a\n\n\n\n b \x00\x07\n\ufeffc") == "a\n\nb\nc"


def test_positions_map_back_through_collapsed_white_space() -> None:
    m = MatchText("one\n\ntwo   three\nfour")
    assert m.text == "one two three four"
    start, end = m.find_all(normalise_quote("two three four"))[0]
    assert "one\n\ntwo   three\nfour"[start:end] == "two   three\nfour"


def test_extract_pdf_page_by_page() -> None:
    doc = extract("study.pdf", study_pdf())
    assert doc.media_type == PDF
    assert len(doc.pages) == 3
    assert "felt understood and kept breastfeeding" in doc.pages[0]  # hyphenation joined
    assert "The first visit mattered most, and flexible timing" in doc.pages[0]  # ligatures
    assert "Η υποστήριξη από ομοτίμους βοήθησε τις μητέρες." in doc.pages[2]
    assert doc.pages[1].count("Women valued practical help at home.") == 1
    assert doc.pages[2].startswith("Women valued practical help at home.")


def test_page_follows_from_position() -> None:
    doc = extract("study.pdf", study_pdf())
    text = SourceText("s", doc.pages)
    found = text.find("Η υποστήριξη από ομοτίμους")
    assert [p.page for p in found] == [3]
    assert text.text[found[0].start:found[0].end] == "Η υποστήριξη από ομοτίμους"
    assert [p.page for p in text.find("Women valued practical help at home.")] == [2, 3]


def test_scanned_pdf_is_refused_with_ocr_advice() -> None:
    with pytest.raises(NoText, match=r"no text found.*looks scanned; run OCR first"):
        extract("scan.pdf", make_pdf([["a"], ["b"]], text_layer=False))


@pytest.mark.parametrize("data", [b"%PDF-1.7\n1 0 obj <<", b"%PDF-" + bytes(range(256)) * 40,
                                  b"not a pdf at all"], ids=["truncated", "garbage", "no-header"])
def test_corrupt_pdf_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError, match="nothing was added"):
        extract("broken.pdf", data)


def test_encrypted_pdf_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(study_pdf())))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ParseError, match="encrypted"):
        extract("locked.pdf", out.getvalue())


def test_unsupported_type_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match="PDF, Word"):
        extract("virus.exe", b"MZ\x90\x00")


def test_file_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cmo.sources.extract.LIMITS",
                        type(LIMITS)(source_bytes=1000))
    with pytest.raises(LimitExceeded) as caught:
        extract("big.txt", b"x " * 600)
    assert caught.value.limit == "source_bytes"


def test_word_document_is_read_in_order() -> None:
    doc = extract("paper.docx", _docx("Peer support works.", "", "Mothers felt ﬁne."))
    assert doc.media_type == DOCX
    assert doc.pages == ["Peer support works.\n\nMothers felt fine."]


def test_word_zip_bomb_is_refused_before_unpacking() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b" " * 30_000_000)
    with pytest.raises(LimitExceeded) as caught:
        extract("bomb.docx", out.getvalue())
    assert caught.value.limit == "unpacked_ratio"


def test_damaged_word_file_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        extract("broken.docx", b"PK\x03\x04 not really a zip")


def test_html_keeps_visible_text_only_and_fetches_nothing() -> None:
    page = (b"<html><head><title>T</title><script>alert(1)</script>"
            b"<link rel=stylesheet href='http://evil.example/x.css'></head><body>"
            b"<p>Peer <b>support</b> &amp; trust</p><style>p{}</style>"
            b"<img src='http://evil.example/x.png' onerror='alert(2)'>"
            b"<p>Second<br>line</p><script>document.write('x')</script></body></html>")
    doc = extract("page.html", page)
    assert doc.media_type == HTML
    assert doc.pages == ["Peer support & trust\n\nSecond\n\nline"]


def test_markup_in_a_text_file_stays_text() -> None:
    doc = extract("notes.txt", b"<script>alert(1)</script> quote")
    assert doc.pages == ["<script>alert(1)</script> quote"]


def test_long_text_without_pages_is_split_at_paragraphs() -> None:
    paragraph = "word " * 1000
    doc = extract("long.md", "\n\n".join([paragraph] * 60).encode())
    assert len(doc.pages) > 1
    assert all(len(p) <= LIMITS.literal_chars for p in doc.pages)
    assert "\n\n".join(doc.pages) == normalise("\n\n".join([paragraph] * 60))


def test_study_pages_are_what_the_pdf_holds() -> None:
    assert len(STUDY_PAGES) == 3


def test_word_file_with_an_entity_bomb_does_not_expand_it() -> None:
    good = zipfile.ZipFile(io.BytesIO(_docx("Peer support works.")))
    bomb = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">'
                       % ((98 + i,) + (97 + i,) * 10) for i in range(8))
            + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
              b'main"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in good.infolist():
            z.writestr(item, bomb if item.filename == "word/document.xml" else good.read(item))
    try:
        doc = extract("bomb.docx", out.getvalue())
    except (ParseError, NoText):
        return
    assert sum(len(p) for p in doc.pages) < 1000


def test_pdf_with_too_many_pages_is_refused_before_reading_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cmo.sources.extract.LIMITS", type(LIMITS)(source_pages=2))
    with pytest.raises(LimitExceeded) as caught:
        extract("long.pdf", make_pdf([["a"], ["b"], ["c"]]))
    assert caught.value.limit == "source_pages"
