"""Positions of a REFI-QDA selection, converted to ours (code points of the normalised text).

Tools disagree on what `startPosition` and `endPosition` count, so a position is first turned
into a code point of the plain text as the project holds it (its `.txt`, byte-order mark
dropped), then into a code point of that text once normalised (`cmo.sources.normalise`):

- **NVivo** counts UTF-16 code units: a character outside the Basic Multilingual Plane (an
  emoji) counts twice. A CR LF counts twice.
- **ATLAS.ti** and **MAXQDA** count a CR LF line end as one character (QualCoder adds or drops
  the CR for them); characters are code points.
- Everyone else (QualCoder, realist-kg, unknown) counts code points, CR LF as two.

The second step marks each boundary with a private-use character, normalises the text once and
reads where the marks landed; where a mark would change the normalised text (it sits in a run of
white space being folded, or inside a hyphenated line break), the passage is looked for in the
normalised text instead, nearest the place the marks suggest.

>>> Counting.of("NVivo 14").units("a😀b")
[0, 1, 3, 4]
>>> Counting.of("ATLAS.ti 23").units("a\\r\\nb")
[0, 1, 1, 2, 3]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate
from operator import add

from cmo.sources.normalise import MatchText, normalise, normalise_quote

_MARK = "\ue000"  # a private-use character: NFC leaves it, no tool writes it in prose
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")


@dataclass(frozen=True)
class Counting:
    """What one unit of a position is, in the project's plain text."""

    utf16: bool = False
    crlf_as_one: bool = False

    @classmethod
    def of(cls, origin: str | None) -> Counting:
        """How the tool named by `Project/@origin` counts (see the module docstring)."""
        name = (origin or "").lower()
        if "nvivo" in name:
            return cls(utf16=True)
        if "atlas" in name or "maxqda" in name:
            return cls(crlf_as_one=True)
        return cls()

    def units(self, raw: str) -> list[int]:
        """For each code point of `raw` (and its end), the unit it starts at."""
        shifts = [(m.end(), 1) for m in _ASTRAL.finditer(raw)] if self.utf16 else []
        if self.crlf_as_one:
            shifts += [(m.start() + 1, -1) for m in _CRLF.finditer(raw)]
        if not shifts:
            return list(range(len(raw) + 1))
        extra = [0] * (len(raw) + 1)
        for at, by in shifts:
            extra[at] += by
        return list(map(add, range(len(raw) + 1), accumulate(extra)))

    def code_point(self, units: list[int], position: int, raw: str) -> int | None:
        """The code point of `raw` a unit position names (one between a CR and its LF is
        taken as the CR's); None past the end."""
        if position < 0 or position > units[-1]:
            return None
        at = bisect_left(units, position)
        return at - 1 if 0 < at < len(raw) and raw[at] == "\n" and raw[at - 1] == "\r" else at


def normalised_positions(raw: str, points: list[int]) -> tuple[str, dict[int, int] | None]:
    """The normalised text, and where each of `points` (code points of `raw`) lands in it;
    None when marking the points would change the text (then look the passages up)."""
    text = normalise(raw)
    wanted = sorted(set(points))
    marked = "".join(raw[a:b] + _MARK for a, b in zip([0, *wanted], wanted, strict=False))
    marked += raw[wanted[-1]:] if wanted else raw
    out = normalise(marked)
    if out.replace(_MARK, "") != text or out.count(_MARK) != len(wanted):
        return text, None
    found, at = {}, -1
    for seen, point in enumerate(wanted):
        at = out.find(_MARK, at + 1)
        found[point] = at - seen
    return text, found


def look_up(text: str, match: MatchText, passage: str, near: int) -> tuple[int, int] | None:
    """The place of `passage` (raw) in the normalised `text` nearest `near`, or None."""
    places = match.find_all(normalise_quote(passage))
    if not places:
        return None
    return min(places, key=lambda p: abs(p[0] - near))
