"""Exporting a review as a REFI-QDA project (`.qdpx`) that NVivo, ATLAS.ti, MAXQDA and
QualCoder open, and that realist-kg imports again to the same CMOcs.

- Sources go in as internal plain text (`Sources/<guid>.txt`, UTF-8 without a byte-order mark,
  the normalised text), so positions are code points of exactly the text realist-kg anchors in.
  A study becomes a Case holding its sources.
- Concepts become codes under top-level codes Context, Mechanism and Outcome (Intervention and
  Actor when the review has any), keeping the hierarchy (`skos:broader`); each distinct
  resource text becomes a code under Resource.
- Each anchored quote becomes a `PlainTextSelection` coded with all its CMOc's concepts; the
  part it supports, if any, is its `name` ("part: mechanism").
- Each CMOc becomes Links between its selections (context → mechanism → outcome; one
  selection links to itself), named by the CMOc's id; each refers to a Note holding
  `fired:`, `direction:`, `confidence:` and `leads to:` lines, then the CMOc's notes.
- Coded passages not yet in a CMOc become selections coded to their concepts, with their GUIDs.
- Notes (`skos:note`) become Descriptions; reviewers and other PROV agents become Users.

GUIDs are made from IRIs (UUID 5), so exporting the same review twice gives the same project.
CMOcs without an anchored quote have no passage to link and are left out (counted in the
project's Description).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from lxml import etree
from pyoxigraph import Literal, NamedNode

from cmo.errors import NotFound
from cmo.interchange.qdpx.archive import write_archive
from cmo.interchange.qdpx.project import NS
from cmo.model import ids
from cmo.model.namespace import RKG
from cmo.model.records import CMOConfiguration, ConceptKind
from cmo.rdf.mapping import CLASS_KIND, Description, P, R, Term, read_cmoc
from cmo.review.codings import read_codings
from cmo.review.names import ReviewNames
from cmo.review.reviews import review_exists
from cmo.sources.normalise import PAGE_BREAK
from cmo.store import Store
from cmo.words import counted

_Q = "{" + NS + "}"
_ROOTS = {ConceptKind.context: "Context", ConceptKind.mechanism: "Mechanism",
          ConceptKind.outcome: "Outcome", ConceptKind.intervention: "Intervention",
          ConceptKind.actor: "Actor"}
_ORDER = {"context": 0, None: 1, "mechanism": 2, "resource": 3, "outcome": 4}
_SOURCE = NamedNode(str(RKG.Source))
_HAS_PAGE, _PAGE_NUMBER, _PAGE_TEXT, _OF_STUDY, _FILE_NAME = (
    str(getattr(RKG, t)) for t in ("hasPage", "pageNumber", "pageText", "ofStudy", "fileName"))
_COLOURS = {"Context": "#4C72B0", "Mechanism": "#DD8452", "Resource": "#8172B3",
            "Outcome": "#55A868", "Intervention": "#937860", "Actor": "#DA8BC3"}


def _guid(key: str) -> str:
    """A GUID made from a key (the hex of its SHA-1, as UUID 5 takes it; not uuid.uuid5 itself,
    which costs several times as much for the tens of thousands a big review needs)."""
    h = hashlib.sha1(key.encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{h[16:20]}-{h[20:32]}"


def _names(review_id: str, desc: Description) -> ReviewNames:
    """The review's names (labels, keys, ids, kinds, parents) read from its triples, without
    building the review index."""
    names = ReviewNames(review_id)

    def first(d: dict[str, list[Term]], p: str) -> str | None:
        values = d.get(p)
        return values[0].value if values else None

    for iri, d in desc.items():
        for t in d.get(P.type.value, []):
            if t.value in CLASS_KIND:
                names.kind[iri] = CLASS_KIND[t.value]
        if (label := first(d, P.pref_label.value) or first(d, P.label.value)) is not None:
            names.labels[iri] = label
        if (ident := first(d, P.identifier.value)) is not None:
            names.ids[iri] = ident
        if (parent := first(d, P.broader.value)) is not None:
            names.broader[iri] = parent
    return names


def _describe(store: Store, review_id: str) -> Description:
    """Every triple of the review, by subject and predicate (one index scan, no SPARQL)."""
    if not review_exists(store, review_id):
        raise NotFound(f"No review {review_id!r}.")
    out: Description = defaultdict(lambda: defaultdict(list))
    for s, p, o in store.graph_triples(ids.review_iri(review_id)):
        if isinstance(s, NamedNode) and isinstance(o, NamedNode | Literal):
            out[s.value][p.value].append(o)
    return out


def _sources(desc: Description, names: ReviewNames) -> list[tuple[str, str, str, str, str]]:
    """Each source: its IRI, id, file name, study key and text (pages joined)."""
    out = []
    for iri, d in desc.items():
        if _SOURCE not in d.get(P.type.value, []):
            continue
        pages = sorted((int(desc[p.value][_PAGE_NUMBER][0].value),
                        desc[p.value][_PAGE_TEXT][0].value) for p in d.get(_HAS_PAGE, []))
        study = d.get(_OF_STUDY, [NamedNode(iri)])[0].value
        name = d.get(_FILE_NAME, [Literal(names.id_of(iri))])[0].value
        out.append((iri, names.id_of(iri), name, names.key_of(study),
                    PAGE_BREAK.join(t for _, t in pages)))
    return sorted(out, key=lambda s: (s[3].casefold(), s[2], s[1]))


def _el(parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
    return etree.SubElement(parent, _Q + tag, {k: v for k, v in attrs.items() if v is not None})


def _description(parent: etree._Element, text: str | None) -> None:
    if text:
        _el(parent, "Description").text = text


def _notes(d: dict[str, list[Term]]) -> str | None:
    values = [v.value for v in d.get(P.note.value, [])]
    return "\n\n".join(sorted(values)) or None


class _Writer:
    """The project's XML, built up part by part."""

    def __init__(self, review_id: str, desc: Description, names: ReviewNames) -> None:
        self.review_id, self.desc, self.names = review_id, desc, names
        self.root = etree.Element(_Q + "Project", nsmap={None: NS})
        self.code_of: dict[tuple[str, str], str] = {}  # (kind, label) -> code GUID
        self.user_of: dict[str, str] = {}

    def users(self) -> None:
        agents = sorted({getattr(v[0], "value", "") for d in self.desc.values()
                         if P.agent.value in {getattr(t, "value", "") for t in
                                              d.get(P.type.value, [])}
                         and (v := d.get(P.label.value))})
        if not agents:
            return
        users = _el(self.root, "Users")
        for name in agents:
            self.user_of[name] = _guid(ids.agent_iri(name))
            _el(users, "User", guid=self.user_of[name], name=name)

    def codebook(self, cmocs: list[CMOConfiguration]) -> None:
        codes = _el(_el(self.root, "CodeBook"), "Codes")
        by_kind: defaultdict[ConceptKind, list[str]] = defaultdict(list)
        for iri, kind in self.names.kind.items():
            by_kind[kind].append(iri)
        for kind, root_name in _ROOTS.items():
            if kind in (ConceptKind.intervention, ConceptKind.actor) and not by_kind[kind]:
                continue
            root = self._root(codes, root_name)
            self._tree(root, kind, by_kind[kind])
            if kind == ConceptKind.mechanism:
                resources = sorted({c.resource for c in cmocs if c.resource}, key=str.casefold)
                if resources:
                    res_root = self._root(codes, "Resource")
                    for text in resources:
                        guid = _guid(f"{ids.review_iri(self.review_id)}/resource/{text}")
                        self.code_of[("resource", text)] = guid
                        _el(res_root, "Code", guid=guid, name=text, isCodable="true",
                            color=_COLOURS["Resource"])

    def _root(self, codes: etree._Element, name: str) -> etree._Element:
        return _el(codes, "Code", guid=_guid(f"{ids.review_iri(self.review_id)}/code/{name}"),
                   name=name, isCodable="false", color=_COLOURS[name])

    def _tree(self, root: etree._Element, kind: ConceptKind, iris: list[str]) -> None:
        children: defaultdict[str | None, list[str]] = defaultdict(list)
        for iri in iris:
            parent = self.names.broader.get(iri)
            children[parent if parent in iris else None].append(iri)
        seen: set[str] = set()

        def add(parent: etree._Element, iri: str) -> None:
            if iri in seen:
                return
            seen.add(iri)
            label = self.names.label_of(iri)
            guid = _guid(iri)
            self.code_of[(kind.value, ids.normalise_label(label))] = guid
            code = _el(parent, "Code", guid=guid, name=label, isCodable="true",
                       color=_COLOURS[_ROOTS[kind]])
            _description(code, _notes(self.desc.get(iri, {})))
            for child in sorted(children[iri], key=lambda i: self.names.label_of(i).casefold()):
                add(code, child)

        for top in sorted(children[None], key=lambda i: self.names.label_of(i).casefold()):
            add(root, top)

    def code(self, kind: str, label: str) -> str | None:
        key = label if kind == "resource" else ids.normalise_label(label)
        return self.code_of.get((kind, key))


