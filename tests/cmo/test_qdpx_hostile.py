"""Bad and hostile REFI-QDA projects: each refused, naming the element or file, store unchanged."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pyoxigraph as ox
import pytest

from cmo.errors import InvalidInput, LimitExceeded, ParseError
from cmo.interchange.importer import import_file
from cmo.limits import LIMITS
from cmo.store import Store, open_store
from tests.qdpx_builders import NS, Sel, Src, gid, project

CODES = {"Context": {"rural": {}}, "Mechanism": {"trust": {}}, "Outcome": {"uptake": {}}}
GOOD = project(codes=CODES, sources=[Src("a.txt", "Rural mothers trusted peers.",
                                         [Sel("s1", 0, 5, ["rural"])])])


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _qde(body: str, prolog: str = "") -> bytes:
    return project(qde=(f'<?xml version="1.0"?>{prolog}<Project xmlns="{NS}" name="p">'
                        f"{body}</Project>").encode())


BILLION_LAUGHS = _qde("<Description>&l9;</Description>", "<!DOCTYPE Project [" + "".join(
    ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)])
    + "]>")
XXE = _qde("<Description>&x;</Description>",
           '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
BAD: dict[str, tuple[Callable[[], bytes], type[Exception], str]] = {
    "not-a-zip": (lambda: b"just some text, not a project", ParseError, "not a zip file"),
    "no-project-qde": (lambda: _zip({"Sources/a.txt": b"hi"}), ParseError, "no project.qde"),
    "not-well-formed": (lambda: project(qde=b"<Project xmlns='urn:QDA-XML:project:1.0'"),
                        ParseError, "not well-formed"),
    "fails-schema": (lambda: _qde(f'<CodeBook><Codes><Code guid="{gid("c")}" name="x"/>'
                                  "</Codes></CodeBook>"), ParseError, "isCodable"),
    "selection-outside-text": (lambda: project(codes=CODES, sources=[Src(
        "a.txt", "short", [Sel("far", 2, 5000, ["rural"])])]), InvalidInput,
        gid("sel:far").lower()),
    "coderef-to-missing-code": (lambda: project(codes=CODES, sources=[Src(
        "a.txt", "short text", [Sel("lost", 0, 5, ["#" + gid("nowhere")])])]), InvalidInput,
        gid("nowhere").lower()),
    "source-outside-project": (lambda: _qde(
        f'<Sources><TextSource guid="{gid("abs")}" name="p" '
        'plainTextPath="absolute:///etc/passwd"/></Sources>'), ParseError, gid("abs").lower()),
    "source-path-traversal": (lambda: _qde(
        f'<Sources><TextSource guid="{gid("up")}" name="p" '
        'plainTextPath="internal://../../../etc/passwd"/></Sources>'), ParseError,
        gid("up").lower()),
    "zip-bomb": (lambda: project(extra={"Sources/bomb.txt": b"\0" * (50 * 1024 * 1024)}),
                 LimitExceeded, "unpacked_ratio"),
    "too-many-entries": (lambda: _zip({f"Sources/{n}.txt": b"" for n in range(
        LIMITS.archive_entries + 1)}), LimitExceeded, "archive_entries"),
    "billion-laughs": (lambda: BILLION_LAUGHS, ParseError, "DOCTYPE"),
    "external-entity": (lambda: XXE, ParseError, "DOCTYPE"),
}


@pytest.fixture
def holding() -> Store:
    """A store with one review imported from a good project."""
    store = open_store("memory:")
    import_file(store, "r", "good.qdpx", GOOD)
    return store


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_project_is_refused_naming_it_and_store_unchanged(holding: Store, case: str) -> None:
    make, error, named = BAD[case]
    before = holding.dump(ox.RdfFormat.N_QUADS)
    with pytest.raises(error) as refused:
        import_file(holding, "r", "bad.qdpx", make())
    assert named in str(refused.value)
    assert holding.dump(ox.RdfFormat.N_QUADS) == before


def test_entities_are_never_expanded_nor_files_read(holding: Store) -> None:
    for data in (BILLION_LAUGHS, XXE):
        with pytest.raises(ParseError) as refused:
            import_file(holding, "r2", "bad.qdpx", data)
        assert "root:" not in str(refused.value) and "lollol" not in str(refused.value)
    assert "r2" not in " ".join(holding.graphs())


def test_bad_project_on_every_backend_leaves_store_unchanged(store: Store) -> None:
    import_file(store, "r", "good.qdpx", GOOD)
    before = store.dump(ox.RdfFormat.N_QUADS)
    with pytest.raises(InvalidInput):
        import_file(store, "r", "bad.qdpx", project(codes=CODES, sources=[
            Src("b.txt", "fine text here", [Sel("ok", 0, 4, ["trust"])]),
            Src("c.txt", "short", [Sel("far", 0, 99, ["rural"])])]))
    assert store.dump(ox.RdfFormat.N_QUADS) == before
