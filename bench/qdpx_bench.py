"""How fast a REFI-QDA project is imported and a review exported as one (issue 17).

    .venv/bin/python bench/qdpx_bench.py [--sources 200] [--selections 20000] [--codes 500]

Builds a project the way NVivo writes one (positions in UTF-16 code units, CR LF line ends, an
emoji in every paragraph, so every position is converted): 200 text sources of about 20,000
characters, 500 codes (contexts three levels deep, mechanisms, outcomes, resources, and 50
codes under "Themes" left unmapped), 20,000 coded selections of which three in four are linked
in named C → M → O groups (one CMOc each) and the rest stay codings. Then, on an embedded store
on disk and in memory, measures:

1. importing it into a new review (reading, schema validation, conversion, one write; on disk
   also with `--bulk`, Oxigraph's bulk loader);
2. exporting that review as a .qdpx;
3. checking the export against the REFI-QDA Project.xsd (what the tests do; not part of 2).

Goals: 1 under 20 s, 2 under 10 s. Wall and CPU time are both printed: on a shared machine
(load above the core count) the wall time grows with the load, the CPU time much less.
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cmo.interchange.qdpx import export_qdpx, import_qdpx
from cmo.interchange.qdpx.project import NS, XSD
from cmo.store import open_store

_Q = "{" + NS + "}"
WORDS = ("mothers", "peers", "support", "trust", "visits", "ward", "home", "feeding", "help",
         "rural", "town", "staff", "calls", "friends", "family", "nurse", "group", "advice",
         "time", "confidence")


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _codes(rng: random.Random, total: int) -> tuple[etree._Element, dict[str, list[str]]]:
    book = etree.Element(_Q + "CodeBook")
    codes = etree.SubElement(book, _Q + "Codes")
    kinds: dict[str, list[str]] = {}
    plan = {"Contexts": int(total * 0.4), "Mechanisms": int(total * 0.2),
            "Outcomes": int(total * 0.2), "Resources": int(total * 0.1)}
    plan["Themes"] = total - sum(plan.values())
    for root_name, n in plan.items():
        root = etree.SubElement(codes, _Q + "Code", guid=_guid(rng), name=root_name,
                                isCodable="false")
        made: list[str] = []
        parents = [root]
        for i in range(n):
            parent = parents[i % len(parents)] if root_name == "Contexts" and i >= 10 else root
            g = _guid(rng)
            el = etree.SubElement(parent, _Q + "Code", guid=g, name=f"{root_name[:-1]} {i}",
                                  isCodable="true")
            if root_name == "Contexts" and i < 60:
                parents.append(el)
            made.append(g)
        kinds[root_name] = made
    return book, kinds


def _text(rng: random.Random, chars: int) -> str:
    paras, size = [], 0
    while size < chars:
        para = " ".join(rng.choice(WORDS) for _ in range(60)) + " 😀."
        paras.append(para)
        size += len(para) + 2
    return "\r\n".join(paras)


def build(n_sources: int, n_selections: int, n_codes: int, seed: int = 1) -> bytes:
    """A .qdpx of the size asked for (see the module docstring)."""
    rng = random.Random(seed)
    root = etree.Element(_Q + "Project", nsmap={None: NS}, name="Bench", origin="NVivo 14")
    users = etree.SubElement(root, _Q + "Users")
    user = _guid(rng)
    etree.SubElement(users, _Q + "User", guid=user, name="Bench coder")
    book, kinds = _codes(rng, n_codes)
    root.append(book)
    sources = etree.SubElement(root, _Q + "Sources")
    links: list[tuple[str, str, str]] = []
    files: dict[str, bytes] = {}
    per = n_selections // n_sources
    for s in range(n_sources):
        text = _text(rng, 20_000)
        units = len(text.encode("utf-16-le")) // 2
        g = _guid(rng)
        files[f"Sources/{g}.txt"] = text.encode("utf-8")
        src = etree.SubElement(sources, _Q + "TextSource", guid=g, name=f"Study {s}.txt",
                               plainTextPath=f"internal://{g}.txt")
        group: list[str] = []
        for k in range(per):
            start = rng.randrange(0, units - 200)
            sel_guid = _guid(rng)
            sel = etree.SubElement(src, _Q + "PlainTextSelection", guid=sel_guid,
                                   startPosition=str(start),
                                   endPosition=str(start + rng.randrange(20, 150)),
                                   creatingUser=user)
            role = k % 4
            kind = ("Contexts", "Mechanisms", "Outcomes", "Themes")[role]
            chosen = [rng.choice(kinds[kind])] + ([rng.choice(kinds["Contexts"])]
                                                   if role == 3 else [])
            if role == 1 and rng.random() < 0.3:
                chosen.append(rng.choice(kinds["Resources"]))
            for code in chosen:
                coding = etree.SubElement(sel, _Q + "Coding", guid=_guid(rng))
                etree.SubElement(coding, _Q + "CodeRef", targetGUID=code)
            if role < 3:
                group.append(sel_guid)
            if role == 2:
                name = f"c{len(links) // 2 + 1}"
                links += [(name, group[0], group[1]), (name, group[1], group[2])]
                group = []
    xml_links = etree.SubElement(root, _Q + "Links")
    for name, a, b in links:
        etree.SubElement(xml_links, _Q + "Link", guid=_guid(rng), name=name,
                         direction="OneWay", originGUID=a, targetGUID=b)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        for path, data in files.items():
            zf.writestr(path, data)
    return out.getvalue()


def main() -> None:
    """Build the project, then import, export and validate on disk and in memory."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--selections", type=int, default=20_000)
    parser.add_argument("--codes", type=int, default=500)
    args = parser.parse_args()
    began = time.perf_counter()
    data = build(args.sources, args.selections, args.codes)
    print(f"python {platform.python_version()}, {platform.machine()}; project of "
          f"{len(data):,} bytes built in {time.perf_counter() - began:.1f} s")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    with tempfile.TemporaryDirectory() as tmp:
        for label, url, bulk in (("on disk", f"oxigraph:{tmp}/store", False),
                                 ("on disk, --bulk", f"oxigraph:{tmp}/bulk", True),
                                 ("in memory", "memory:", False)):
            store = open_store(url)
            t0, c0 = time.perf_counter(), time.process_time()
            report = import_qdpx(store, "bench", "bench.qdpx", data, bulk=bulk)
            t1, c1 = time.perf_counter(), time.process_time()
            out = export_qdpx(store, "bench")
            t2, c2 = time.perf_counter(), time.process_time()
            ok = schema.validate(etree.fromstring(
                zipfile.ZipFile(io.BytesIO(out)).read("project.qde")))
            t3 = time.perf_counter()
            print(f"{label}: import {t1 - t0:.2f} s (CPU {c1 - c0:.2f} s; "
                  f"{report.sources} sources, {report.cmocs} CMOcs, {report.codings} codings, "
                  f"{report.triples:,} triples, {len(report.unmapped_codes)} codes not mapped); "
                  f"export "
                  f"{t2 - t1:.2f} s (CPU {c2 - c1:.2f} s; {len(out):,} bytes); schema check "
                  f"{t3 - t2:.2f} s "
                  f"({'valid' if ok else 'INVALID'})")
            store.close()


if __name__ == "__main__":
    main()
