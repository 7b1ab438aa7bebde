"""A study's appraisal in the extraction sheet: the columns `study_relevance`, `study_richness`,
`study_rigour` and their `…_rationale`, read and checked, and turned into appraisals.

>>> problems = []
>>> level(lambda column, why: problems.append((column, why)), "study_rigour", "rigour", "hgh")
>>> problems
[('study_rigour', "unknown value 'hgh' (did you mean 'high'?); use one of: high, moderate, low")]
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pyoxigraph import Triple

from cmo.errors import UnknownValue
from cmo.model.appraisal import Relevance, Richness, Rigour
from cmo.model.records import Words, choose
from cmo.rdf.appraisals import appraisal_triples
from cmo.rdf.provenance import current_agent
from cmo.review.index import ReviewIndex

#: Column -> key in a row's study metadata: each aspect's level and its rationale.
APPRAISAL_COLUMNS = {f"study_{aspect}{part}": f"{aspect}{part}"
                     for aspect in ("relevance", "richness", "rigour")
                     for part in ("", "_rationale")}
LEVELS: dict[str, type[Words]] = {"relevance": Relevance, "richness": Richness,
                                  "rigour": Rigour}


def level(problem: Callable[[str, str], None], column: str, aspect: str,
          value: str) -> str | None:
    """An appraisal level's token (any case); a problem naming the closest if none fits."""
    try:
        return choose(LEVELS[aspect], aspect, value).value
    except UnknownValue as exc:
        near = (f" (did you mean {' or '.join(map(repr, exc.suggestions))}?)"
                if exc.suggestions else "")
        problem(column, f"unknown value {value!r}{near}; use one of: {', '.join(exc.allowed)}")
        return None


def lone_rationales(get: Callable[[str], str], problem: Callable[[str, str], None]) -> None:
    """A problem for each rationale given without the level it explains."""
    for aspect in LEVELS:
        if get(f"study_{aspect}_rationale") and not get(f"study_{aspect}"):
            problem(f"study_{aspect}_rationale",
                    f"a rationale needs the level it explains in study_{aspect}")


def appraisal_from_sheet(study: str, judged: dict[str, str], stored: ReviewIndex | None,
                         problem: Callable[[str, str], None]) -> list[Triple]:
    """The appraisals a sheet gives a study: a level not judged yet is added (attributed to
    whoever imports); one that differs from the stored level is a problem, as other study
    metadata that disagrees."""
    now, who, out = datetime.now(UTC), current_agent(), []
    for aspect in LEVELS:
        given = judged.get(aspect)
        was = stored.level(study, aspect) if stored is not None and given else None
        if given is None:
            continue
        if was is not None and was != given:
            problem(f"study_{aspect}", f"{given!r} differs from the stored {was!r}")
        elif was is None:
            out += appraisal_triples(study, aspect, given, judged.get(f"{aspect}_rationale"),
                                     who, now)
    return out
