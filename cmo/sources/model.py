"""What the source functions give back: documents, pages, anchoring reports, quote checks."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class Page(BaseModel):
    """One page of a source's normalised text: its number, its place in the whole text, its
    text (left out of lists)."""

    number: int = Field(ge=1)
    start: int = Field(ge=0, description="where the page begins in the source's text")
    end: int = Field(ge=0, description="where it ends (exclusive)")
    text: str | None = None


class Source(BaseModel):
    """A document of a study whose text quotes are anchored in."""

    id: str
    study: str = Field(description="key of the study")
    file_name: str
    media_type: str
    sha256: str
    page_count: int
    chars: int = Field(description="code points in its normalised text")
    added: datetime | None = None
    pages: list[Page] = Field(default_factory=list)


class Passage(BaseModel):
    """A passage of a source: its place, page and text; `similarity` for a closest passage."""

    source: str
    page: int
    start: int
    end: int
    text: str
    similarity: float | None = None


QuoteStatus = Literal["anchored", "moved", "not_found", "no_source"]


class QuoteCheck(BaseModel):
    """One quote, checked against its study's sources."""

    cmoc: str
    evidence: int = Field(description="which of the CMOc's evidence items (from 1)")
    quote: str
    study: str | None = None
    status: QuoteStatus
    anchor: Passage | None = Field(default=None, description="where it is anchored now")
    found: Passage | None = Field(default=None, description="where it is in fact (moved)")
    closest: Passage | None = Field(default=None, description="the nearest passage (not_found)")
    candidates: list[Passage] = Field(default_factory=list, description=(
        "every place it occurs, when it occurs more than once (it cannot be anchored by its "
        "words alone)"))


class QuotesReport(BaseModel):
    """Every quote checked, how many in each class, and how many were (re-)anchored."""

    quotes: list[QuoteCheck]
    counts: dict[str, int]
    fixed: int = 0

    def summary(self) -> str:
        """One line: how many quotes are in each class."""
        c = self.counts
        return (f"{len(self.quotes)} quotes: {c.get('anchored', 0)} anchored, "
                f"{c.get('moved', 0)} moved, {c.get('not_found', 0)} not found, "
                f"{c.get('no_source', 0)} without a source" +
                (f"; {self.fixed} re-anchored" if self.fixed else ""))


class AnchorReport(BaseModel):
    """What adding a source did to its study's quotes that had no anchor yet."""

    source: Source
    anchored: int
    total: int
    not_found: list[QuoteCheck] = Field(default_factory=list, description=(
        "the quotes left unanchored: not in the source (with the closest passage), or in it "
        "more than once (with each place)"))

    def summary(self) -> str:
        """'anchored 41 of 43 quotes; not found: c12 (closest, p. 4, 0.82: "...")'."""
        line = f"anchored {self.anchored} of {self.total} quotes"
        missing = [q for q in self.not_found if not q.candidates]
        twice = [q for q in self.not_found if q.candidates]
        if missing:
            line += "; not found: " + ", ".join(_missing(q) for q in missing)
        if twice:
            line += "; found more than once: " + ", ".join(_missing(q) for q in twice)
        return line


def _missing(q: QuoteCheck) -> str:
    if q.candidates:
        pages = ", ".join(str(c.page) for c in q.candidates)
        return f"{q.cmoc} (pp. {pages})"
    if q.closest is None:
        return f"{q.cmoc} (nothing alike)"
    text = q.closest.text if len(q.closest.text) <= 60 else q.closest.text[:57] + "..."
    return f'{q.cmoc} (closest, p. {q.closest.page}, {q.closest.similarity:.2f}: "{text}")'
