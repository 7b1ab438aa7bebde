"""Hand-built REFI-QDA projects in the shapes NVivo, ATLAS.ti, MAXQDA and QualCoder write."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS = "urn:QDA-XML:project:1.0"


def gid(name: str) -> str:
    """A stable GUID for a name, upper case as NVivo writes them."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "test:" + name)).upper()


@dataclass
class Sel:
    """A selection: its place as the tool counts it, and the names of its codes."""

    name: str
    start: int
    end: int
    codes: list[str]
    description: str | None = None
    user: str | None = None
    label: str | None = None


@dataclass
class Src:
    """A text source (or a PDF with a plain-text Representation)."""

    name: str
    text: str
    selections: list[Sel] = field(default_factory=list)
    pdf: bool = False
    encoding: str = "utf-8"
    inline: bool = False
    description: str | None = None
    study_variable: str | None = None


def _codes(tree: dict[str, object], indent: str = "") -> str:
    out = ""
    for name, children in tree.items():
        kids = _codes(children, indent + " ") if isinstance(children, dict) else ""
        desc = f"<Description>{escape(children)}</Description>" if isinstance(children, str) \
            else ""
        out += (f'{indent}<Code guid="{gid("code:" + name)}" name={quoteattr(name)} '
                f'isCodable="true" color="#AA00FF">{desc}{kids}</Code>\n')
    return out


def _selection(s: Sel) -> str:
    desc = f"<Description>{escape(s.description)}</Description>" if s.description else ""
    codings = "".join(f'<Coding guid="{gid("coding:" + s.name + c)}"><CodeRef targetGUID='
                      f'"{gid("code:" + c) if not c.startswith("#") else c[1:]}"/></Coding>'
                      for c in s.codes)
    user = f' creatingUser="{gid("user:" + s.user)}"' if s.user else ""
    label = f" name={quoteattr(s.label)}" if s.label else ""
    return (f'<PlainTextSelection guid="{gid("sel:" + s.name)}"{label} '
            f'startPosition="{s.start}" endPosition="{s.end}"{user}>{desc}{codings}'
            f'</PlainTextSelection>')


def project(*, origin: str = "NVivo 14", codes: dict[str, object] | None = None,
            sources: list[Src] = (), links: list[tuple[str, str, str | None, str | None]] = (),
            users: list[str] = (), cases: dict[str, list[str]] | None = None,
            notes: dict[str, str] | None = None, sets: bool = False,
            variables: bool = False, extra: dict[str, bytes] | None = None,
            qde: bytes | None = None) -> bytes:
    """A .qdpx: links are (name, origin selection, target selection, note name or None)."""
    parts: dict[str, bytes] = dict(extra or {})
    xml_users = "".join(f'<User guid="{gid("user:" + u)}" name={quoteattr(u)}/>' for u in users)
    xml_sources = ""
    for src in sources:
        key = gid("src:" + src.name)
        sels = "".join(_selection(s) for s in src.selections)
        desc = f"<Description>{escape(src.description)}</Description>" if src.description else ""
        var = (f'<VariableValue><VariableRef targetGUID="{gid("var:study")}"/><TextValue>'
               f'{escape(src.study_variable)}</TextValue></VariableValue>'
               if src.study_variable else "")
        if src.inline:
            body = f"<PlainTextContent>{escape(src.text)}</PlainTextContent>"
            path_attr = ""
        else:
            body = ""
            path_attr = f' plainTextPath="internal://{key}.txt"'
            parts[f"Sources/{key}.txt"] = src.text.encode(src.encoding)
        if src.pdf:
            parts[f"Sources/{key}.pdf"] = b"%PDF-1.4 not read"
            xml_sources += (f'<PDFSource guid="{key}" name={quoteattr(src.name)} '
                            f'path="internal://{key}.pdf">{desc}<PDFSelection guid='
                            f'"{gid("pdfsel:" + src.name)}" page="1" firstX="1" firstY="1" '
                            f'secondX="2" secondY="2"/>'
                            f'<Representation guid="{gid("rep:" + src.name)}"'
                            f'{path_attr} name={quoteattr(src.name)}>{body}{sels}</Representation>'
                            f'{var}</PDFSource>')
        else:
            xml_sources += (f'<TextSource guid="{key}" name={quoteattr(src.name)}{path_attr}>'
                            f'{desc}{body}{sels}{var}</TextSource>')
    xml_notes = "".join(f'<Note guid="{gid("note:" + n)}" name={quoteattr(n)}><PlainTextContent>'
                        f'{escape(t)}</PlainTextContent></Note>' for n, t in (notes or {}).items())
    xml_links = ""
    for i, (name, a, b, note) in enumerate(links):
        ref = f'<NoteRef targetGUID="{gid("note:" + note)}"/>' if note else ""
        nm = f" name={quoteattr(name)}" if name else ""
        xml_links += (f'<Link guid="{gid(f"link:{i}:{name}")}"{nm} direction="OneWay" '
                      f'originGUID="{gid("sel:" + a)}" targetGUID="{gid("sel:" + b)}">{ref}</Link>')
    xml_cases = "".join(f'<Case guid="{gid("case:" + c)}" name={quoteattr(c)}>' + "".join(
        f'<SourceRef targetGUID="{gid("src:" + s)}"/>' for s in srcs) + "</Case>"
        for c, srcs in (cases or {}).items())
    xml_sets = (f'<Sets><Set guid="{gid("set:1")}" name="Interviews">' + "".join(
        f'<MemberSource targetGUID="{gid("src:" + s.name)}"/>' for s in sources) + "</Set></Sets>"
        if sets and sources else "")
    xml_vars = (f'<Variables><Variable guid="{gid("var:study")}" name="Study" '
                f'typeOfVariable="Text"/></Variables>' if variables else "")
    body = (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="Test project" '
            f'origin="{origin}">'
            + (f"<Users>{xml_users}</Users>" if users else "")
            + (f"<CodeBook><Codes>{_codes(codes)}</Codes></CodeBook>" if codes else "")
            + xml_vars
            + (f"<Cases>{xml_cases}</Cases>" if xml_cases else "")
            + (f"<Sources>{xml_sources}</Sources>" if xml_sources else "")
            + (f"<Notes>{xml_notes}</Notes>" if xml_notes else "")
            + (f"<Links>{xml_links}</Links>" if xml_links else "")
            + xml_sets + "</Project>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde if qde is not None else body.encode("utf-8"))
        for path, data in parts.items():
            zf.writestr(path, data)
    return out.getvalue()


XSD = Path(__file__).parent / "data" / "refi-qda" / "Project.xsd"


def valid_project(data: bytes) -> bytes:
    """The project.qde of an exported .qdpx, after checking it against the REFI-QDA schema
    shipped with the tests (not the package's copy) and that every internal source is there."""
    from lxml import etree

    zf = zipfile.ZipFile(io.BytesIO(data))
    qde = zf.read("project.qde")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    root = etree.fromstring(qde)
    assert schema.validate(root), schema.error_log
    names = set(zf.namelist())
    for path in root.xpath("//@plainTextPath"):
        assert "Sources/" + str(path).removeprefix("internal://") in names, path
    return qde
