"""RIS and BibTeX: metadata attached to studies by first author and year; ambiguity reported."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import cmo
from cmo.errors import UnsupportedFormat
from cmo.interchange.importer import import_file
from cmo.review.reviews import create_review
from cmo.review.studies import add_study, get_study
from cmo.store import Store

RIS = b"""TY  - JOUR
AU  - Okafor, Ngozi
AU  - Smith, John
PY  - 2019
TI  - Peer support at home
JO  - BMJ Open
DO  - 10.1136/x1
ER  -

TY  - JOUR
AU  - Jolly, Kate
PY  - 2012///
TI  - Systematic review of peer support
T2  - BMJ
ER  -

TY  - JOUR
AU  - Dykes, Fiona
PY  - 2005
TI  - A new study
ER  -

TY  - JOUR
AU  - Hoddinott, P
PY  - 2009
TI  - First Hoddinott
ER  -

TY  - JOUR
AU  - Hoddinott, P
PY  - 2009
TI  - Second Hoddinott
ER  -
"""

BIB = rb"""@article{okafor2019,
  author = {Okafor, Ngozi and Smith, John},
  title = {{Peer} support at home},
  journal = {BMJ Open}, year = {2019}, doi = {10.1136/x1}
}
@inproceedings{dykes05,
  author = {Fiona Dykes}, title = {A new study}, booktitle = {Proc}, year = 2005
}
"""


def _review(store: Store) -> None:
    create_review(store, cmo.Review(id="r", title="r"))
    for key in ("Okafor 2019", "Jolly et al. 2012", "Hoddinott 2009"):
        add_study(store, "r", cmo.Study(key=key))


def test_ris_fills_matched_studies_creates_others_and_reports_ambiguity(store: Store) -> None:
    _review(store)
    report = import_file(store, "r", "refs.ris", RIS)
    okafor = get_study(store, "r", "Okafor 2019")
    assert (okafor.title, okafor.authors, okafor.year, okafor.doi, okafor.journal) == (
        "Peer support at home", "Okafor, Ngozi; Smith, John", 2019, "10.1136/x1", "BMJ Open")
    assert get_study(store, "r", "Jolly et al. 2012").journal == "BMJ"
    assert get_study(store, "r", "Dykes 2005").title == "A new study"
    assert get_study(store, "r", "Hoddinott 2009").title is None
    assert len(report.notes) == 2 and all("ambiguous" in n for n in report.notes)
    assert "entry 4 (Hoddinott 2009)" in report.notes[0]


def test_study_key_matching_several_stored_studies_is_not_guessed(store: Store) -> None:
    _review(store)
    add_study(store, "r", cmo.Study(key="Okafor 2019b"))
    before = store.dump(ox.RdfFormat.N_QUADS)
    report = import_file(store, "r", "refs.ris", RIS.split(b"ER  -")[0] + b"ER  -\n",
                         check=False)
    assert "matches studies 'Okafor 2019', 'Okafor 2019b'" in report.notes[0]
    assert store.dump(ox.RdfFormat.N_QUADS) == before


def test_bibtex_matches_by_doi_and_family_name(store: Store) -> None:
    _review(store)
    report = import_file(store, "r", "refs.bib", BIB)
    assert report.notes == [] and report.studies == 2
    assert get_study(store, "r", "Okafor 2019").title == "Peer support at home"
    dykes = get_study(store, "r", "Dykes 2005")
    assert (dykes.authors, dykes.journal, dykes.year) == ("Fiona Dykes", "Proc", 2005)


def test_broken_bibtex_is_a_parse_error(store: Store) -> None:
    with pytest.raises(cmo.ParseError):
        import_file(store, "r", "refs.bib", b"@article{x, title = {open\n")
    assert store.graphs() == []


@pytest.mark.parametrize(("name", "data", "fmt"), [
    ("x.ris", b"", "ris"), ("x.bib", b"", "bib"), ("x.xlsx", b"", "xlsx"),
    ("x.tsv", b"", "csv"), ("x", b'{"@context": {}}', "jsonld"), ("x", b"PK\x03\x04...", "xlsx"),
    ("x", b"@prefix x: <http://x/> .", "trig"), ("x", b"<http://a> <http://b> <http://c> .", "nq"),
    ("x", b"TY  - JOUR\nER  - \n", "ris"), ("x", b"\n@article{k, title={t}}", "bib"),
    ("x", b"Study;Context;Mechanism;Outcome\n", "csv"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_detect_format_by_extension_then_content(name: str, data: bytes, fmt: str) -> None:
    from cmo.interchange.importer import detect_format

    assert detect_format(name, data) == fmt


def test_unknown_content_is_refused() -> None:
    from cmo.interchange.importer import detect_format

    with pytest.raises(UnsupportedFormat):
        detect_format("notes", b"hello world")