def _cmoc_codes(w: _Writer, c: CMOConfiguration) -> list[str]:
    pairs = [("context", x) for x in c.contexts] + [("mechanism", c.mechanism)] + \
        [("outcome", x) for x in c.outcomes]
    pairs += [("resource", c.resource)] if c.resource else []
    pairs += [("intervention", c.intervention)] if c.intervention else []
    pairs += [("actor", c.actor)] if c.actor else []
    return [g for kind, label in pairs if (g := w.code(kind, label))]


def _selection(parent: etree._Element, guid: str, start: int, end: int, codes: Iterable[str],
               name: str | None, user: str | None, memo: str | None) -> None:
    sel = _el(parent, "PlainTextSelection", guid=guid, name=name, startPosition=str(start),
              endPosition=str(end), creatingUser=user)
    _description(sel, memo)
    for code in dict.fromkeys(codes):
        coding = _el(sel, "Coding", guid=_guid(f"{guid}/{code}"))
        _el(coding, "CodeRef", targetGUID=code)


def _note_text(c: CMOConfiguration) -> str:
    lines = [f"fired: {'yes' if c.mechanism_fired else 'no'}"]
    if c.outcome_direction:
        lines.append(f"direction: {c.outcome_direction.value}")
    if c.confidence:
        lines.append(f"confidence: {c.confidence.value}")
    if c.leads_to:
        lines.append(f"leads to: {'; '.join(c.leads_to)}")
    return "\n".join(lines) + (f"\n\n{c.notes}" if c.notes else "")


