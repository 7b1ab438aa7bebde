"""RDF in and out of a review: Turtle, TriG, N-Triples, N-Quads and JSON-LD.

An import is all-or-nothing: every file is parsed (a syntax error names the file, line and
column) and the result checked against the shapes before a single quad is written, and then
everything is written in one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cmo.errors import LimitExceeded, ParseError, Problem, UnsupportedFormat, ValidationFailed
from cmo.interchange.reminting import remint, remint_map
from cmo.limits import LIMITS
from cmo.model import ids
from cmo.model.namespace import ID_IRI, PREFIXES, SYS_IRI
from cmo.model.records import NewConcept, NewConcepts, Review
from cmo.rdf.guards import check_rdf_body
from cmo.rdf.mapping import KIND_CLASS, P, R, review_triples
from cmo.rdf.resources import jsonld_context
from cmo.rdf.sparql import query_text
from cmo.review.names import ReviewNames
from cmo.review.new_concepts import in_rdf
from cmo.review.reviews import review_exists, review_graph_triples
from cmo.review.validation import to_rdflib, validate_triples
from cmo.store import Store
from cmo.store.writes import add_triples, locked

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE, "turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES, "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS, "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD, "json": ox.RdfFormat.JSON_LD,
}
EXPORT_FORMATS = ("ttl", "trig", "nq", "jsonld")
_STORE_SAYS = (R["public"], R["revision"])
CONCEPT_CLASSES = tuple(KIND_CLASS.values())


@dataclass
class ImportReport:
    """What an import wrote into a review: its triples, and the CMOcs, studies and concepts they
    describe (counted once each, whether or not the review held them already)."""

    review: str
    files: int
    triples: int
    cmocs: int
    created_review: bool
    checked: bool = False
    studies: int = 0
    concepts: int = 0
    notes: list[str] = field(default_factory=list)
    new_concepts: list[NewConcept] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # A REFI-QDA project also says (0 and empty for other files):
    sources: int = 0
    codings: int = 0
    concepts_by_kind: dict[str, int] = field(default_factory=dict)
    unmapped_codes: list[str] = field(default_factory=list)


def new_review_title(report: ImportReport, source: str, title: str | None = None) -> str:
    """The title of a review an import creates: `title` (the file's own, if it has one), else
    one saying where the review came from; the report notes it, and how to change it."""
    file_name = re.split(r"[/\\]", source)[-1]
    chosen = title or f"{report.review} (imported from {file_name})"
    report.notes.append(f"new review {report.review!r} is titled {chosen!r}; change it with "
                        f"`cmo reviews set --review {report.review} --title ...` or PATCH "
                        f"/reviews/{report.review}")
    return chosen


def rdf_format(name: str | None, path: str | None = None) -> ox.RdfFormat:
    """The RDF format named `name`, or guessed from the file extension of `path`."""
    key = (name or (Path(path).suffix.lstrip(".") if path else "")).lower()
    if key in FORMATS:
        return FORMATS[key]
    known = ", ".join(sorted(FORMATS))
    raise UnsupportedFormat(f"Cannot tell the RDF format of {path or name!r}.",
                            [Problem(field="format", reason=f"use one of: {known}")])


def parse_rdf(data: bytes, fmt: ox.RdfFormat, source: str) -> list[ox.Quad]:
    """Parse RDF; a syntax error becomes a ParseError naming `source`, line and column.

    Nesting is checked first (`cmo.rdf.guards`): Oxigraph's JSON-LD parser recurses on it.
    """
    check_rdf_body(data, fmt, source)
    try:
        return list(ox.parse(data, format=fmt, rename_blank_nodes=True))
    except SyntaxError as exc:
        raise ParseError(source, exc.msg, exc.lineno, exc.offset) from exc
    except (ValueError, OSError) as exc:
        raise ParseError(source, str(exc)) from exc


def check_terms(quads: Sequence[ox.Quad], source: str) -> None:
    """Refuse what a review cannot hold: a literal over `LIMITS.literal_chars` (LimitExceeded,
    naming its subject and predicate) or a triple term (RDF 1.2), before any other work.

    >>> quad = ox.Quad(ox.NamedNode("urn:c1"), ox.NamedNode("urn:quote"), ox.Literal("x" * 10**6))
    >>> check_terms([quad], "big.ttl")
    Traceback (most recent call last):
    cmo.errors.LimitExceeded: big.ttl has a literal longer than 100000 characters.
      - big.ttl, urn:quote: <urn:c1> <urn:quote> has 1000000 characters
    """
    allowed = LIMITS.literal_chars
    long = [q for q in quads if isinstance(q.object, ox.Literal) and len(q.object.value) > allowed]
    if long:
        raise LimitExceeded(
            f"{source} has a literal longer than {allowed} characters.", "literal_chars", allowed,
            [Problem(f"{q.subject} {q.predicate} has {len(q.object.value)} characters",  # type: ignore[union-attr]
                     field=q.predicate.value, file=source) for q in long])
    nested = next((q for q in quads if isinstance(q.subject, ox.Triple)
                   or isinstance(q.object, ox.Triple)), None)
    if nested is not None:
        raise ParseError(source, f"{nested.subject} {nested.predicate}: triple terms "
                                 "(RDF 1.2 '<<( )>>' and annotations) are not supported")


def _into_review(files: Sequence[tuple[str, Sequence[ox.Quad]]],
                 review_id: str) -> list[ox.Triple]:
    """Triples for the review's graph: the files' review IRIs re-minted under this review
    (`cmo.interchange.reminting`), CMOcs linked to it.

    What only the store may say about the review is left out: its id, its visibility (an
    import never publishes or hides a review) and its revision token, and the service's own
    bookkeeping (`sys:`, e.g. an exported review's instance).
    """
    target = ox.NamedNode(ids.review_iri(review_id))
    moved = remint_map(files, review_id)
    foreign = {old for old, new in moved.items() if new == target}
    own = {target, *foreign}
    left_out = {P.identifier: foreign, **{p: own for p in _STORE_SAYS}}
    kept = (q for _, quads in files for q in quads
            if not (q.predicate in left_out and q.subject in left_out[q.predicate])
            and not q.predicate.value.startswith(SYS_IRI))
    triples = remint(kept, moved)
    cmocs = {t.subject for t in triples if t.predicate == P.type and
             t.object == R["CMOConfiguration"]}
    linked = {t.subject for t in triples if t.predicate == R["inReview"]}
    triples |= {ox.Triple(c, R["inReview"], target) for c in cmocs - linked}
    return sorted(triples | _fallback_ids(triples), key=str)


def _fallback_ids(triples: set[ox.Triple]) -> set[ox.Triple]:
    """The ids that readers would take from the IRIs of CMOcs and theories given none, written
    out so that the shapes check them like any other id."""
    kinds = (R["CMOConfiguration"], R["ProgrammeTheory"])
    typed = {t.subject for t in triples if t.predicate == P.type and t.object in kinds
             and isinstance(t.subject, ox.NamedNode)}
    named = {t.subject for t in triples if t.predicate == P.identifier}
    return {ox.Triple(s, P.identifier, ox.Literal(ids.local_id(s.value)))
            for s in typed - named}


def _merge_review_description(review_id: str, current: Sequence[ox.Triple],
                              incoming: list[ox.Triple], *, keep_defaults: bool) -> list[ox.Triple]:
    """Incoming triples, minus any that would give the review or its concept scheme a second
    title, id, etc.

    For a new review, `current` holds defaults (title = id) that the file's own description of
    the review overrides; for an existing review, what is stored wins. The scheme's title names
    this review, so it always stays.
    """
    target = ox.NamedNode(ids.review_iri(review_id))
    scheme = ox.NamedNode(ids.scheme_iri(review_id))
    if keep_defaults:
        from_file = {t.predicate for t in incoming if t.subject == target}
        current = [t for t in current if t.subject != target or t.predicate not in from_file
                   or t.predicate == P.type]
    described = {(t.subject, t.predicate) for t in current if t.subject in (target, scheme)}
    merged = [t for t in incoming if (t.subject, t.predicate) not in described]
    return list(dict.fromkeys([*current, *merged])) if keep_defaults else merged


def _count(triples: Sequence[ox.Triple], *classes: ox.NamedNode) -> int:
    """How many distinct resources the triples type as one of `classes`."""
    return len({t.subject for t in triples if t.predicate == P.type and t.object in classes})


@locked
def import_rdf(store: Store, review_id: str, files: Sequence[tuple[str, bytes, ox.RdfFormat]],
               *, validate: bool = True, check: bool = False,
               new_concepts: NewConcepts = "allow") -> ImportReport:
    """Import RDF files into a review (created when missing): all of them, or nothing.

    The files' review IRIs are re-minted under this review; an import never changes the
    review's visibility. With `check`, everything is parsed and validated but nothing is
    written. The report counts the triples written and the CMOcs, studies and concepts they
    describe, and names the concepts the files add to the review, with warnings for labels
    close to existing ones; ``new_concepts="refuse"`` refuses files that would add any.
    """
    ids.check_id(review_id, "review id")
    parsed: list[tuple[str, list[ox.Quad]]] = []
    for source, data, fmt in files:
        quads = parse_rdf(data, fmt, source)
        check_terms(quads, source)
        parsed.append((source, quads))
    triples = _into_review(parsed, review_id)
    created = not review_exists(store, review_id)
    # The whole stored review is read only to validate against it; merging the review's own
    # description needs just the review and scheme nodes.
    existing = review_graph_triples(store, review_id) if validate and not created else []
    if created:
        current = review_triples(Review(id=review_id, title=review_id))
    else:
        current = existing or [t for node in (ids.review_iri(review_id),
                                              ids.scheme_iri(review_id))
                               for t in store.construct(query_text("describe_one"), {
                                   "owner": ox.NamedNode(node)},
                                   graphs=[ids.review_iri(review_id)])]
    triples = _merge_review_description(review_id, current, triples, keep_defaults=created)
    names = ReviewNames(review_id) if created else ReviewNames.load(store, review_id)
    made, warned = in_rdf(names, triples, new_concepts, ", ".join(f[0] for f in files))
    if validate:
        violations = validate_triples([*existing, *triples])
        if violations:
            raise ValidationFailed(violations, review_id)
    if not check:
        add_triples(store, review_id, triples)
    return ImportReport(review_id, len(files), len(triples),
                        _count(triples, R["CMOConfiguration"]), created, checked=check,
                        studies=_count(triples, R["Study"]),
                        concepts=_count(triples, *CONCEPT_CLASSES),
                        new_concepts=made, warnings=warned)


def export_review(store: Store, review_id: str, fmt: str) -> bytes:
    """A review serialised as ttl, trig, nq or jsonld (compacted with our JSON-LD context)."""
    if fmt not in EXPORT_FORMATS:
        raise UnsupportedFormat(f"Cannot export as {fmt!r}.", [Problem(
            field="format", reason=f"use one of: {', '.join(EXPORT_FORMATS)}")])
    # The revision token and the review's instance are the store's bookkeeping, not the review.
    triples = sorted((t for t in review_graph_triples(store, review_id)
                      if t.predicate != R["revision"]
                      and not t.predicate.value.startswith(SYS_IRI)), key=str)
    prefixes = {**PREFIXES, "id": ID_IRI}
    if fmt == "ttl":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    graph = ox.NamedNode(ids.review_iri(review_id))
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    if fmt == "trig":
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    if fmt == "nq":
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    g = to_rdflib(triples)
    doc = json.loads(g.serialize(format="json-ld", context=jsonld_context(), auto_compact=True))
    doc["@context"] = jsonld_context()
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True).encode() + b"\n"
