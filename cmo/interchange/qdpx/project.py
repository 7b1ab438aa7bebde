"""The XML of a REFI-QDA project (`project.qde`), parsed safely into plain records.

Parsing refuses what could make a small file costly or leak a file: a DOCTYPE (entity
declarations: billion laughs, external entities such as ``file:///etc/passwd``) is refused
before anything else, entities are never resolved, no DTD or network is loaded, and lxml's
`huge_tree` stays off. The document must then validate against the REFI-QDA 1.0 `Project.xsd`
(MIT licence, shipped beside this module); a refusal names the line and what the schema says.

Only what realist-kg maps is kept: users, the code tree, text and PDF sources (a PDF's plain
text `Representation`), their `PlainTextSelection`s with codings and descriptions, cases,
variables, notes and links. GUIDs are compared in lower case without braces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from cmo.errors import ParseError

NS = "urn:QDA-XML:project:1.0"
_Q = "{" + NS + "}"
XSD = Path(__file__).with_name("Project.xsd")


def guid(value: str | None) -> str:
    """A GUID as compared here: lower case, without braces."""
    return (value or "").strip().strip("{}").lower()


@dataclass
class Code:
    """One code of the code book, with its children."""

    guid: str
    name: str
    description: str | None
    notes: list[str]
    children: list[Code] = field(default_factory=list)


@dataclass
class Selection:
    """A coded passage of a text: its place as the tool counts, and its codes."""

    guid: str
    name: str | None
    start: int
    end: int
    codes: list[str]
    description: str | None
    notes: list[str]
    user: str | None


@dataclass
class TextDoc:
    """A text source (or a PDF's plain-text representation)."""

    guid: str
    name: str
    path: str | None
    content: str | None
    description: str | None
    notes: list[str]
    selections: list[Selection]
    variables: dict[str, str]
    pdf_selections: int = 0


@dataclass
class Link:
    """A link between two GUIDs (selections, codes, ...), with its notes."""

    guid: str
    name: str | None
    origin: str
    target: str
    notes: list[str]


@dataclass
class Project:
    """What a `project.qde` says, as far as realist-kg maps it."""

    name: str
    origin: str | None
    users: dict[str, str]
    codes: list[Code]
    sources: list[TextDoc]
    cases: list[tuple[str, list[str]]]
    links: list[Link]
    notes: dict[str, tuple[str, str | None]]
    skipped: dict[str, int]


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_project(name: str, data: bytes) -> Project:
    """The project in `project.qde` bytes; ParseError (naming file and line) when it is not
    well formed, declares a DOCTYPE or entities, or does not validate against Project.xsd."""
    where = f"{name}: project.qde"
    if b"<!DOCTYPE" in data[:65536].upper():
        raise ParseError(where, "a DOCTYPE (entity declarations) is not allowed")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(where, f"not well-formed XML: {exc.msg}", exc.lineno,
                         exc.offset) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ParseError(where, "a DOCTYPE (entity declarations) is not allowed")
    schema = _schema()
    if not schema.validate(tree):
        err = schema.error_log.last_error
        raise ParseError(where, f"does not follow the REFI-QDA Project.xsd: {err.message}",
                         err.line, err.column)
    return _project(root)


def _text(el: etree._Element, tag: str) -> str | None:
    child = el.find(_Q + tag)
    return child.text if child is not None and child.text and child.text.strip() else None


def _refs(el: etree._Element, tag: str) -> list[str]:
    return [guid(r.get("targetGUID")) for r in el.findall(_Q + tag)]


def _code(el: etree._Element) -> Code:
    return Code(guid(el.get("guid")), el.get("name", ""), _text(el, "Description"),
                _refs(el, "NoteRef"), [_code(c) for c in el.findall(_Q + "Code")])


def _selection(el: etree._Element) -> Selection:
    codes = [guid(ref.get("targetGUID")) for c in el.findall(_Q + "Coding")
             if (ref := c.find(_Q + "CodeRef")) is not None]
    return Selection(guid(el.get("guid")), el.get("name"), int(el.get("startPosition", "0")),
                     int(el.get("endPosition", "0")), codes, _text(el, "Description"),
                     _refs(el, "NoteRef"), guid(el.get("creatingUser")) or None)


def _variables(el: etree._Element, names: dict[str, str]) -> dict[str, str]:
    out = {}
    for v in el.findall(_Q + "VariableValue"):
        ref = v.find(_Q + "VariableRef")
        value = next((c.text for c in v if c.tag != _Q + "VariableRef" and c.text), None)
        if ref is not None and value:
            out[names.get(guid(ref.get("targetGUID")), "")] = value.strip()
    return out


def _doc(el: etree._Element, name: str, variables: dict[str, str], pdf: int = 0) -> TextDoc:
    return TextDoc(guid(el.get("guid")), name, el.get("plainTextPath"),
                   el.findtext(_Q + "PlainTextContent"), _text(el, "Description"),
                   _refs(el, "NoteRef"), [_selection(s) for s in
                                          el.findall(_Q + "PlainTextSelection")],
                   variables, pdf)


def _project(root: etree._Element) -> Project:
    skipped: dict[str, int] = {}
    users = {guid(u.get("guid")): u.get("name") or u.get("id") or guid(u.get("guid"))
             for u in root.iterfind(f"{_Q}Users/{_Q}User")}
    codes = [_code(c) for c in root.iterfind(f"{_Q}CodeBook/{_Q}Codes/{_Q}Code")]
    var_names = {guid(v.get("guid")): v.get("name", "")
                 for v in root.iterfind(f"{_Q}Variables/{_Q}Variable")}
    sources: list[TextDoc] = []
    for el in root.iterfind(f"{_Q}Sources/*"):
        tag = etree.QName(el).localname
        name = el.get("name") or guid(el.get("guid"))
        if tag == "TextSource":
            sources.append(_doc(el, name, _variables(el, var_names)))
        elif tag == "PDFSource" and (rep := el.find(_Q + "Representation")) is not None:
            doc = _doc(rep, name, _variables(el, var_names), len(el.findall(_Q + "PDFSelection")))
            doc.guid, doc.description = guid(el.get("guid")), _text(el, "Description")
            doc.notes += _refs(el, "NoteRef")
            sources.append(doc)
        else:
            skipped[tag] = skipped.get(tag, 0) + 1
    cases = [(c.get("name") or guid(c.get("guid")), _refs(c, "SourceRef"))
             for c in root.iterfind(f"{_Q}Cases/{_Q}Case")]
    notes = {guid(n.get("guid")): ((n.findtext(_Q + "PlainTextContent") or
                                    _text(n, "Description") or "").strip(), n.get("plainTextPath"))
             for n in root.iterfind(f"{_Q}Notes/{_Q}Note")}
    links = [Link(guid(k.get("guid")), k.get("name"), guid(k.get("originGUID")),
                  guid(k.get("targetGUID")), _refs(k, "NoteRef"))
             for k in root.iterfind(f"{_Q}Links/{_Q}Link")]
    return Project(root.get("name", ""), root.get("origin"), users, codes, sources, cases,
                   links, notes, skipped)
