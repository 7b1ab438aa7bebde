"""The quotes of a review against their studies' sources: anchoring them, and checking them.

Each quote falls in one of four classes (`check_quotes`):

- **anchored**: it has a place in a source and the text there is the quote;
- **moved**: it is in a source of its study, but not where its anchor says (or it has no anchor
  yet); `fix` anchors it where it is;
- **not_found**: its study has sources, and none holds it; the closest passage is named;
- **no_source**: its study has no source yet.

A quote's study is the one its evidence names, or else the CMOc's studies.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from cmo.model import ids
from cmo.model.namespace import RKG
from cmo.model.records import Evidence
from cmo.rdf.anchors import OA, anchor_triples
from cmo.rdf.mapping import P, describe
from cmo.rdf.sparql import query_text, update_text
from cmo.sources.catalogue import source_studies, source_text
from cmo.sources.matching import Closest, Place, SourceText
from cmo.sources.model import Passage, QuoteCheck, QuotesReport
from cmo.store import Store
from cmo.store.writes import current_revision, transact, write

_QUOTE, _PAGE = NamedNode(str(RKG.quote)), NamedNode(str(RKG.page))
_FROM_STUDY, _SUPPORTED = str(RKG.fromStudy), str(RKG.supportedBy)


@dataclass
class Quote:
    """One evidence item of a CMOc as stored, with what anchoring needs to rewrite it."""

    cmoc: str
    number: int
    iri: str
    text: str
    study: str | None
    cmoc_studies: tuple[str, ...]
    source: str | None = None
    start: int | None = None
    end: int | None = None
    selectors: list[str] = field(default_factory=list)
    #: Whether its quote selector has the words around it (a sheet gives only the position).
    in_context: bool = False
    #: The key of its study, when it has one study.
    study_key: str | None = None

    def studies(self) -> tuple[str, ...]:
        """The IRIs of the studies the quote may come from."""
        return (self.study,) if self.study else self.cmoc_studies


def _number(iri: str) -> tuple[int, str]:
    match = re.search(r"(\d+)$", iri)
    return (int(match.group(1)) if match else 0, iri)


def read_quotes(store: Store, review_id: str) -> list[Quote]:
    """Every quote of a review's CMOcs, by CMOc id and evidence number."""
    triples = store.construct(query_text("quotes"), graphs=[ids.review_iri(review_id)])
    desc = describe(triples)
    out: list[Quote] = []
    for iri, d in desc.items():
        if _SUPPORTED not in d:
            continue
        cmoc = d.get(P.identifier.value, [NamedNode(iri)])[0].value
        studies = tuple(sorted(s.value for s in d.get(_FROM_STUDY, [])))
        for n, ev in enumerate(sorted((e.value for e in d[_SUPPORTED]), key=_number), start=1):
            e = desc.get(ev, {})
            if _QUOTE.value not in e:
                continue
            q = Quote(cmoc, n, ev, e[_QUOTE.value][0].value,
                      e[P.source.value][0].value if P.source.value in e else None, studies)
            if len(q.studies()) == 1:
                study = q.studies()[0]
                keys = desc.get(study, {}).get(P.identifier.value)
                q.study_key = keys[0].value if keys else ids.local_id(study)
            if OA.has_source.value in e:
                document = e[OA.has_source.value][0].value
                named = desc.get(document, {}).get(P.identifier.value)
                q.source = named[0].value if named else ids.local_id(document)
            for sel in e.get(OA.has_selector.value, []):
                q.selectors.append(sel.value)
                s = desc.get(sel.value, {})
                q.in_context = q.in_context or OA.prefix.value in s
                if OA.start.value in s and OA.end.value in s:
                    q.start, q.end = int(s[OA.start.value][0].value), int(s[OA.end.value][0].value)
            out.append(q)
    return sorted(out, key=lambda q: (q.cmoc, q.number))


class Library:
    """The sources of one review and their texts (read once, when first needed)."""

    def __init__(self, store: Store, review_id: str) -> None:
        self.store, self.review_id = store, review_id
        self.texts: dict[str, SourceText] = {}
        self.by_study: dict[str, list[str]] = defaultdict(list)
        for source_id, study in source_studies(store, review_id).items():
            self.by_study[study].append(source_id)
        self.known = {sid for sids in self.by_study.values() for sid in sids}

    def add_text(self, source_id: str, study_iri: str, text: SourceText) -> None:
        """Count a source being added in the same write."""
        self.known.add(source_id)
        self.by_study[study_iri].append(source_id)
        self.texts[source_id] = text

    def text_of(self, quote: Quote) -> SourceText | None:
        """The text a quote is anchored in (None when unanchored, or its source is gone)."""
        return self.text(quote.source) if quote.source and quote.start is not None else None

    def text(self, source_id: str) -> SourceText | None:
        """The text of a source of the review (None if there is no such source)."""
        if source_id not in self.known:
            return None
        if source_id not in self.texts:
            self.texts[source_id] = source_text(self.store, self.review_id, source_id)
        return self.texts[source_id]

    def texts_for(self, quote: Quote) -> list[SourceText]:
        """The texts of the sources of the studies a quote may come from."""
        ids_ = [sid for study in quote.studies() for sid in self.by_study.get(study, [])]
        return [t for sid in dict.fromkeys(ids_) if (t := self.text(sid)) is not None]


def passage(place: Place) -> Passage:
    """A place as the reports show it."""
    return Passage(source=place.source, page=place.page, start=place.start, end=place.end,
                   text=place.exact)


def _closest(source: str, closest: Closest) -> Passage:
    return Passage(source=source, page=closest.page, start=closest.start, end=closest.end,
                   text=closest.passage, similarity=closest.similarity)


