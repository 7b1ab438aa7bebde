"""The documents of a review's studies (`review.sources`), and its quotes checked in them.

>>> import cmo
>>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
>>> _ = review.cmocs.create(studies=["S 2020"], contexts=["rural"], mechanism="trust",
...                         outcomes=["uptake"], evidence=[{"quote": "peers were trusted"}])
>>> report = review.sources.add("notes.md", study="S 2020",
...                             data=b"# Notes\\n\\nIn the villages, peers were\\ntrusted.")
>>> report.summary(), review.cmocs.get("c01").evidence[0].page
('anchored 1 of 1 quotes', '1')
>>> review.sources.check().counts["anchored"]
1
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cmo.graph.parts import OfReview
from cmo.interchange.annotations import review_annotations
from cmo.sources.catalogue import get_page, get_source, list_sources
from cmo.sources.documents import add_source, remove_source
from cmo.sources.model import AnchorReport, Page, QuotesReport, Source
from cmo.sources.quotes import check_quotes


class Sources(OfReview):
    """A review's source documents, by id; adding one anchors its study's quotes in it."""

    def add(self, path: str | os.PathLike[str], *, study: str,
            data: bytes | None = None) -> AnchorReport:
        """Add a document (a file, or `data` named `path`) to a study, by key."""
        content = Path(path).read_bytes() if data is None else data
        return add_source(self._store, self.review_id, study, os.fspath(path), content)

    def list(self) -> list[Source]:
        """Every document of the review, by study (pages without text)."""
        return list_sources(self._store, self.review_id)

    def get(self, source_id: str) -> Source:
        """One document, its pages with their text; NotFound if there is none."""
        return get_source(self._store, self.review_id, source_id)

    def page(self, source_id: str, number: int) -> Page:
        """One page of a document (from 1), with its text."""
        return get_page(self._store, self.review_id, source_id, number)

    def remove(self, source_id: str, *, force: bool = False) -> int:
        """Remove a document; InUse while quotes are anchored in it, unless `force`, which
        detaches them. Answers how many were detached."""
        return remove_source(self._store, self.review_id, source_id, force=force)

    def check(self, *, fix: bool = False) -> QuotesReport:
        """Every quote: anchored, moved, not found (with the closest passage), or no source;
        with `fix`, the moved ones are anchored where they are."""
        return check_quotes(self._store, self.review_id, fix=fix)

    def annotations(self) -> dict[str, Any]:
        """Every quote as a W3C Web Annotation (a JSON-LD document)."""
        return review_annotations(self._store, self.review_id)
