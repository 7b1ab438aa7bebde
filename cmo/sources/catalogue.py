"""Reading a review's source documents from the store, and the triples that describe one.

A source is `rkg:Source` with one `rkg:SourcePage` per page (its number, text and offset in the
whole text), in the review's own graph, so every backend holds the text quotes are anchored in.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import datetime

from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import NotFound
from cmo.model import ids
from cmo.model.namespace import BIBO_IRI, RKG
from cmo.rdf.anchors import count_literal
from cmo.rdf.mapping import P, datetime_literal
from cmo.rdf.sparql import query_text
from cmo.sources.extract import Extracted
from cmo.sources.matching import SourceText
from cmo.sources.model import Page, Source
from cmo.sources.normalise import PAGE_BREAK
from cmo.store import Store
from cmo.store.base import Row

_R = {name: NamedNode(str(getattr(RKG, name))) for name in (
    "Source", "SourcePage", "ofStudy", "hasPage", "fileName", "sha256", "textLength",
    "pageNumber", "pageText", "offset")}
_FORMAT = NamedNode("http://purl.org/dc/terms/format")
_NUM_PAGES = NamedNode(BIBO_IRI + "numPages")


def page_iri(source_iri: str, number: int) -> str:
    """The IRI of a page of a source."""
    return f"{source_iri}/page/{number}"


def source_triples(review_id: str, source_id: str, study_iri: str, doc: Extracted,
                   sha256: str, added: datetime) -> list[Triple]:
    """The triples describing a source and its pages."""
    s = NamedNode(ids.source_iri(review_id, source_id))
    chars = sum(len(p) for p in doc.pages) + len(PAGE_BREAK) * (len(doc.pages) - 1)
    out = [Triple(s, P.type, _R["Source"]), Triple(s, P.identifier, Literal(source_id)),
           Triple(s, _R["ofStudy"], NamedNode(study_iri)),
           Triple(s, _R["fileName"], Literal(doc.file_name)),
           Triple(s, _FORMAT, Literal(doc.media_type)), Triple(s, _R["sha256"], Literal(sha256)),
           Triple(s, _NUM_PAGES, Literal(len(doc.pages))),
           Triple(s, _R["textLength"], count_literal(chars)),
           Triple(s, P.created, datetime_literal(added))]
    offset = 0
    for n, text in enumerate(doc.pages, start=1):
        page = NamedNode(page_iri(s.value, n))
        out += [Triple(s, _R["hasPage"], page), Triple(page, P.type, _R["SourcePage"]),
                Triple(page, _R["pageNumber"], Literal(n)),
                Triple(page, _R["offset"], count_literal(offset)),
                Triple(page, _R["pageText"], Literal(text))]
        offset += len(text) + len(PAGE_BREAK)
    return out


def study_iris(store: Store, review_id: str) -> dict[str, str]:
    """The review's studies, normalised key -> IRI; NotFound when the review does not exist."""
    rows = store.select(query_text("studies_keys"), graphs=[ids.review_iri(review_id)])
    if not rows:
        raise NotFound(f"No review {review_id!r}.")
    return {ids.normalise_label(r["key"].value): r["s"].value  # type: ignore[union-attr]
            for r in rows if r["key"] is not None and r["key"].value}


def study_iri(store: Store, review_id: str, key: str) -> str:
    """The IRI of a study by key (any case or spacing); NotFound naming close keys otherwise."""
    studies = study_iris(store, review_id)
    found = studies.get(ids.normalise_label(key))
    if found is None:
        close = difflib.get_close_matches(ids.normalise_label(key), list(studies), n=3)
        hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
        raise NotFound(f"No study {key!r} in review {review_id!r}.{hint}")
    return found