def classify(quote: Quote, library: Library) -> tuple[QuoteCheck, Place | None]:
    """The class of one quote, and the place to anchor it (moved ones that can be fixed)."""
    check = QuoteCheck(cmoc=quote.cmoc, evidence=quote.number, quote=quote.text,
                       study=quote.study_key, status="no_source")
    current = library.text(quote.source) if quote.source else None
    if (current is not None and quote.start is not None and quote.end is not None
            and current.matches_at(quote.text, quote.start, quote.end)):
        check.status = "anchored"
        check.anchor = passage(current.place(quote.start, quote.end))
        return check, None
    texts = library.texts_for(quote)
    if current is not None and current not in texts:
        texts.insert(0, current)
    if not texts:
        return check, None
    return check, _look_in(check, texts)


def _look_in(check: QuoteCheck, texts: list[SourceText]) -> Place | None:
    """Find the quote of `check` in `texts`, and say so in `check`: moved (with its one place,
    answered, or every place), or not found (with the closest passage)."""
    for text in texts:
        found = text.find(check.quote)
        if len(found) == 1:
            check.status, check.found = "moved", passage(found[0])
            return found[0]
        if found:
            check.status, check.candidates = "moved", [passage(p) for p in found]
            return None
    best: tuple[Closest, str] | None = None
    for text in texts:
        near = text.closest(check.quote)
        if near is not None and (best is None or near.similarity > best[0].similarity):
            best = near, text.id
    check.status = "not_found"
    check.closest = _closest(best[1], best[0]) if best is not None else None
    return None


def classify_new(quote: Quote, text: SourceText) -> tuple[QuoteCheck, Place | None]:
    """An unanchored quote against one new source: its place there, or why it has none."""
    check = QuoteCheck(cmoc=quote.cmoc, evidence=quote.number, quote=quote.text,
                       study=quote.study_key, status="not_found")
    return check, _look_in(check, [text])


def check_quotes(store: Store, review_id: str, *, fix: bool = False) -> QuotesReport:
    """Every quote of the review in its class (module docstring); with `fix`, the moved ones
    that can be placed without doubt are anchored where they are, in one write."""
    def attempt() -> QuotesReport:
        expected = current_revision(store, review_id)
        library = Library(store, review_id)
        checks, moves = [], []
        for quote in read_quotes(store, review_id):
            check, place = classify(quote, library)
            checks.append(check)
            if place is not None:
                moves.append((quote, place))
        if fix and moves:
            anchor_quotes(store, review_id, moves, expected=expected)
        counts = {k: sum(c.status == k for c in checks)
                  for k in ("anchored", "moved", "not_found", "no_source")}
        return QuotesReport(quotes=checks, counts=counts, fixed=len(moves) if fix else 0)

    if not fix:
        return attempt()
    return transact(store, review_id, attempt)


def anchor_pending(store: Store, review_id: str) -> tuple[int, int]:
    """Anchor every unanchored quote found exactly once in its study's sources, and give the
    words around it to a quote anchored by position only (after an import); answers how many
    unanchored quotes were anchored, of how many whose study has a source."""
    def attempt() -> tuple[int, int]:
        expected = current_revision(store, review_id)
        library = Library(store, review_id)
        if not library.known:
            return 0, 0
        moves: list[tuple[Quote, Place]] = []
        total = 0
        for quote in read_quotes(store, review_id):
            texts = library.texts_for(quote)
            anchored_in = library.text_of(quote)
            if anchored_in is not None and quote.start is not None and quote.end is not None:
                if not quote.in_context and anchored_in.matches_at(quote.text, quote.start,
                                                                   quote.end):
                    moves.append((quote, anchored_in.place(quote.start, quote.end)))
                continue
            if not texts:
                continue
            total += 1
            for text in texts:
                found = text.find(quote.text)
                if len(found) == 1:
                    moves.append((quote, found[0]))
                    break
        if moves:
            anchor_quotes(store, review_id, moves, expected=expected)
        return sum(q.source is None or q.start is None for q, _ in moves), total

    if not source_studies(store, review_id):
        return 0, 0  # no source: nothing to anchor, and no need to take the review's lock
    return transact(store, review_id, attempt)


def anchor_changes(review_id: str, moves: Iterable[tuple[Quote, Place]]
                   ) -> tuple[list[str], list[Triple]]:
    """The evidence items to clear and the triples to add to anchor quotes at their places
    (their text becomes the passage as it stands in the source, their page follows from it)."""
    cleared: list[str] = []
    add: list[Triple] = []
    for quote, place in moves:
        cleared.append(quote.iri)
        ev = NamedNode(quote.iri)
        add += [Triple(ev, _QUOTE, Literal(place.exact)),
                Triple(ev, _PAGE, Literal(str(place.page)))]
        # Built unchecked: every value comes from the place just found in the text.
        add += anchor_triples(review_id, quote.iri, Evidence.model_construct(
            quote=place.exact, source=place.source, start=place.start, end=place.end,
            prefix=place.prefix, suffix=place.suffix))
    return cleared, add


def anchor_quotes(store: Store, review_id: str, moves: list[tuple[Quote, Place]], *,
                  expected: str | None = None, add: list[Triple] | None = None) -> None:
    """Anchor quotes at their places in one write (with `add`, more triples in the same one)."""
    cleared, triples = anchor_changes(review_id, moves)
    also = []
    if cleared:
        also.append(update_text("delete_anchors", {"g": NamedNode(ids.review_iri(review_id))})
                    .replace("EVIDENCE", " ".join(str(NamedNode(iri)) for iri in cleared)))
    write(store, review_id, add=[*(add or []), *triples], expected=expected, also=also)
