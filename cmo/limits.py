"""The caps that keep one request from costing the service more than it is worth.

Each cap is named; a refusal (`cmo.errors.LimitExceeded`) carries the name and the value, and
`docs/limits.md` lists them with the reason for each. The values are generous for real reviews
(the seed review's longest quote is under 600 characters) and small enough that the worst input
under them is answered in well under a second.

>>> LIMITS.query_chars
20000
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Every cap on input size, length and depth, in one place."""

    #: Characters in a SPARQL query sent to /sparql.
    query_chars: int = 20_000
    #: Words and symbols in a SPARQL query (parsing time grows with them).
    query_tokens: int = 5_000
    #: Nesting of brackets ({ ( [ and << in SPARQL, Turtle and TriG; { [ in JSON and JSON-LD).
    nesting: int = 64
    #: A run of unary operators (! - + ^) in a SPARQL query.
    unary_run: int = 16
    #: Characters in a label: concept labels and synonyms, study keys, titles.
    label_chars: int = 500
    #: Characters in a free text: a quote, notes, a definition, a statement, a resource.
    text_chars: int = 100_000
    #: Characters in any one literal of an imported RDF file.
    literal_chars: int = 100_000
    #: Items in one list of a CMOc: contexts, outcomes, studies, evidence, theories, leads_to.
    list_items: int = 200
    #: CMOc ids in one bulk link to a theory version (a filter may select any number).
    bulk_cmocs: int = 10_000
    #: Data rows in one extraction sheet or concept sheet.
    sheet_rows: int = 200_000
    #: Cells (rows × columns) in one sheet.
    sheet_cells: int = 5_000_000
    #: Bytes in one source document (a study's PDF, Word, HTML or text file).
    source_bytes: int = 50 * 1024 * 1024
    #: Pages in one source document.
    source_pages: int = 5_000
    #: Characters of text in one source document, once extracted.
    source_chars: int = 5_000_000
    #: Bytes an XLSX workbook or a Word document may unpack to.
    unpacked_bytes: int = 200 * 1024 * 1024
    #: How many times its packed size a part of an XLSX or Word file over 1 MiB may unpack to.
    unpacked_ratio: int = 100
    #: Share links (`cmo.review.shares`) one review may hold at once.
    shares_per_review: int = 100
    #: Days a share link may last.
    share_days: int = 365
    #: Least width or height of a figure, in px.
    figure_px_min: int = 200
    #: Greatest width or height of a figure, in px.
    figure_px_max: int = 10_000
    #: Pixels (width × height) in one PNG figure.
    figure_pixels: int = 25_000_000
    #: Least text size of a figure, in px.
    figure_font_min: int = 6
    #: Greatest text size of a figure, in px.
    figure_font_max: int = 48
    #: Files in one REFI-QDA project (.qdpx): its sources, notes and project.qde.
    archive_entries: int = 10_000


LIMITS = Limits()