def _source(row: Row) -> Source:
    def v(name: str) -> str | None:
        term = row.get(name)
        return term.value if term is not None else None

    created = v("created")
    return Source(id=v("id") or "", study=v("key") or ids.local_id(v("study") or ""),
                  file_name=v("name") or "", media_type=v("format") or "",
                  sha256=v("sha") or "", page_count=int(v("pages") or 0),
                  chars=int(v("chars") or 0),
                  added=datetime.fromisoformat(created) if created else None)


def list_sources(store: Store, review_id: str, *, pages: bool = False) -> list[Source]:
    """Every source of a review, by study key; with `pages`, where each page begins and ends
    (without its text)."""
    graphs = [ids.review_iri(review_id)]
    rows = store.select(query_text("sources"), graphs=graphs)
    found = [_source(r) for r in rows]
    if pages and found:
        by_iri = {r["s"].value: s for r, s in zip(rows, found, strict=True)}  # type: ignore[union-attr]
        for row in store.select(query_text("source_page_index"), graphs=graphs):
            start = int(row["offset"].value)  # type: ignore[union-attr]
            by_iri[row["s"].value].pages.append(Page(  # type: ignore[union-attr]
                number=int(row["n"].value), start=start,  # type: ignore[union-attr]
                end=start + int(row["length"].value)))  # type: ignore[union-attr]
    return found


def source_studies(store: Store, review_id: str) -> dict[str, str]:
    """The study (IRI) of each source of a review, by source id."""
    rows = store.select(query_text("sources"), graphs=[ids.review_iri(review_id)])
    return {r["id"].value: r["study"].value for r in rows}  # type: ignore[union-attr]


def get_source(store: Store, review_id: str, source_id: str, *, text: bool = True) -> Source:
    """One source with its pages (and their text, unless `text` is false); NotFound if none."""
    iri = NamedNode(ids.source_iri(review_id, source_id)) if ids.is_id(source_id) else None
    rows = store.select(query_text("sources"), {"s": iri},
                        graphs=[ids.review_iri(review_id)]) if iri else []
    if not rows:
        raise NotFound(f"No source {source_id!r} in review {review_id!r}.")
    source = _source(rows[0])
    source.pages = [Page(number=n, start=start, end=start + len(t), text=t if text else None)
                    for n, start, t in _pages(store, review_id, iri.value)]  # type: ignore[union-attr]
    return source


def _pages(store: Store, review_id: str, iri: str) -> list[tuple[int, int, str]]:
    rows = store.select(query_text("source_pages"), {"s": NamedNode(iri)},
                        graphs=[ids.review_iri(review_id)])
    return [(int(r["n"].value), int(r["offset"].value), r["text"].value)  # type: ignore[union-attr]
            for r in rows]


def get_page(store: Store, review_id: str, source_id: str, number: int) -> Page:
    """One page of a source, with its text; NotFound if the source or page does not exist."""
    rows = []
    if ids.is_id(source_id) and number >= 1:
        page = NamedNode(page_iri(ids.source_iri(review_id, source_id), number))
        rows = store.select(query_text("source_page"), {"page": page},
                            graphs=[ids.review_iri(review_id)])
    if not rows:
        raise NotFound(f"No page {number} in source {source_id!r} of review {review_id!r}.")
    start, text = int(rows[0]["offset"].value), rows[0]["text"].value  # type: ignore[union-attr]
    return Page(number=number, start=start, end=start + len(text), text=text)


def source_text(store: Store, review_id: str, source_id: str) -> SourceText:
    """A source's text, ready for matching quotes; NotFound if there is no such source."""
    iri = ids.source_iri(review_id, source_id)
    pages = _pages(store, review_id, iri) if ids.is_id(source_id) else []
    if not pages:
        raise NotFound(f"No source {source_id!r} in review {review_id!r}.")
    return SourceText(source_id, [t for _, _, t in pages])


def texts_of(store: Store, review_id: str, sources: Sequence[Source]) -> dict[str, SourceText]:
    """The texts of several sources, by id."""
    return {s.id: source_text(store, review_id, s.id) for s in sources}
