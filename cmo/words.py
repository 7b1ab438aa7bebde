"""How counts are written for people: ``1 study``, ``3 studies``, ``1 CMOc``, ``2 CMOcs``.

>>> counted(1, "study"), counted(3, "study"), counted(0, "CMOc"), counted(2, "row")
('1 study', '3 studies', '0 CMOcs', '2 rows')
>>> counted(2, "person", "people")
'2 people'
"""

from __future__ import annotations


def plural(word: str) -> str:
    """The plural of a regular noun: ``study`` -> ``studies``, ``CMOc`` -> ``CMOcs``."""
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def counted(n: int, word: str, many: str | None = None) -> str:
    """`n` and the word, singular for exactly one: ``counted(3, "study")`` is ``3 studies``."""
    return f"{n} {word if n == 1 else many or plural(word)}"
