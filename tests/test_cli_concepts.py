"""`cmo import` names the concepts it creates and warns of typos; --no-new-concepts refuses
them; `cmo concepts orphans [--prune]` lists and deletes the concepts no CMOc uses."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLE, invoke_cmo

SHEET = ("study,context,mechanism,outcome\n"
         "Jolly 2012,low intensity support,trusting relationship with the peer,"
         "breastfeeding duration\n"
         "Jolly 2012,low intensity support,trusting relationship with the peeer,"
         "breastfeeding duration\n")
TYPO = ("warning: new mechanism 'trusting relationship with the peeer': did you mean "
        "'trusting relationship with the peer'?")


def test_import_names_new_concepts_warns_and_refuses_on_request(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    assert invoke_cmo("--store", store, "import", str(EXAMPLE), "--review", "ps").exit_code == 0
    sheet = tmp_path / "typo.csv"
    sheet.write_text(SHEET)
    checked = invoke_cmo("--store", store, "import", str(sheet), "--review", "ps", "--check")
    assert checked.exit_code == 0, checked.stderr
    assert "New concepts (1):\n  mechanism    trusting relationship with the peeer\n" in (
        checked.stdout)
    assert TYPO in checked.stderr
    refused = invoke_cmo("--store", store, "import", str(sheet), "--review", "ps",
                         "--no-new-concepts")
    assert refused.exit_code == 1 and "nothing was imported" in refused.stderr
    assert ("row 3, mechanism: no mechanism called 'trusting relationship with the peeer' "
            "(new concepts are refused); did you mean 'trusting relationship with the peer'?"
            ) in refused.stderr
    stats = json.loads(invoke_cmo("--store", store, "stats", "--review", "ps", "--format",
                                  "json").stdout)
    assert stats["cmocs"] == 43
    rdf = invoke_cmo("--store", store, "import", str(EXAMPLE), "--review", "other",
                     "--no-new-concepts")
    assert rdf.exit_code == 1 and "new concepts are refused" in rdf.stderr


def test_concepts_orphans_lists_then_prunes(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    sheet = tmp_path / "s.csv"
    sheet.write_text("study,context,mechanism,outcome\nS,rural,trust,uptake\n")
    concepts = tmp_path / "c.csv"
    concepts.write_text("kind,label\ncontext,rurla\n")
    assert invoke_cmo("--store", store, "import", str(sheet), "--concepts", str(concepts),
                      "--review", "r").exit_code == 0
    listed = invoke_cmo("--store", store, "concepts", "orphans", "--review", "r")
    assert listed.exit_code == 0 and "rurla" in listed.stdout and "rural" not in (
        listed.stdout.replace("rurla", ""))
    as_json = invoke_cmo("--store", store, "concepts", "orphans", "--review", "r", "--format",
                         "json")
    assert [c["label"] for c in json.loads(as_json.stdout)] == ["rurla"]
    pruned = invoke_cmo("--store", store, "concepts", "orphans", "--review", "r", "--prune")
    assert pruned.exit_code == 0 and "Pruned 1 orphan concept in" in pruned.stderr
    assert json.loads(invoke_cmo("--store", store, "concepts", "orphans", "--review", "r",
                                 "--format", "json").stdout) == []
    missing = invoke_cmo("--store", store, "concepts", "orphans", "--review", "nope")
    assert missing.exit_code == 1 and "No review 'nope'" in missing.stderr


def test_concepts_merge_moves_cmocs_and_refuses_itself(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    sheet = tmp_path / "s.csv"
    sheet.write_text("study,context,mechanism,outcome\nS,rural,trust,uptake\nT,rurla,trust,uptake\n")
    assert invoke_cmo("--store", store, "import", str(sheet), "--review", "r").exit_code == 0
    same = invoke_cmo("--store", store, "concepts", "merge", "Rural", "--into", "rural",
                      "--kind", "context", "--review", "r")
    assert same.exit_code == 1 and "nothing to merge" in same.stderr
    merged = invoke_cmo("--store", store, "concepts", "merge", "rurla", "--into", "rural",
                        "--kind", "context", "--review", "r")
    assert merged.exit_code == 0, merged.stderr
    assert merged.stdout == ("Merged context 'rurla' into 'rural': 1 CMOc(s) and 0 narrower "
                             "concept(s) moved; 'rurla' is now a synonym.\n")
    listed = invoke_cmo("--store", store, "export", "--review", "r", "--format", "csv")
    assert "rurla" not in listed.stdout and listed.stdout.count("rural") == 2
