"""Which codes of a REFI-QDA code book become which concepts.

A code under a top-level code named Context, Mechanism, Resource or Outcome (any case, singular
or plural: "contexts", "MECHANISM"; also Intervention and Actor) becomes a concept of that
kind; its children become narrower concepts (`skos:broader`), so the hierarchy below the
top-level code is kept. A map
(`--map codes.csv`, columns `code_path` and `kind`) names other codes: `code_path` is the
names from the top of the code book joined by `/` ("Themes/Trust"), compared in any case and
spacing, and `kind` is context, mechanism, resource or outcome (or intervention, actor); the
mapped code and everything below it take that kind. Any other code is reported, not guessed.

Resource is not a concept kind in realist-kg (a CMOc's `rkg:resource` is its text): a code of
that kind gives its name as the resource of the CMOcs its passages join.

>>> kinds = code_kinds([Code("1", "Contexts", None, [], [Code("2", "rural", None, [], [])])], {})
>>> kinds.kind["2"], kinds.parent["2"], kinds.unmapped
('context', None, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cmo.errors import InvalidInput, Problem
from cmo.interchange.qdpx.project import Code
from cmo.interchange.tables import read_csv
from cmo.model import ids

KINDS = ("context", "mechanism", "resource", "outcome", "intervention", "actor")
_ROOTS = {f"{k}{s}": k for k in ("context", "mechanism", "resource", "outcome",
                                 "intervention", "actor") for s in ("", "s")}


def _key(path: str) -> str:
    return "/".join(ids.normalise_label(p) for p in path.split("/"))


@dataclass
class CodeKinds:
    """Each code's kind and parent code (GUIDs), its label and path; the codes left unmapped."""

    kind: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    code: dict[str, Code] = field(default_factory=dict)
    path: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    roots: set[str] = field(default_factory=set)


def read_code_map(name: str, data: bytes) -> dict[str, str]:
    """A `code_path,kind` CSV as {normalised path: kind}; InvalidInput naming each bad row."""
    table = read_csv(name, data, ("code_path", "kind"))
    if not {"code_path", "kind"} <= set(table.header):
        raise InvalidInput(f"{name} needs the columns code_path and kind.", [Problem(
            field="header", reason=f"found: {', '.join(table.header)}", file=name)])
    at = {c: table.header.index(c) for c in ("code_path", "kind")}
    out, problems = {}, []
    for row, cells in table.rows:
        path, kind = (cells[at[c]].strip() if at[c] < len(cells) else "" for c in at)
        if kind.lower() not in KINDS:
            problems.append(Problem(f"{kind!r} is not one of {', '.join(KINDS)}", file=name,
                                    row=row, field="kind"))
        else:
            out[_key(path)] = kind.lower()
    if problems:
        raise InvalidInput(f"{name}: {len(problems)} row(s) name no kind; nothing was imported.",
                           problems)
    return out


def code_kinds(codes: list[Code], mapped: dict[str, str]) -> CodeKinds:
    """Walk the code book: the kind of every code that has one, and the codes without."""
    out = CodeKinds()

    def walk(code: Code, path: str, kind: str | None, parent: str | None) -> None:
        out.code[code.guid], out.path[code.guid] = code, path
        here = mapped.get(_key(path))
        if here is not None:
            kind, parent = here, None
        if kind is None:
            out.unmapped.append(path)
        else:
            out.kind[code.guid], out.parent[code.guid] = kind, parent
        for child in code.children:
            walk(child, f"{path}/{child.name}", kind, code.guid if kind else None)

    for top in codes:
        root = _ROOTS.get(ids.normalise_label(top.name))
        if root is not None and _key(top.name) not in mapped:
            out.code[top.guid], out.path[top.guid] = top, top.name
            out.roots.add(top.guid)
            for child in top.children:
                walk(child, f"{top.name}/{child.name}", root, None)
        else:
            walk(top, top.name, None, None)
    return out
