"""The canonical text of a source, and matching quotes in it (the rules in docs/sources.md).

Every text a quote is anchored in, and every quote looked for in it, goes through `normalise`:
Unicode NFC; ligatures (ﬁ, ﬂ, ...) expanded; soft hyphens dropped; a word broken by a hyphen at a
line end joined again (when the next line goes on in lower case); line ends made ``\\n``; runs of
spaces and tabs made one space; at most one blank line in a row; no spaces at line ends. Positions
(`start`, `end`, end exclusive) count Unicode code points in that text.

Matching also treats every run of white space (line breaks included) as one space, so a quote
copied from a PDF reader with its line breaks, or typed on one line, is found the same way.

>>> normalise("The ﬁrst peer sup-\\nporters  were\\r\\nmothers.")
'The first peer supporters were\\nmothers.'
>>> m = MatchText("Peer\\n\\nsupport works.")
>>> m.find_all(normalise_quote("peer support"), ignore_case=True)
[(0, 13)]
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

#: Ligatures found in PDF text layers, and what they stand for.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
             "\ufb05": "st", "\ufb06": "st", "\u0132": "IJ", "\u0133": "ij", "\u0152": "OE",
             "\u0153": "oe"}
_LIGATURE = re.compile("[" + "".join(LIGATURES) + "]")
_LINE_ENDS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Control characters (a PDF's text layer holds NULs and the like) other than tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]")
_SOFT_HYPHEN = "\u00ad"
_HYPHENATED = re.compile(r"(?<=[^\W\d_])[-\u2010][ \t]*\n[ \t]*(?=[^\W\d_])")
_SPACES = re.compile(r"[^\S\n]+")
_AROUND_NEWLINE = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
_WHITE = re.compile(r"\s+")
_LONG_WHITE = re.compile(r"\s{2,}")
#: What joins the pages of a source into one text (so positions run over the whole source).
PAGE_BREAK = "\n\n"


def _join_hyphen(match: re.Match[str]) -> str:
    after = match.string[match.end()]
    return "" if after.islower() else match.group(0)


def normalise(text: str) -> str:
    """The canonical form of a text (module docstring): what is stored and anchored in."""
    text = unicodedata.normalize("NFC", text)
    text = _LIGATURE.sub(lambda m: LIGATURES[m.group(0)], text)
    text = text.replace(_SOFT_HYPHEN + "\n", "").replace(_SOFT_HYPHEN, "")
    text = _CONTROLS.sub("", _LINE_ENDS.sub("\n", text))
    text = text.replace("\t", " ")
    # Lone surrogates (from a broken text layer) cannot be stored: make them U+FFFD.
    text = text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text
    text = _AROUND_NEWLINE.sub("\n", _SPACES.sub(" ", text))
    text = _HYPHENATED.sub(_join_hyphen, text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def normalise_quote(quote: str) -> str:
    """A quote (or prefix, suffix) as it is matched: normalised, white space runs as one space."""
    return _WHITE.sub(" ", normalise(quote)).strip()


def collapse(text: str) -> str:
    """Runs of white space as one space (for comparing two canonical texts)."""
    return _WHITE.sub(" ", text).strip()


class MatchText:
    """A canonical text with its white space runs collapsed, and the way back to positions in it.

    Only runs longer than one character change the length, so the map is a short list of
    (position in the collapsed text, shift) pairs: a paragraph or page break is one entry.
    """

    def __init__(self, canonical: str) -> None:
        self.canonical = canonical
        self._starts: list[int] = []
        self._shifts: list[int] = []
        shift = 0
        for m in _LONG_WHITE.finditer(canonical):
            shift += m.end() - m.start() - 1
            self._starts.append(m.end() - shift)
            self._shifts.append(shift)
        #: The text as matched: every run of white space one space.
        self.text = _WHITE.sub(" ", canonical)
        self._folded: str | None = None

    def to_canonical(self, position: int) -> int:
        """The canonical position of a position in the collapsed text."""
        n = bisect_right(self._starts, position)
        return position + (self._shifts[n - 1] if n else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The canonical span (end exclusive) of a span of the collapsed text."""
        if end <= start:
            return self.to_canonical(start), self.to_canonical(start)
        return self.to_canonical(start), self.to_canonical(end - 1) + 1

    def folded(self) -> str:
        """The collapsed text in lower case, position for position (for case-blind search)."""
        if self._folded is None:
            lower = self.text.lower()
            # A few letters (İ) lower to two characters; only then go letter by letter.
            self._folded = lower if len(lower) == len(self.text) else "".join(
                ch.lower() if len(ch.lower()) == 1 else ch for ch in self.text)
        return self._folded

    def find_all(self, quote: str, *, ignore_case: bool = False) -> list[tuple[int, int]]:
        """Every place (canonical start, end) where the collapsed `quote` occurs."""
        if not quote:
            return []
        haystack = self.folded() if ignore_case else self.text
        needle = quote.lower() if ignore_case else quote
        out, at = [], haystack.find(needle)
        while at != -1:
            out.append(self.span(at, at + len(needle)))
            at = haystack.find(needle, at + 1)
        return out
