"""Finding a quote in a source's text: by its place, by its words, or the closest passage.

A quote is matched against the text with white space runs collapsed (`MatchText`), so line
breaks never stop a match; case and every other character must agree. When the words occur more
than once, the prefix and suffix (the words around the quote) choose; when they cannot, the
quote is ambiguous. A quote that is not there gets the closest passage: places where words start
as the quote's words do are found through an index of the text, and the best one is
scored with `difflib` (1.0 is the same text).

>>> text = SourceText("s1", ["Women valued help.", "Women valued help at home."])
>>> [(p.page, p.start, p.end) for p in text.find("Women valued help")]
[(1, 0, 17), (2, 20, 37)]
>>> text.locate("Women valued help", suffix=" at home").page
2
>>> round(text.closest("Women valued hope at home").similarity, 2)
0.9
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from cmo.errors import AmbiguousQuote, InvalidInput, Problem, QuoteNotFound
from cmo.sources.normalise import PAGE_BREAK, MatchText, collapse, normalise_quote

#: Characters of text kept as a quote's prefix and suffix.
CONTEXT_CHARS = 32
_GRAM = 5
_WORD_START = re.compile(r"(?<!\S)\S")
_MAX_HITS = 64
_CANDIDATES = 3
_WORD = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?\"'()[]{}“”‘’«»…"


@dataclass(frozen=True)
class Place:
    """Where a passage is in a source: code points of its normalised text (end exclusive)."""

    source: str
    start: int
    end: int
    page: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Closest:
    """The passage most like a quote that is not in the source, and how alike they are (0-1)."""

    page: int
    start: int
    end: int
    passage: str
    similarity: float

    def describe(self) -> str:
        """'p. 4, 0.82: "..."', as reports show it."""
        shown = self.passage if len(self.passage) <= 80 else self.passage[:77] + "..."
        return f'p. {self.page}, {self.similarity:.2f}: "{shown}"'


@dataclass
class SourceText:
    """A source's normalised text, page by page, with what matching needs built once."""

    id: str
    pages: list[str]
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        at, self.starts = 0, []
        for page in self.pages:
            self.starts.append(at)
            at += len(page) + len(PAGE_BREAK)
        self.text = PAGE_BREAK.join(self.pages)
        self._match: MatchText | None = None
        self._grams: dict[str, list[int]] | None = None

    @property
    def match(self) -> MatchText:
        """The text as matched (white space runs collapsed)."""
        if self._match is None:
            self._match = MatchText(self.text)
        return self._match

    def page_of(self, position: int) -> int:
        """The page (from 1) that holds a position of the text."""
        return max(1, bisect_right(self.starts, position))

    def place(self, start: int, end: int) -> Place:
        """The passage at a place; InvalidInput when the place is not in the text."""
        if not 0 <= start < end <= len(self.text):
            raise InvalidInput(f"Source {self.id!r} has no passage at {start}-{end}.", [Problem(
                field="start", reason=f"0 <= start < end <= {len(self.text)} (its length)")])
        return Place(self.id, start, end, self.page_of(start), self.text[start:end],
                     self.text[max(0, start - CONTEXT_CHARS):start],
                     self.text[end:end + CONTEXT_CHARS])

    def matches_at(self, quote: str, start: int, end: int) -> bool:
        """Whether the quote is the passage at start-end (white space aside)."""
        return 0 <= start < end <= len(self.text) and collapse(
            self.text[start:end]) == normalise_quote(quote)

    def find(self, quote: str) -> list[Place]:
        """Every place where the quote occurs."""
        return [self.place(s, e) for s, e in self.match.find_all(normalise_quote(quote))]

    def locate(self, quote: str, prefix: str | None = None, suffix: str | None = None) -> Place:
        """The one place of a quote, told apart by prefix and suffix when it occurs more than
        once; QuoteNotFound (with the closest passage) or AmbiguousQuote otherwise."""
        found = self.find(quote)
        if not found:
            closest = self.closest(quote)
            where = f" The closest passage is {closest.describe()}." if closest else ""
            raise QuoteNotFound(f"The quote is not in source {self.id!r}.{where}",
                                _as_dict(closest), [Problem(field="quote", reason=(
                                    "not found in the source's text" + (
                                        f"; closest {closest.describe()}" if closest else "")))])
        if len(found) == 1:
            return found[0]
        best = _by_context(found, prefix, suffix)
        if best is None:
            pages = sorted({p.page for p in found})
            raise AmbiguousQuote(
                f"The quote occurs {len(found)} times in source {self.id!r} (pages "
                f"{', '.join(map(str, pages))}); give a prefix or suffix, or start and end.",
                [{"start": p.start, "end": p.end, "page": p.page} for p in found],
                [Problem(field="quote", reason="occurs more than once; add prefix or suffix")])
        return best

    def closest(self, quote: str) -> Closest | None:
        """The passage most like the quote (None when nothing is alike at all)."""
        wanted = normalise_quote(quote).lower()
        haystack = self.match.folded()
        if not wanted or not haystack:
            return None
        votes: Counter[int] = Counter()
        grams = self._gram_index()
        for m in _WORD_START.finditer(wanted):
            i = m.start()
            for at in grams.get(wanted[i:i + _GRAM], ())[:_MAX_HITS]:
                votes[max(0, at - i)] += 1
        if not votes:
            return None
        best: tuple[float, int, int] | None = None
        for around, _ in votes.most_common(_CANDIDATES):
            scored = _align(wanted, haystack, around)
            if scored and (best is None or scored[0] > best[0]):
                best = scored
        if best is None:
            return None
        _, lo, hi = best
        start, end = self.match.span(lo, hi)
        passage = collapse(self.text[start:end])
        ratio = difflib.SequenceMatcher(None, wanted, passage.lower(), autojunk=False).ratio()
        return Closest(self.page_of(start), start, end, passage, round(ratio, 2))

    def _gram_index(self) -> dict[str, list[int]]:
        if self._grams is None:
            # Runs of characters at the start of each word: a quote's words vote for the places
            # where the same words start.
            folded = self.match.folded()
            grams: defaultdict[str, list[int]] = defaultdict(list)
            for m in _WORD_START.finditer(folded):
                grams[folded[m.start():m.start() + _GRAM]].append(m.start())
            self._grams = grams
        return self._grams


