"""Placing a CMOc's evidence in its sources, as it is created or edited.

Evidence that names a source comes in either form: with `start` and `end` (the quote and page are
filled in from the text there; a quote given as well must be that text), or with the quote
(`exact`) and perhaps `prefix` and `suffix` (its place is found). Either way it is stored with
both selectors, the passage as the source has it, the page that holds it, and its study.
Evidence without a source is left as it is.
"""

from __future__ import annotations

from cmo.errors import InvalidInput, NotFound, Problem
from cmo.model.records import CMOConfiguration, Evidence
from cmo.sources.catalogue import list_sources, source_text
from cmo.sources.matching import Place, SourceText
from cmo.sources.normalise import collapse, normalise_quote
from cmo.store import Store


def _place(text: SourceText, evidence: Evidence, n: int) -> Place:
    where = f"evidence.{n}"
    try:
        if evidence.start is not None and evidence.end is not None:
            place = text.place(evidence.start, evidence.end)
            if evidence.quote and normalise_quote(evidence.quote) != collapse(place.exact):
                raise InvalidInput(
                    f"The quote of {where} is not the text at {evidence.start}-{evidence.end} "
                    f"of source {text.id!r}, which reads: {collapse(place.exact)[:200]!r}.",
                    [Problem(field=f"{where}.quote", reason="differs from the source's text "
                             "at start-end; leave the quote out to take the source's")])
            return place
        return text.locate(evidence.quote, evidence.prefix, evidence.suffix)
    except InvalidInput as exc:
        for problem in exc.problems:
            problem.field = f"{where}.{problem.field}" if problem.field else where
        raise


def place_evidence(store: Store, review_id: str, cmoc: CMOConfiguration) -> CMOConfiguration:
    """The CMOc with each evidence item that names a source anchored in it (module docstring);
    NotFound for a source the review lacks, QuoteNotFound or AmbiguousQuote for a quote that
    cannot be placed."""
    if not any(e.source for e in cmoc.evidence):
        return cmoc
    sources = {s.id: s for s in list_sources(store, review_id)}
    texts: dict[str, SourceText] = {}
    placed = []
    for n, evidence in enumerate(cmoc.evidence):
        if evidence.source is None:
            placed.append(evidence)
            continue
        if evidence.source not in sources:
            raise NotFound(f"No source {evidence.source!r} in review {review_id!r} "
                           f"(evidence.{n}.source).")
        if evidence.source not in texts:
            texts[evidence.source] = source_text(store, review_id, evidence.source)
        place = _place(texts[evidence.source], evidence, n)
        placed.append(evidence.model_copy(update={
            "quote": place.exact, "page": str(place.page), "start": place.start,
            "end": place.end, "prefix": place.prefix, "suffix": place.suffix,
            "study": sources[evidence.source].study}))
    return cmoc.model_copy(update={"evidence": placed})
