"""Filter values checked against what the asked reviews hold, so that none answers emptily.

A design, confidence or direction outside its fixed set is refused where the filter is made
(`cmo.model.records.choose`); a programme theory is a name in the data, so it is checked here,
against the theories of the reviews asked, before any question counts.
"""

from __future__ import annotations

from collections.abc import Sequence

from cmo.errors import UnknownValue
from cmo.model.ids import normalise_label
from cmo.model.vocabulary import closest
from cmo.review.index import ReviewIndex

_LISTED = 50


def check_theory(indexes: Sequence[ReviewIndex], theory: str | None) -> None:
    """UnknownValue (with the closest ids and labels) unless `theory` is the id or label of a
    programme theory in one of these reviews."""
    if theory is None:
        return
    names = dict.fromkeys(name for ix in indexes for theory_id, label, _ in ix.theories.values()
                          for name in (theory_id, label))
    wanted = normalise_label(theory)
    if any(normalise_label(name) == wanted for name in names):
        return
    raise UnknownValue("theory", theory, closest(theory, names),
                       sorted(names, key=str.casefold)[:_LISTED])
