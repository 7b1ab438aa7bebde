"""Reference libraries (RIS, BibTeX): title, authors, year, DOI and journal of a review's studies.

Each reference is matched to a stored study by DOI, then by title, then by key: the first author's
family name and the year (`Okafor 2019`, also `Okafor et al. 2019` or `Okafor 2019a`). A match
fills in what the study lacks (stored values are never overwritten); a reference that matches no
study becomes a new study keyed `Family Year`. A reference that matches several studies, or that
shares its key with another reference of the file, is ambiguous: it is reported and left out,
never guessed. So is one without an author or year to make a key from.

>>> ris = b"TY  - JOUR\\nAU  - Okafor, Ngozi\\nPY  - 2019\\nTI  - Peers\\nER  - \\n"
>>> refs = read_ris("r.ris", ris)
>>> refs[0].key, refs[0].title
('Okafor 2019', 'Peers')
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import ParseError
from cmo.interchange.rdf_files import ImportReport, new_review_title
from cmo.model import ids
from cmo.model.records import Review, Study, validated
from cmo.rdf.mapping import P, R, review_triples, study_triples
from cmo.review.names import ReviewNames
from cmo.review.reviews import review_exists
from cmo.review.studies import list_studies
from cmo.store import Store
from cmo.store.writes import add_triples

_KEY = re.compile(r"^(?P<family>.+?)(?:\s+et\s+al\.?)?,?\s+(?P<year>\d{4})[a-z]?$", re.I)
_YEAR = re.compile(r"\d{4}")
_RIS_TAG = re.compile(r"^\s*([A-Z][A-Z0-9])  -(?: |$)")

_FIELDS = {"title": P.title, "authors": P.creator, "year": R["year"], "doi": P.doi,
           "journal": R["journal"]}


@dataclass
class Reference:
    """One entry of a reference library."""

    entry: int
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    title: str | None = None
    doi: str | None = None
    journal: str | None = None

    @property
    def family(self) -> str | None:
        """The first author's family name ('Okafor, Ngozi' and 'Ngozi Okafor' give 'Okafor')."""
        if not self.authors:
            return None
        first = self.authors[0].strip()
        return (first.split(",")[0] if "," in first else first.split()[-1]).strip() or None

    @property
    def key(self) -> str | None:
        """The study key this reference would have: 'Family Year'."""
        return f"{self.family} {self.year}" if self.family and self.year else None

    def fields(self) -> dict[str, object]:
        """The study metadata this reference gives."""
        values = {"title": self.title, "authors": "; ".join(self.authors) or None,
                  "year": self.year, "doi": self.doi, "journal": self.journal}
        return {k: v for k, v in values.items() if v}


def _year(text: str | None) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group()) if match else None


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _check_ris(name: str, text: str) -> None:
    """ParseError naming the line where a RIS file breaks off: an entry (``TY  -``) that never
    ends (``ER  -``), as a truncated file has, or no entry at all. rispy reads past both and
    would answer fewer references, or none, without a word."""
    start = None
    for number, line in enumerate(text.splitlines(), start=1):
        tag = _RIS_TAG.match(line)
        if tag and tag.group(1) == "TY":
            if start is not None:
                raise ParseError(name, f"the entry starting on line {start} has no end "
                                       "('ER  -') before the next one starts", number)
            start = number
        elif tag and tag.group(1) == "ER":
            start = None
    if start is not None:
        raise ParseError(name, f"the entry starting on line {start} has no end ('ER  -'): "
                               "is the file cut short?", len(text.splitlines()))
    if not any(_RIS_TAG.match(line) for line in text.splitlines()):
        raise ParseError(name, "no RIS entry: each entry starts with a line 'TY  - '", 1)


def read_ris(name: str, data: bytes) -> list[Reference]:
    """The references of a RIS file; ParseError naming the line if it is cut short."""
    import rispy

    text = _text(data, name)
    _check_ris(name, text)
    try:
        entries = rispy.loads(text)
    except (OSError, ValueError, KeyError) as exc:
        raise ParseError(name, f"not a readable RIS file ({exc})") from exc
    return [Reference(entry=n, authors=list(e.get("authors") or e.get("first_authors") or []),
                      year=_year(e.get("year") or e.get("publication_year") or e.get("date")),
                      title=e.get("title") or e.get("primary_title"), doi=e.get("doi"),
                      journal=(e.get("journal_name") or e.get("secondary_title")
                               or e.get("alternate_title3")))
            for n, e in enumerate(entries, start=1)]


def _unbrace(value: str | None) -> str | None:
    return " ".join(value.replace("{", "").replace("}", "").split()) if value else None


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """The parser reports a broken entry in its log (with its own, 0-based, line numbers) and
    goes on; read_bibtex turns the same finding into a ParseError naming the line, so its log is
    noise while it parses, and only then: the application's own logging is left as it was."""
    # The records come from child loggers (bibtexparser.splitter, …): they stop at this one.
    logger, sink = logging.getLogger(logger_name), logging.NullHandler()
    before = logger.propagate
    logger.addHandler(sink)
    logger.propagate = False
    try:
        yield
    finally:
        logger.propagate = before
        logger.removeHandler(sink)


