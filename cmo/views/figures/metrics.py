"""How wide a line of text is in DejaVu Sans, without a font engine: a table of advance widths.

The widths (in thousandths of an em, U+0020 to U+024F and common punctuation) were measured with
cairo from DejaVu Sans Book, the first font the figures ask for; the other fonts of the stack are
narrower, so a box sized from this table holds the text in any of them. Bold runs about 15%
wider. A character outside the table counts as one em when it is East Asian wide, none when it
combines, and 0.65 em otherwise.

>>> round(text_width("breastfeeding duration", 14))
161
>>> wrap("support feels relevant to people's lives", 120, 14)
['support feels', 'relevant to', "people's lives"]
"""

from __future__ import annotations

import unicodedata

_FIRST = 0x20
_WIDTHS = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 "
    "636 636 636 636 636 636 636 636 636 636 337 337 838 838 838 531 "
    "1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 "
    "603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 "
    "500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 "
    "635 635 411 521 392 634 592 818 592 592 525 636 337 636 838 600 "
    "600 600 600 600 600 600 600 600 600 600 600 600 600 600 600 600 "
    "600 600 600 600 600 600 600 600 600 600 600 600 600 600 600 600 "
    "318 401 636 636 636 636 337 500 500 1000 471 612 838 361 1000 500 "
    "500 838 401 401 500 636 636 318 500 401 471 612 969 969 969 531 "
    "684 684 684 684 684 684 974 698 632 632 632 632 295 295 295 295 "
    "775 748 787 787 787 787 787 838 787 732 732 732 732 611 605 630 "
    "613 613 613 613 613 613 982 550 615 615 615 615 278 278 278 278 "
    "612 634 612 612 612 612 612 838 612 634 634 634 634 592 635 592 "
    "684 613 684 613 684 613 698 550 698 550 698 550 698 550 770 635 "
    "775 635 632 615 632 615 632 615 632 615 632 615 775 635 775 635 "
    "775 635 775 635 752 634 916 695 295 278 295 278 295 278 295 278 "
    "295 278 590 556 295 278 656 579 579 557 278 557 278 557 375 557 "
    "342 562 284 748 634 748 634 748 634 813 748 634 787 612 787 612 "
    "787 612 1070 1023 695 411 695 411 695 411 635 521 635 521 635 521 "
    "635 521 611 392 611 392 611 392 732 634 732 634 732 634 732 634 "
    "732 634 732 634 989 818 611 592 611 685 525 685 525 685 525 352 "
    "635 735 686 635 686 635 703 698 550 775 819 686 635 612 632 787 "
    "614 575 352 775 687 984 354 295 746 579 278 592 974 748 634 787 "
    "913 612 949 759 652 635 695 635 521 632 336 392 611 392 611 858 "
    "634 764 721 744 730 685 525 666 666 578 525 636 666 578 510 635 "
    "295 492 459 295 1422 1299 1154 835 787 457 931 924 797 684 613 295 "
    "278 787 612 732 634 732 634 732 634 732 634 732 634 615 684 613 "
    "684 613 974 982 775 635 775 635 656 579 787 612 787 612 666 578 "
    "278 1422 1299 1154 775 635 1113 682 748 634 684 613 974 982 787 612 "
    "684 613 684 613 632 615 632 615 295 278 295 278 787 612 787 612 "
    "695 411 695 411 732 634 732 634 635 521 611 392 627 521 752 634 "
    "735 838 698 610 685 525 684 613 632 615 787 612 787 612 787 612 "
    "787 612 611 592 475 843 477 278 998 998 684 698 550 557 611 521 "
    "525 603 479 686 732 684 632 615 295 278 781 635 695 411 611 592 "
)
_ADVANCE = tuple(int(w) for w in _WIDTHS.split(" ") if w)
_EXTRA = {"\u2013": 500, "\u2014": 1000, "\u2018": 318, "\u2019": 318, "\u201c": 518,
          "\u201d": 518, "\u2026": 1000, "\u2022": 590, "\u2192": 838, "\u00b7": 318,
          "\u2212": 838, "\u2264": 838, "\u2265": 838, "\u00d7": 838, "\ufffd": 1025}
BOLD = 1.15
ELLIPSIS = "\u2026"


def _advance(ch: str) -> int:
    code = ord(ch) - _FIRST
    if 0 <= code < len(_ADVANCE):
        return _ADVANCE[code]
    if ch in _EXTRA:
        return _EXTRA[ch]
    if unicodedata.combining(ch):
        return 0
    return 1000 if unicodedata.east_asian_width(ch) in ("W", "F") else 650


def text_width(text: str, font_px: float, *, bold: bool = False) -> float:
    """The width of `text` set in `font_px` DejaVu Sans, in px."""
    return sum(_advance(ch) for ch in text) * font_px / 1000 * (BOLD if bold else 1.0)


def _cut(word: str, max_px: float, font_px: float, bold: bool) -> tuple[str, str]:
    """The longest head of `word` that fits `max_px` (at least one character), and the rest."""
    used, end = 0.0, 0
    for end, ch in enumerate(word):  # noqa: B007 - `end` is read after the loop
        used += _advance(ch) * font_px / 1000 * (BOLD if bold else 1.0)
        if used > max_px:
            break
    else:
        return word, ""
    end = max(1, end)
    return word[:end], word[end:]


def wrap(text: str, max_px: float, font_px: float, *, max_lines: int = 4,
         bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `max_px` (at spaces; a longer word is cut), at most
    `max_lines` of them, the last ending in an ellipsis when text was left out."""
    lines: list[str] = []
    words = text.split()
    current = ""
    while words and len(lines) < max_lines:
        word = words[0]
        trial = f"{current} {word}" if current else word
        if text_width(trial, font_px, bold=bold) <= max_px:
            current = trial
            words.pop(0)
        elif current:
            lines.append(current)
            current = ""
        else:
            head, rest = _cut(word, max_px, font_px, bold)
            lines.append(head)
            words[0:1] = [rest] if rest else []
    if current and len(lines) < max_lines:
        lines.append(current)
        current = ""
    if words or current:
        lines[-1] = _with_ellipsis(lines[-1], max_px, font_px, bold)
    return lines or [""]


def balanced(text: str, max_px: float, font_px: float, *, max_lines: int = 4) -> list[str]:
    """`wrap`, with the lines made as even as their number allows (the narrowest width that
    still needs no more lines)."""
    lines = wrap(text, max_px, font_px, max_lines=max_lines)
    if len(lines) < 2 or lines[-1].endswith(ELLIPSIS):
        return lines
    low, high = max_px / len(lines), max_px
    for _ in range(8):
        mid = (low + high) / 2
        trial = wrap(text, mid, font_px, max_lines=max_lines)
        if len(trial) <= len(lines) and not trial[-1].endswith(ELLIPSIS):
            high, lines = mid, trial
        else:
            low = mid
    return lines


def _with_ellipsis(line: str, max_px: float, font_px: float, bold: bool) -> str:
    room = max_px - text_width(ELLIPSIS, font_px, bold=bold)
    while line and text_width(line, font_px, bold=bold) > room:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS
