"""Importing a REFI-QDA project (`.qdpx`) into a review: all of it, or nothing.

Everything is read and checked before anything is written (`docs/refi-qda.md`):

- each text or PDF source becomes a source of a study: the study a `study` Variable of the
  source names, else the Case that holds the source, else the source's name (without its
  extension);
- codes become concepts (`codes`), keeping their hierarchy; other codes are reported;
- coded selections are placed in the normalised text (`offsets`, `texts`); groups of them become
  CMOcs (`assemble`), their passages anchored evidence; the other coded passages become codings
  (`cmo.review.codings`);
- memos: a code's Description and notes become the concept's `skos:note`, a source's its
  source's; a Link's notes (and its passages' Descriptions) become the CMOc's notes, where the
  lines `fired:`, `direction:`, `confidence:` and `leads to:` (as realist-kg exports them) set
  those fields; users become reviewers (PROV agents).

Then all triples are written in one transaction; a refusal names the element (its GUID) or the
file inside the project, and the store is left as it was.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import AlreadyExists, InvalidInput, Problem
from cmo.interchange.qdpx.archive import read_archive
from cmo.interchange.qdpx.assemble import Group, Passage, by_links, by_window
from cmo.interchange.qdpx.codes import CodeKinds, code_kinds
from cmo.interchange.qdpx.offsets import Counting
from cmo.interchange.qdpx.project import Project, Selection, parse_project
from cmo.interchange.qdpx.texts import Text, read_text
from cmo.interchange.rdf_files import ImportReport, new_review_title
from cmo.model import ids
from cmo.model.records import (
    CMOConfiguration,
    Concept,
    ConceptKind,
    Evidence,
    NewConcepts,
    Review,
    Study,
    validated,
)
from cmo.rdf.mapping import P, concept_triples, review_triples, study_triples
from cmo.rdf.ntriples import NTriples, cmoc_ntriples
from cmo.review.codings import coding_triples
from cmo.review.names import ReviewNames
from cmo.review.new_concepts import created, near_duplicate_warnings
from cmo.review.reviews import review_exists
from cmo.sources.catalogue import list_sources, source_triples
from cmo.store import Store
from cmo.store.writes import add_triples
from cmo.words import counted

_CONCEPT_KINDS = {k.value for k in ConceptKind}
_PARTS = ("context", "mechanism", "resource", "outcome")
_FIELD = re.compile(r"^(fired|direction|confidence|leads to):\s*(.*)$", re.I)
_FIRED = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


@dataclass
class QdpxOptions:
    """How to read a project: a code map (`--map`) and the assembling window (`--assemble`)."""

    code_map: dict[str, str] = field(default_factory=dict)
    window: int | None = None


def study_key(doc_name: str, variables: dict[str, str], case: str | None) -> str:
    """The study a source belongs to: its `study` Variable, its Case, else its name.

    >>> study_key("Jolly 2012.pdf", {}, None), study_key("x.txt", {"Study": "Lee"}, "c")
    ('Jolly 2012', 'Lee')
    """
    for name, value in variables.items():
        if name.strip().lower() == "study" and value.strip():
            return value.strip()
    if case:
        return case
    stem, ext = posixpath.splitext(doc_name)
    return stem if ext.lower() in (".txt", ".pdf", ".docx", ".doc", ".rtf", ".md", ".odt",
                                   ".html", ".htm") and stem else doc_name


class _Plan:
    """The import worked out in memory: the triples to write and what they hold."""

    def __init__(self, store: Store, review_id: str, name: str, project: Project,
                 kinds: CodeKinds, exists: bool) -> None:
        self.review_id, self.name, self.project, self.kinds = review_id, name, project, kinds
        self.names = ReviewNames.load(store, review_id) if exists else ReviewNames(review_id)
        self.triples: list[Triple] = []
        self.notes: list[str] = []
        self.labels: dict[str, str] = {}  # code GUID -> label of its concept (or resource)
        self.texts: dict[str, Text] = {}
        self.study_of: dict[str, str] = {}  # source GUID -> study key
        self.passages: dict[str, Passage] = {}
        self.where: dict[str, Text] = {}  # selection GUID -> its source
        self.selection: dict[str, Selection] = {}
        self.cmocs = 0
        self.codings = 0
        self.cmoc_text = NTriples()  # the CMOcs' triples, as N-Triples text (a big import's)

    def note_text(self, refs: list[str], archive_text: dict[str, str]) -> list[str]:
        return [t for r in refs if (t := archive_text.get(r, ""))]

    # Concepts ----------------------------------------------------------------------------
    def concepts(self, notes: dict[str, str]) -> None:
        problems = []
        for guid in self.kinds.kind:
            code, kind = self.kinds.code[guid], self.kinds.kind[guid]
            if kind not in _CONCEPT_KINDS:
                self.labels[guid] = code.name.strip()
                continue
            try:
                concept = validated(Concept, {"kind": kind, "label": code.name},
                                    f"code {guid} ({self.kinds.path[guid]})")
            except InvalidInput as exc:
                problems += exc.problems
                continue
            fresh = self.names.find_concept(concept.kind, concept.label) is None
            iri = self.names.concept(concept.kind, concept.label)
            self.labels[guid] = self.names.label_of(iri)
            if not fresh:
                continue
            parent = self.kinds.parent.get(guid)
            broader = self.names.concept(concept.kind, self.kinds.code[parent].name) \
                if parent and self.kinds.kind.get(parent) == kind else None
            self.triples += concept_triples(self.review_id, concept, iri, broader)
            memo = "\n\n".join([*([code.description] if code.description else []),
                                *self.note_text(code.notes, notes)])
            if memo:
                self.triples.append(Triple(NamedNode(iri), P.note, Literal(memo)))
        if problems:
            raise InvalidInput(f"{self.name}: {counted(len(problems), 'code')} cannot be "
                               "concepts; nothing was imported.", problems)

    # Sources and passages ----------------------------------------------------------------
    def sources(self, texts: list[Text], cases: dict[str, str], notes: dict[str, str],
                known: set[str]) -> None:
        now = datetime.now(UTC)
        for text in texts:
            doc = text.doc
            if text.source_id in known or text.sha256 in known:
                raise AlreadyExists(f"source {doc.guid} ({doc.name}) is already in review "
                                    f"{self.review_id!r}; nothing was imported.")
            key = study_key(doc.name, doc.variables, cases.get(doc.guid))
            fresh = ids.normalise_label(key) not in self.names.studies
            study = self.names.study(key)
            if fresh:
                self.triples += study_triples(validated(Study, {"key": key},
                                                        f"study of source {doc.guid}"), study)
            self.study_of[doc.guid] = self.names.key_of(study)
            self.triples += source_triples(self.review_id, text.source_id, study,
                                           text.extracted, text.sha256, now)
            memo = "\n\n".join([*([doc.description] if doc.description else []),
                                *self.note_text(doc.notes, notes)])
            if memo:
                self.triples.append(Triple(NamedNode(ids.source_iri(
                    self.review_id, text.source_id)), P.note, Literal(memo)))
            self.texts[doc.guid] = text
            self._passages(text)

    def _passages(self, text: Text) -> None:
        problems = []
        for sel in text.doc.selections:
            codes: defaultdict[str, list[str]] = defaultdict(list)
            for code in sel.codes:
                if code not in self.kinds.code:
                    problems.append(Problem(f"selection {sel.guid}: CodeRef to missing code "
                                            f"{code}", field="CodeRef", file=self.name))
                elif code in self.labels:
                    codes[self.kinds.kind[code]].append(self.labels[code])
            place = text.places.get(sel.guid)
            self.selection[sel.guid] = sel
            if codes and place is not None:
                self.passages[sel.guid] = Passage(sel.guid, text.doc.guid, place.start,
                                                  place.end, dict(codes))
                self.where[sel.guid] = text
        if problems:
            raise InvalidInput(f"{self.name}: {counted(len(problems), 'CodeRef')} to codes the "
                               "code book does not have; nothing was imported.", problems)

    # CMOcs and codings ---------------------------------------------------------------------
    def evidence(self, guid: str) -> dict[str, object]:
        text, passage = self.where[guid], self.passages[guid]
        place = text.places[guid]
        assert place is not None
        sel = self.selection[guid]
        part = (sel.name or "").removeprefix("part:").strip().lower() \
            if (sel.name or "").lower().startswith("part:") else None
        kinds = [k for k in passage.codes if k in _PARTS]
        if part not in _PARTS:
            part = kinds[0] if len(kinds) == 1 and len(passage.codes) == 1 else None
        return {"quote": place.exact, "page": str(place.page), "source": text.source_id,
                "start": place.start, "end": place.end, "prefix": place.prefix,
                "suffix": place.suffix, "part": part,
                "study": self.study_of[text.doc.guid]}

    def cmoc(self, group: Group, cmoc_id: str, notes: list[str]) -> CMOConfiguration:
        merged: defaultdict[str, list[str]] = defaultdict(list)
        for g in group.guids:
            for kind, labels in self.passages[g].codes.items():
                merged[kind] += [x for x in labels if x not in merged[kind]]
        fields, text = _fields("\n".join(notes))
        memos = [d for g in group.guids if (d := self._memo(g))]
        text = "\n\n".join([*([text] if text else []), *memos])
        first = self.selection[group.guids[0]]
        return validated(CMOConfiguration, {
            "id": cmoc_id, "studies": list(dict.fromkeys(
                self.study_of[self.where[g].doc.guid] for g in group.guids)),
            "contexts": merged["context"], "mechanism": merged["mechanism"][0],
            "outcomes": merged["outcome"],
            "resource": "; ".join(merged["resource"]) or None,
            "intervention": merged["intervention"][0] if merged["intervention"] else None,
            "actor": merged["actor"][0] if merged["actor"] else None,
            "evidence": [self.evidence(g) for g in group.guids],
            "reviewer": self.project.users.get(first.user or "") if first.user else None,
            "notes": text or None, **fields}, f"link {group.link or group.guids[0]}")

    def _memo(self, guid: str) -> str | None:
        return self.selection[guid].description

    def coding(self, guid: str, notes: dict[str, str]) -> None:
        passage, sel = self.passages[guid], self.selection[guid]
        concepts = [self.names.concept(ConceptKind(k), label)
                    for k, labels in passage.codes.items() if k in _CONCEPT_KINDS
                    for label in labels]
        ev = self.evidence(guid)
        ev.pop("part")
        study = self.names.study(str(ev.pop("study")))
        memo = "\n\n".join([*([sel.description] if sel.description else []),
                            *self.note_text(sel.notes, notes)]) or None
        self.triples += coding_triples(self.review_id, guid, validated(
            Evidence, ev, f"selection {guid}"), concepts, passage.codes.get("resource", []),
            study, memo, self.project.users.get(sel.user or "") if sel.user else None)
        self.codings += 1

    def assemble(self, window: int | None, notes: dict[str, str]) -> None:
        links = [(k.guid, k.name, k.origin, k.target, self.note_text(k.notes, notes))
                 for k in self.project.links]
        groups = by_links(self.passages, links)
        used = {g for group in groups for g in group.guids}
        if window is not None:
            groups += by_window([p for g, p in self.passages.items() if g not in used], window)
            used = {g for group in groups for g in group.guids}
        made: list[CMOConfiguration] = []
        taken = set(self.names.cmocs)
        for group in groups:
            cmoc_id = group.name if group.name and ids.is_id(group.name) \
                and group.name not in taken else _next_id(taken)
            if group.name and cmoc_id != group.name:
                self.notes.append(f"link {group.name!r} became CMOc {cmoc_id!r} (its name is "
                                  "taken or cannot be an id)")
            taken.add(cmoc_id)
            made.append(self.cmoc(group, cmoc_id, group.notes))
        ids_made = {c.id for c in made} | set(self.names.cmocs)
        for cmoc in made:
            unknown = [x for x in cmoc.leads_to if x not in ids_made]
            if unknown:
                self.notes.append(f"CMOc {cmoc.id}: leads to {', '.join(unknown)}, which the "
                                  "project does not have; left out")
                cmoc.leads_to = [x for x in cmoc.leads_to if x in ids_made]
        refs = _Refs(self.names, {c.id: ids.cmoc_iri(self.review_id, c.id) for c in made})
        for cmoc in made:
            cmoc_ntriples(self.cmoc_text, self.review_id, cmoc, refs)
        self.cmocs = len(made)
        for guid in self.passages:
            if guid not in used:
                self.coding(guid, notes)


def _fields(note: str) -> tuple[dict[str, object], str]:
    """The CMOc fields a Link's note opens with (`fired:`, `direction:`, `confidence:`,
    `leads to:` lines, as realist-kg writes them), and the rest of the note.

    >>> _fields("fired: no\\nconfidence: high\\n\\nfired: in notes, a note")
    ({'mechanism_fired': False, 'confidence': 'high'}, 'fired: in notes, a note')
    """
    fields: dict[str, object] = {}
    lines = note.splitlines()
    while lines and (m := _FIELD.match(lines[0].strip())):
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "fired" and value.lower() in _FIRED:
            fields["mechanism_fired"] = _FIRED[value.lower()]
        elif key == "direction" and value.isidentifier():
            fields["outcome_direction"] = value
        elif key == "confidence" and value.isidentifier():
            fields["confidence"] = value
        elif key == "leads to" and all(ids.is_id(v.strip()) for v in value.split(";")):
            fields["leads_to"] = [v.strip() for v in value.split(";")]
        else:
            break
        lines.pop(0)
    return fields, "\n".join(lines).strip()


class _Refs:
    """The review's names, and the ids of the CMOcs this import adds."""

    def __init__(self, names: ReviewNames, cmocs: dict[str, str]) -> None:
        self.names, self.cmocs = names, cmocs
        self.concept, self.study, self.theory = names.concept, names.study, names.theory

    def cmoc(self, cmoc_id: str) -> str:
        """The IRI of a CMOc of this import or of the review."""
        return self.cmocs.get(cmoc_id) or self.names.cmoc(cmoc_id)


