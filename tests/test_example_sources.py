"""The example's source document and its anchored CMOcs; the example's quotes against the seed."""

from __future__ import annotations

import pytest

from cmo.interchange.importer import import_file
from cmo.review.cmocs import get_cmoc, list_cmocs
from cmo.sources.documents import add_source
from cmo.sources.extract import extract
from cmo.sources.matching import SourceText
from cmo.sources.quotes import check_quotes
from cmo.store import Store
from tests.conftest import EXAMPLE, ROOT

NOTES = EXAMPLE.parent / "sources" / "workshop-notes.md"
SHEET = EXAMPLE.parent / "sources" / "workshop-cmocs.csv"
SEED = ROOT.parent / "shared" / "seeds" / "000_53e8e7fff5fefb07.txt"


def test_example_notes_anchor_every_workshop_quote(example_store: Store) -> None:
    import_file(example_store, "peer-support", SHEET.name, SHEET.read_bytes())
    report = add_source(example_store, "peer-support", "Workshop notes 2026", NOTES.name,
                        NOTES.read_bytes())
    assert report.summary() == "anchored 4 of 4 quotes"
    assert {get_cmoc(example_store, "peer-support", c).evidence[0].page
            for c in ("w01", "w02", "w03", "w04")} == {"1"}
    counts = check_quotes(example_store, "peer-support").counts
    assert counts == {"anchored": 4, "moved": 0, "not_found": 0, "no_source": 48}


def test_example_notes_are_not_the_seed_article() -> None:
    notes = NOTES.read_text(encoding="utf-8")
    assert "illustrative document written for the realist-kg example" in notes
    if SEED.is_file():
        seed = SourceText("seed", extract(SEED.name, SEED.read_bytes()).pages)
        sentences = [s.strip() for s in notes.replace("\n", " ").split(".") if len(s) > 40]
        assert not any(seed.find(s) for s in sentences)


@pytest.mark.skipif(not SEED.is_file(), reason="the seed article is not beside the repository")
def test_every_example_quote_is_in_the_seed_article(example_store: Store) -> None:
    seed = SourceText("seed", extract(SEED.name, SEED.read_bytes()).pages)
    quotes = [(c.id, e.quote) for c in list_cmocs(example_store, "peer-support")
              for e in c.evidence]
    missing = [(cid, q[:60], seed.closest(q)) for cid, q in quotes if not seed.find(q)]
    assert len(quotes) == 48 and missing == []
