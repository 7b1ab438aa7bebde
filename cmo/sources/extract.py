"""The text of a source document, page by page: PDF (pypdf), Word (python-docx), HTML, text.

A document's type comes from its file name (and, without a known extension, from its first bytes);
what the bytes hold must agree. Each page's text is normalised (`cmo.sources.normalise`). Formats
without pages (Word, HTML, text, Markdown) are one page, split at paragraph breaks when longer
than `literal_chars` so that every page is one literal a review export can import again.

Refused, before anything is stored: a type not listed here (UnsupportedFormat, 415), a file
over `source_bytes` or with more than `source_pages` pages or `source_chars` characters
(LimitExceeded, 413), a Word file that would unpack past `unpacked_bytes` (a zip bomb), an
encrypted or damaged file (ParseError), and a PDF with no text layer (NoText).

HTML is read with the standard library's parser, which runs nothing and fetches nothing; the
text of `script`, `style`, `template` and the document head is left out.

>>> doc = extract("notes.md", "# Peer support\\n\\nMothers valued the ﬁrst visit.".encode())
>>> doc.media_type, doc.pages
('text/markdown', ['# Peer support\\n\\nMothers valued the first visit.'])
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from cmo.errors import CmoError, LimitExceeded, NoText, ParseError, Problem, UnsupportedFormat
from cmo.limits import LIMITS
from cmo.sources.normalise import PAGE_BREAK as PAGE_JOIN
from cmo.sources.normalise import normalise

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
#: The file name endings read, and the media type each stands for.
EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".html": HTML, ".htm": HTML, ".xhtml": HTML,
              ".txt": TEXT, ".text": TEXT, ".md": MARKDOWN, ".markdown": MARKDOWN}
MEDIA_TYPES = tuple(dict.fromkeys(EXTENSIONS.values()))
_PAGED = {PDF}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f<>\"`]")


@dataclass(frozen=True)
class Extracted:
    """A document's canonical text, page by page, and what it is."""

    file_name: str
    media_type: str
    pages: list[str]


def clean_file_name(name: str) -> str:
    """The last part of a file name, without folders, control characters or markup signs.

    >>> clean_file_name("../../etc/passwd"), clean_file_name("C:\\\\x\\\\<b>a.pdf")
    ('passwd', 'ba.pdf')
    """
    base = posixpath.basename(unicodedata.normalize("NFC", name).replace("\\", "/"))
    base = _UNSAFE_NAME.sub("", base).strip().lstrip(".") or "document"
    return base[-LIMITS.label_chars:]


def media_type_of(name: str, data: bytes) -> str:
    """The media type of a document, from its name's extension or else its first bytes."""
    ext = posixpath.splitext(name.lower())[1]
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]:
        return DOCX
    raise UnsupportedFormat(f"Cannot read {name!r} as a source document.", [Problem(
        file=name, reason="use a PDF, Word (.docx), HTML, plain text or Markdown file; "
                          "the type is taken from the file name's ending")])


def extract(name: str, data: bytes) -> Extracted:
    """The canonical text of a document, page by page; refused as the module docstring says."""
    file_name = clean_file_name(name)
    if len(data) > LIMITS.source_bytes:
        raise LimitExceeded(f"{file_name} has {len(data)} bytes; a source may have at most "
                            f"{LIMITS.source_bytes}.", "source_bytes", LIMITS.source_bytes,
                            [Problem("file too large (source_bytes)", file=file_name)])
    media = media_type_of(file_name, data)
    reader = {PDF: _pdf, DOCX: _docx, HTML: _html}.get(media, _text)
    raw = reader(file_name, data)
    pages = [normalise(p) for p in raw]
    if media not in _PAGED:
        pages = _split(PAGE_JOIN.join(pages))
    _check_size(file_name, pages)
    if not any(pages):
        if media == PDF:
            raise NoText(f"{file_name}: no text found: the PDF looks scanned; run OCR first.",
                         [Problem("no text layer", file=file_name)])
        raise NoText(f"{file_name}: no text found: the file is empty.",
                     [Problem("empty", file=file_name)])
    return Extracted(file_name, media, pages)


def _check_size(name: str, pages: list[str]) -> None:
    if len(pages) > LIMITS.source_pages:
        raise LimitExceeded(f"{name} has {len(pages)} pages; a source may have at most "
                            f"{LIMITS.source_pages}.", "source_pages", LIMITS.source_pages,
                            [Problem("too many pages (source_pages)", file=name)])
    chars = sum(len(p) for p in pages)
    if chars > LIMITS.source_chars:
        raise LimitExceeded(f"{name} has {chars} characters of text; a source may have at most "
                            f"{LIMITS.source_chars}.", "source_chars", LIMITS.source_chars,
                            [Problem("too much text (source_chars)", file=name)])
    for n, page in enumerate(pages, start=1):
        if len(page) > LIMITS.literal_chars:
            raise LimitExceeded(f"Page {n} of {name} has {len(page)} characters; a page may have "
                                f"at most {LIMITS.literal_chars}.", "literal_chars",
                                LIMITS.literal_chars,
                                [Problem("page too long (literal_chars)", file=name,
                                         field=f"page {n}")])