def _align(wanted: str, haystack: str, around: int) -> tuple[float, int, int] | None:
    """The passage of whole words starting near `around` in `haystack` that best lines up with
    `wanted`, word by word: (share of the words matched, start, end). Words keep difflib fast
    (a quote is some 30 words, but 200 characters)."""
    slack = 8 + len(wanted) // 10
    lo = max(0, around - slack)
    spans = [m.span() for m in _WORD.finditer(haystack, lo, around + len(wanted) + slack)]
    words = [haystack[a:b].strip(_PUNCTUATION) for a, b in spans]
    want = [w.strip(_PUNCTUATION) for w in wanted.split()]
    matcher = difflib.SequenceMatcher(None, want, words, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    first, last = blocks[0].b, blocks[-1].b + blocks[-1].size - 1
    matched = sum(b.size for b in blocks)
    return 2 * matched / (len(want) + last - first + 1), spans[first][0], spans[last][1]


def _shared_tail(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _by_context(found: list[Place], prefix: str | None, suffix: str | None) -> Place | None:
    """The one place whose surroundings agree best with the prefix and suffix, if one does."""
    if not prefix and not suffix:
        return None
    want_before, want_after = normalise_quote(prefix or ""), normalise_quote(suffix or "")

    def score(p: Place) -> int:
        before, after = collapse(p.prefix), collapse(p.suffix)
        return (_shared_tail(before, want_before) if want_before else 0) + (
            len(_common_head(after, want_after)) if want_after else 0)

    scores = sorted(((score(p), p.start) for p in found), reverse=True)
    if scores[0][0] == 0 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return next(p for p in found if p.start == scores[0][1])


def _common_head(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _as_dict(closest: Closest | None) -> dict[str, object] | None:
    if closest is None:
        return None
    return {"page": closest.page, "start": closest.start, "end": closest.end,
            "passage": closest.passage, "similarity": closest.similarity}
