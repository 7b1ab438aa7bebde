"""Adding and removing a study's source documents.

Adding extracts the text (`cmo.sources.extract`), stores it page by page, and anchors every quote
of the study that has no anchor yet, in the same write: nothing is stored when the file is
refused. Removing refuses while quotes are anchored in the source, unless forced, which detaches
them (they keep their text and page).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cmo.errors import AlreadyExists, InUse
from cmo.model import ids
from cmo.sources.catalogue import (
    get_source,
    list_sources,
    page_iri,
    source_triples,
    study_iri,
)
from cmo.sources.extract import extract
from cmo.sources.matching import Place, SourceText
from cmo.sources.model import AnchorReport, QuoteCheck
from cmo.sources.quotes import Library, Quote, anchor_quotes, classify_new, read_quotes
from cmo.store import Store
from cmo.store.writes import current_revision, transact, write

#: Hexadecimal digits of the file's SHA-256 that make a source's id.
ID_DIGITS = 12


def add_source(store: Store, review_id: str, study: str, file_name: str, data: bytes, *,
               added: datetime | None = None) -> AnchorReport:
    """Add a document to a study (by key) and anchor the study's unanchored quotes in it.

    Refused with nothing stored: a file that cannot be read (see `extract`), an unknown study
    (NotFound, naming close keys), the same file twice in a review (AlreadyExists).
    """
    doc = extract(file_name, data)
    sha = hashlib.sha256(data).hexdigest()
    source_id = sha[:ID_DIGITS]
    text = SourceText(source_id, doc.pages)

    def attempt() -> AnchorReport:
        expected = current_revision(store, review_id)
        study_node = study_iri(store, review_id, study)
        for other in list_sources(store, review_id):
            if other.sha256 == sha or other.id == source_id:
                raise AlreadyExists(f"{doc.file_name} is already source {other.id!r} of study "
                                    f"{other.study!r} in review {review_id!r}.")
        triples = source_triples(review_id, source_id, study_node, doc, sha,
                                 added or datetime.now(UTC))
        library = Library(store, review_id)
        library.add_text(source_id, study_node, text)
        moves: list[tuple[Quote, Place]] = []
        missing: list[QuoteCheck] = []
        total = 0
        for quote in read_quotes(store, review_id):
            if study_node not in quote.studies() or library.text_of(quote) is not None:
                continue
            check, place = classify_new(quote, text)
            if place is not None:
                moves.append((quote, place))
            elif quote.studies() != (study_node,):
                continue  # it may be in another study's document
            else:
                missing.append(check)
            total += 1
        anchor_quotes(store, review_id, moves, expected=expected, add=triples)
        return AnchorReport(source=get_source(store, review_id, source_id, text=False),
                            anchored=len(moves), total=total, not_found=missing)

    return transact(store, review_id, attempt)


def remove_source(store: Store, review_id: str, source_id: str, *, force: bool = False) -> int:
    """Remove a source and its text; InUse while quotes are anchored in it, unless `force`,
    which detaches them. Answers how many quotes were detached."""
    def attempt() -> int:
        expected = current_revision(store, review_id)
        source = get_source(store, review_id, source_id, text=False)
        anchored = [q for q in read_quotes(store, review_id) if q.source == source.id]
        if anchored and not force:
            shown = ", ".join(dict.fromkeys(q.cmoc for q in anchored[:10]))
            raise InUse(f"Source {source_id!r} anchors {len(anchored)} quote(s) (CMOcs {shown}); "
                        "remove it with force to detach them (they keep their text and page).")
        iri = ids.source_iri(review_id, source.id)
        selectors = [s for q in anchored for s in q.selectors]
        write(store, review_id, remove=[iri, *(page_iri(iri, p.number) for p in source.pages),
                                        *selectors],
              unlink=[iri, *selectors], expected=expected)
        return len(anchored)

    return transact(store, review_id, attempt)