def _split(text: str, size: int | None = None) -> list[str]:
    """A text without pages as parts of at most `size` characters, cut at paragraph breaks
    (or, in a paragraph that long, at a space); the parts rejoin with PAGE_JOIN."""
    size = size or LIMITS.literal_chars
    pages: list[str] = []
    while len(text) > size:
        cut = text.rfind(PAGE_JOIN, 0, size + 1)
        sep = PAGE_JOIN
        if cut <= 0:
            cut, sep = text.rfind(" ", 0, size + 1), " "
        if cut <= 0:
            cut, sep = size, ""
        pages.append(text[:cut])
        text = text[cut + len(sep):]
    return [*pages, text]


def _pdf(name: str, data: bytes) -> list[str]:
    from pypdf import PdfReader

    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise ParseError(name, "not a PDF file (it does not start with %PDF-)",
                         summary=f"Could not read {name}: nothing was added.")
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _decrypts(reader):
                raise ParseError(name, "the PDF is encrypted: save a copy without a password",
                                 summary=f"Could not read {name}: nothing was added.")
            count = len(reader.pages)
            if count > LIMITS.source_pages:
                _check_size(name, [""] * count)
            return [page.extract_text() or "" for page in reader.pages]
    except CmoError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise ParseError(name, f"not a readable PDF ({type(exc).__name__}: {exc})"[:300],
                         summary=f"Could not read {name}: nothing was added.") from exc
    finally:
        quiet.setLevel(level)


def _decrypts(reader: object) -> bool:
    """Whether a PDF opens with the empty password (encrypted only against editing)."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # a cipher pypdf cannot run without extra packages
        return False


_RATIO_FLOOR = 1 << 20


def _unzip_bounded(name: str, data: bytes) -> None:
    """Refuse a Word file that declares more unpacked bytes than `unpacked_bytes`, or a large
    part packed more than `unpacked_ratio` times (zipfile never unpacks past what is declared)."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ParseError(name, f"not a readable Word file ({exc})",
                         summary=f"Could not read {name}: nothing was added.") from exc
    declared = sum(p.file_size for p in parts)
    packed = [p for p in parts if p.file_size > _RATIO_FLOOR
              and p.file_size > LIMITS.unpacked_ratio * max(p.compress_size, 1)]
    if declared > LIMITS.unpacked_bytes or packed:
        limit = "unpacked_bytes" if declared > LIMITS.unpacked_bytes else "unpacked_ratio"
        allowed = int(getattr(LIMITS, limit))
        raise LimitExceeded(f"{name} unpacks to {declared} bytes (a zip bomb?); nothing was "
                            "added.", limit, allowed, [Problem(f"packed too far ({limit})",
                                                               file=name)])


def _docx(name: str, data: bytes) -> list[str]:
    import docx
    from docx.table import Table

    _unzip_bounded(name, data)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks += [" | ".join(cell.text for cell in row.cells) for row in block.rows]
            else:
                blocks.append(block.text)
    except Exception as exc:  # python-docx and lxml raise many kinds of error on a bad file
        raise ParseError(name, f"not a readable Word file ({type(exc).__name__}: {exc})"[:300],
                         summary=f"Could not read {name}: nothing was added.") from exc
    return ["\n\n".join(b for b in blocks if b.strip())]


class _HtmlText(HTMLParser):
    """The visible text of an HTML page, with a line break at each block."""

    SKIP = frozenset({"script", "style", "template", "head", "noscript", "svg", "math",
                      "iframe", "object"})
    BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "tr", "table", "section",
                        "article", "header", "footer", "blockquote", "pre", "h1", "h2", "h3",
                        "h4", "h5", "h6", "dt", "dd", "figcaption", "hr", "main", "aside"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _html(name: str, data: bytes) -> list[str]:
    parser = _HtmlText()
    parser.feed(_decode(name, data))
    parser.close()
    # Inside a block, HTML's line breaks are only spaces.
    blocks = "".join(parser.parts).split("\n\n")
    return ["\n\n".join(" ".join(b.split()) for b in blocks)]


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise ParseError(name, "not a text file (it holds NUL bytes)",
                         summary=f"Could not read {name}: nothing was added.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _text(name: str, data: bytes) -> list[str]:
    return [_decode(name, data)]
