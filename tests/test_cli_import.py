"""`cmo import` of RDF into a review: its summary tells the truth, it never publishes a review,
and `cmo visibility` is how a review becomes public."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib

from tests.conftest import EXAMPLE, invoke_cmo

SUMMARY = re.compile(r"Imported (\d+) triples \((\d+) CMOcs, (\d+) studies, (\d+) concepts\)")


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"oxigraph:{tmp_path / 'store'}"


def _file_counts() -> tuple[int, int, int]:
    """CMOcs, studies and concepts of the example file, counted by rdflib's SPARQL."""
    g = rdflib.Graph().parse(EXAMPLE)
    query = ("PREFIX rkg: <https://w3id.org/realist-kg/ns#> "
             "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES ?k { %s } ?x a ?k }")
    kinds = ["rkg:CMOConfiguration", "rkg:Study",
             "rkg:Context rkg:Mechanism rkg:Outcome rkg:Intervention rkg:Actor"]
    cmocs, studies, concepts = (int(next(iter(g.query(query % k)))[0])  # type: ignore[index, call-overload]
                                for k in kinds)
    return cmocs, studies, concepts


def test_import_summary_says_what_stats_counts(store_url: str, tmp_path: Path) -> None:
    imported = invoke_cmo("--store", store_url, "import", str(EXAMPLE), "--review", "ps")
    assert imported.exit_code == 0, imported.stderr
    found = SUMMARY.search(imported.stdout)
    assert found, imported.stdout
    triples, cmocs, studies, concepts = map(int, found.groups())
    assert (cmocs, studies, concepts) == _file_counts()
    stats = json.loads(invoke_cmo("--store", store_url, "stats", "--review", "ps", "--format",
                                  "json").stdout)
    assert (stats["cmocs"], stats["studies"],
            stats["contexts"] + stats["mechanisms"] + stats["outcomes"]) == (cmocs, studies,
                                                                             concepts)
    # The triples written are the review as exported, but for what the store adds itself.
    out = tmp_path / "ps.nq"
    assert invoke_cmo("--store", store_url, "export", "--review", "ps", "--format", "nq",
                      "--out", str(out)).exit_code == 0
    assert triples == len(out.read_text(encoding="utf-8").splitlines())


def test_import_keeps_a_review_private_until_made_public(store_url: str) -> None:
    assert b"rkg:public true" in EXAMPLE.read_bytes()
    assert invoke_cmo("--store", store_url, "import", str(EXAMPLE), "--review", "ps"
                      ).exit_code == 0

    def visibility() -> bool:
        listed = json.loads(invoke_cmo("--store", store_url, "reviews", "--format",
                                       "json").stdout)
        return bool(next(r for r in listed if r["id"] == "ps")["public"])

    assert visibility() is False
    made = invoke_cmo("--store", store_url, "visibility", "--review", "ps", "public")
    assert made.exit_code == 0 and "now public" in made.stdout
    assert visibility() is True
    assert invoke_cmo("--store", store_url, "import", str(EXAMPLE),
                      "--review", "ps").exit_code == 0
    assert visibility() is True  # a second import leaves it as it was
    assert invoke_cmo("--store", store_url, "visibility", "--review", "ps", "private"
                      ).exit_code == 0
    assert visibility() is False


@pytest.mark.parametrize(("args", "status", "says"), [
    (["--review", "nope", "public"], 1, "No review 'nope'"),
    (["--review", "ps", "visible"], 2, "'public'"),
    (["--review", "<script>", "public"], 1, "No review '<script>'"),
    (["public"], 2, "--review"),
], ids=["unknown review", "bad value", "markup id", "no review"])
def test_visibility_refuses_bad_input(store_url: str, args: list[str], status: int,
                                      says: str) -> None:
    result = invoke_cmo("--store", store_url, "visibility", *args)
    assert result.exit_code == status and says in result.stderr, result.stderr