def read_bibtex(name: str, data: bytes) -> list[Reference]:
    """The references of a BibTeX file."""
    import bibtexparser

    with _quiet("bibtexparser"):
        library = bibtexparser.parse_string(_text(data, name))  # type: ignore[attr-defined]
    if library.failed_blocks:
        block = library.failed_blocks[0]
        start = block.start_line  # counted from 0
        first = (block.raw or "").strip().split("\n", 1)[0][:60]
        why = getattr(block.error, "abort_reason", None) or type(block.error).__name__
        raise ParseError(name, f"cannot read the entry {first!r}: "
                               f"{str(why).rstrip('.').lower()}",
                         start + 1 if start is not None else None)
    out = []
    for n, entry in enumerate(library.entries, start=1):
        f = {k.lower(): str(v.value) for k, v in entry.fields_dict.items()}
        authors = [a for a in (_unbrace(x) for x in re.split(r"\s+and\s+", f.get("author", "")))
                   if a]
        out.append(Reference(entry=n, authors=authors, year=_year(f.get("year")),
                             title=_unbrace(f.get("title")), doi=_unbrace(f.get("doi")),
                             journal=_unbrace(f.get("journal") or f.get("booktitle"))))
    return out


def _norm(text: str | None) -> str:
    return ids.normalise_label(re.sub(r"[^\w\s]", " ", text or "")) if text else ""


def _key_of(study_key: str) -> tuple[str, int] | None:
    match = _KEY.match(ids.clean_label(study_key))
    return (ids.normalise_label(match["family"]), int(match["year"])) if match else None


def _match(ref: Reference, studies: list[Study]) -> tuple[list[Study], bool]:
    """The stored studies a reference names, and whether only by key."""
    def same_doi(s: Study) -> bool:
        return bool(ref.doi) and (s.doi or "").lower() == (ref.doi or "").lower()

    def same_title(s: Study) -> bool:
        return bool(ref.title) and _norm(s.title) == _norm(ref.title)

    for same in (same_doi, same_title):
        found = [s for s in studies if same(s)]
        if found:
            return found, False
    if ref.family is None or ref.year is None:
        return [], True
    want = (ids.normalise_label(ref.family), ref.year)
    return [s for s in studies if _key_of(s.key) == want], True


def _where(ref: Reference) -> str:
    return f"entry {ref.entry} ({ref.key or ref.title or 'no author or year'})"


def import_references(store: Store, review_id: str, name: str, refs: list[Reference], *,
                      check: bool = False) -> ImportReport:
    """Attach references to a review's studies (created when missing); ambiguous ones reported."""
    ids.check_id(review_id, "review id")
    exists = review_exists(store, review_id)
    studies = list_studies(store, review_id) if exists else []
    names = ReviewNames.load(store, review_id) if exists else ReviewNames(review_id)
    report = ImportReport(review_id, 1, 0, 0, not exists, checked=check)
    notes = report.notes
    triples = [] if exists else review_triples(Review(id=review_id,
                                                      title=new_review_title(report, name)))
    new_keys = Counter(ids.normalise_label(r.key) for r in refs if r.key)
    created = filled = 0
    for ref in refs:
        matches, by_key = _match(ref, studies)
        shared = bool(ref.key) and new_keys[ids.normalise_label(ref.key or "")] > 1
        if len(matches) > 1:
            keys = ", ".join(repr(s.key) for s in matches)
            notes.append(f"{name} {_where(ref)}: ambiguous, matches studies {keys}; left out")
        elif by_key and shared:
            notes.append(f"{name} {_where(ref)}: ambiguous, other entries are also "
                         f"{ref.key!r}; left out")
        elif matches:
            validated(Study, {"key": matches[0].key, **ref.fields()}, f"{name} {_where(ref)}")
            triples += _fill(names.study(matches[0].key), matches[0], ref, notes, name)
            filled += 1
        elif ref.key is None:
            notes.append(f"{name} {_where(ref)}: no first author and year to make a study key; "
                         "left out")
        else:
            study = validated(Study, {"key": ref.key, **ref.fields()}, f"{name} {_where(ref)}")
            triples += study_triples(study, names.study(ref.key))
            created += 1
    if not check and triples:
        add_triples(store, review_id, triples)
    report.triples, report.studies = len(triples), created + filled
    return report


def _fill(iri: str, study: Study, ref: Reference, notes: list[str], name: str) -> list[Triple]:
    out = []
    for key, value in ref.fields().items():
        was = getattr(study, key)
        if was is None:
            out.append(Triple(NamedNode(iri), _FIELDS[key], Literal(value)))  # type: ignore[arg-type]
        elif str(was).casefold() != str(value).casefold():
            notes.append(f"{name} {_where(ref)}: kept the stored {key} of {study.key!r} "
                         f"({str(was)!r}, the file says {str(value)!r})")
    return out
