"""A reference library that is cut short or broken is refused, naming the line, with nothing
written and nothing of the parser's own output on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

import cmo
from cmo.interchange.importer import import_file
from cmo.store import Store
from tests.conftest import invoke_cmo

WHOLE = b"TY  - JOUR\nAU  - Okafor, Ngozi\nPY  - 2019\nTI  - Peers\nER  - \n"


@pytest.mark.parametrize(("data", "line", "says"), [
    (WHOLE + b"TY  - JOUR\nAU  - Smith, J\nPY  - 2020\n", 8, "line 6 has no end"),
    (b"TY  - JOUR\nAU  - Okafor, Ngozi\nPY  - 2019\n", 3, "line 1 has no end"),
    (b"TY  - JOUR\nAU  - A, B\nTY  - JOUR\nAU  - C, D\nER  - \n", 3, "before the next one"),
    (b"Provider: somebody\n\nnot a reference at all\n", 1, "no RIS entry"),
], ids=["second-cut", "only-cut", "no-end-mid-file", "no-entry"])
def test_ris_cut_short_is_a_parse_error_naming_the_line(store: Store, data: bytes, line: int,
                                                       says: str) -> None:
    with pytest.raises(cmo.ParseError) as caught:
        import_file(store, "r", "refs.ris", data)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == ("refs.ris", line) and says in problem.reason
    assert store.graphs() == []


def test_ris_with_a_header_before_its_entries_still_reads(store: Store) -> None:
    report = import_file(store, "r", "refs.ris", b"Provider: somebody\r\n\r\n" + WHOLE)
    assert report.studies == 1


@pytest.mark.parametrize(("data", "line", "says"), [
    (b"@article{x, title = {open\n", 1,
     "cannot read the entry '@article{x, title = {open': unexpectedly reached end of file"),
    (b"@article{a, author={A, B}, year=2001, title={T}}\n\n@article{b,\n  author = {C\n", 3,
     "cannot read the entry '@article{b,': unexpectedly reached end of file"),
], ids=["first", "second"])
def test_broken_bibtex_names_its_line_and_nothing_else_is_printed(
        tmp_path: Path, data: bytes, line: int, says: str) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes(data)
    result = invoke_cmo("--store", "memory:", "import", str(path), "--review", "r")
    assert result.exit_code == 1
    assert result.stderr == (f"cmo: Could not read {path}: nothing was imported.\n"
                             f"  - {path}, line {line}: {says}\n")


def test_truncated_ris_exits_1_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "refs.ris"
    path.write_bytes(WHOLE + b"TY  - JOUR\nAU  - Smith, J\n")
    result = invoke_cmo("--store", "memory:", "import", str(path), "--review", "r")
    assert result.exit_code == 1 and "line 7: the entry starting on line 6" in result.stderr
    assert "studies" not in result.stdout


def test_the_parsers_log_is_silenced_only_while_it_parses(store: Store,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """A host application that logs bibtexparser's records keeps them outside our parse."""
    import logging

    with caplog.at_level(logging.DEBUG), pytest.raises(cmo.ParseError):
        import_file(store, "r", "refs.bib", b"@article{x, title = {open\n")
    assert not [r for r in caplog.records if r.name.startswith("bibtexparser")]
    logging.getLogger("bibtexparser.splitter").warning("the host's own record")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("bibtexparser")] == [
        "the host's own record"]