def export_qdpx(store: Store, review_id: str) -> bytes:
    """The review as a REFI-QDA project (a `.qdpx` zip); see the module docstring."""
    desc = _describe(store, review_id)
    names = _names(review_id, desc)
    review = desc.get(ids.review_iri(review_id), {})
    title = review.get(P.title.value) or review.get(P.label.value)
    cmocs = sorted((read_cmoc(desc, iri, names) for iri, d in desc.items()
                    if R["CMOConfiguration"] in d.get(P.type.value, [])), key=lambda c: c.id)
    w = _Writer(review_id, desc, names)
    w.root.set("name", title[0].value if title else review_id)
    w.root.set("origin", "realist-kg")
    w.users()
    w.codebook(cmocs)
    sources = _sources(desc, names)
    src_guid = {sid: _guid(iri) for iri, sid, _, _, _ in sources}
    studies: defaultdict[str, list[str]] = defaultdict(list)
    for _, sid, _, study, _ in sources:
        studies[study].append(src_guid[sid])
    if studies:
        cases = _el(w.root, "Cases")
        for key in sorted(studies, key=str.casefold):
            case = _el(cases, "Case", guid=_guid(ids.study_iri(review_id, key)), name=key)
            for g in studies[key]:
                _el(case, "SourceRef", targetGUID=g)
    by_source: defaultdict[str, list[tuple[int, int, str, list[str], str | None, str | None,
                                           str | None]]] = defaultdict(list)
    links: list[tuple[CMOConfiguration, list[str]]] = []
    left_out = 0
    for c in cmocs:
        codes = _cmoc_codes(w, c)
        user = w.user_of.get(c.reviewer or "")
        chain = []
        for n, ev in sorted(enumerate(c.evidence, start=1),
                            key=lambda e: (_ORDER.get(e[1].part, 1), e[0])):
            if ev.source is None or ev.start is None or ev.end is None or ev.source not in \
                    src_guid:
                continue
            guid = _guid(ids.evidence_iri(review_id, c.id, n))
            by_source[ev.source].append((ev.start, ev.end, guid, codes,
                                         f"part: {ev.part}" if ev.part else None, user, None))
            chain.append(guid)
        if chain:
            links.append((c, chain))
        else:
            left_out += 1
    for coding in read_codings(desc):
        if coding.source not in src_guid or coding.start is None or coding.end is None:
            continue
        coded = [code_guid for kind, labels in coding.codes.items() for label in labels
                 if (code_guid := w.code(kind, label)) is not None]
        by_source[coding.source].append((coding.start, coding.end, coding.id, coded, None,
                                         w.user_of.get(coding.coder or ""), coding.note))
    files: dict[str, bytes] = {}
    if sources:
        xml_sources = _el(w.root, "Sources")
        for iri, sid, file_name, _, text in sources:
            guid = src_guid[sid]
            files[f"{guid}.txt"] = text.encode("utf-8")
            src = _el(xml_sources, "TextSource", guid=guid, name=file_name,
                      plainTextPath=f"internal://{guid}.txt")
            _description(src, _notes(desc.get(iri, {})))
            for start, end, sguid, codes, name, user, memo in sorted(by_source[sid]):
                _selection(src, sguid, start, end, codes, name, user, memo)
    if links:
        notes = _el(w.root, "Notes")
        xml_links = _el(w.root, "Links")
        for c, chain in links:
            note_guid = _guid(ids.cmoc_iri(review_id, c.id) + "/note")
            note = _el(notes, "Note", guid=note_guid, name=f"CMOc {c.id}")
            _el(note, "PlainTextContent").text = _note_text(c)
            pairs = list(pairwise(chain)) or [(chain[0], chain[0])]
            for i, (a, b) in enumerate(pairs):
                link = _el(xml_links, "Link", guid=_guid(f"{ids.cmoc_iri(review_id, c.id)}/"
                                                          f"link/{i}"),
                           name=c.id, direction="OneWay", originGUID=a, targetGUID=b)
                _el(link, "NoteRef", targetGUID=note_guid)
    if left_out:
        _description(w.root, f"{counted(left_out, 'CMOc')} of review {review_id} without an "
                     "anchored quote are not in this project.")
    qde = etree.tostring(w.root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return write_archive(qde, files)
