"""A project's sources as realist-kg sources: their normalised text and each passage's place.

The text of a `TextSource` (or of a PDF's `Representation`) is its `internal://` plain-text
file, or its `PlainTextContent`. It is read as UTF-8 (a byte-order mark is dropped; QualCoder
writes one), or as Windows-1252 when it is not UTF-8, then normalised and cut into pages as
any text source is (`docs/sources.md`). Each selection's positions are converted as
`offsets` says; a selection outside the text is refused, naming its GUID.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cmo.errors import InvalidInput, NoText, ParseError, Problem
from cmo.interchange.qdpx.archive import Archive
from cmo.interchange.qdpx.offsets import Counting, look_up, normalised_positions
from cmo.interchange.qdpx.project import Selection, TextDoc
from cmo.limits import LIMITS
from cmo.sources.extract import Extracted, clean_file_name, extract
from cmo.sources.matching import Place, SourceText
from cmo.sources.normalise import PAGE_BREAK

_PLAIN = "text/plain"


@dataclass
class Text:
    """A source ready to store: its id, digest, document and text, and its passages' places
    (None for a passage that is only white space once normalised)."""

    doc: TextDoc
    source_id: str
    sha256: str
    extracted: Extracted
    text: SourceText
    places: dict[str, Place | None]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _raw(archive: Archive, doc: TextDoc) -> bytes:
    if doc.path:
        return archive.source(doc.path, doc.guid)
    if doc.content is not None:
        return doc.content.encode("utf-8")
    raise ParseError(archive.name, f"source {doc.guid} ({doc.name}) has neither a "
                     "plainTextPath nor PlainTextContent")


def read_text(archive: Archive, doc: TextDoc, counting: Counting) -> Text:
    """The source `doc` as realist-kg stores it, and where each of its selections lies."""
    data = _raw(archive, doc)
    raw = _decode(data)
    units = counting.units(raw)
    spans: dict[str, tuple[int, int]] = {}
    problems = []
    for sel in doc.selections:
        a = counting.code_point(units, sel.start, raw)
        b = counting.code_point(units, sel.end, raw)
        if a is None or b is None or a >= b:
            problems.append(Problem(
                f"selection {sel.guid}: {sel.start}-{sel.end} is outside the text of source "
                f"{doc.guid} ({doc.name}, {units[-1]} characters) or empty",
                field="PlainTextSelection", file=archive.name))
        else:
            spans[sel.guid] = (a, b)
    if problems:
        raise InvalidInput(f"{archive.name}: {len(problems)} selection(s) outside their "
                           "source's text; nothing was imported.", problems)
    canonical, found = normalised_positions(raw, [p for s in spans.values() for p in s])
    if 0 < len(canonical) <= LIMITS.literal_chars:  # one page: no need to cut it
        extracted = Extracted(doc.name, _PLAIN, [canonical])
    else:
        try:
            extracted = extract(clean_file_name(doc.name) + ".txt", canonical.encode("utf-8"))
        except NoText as exc:
            raise NoText(f"source {doc.guid} ({doc.name}): {exc.summary}",
                         exc.problems) from None
        if PAGE_BREAK.join(extracted.pages) != canonical:
            found = None
    sha = hashlib.sha256(data).hexdigest()
    source_id = hashlib.sha256(data + doc.guid.encode()).hexdigest()[:12]
    text = SourceText(source_id, extracted.pages)
    places = {sel.guid: _place(text, raw, spans[sel.guid], found, archive.name, doc, sel)
              for sel in doc.selections}
    return Text(doc, source_id, sha, Extracted(clean_file_name(doc.name), _PLAIN,
                                               extracted.pages), text, places)


def _place(text: SourceText, raw: str, span: tuple[int, int], found: dict[int, int] | None,
           name: str, doc: TextDoc, sel: Selection) -> Place | None:
    a, b = span
    if found is not None:
        start, end = found[a], found[b]
    else:
        near = round(a * len(text.text) / max(len(raw), 1))
        hit = look_up(text.text, text.match, raw[a:b], near)
        if hit is None:
            if not raw[a:b].strip():
                return None
            raise InvalidInput(f"{name}: selection {sel.guid} cannot be placed in the "
                               "normalised text of its source; nothing was imported.", [Problem(
                                   f"selection {sel.guid} of source {doc.guid}: "
                                   f"{raw[a:b][:60]!r} not found", field="PlainTextSelection",
                                   file=name)])
        start, end = hit
    return text.place(start, end) if start < end else None