def _next_id(taken: set[str]) -> str:
    n = len(taken) + 1
    while f"q{n}" in taken:
        n += 1
    return f"q{n}"


def import_qdpx(store: Store, review_id: str, name: str, data: bytes,
                options: QdpxOptions | None = None, *, check: bool = False, bulk: bool = False,
                new_concepts: NewConcepts = "allow") -> ImportReport:
    """Import a REFI-QDA project into a review (created when missing): all of it, or nothing.

    With `check`, everything is read and checked but nothing is written. `bulk` (honoured for
    a new review only) writes with Oxigraph's bulk loader: faster on disk, and if it fails the
    new review's graph is dropped. The report counts the
    sources, studies, concepts by kind, CMOcs and codings, and names the codes not mapped.
    """
    options = options or QdpxOptions()
    ids.check_id(review_id, "review id")
    archive = read_archive(name, data)
    project = parse_project(name, archive.qde)
    kinds = code_kinds(project.codes, options.code_map)
    notes = {g: text or (_decode_note(archive.source(path, g)) if path else "")
             for g, (text, path) in project.notes.items()}
    counting = Counting.of(project.origin)
    texts = [read_text(archive, doc, counting) for doc in project.sources]
    cases = {src: case for case, srcs in project.cases for src in srcs}
    exists = review_exists(store, review_id)
    plan = _Plan(store, review_id, name, project, kinds, exists)
    plan.concepts(notes)
    if new_concepts == "refuse" and plan.names.new_concepts:
        raise InvalidInput(f"{name}: the project's codes name concepts the review does not "
                           "have; nothing was imported.", [Problem(
                               f"new {k.value} {label!r}", file=name)
                               for k, label in plan.names.new_concepts.values()])
    known = {x for s in list_sources(store, review_id) for x in (s.id, s.sha256)} \
        if exists else set()
    plan.sources(texts, cases, notes, known)
    plan.assemble(options.window, notes)
    plan.triples += _agents(project)
    report = ImportReport(review_id, 1, 0, plan.cmocs, not exists, checked=check)
    triples = plan.triples
    if not exists:
        title = new_review_title(report, name, project.name or None)
        triples = review_triples(Review(id=review_id, title=title,
                                        created=datetime.now(UTC))) + triples
    if not check:
        add_triples(store, review_id, triples, ntriples=plan.cmoc_text, bulk=bulk and not exists)
    report.triples = len(triples) + plan.cmoc_text.count
    report.studies = len(plan.names.new_studies)
    report.sources = len(texts)
    report.codings = plan.codings
    made = created(plan.names)
    report.new_concepts = made
    report.concepts = len(made)
    by_kind: dict[str, int] = {}
    for guid, kind in kinds.kind.items():
        by_kind[kind] = by_kind.get(kind, 0) + (guid in plan.labels)
    report.concepts_by_kind = by_kind
    report.unmapped_codes = kinds.unmapped
    report.warnings = near_duplicate_warnings(plan.names, made)
    report.notes += plan.notes + _skipped(project)
    return report


def _decode_note(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace").strip()


def _agents(project: Project) -> list[Triple]:
    out = []
    for user in dict.fromkeys(project.users.values()):
        agent = NamedNode(ids.agent_iri(user))
        out += [Triple(agent, P.type, P.agent), Triple(agent, P.label, Literal(user))]
    return out


def _skipped(project: Project) -> list[str]:
    said = [f"{counted(n, tag)} not imported (realist-kg reads text and PDF sources)"
            for tag, n in sorted(project.skipped.items())]
    pdf = sum(d.pdf_selections for d in project.sources)
    if pdf:
        said.append(f"{counted(pdf, 'PDF area selection')} not imported (only selections of "
                    "a PDF's plain-text Representation are)")
    return said
