"""`cmo theory` on the worked example, read as a reviewer's questions (issue 16): what changed
from v1 to v2 and on what evidence; which CMOcs refute the initial theory; refining it again,
linking CMOcs in bulk; and the same writes through a running `cmo serve`."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.conftest import EXAMPLE, invoke_cmo
from tests.test_cli_beside_server import ADMIN, _serve, _stop


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"oxigraph:{tmp_path / 'store'}"
    assert invoke_cmo("--store", url, "import", str(EXAMPLE), "--review", "ps").exit_code == 0
    return url


def test_what_changed_from_v1_to_v2_and_on_what_evidence(store: str) -> None:
    shown = invoke_cmo("--store", store, "theory", "diff", "peer-support-v1", "peer-support-v2",
                       "--review", "ps")
    assert shown.exit_code == 0, shown.stderr
    text = shown.stdout
    assert "statement: changed" in text and "context part:" in text
    assert "    + high intensity support" in text and "    - similar characteristics" in text
    assert "change to peer-support-v2: Adds the conditions that switch the mechanisms on" in text
    assert "by Example reviewer, 2026-11-27T15:00:00+00:00" in text
    # The evidence behind the change: the UK trial's low-intensity finding, quoted.
    assert ('"Breastfeeding peer support interventions of low intensity (fewer than five '
            'contacts) tend not to be effective." (Jolly 2012, p. Table 1)') in text
    diff = json.loads(invoke_cmo("--store", store, "theory", "diff", "peer-support-v1",
                                 "peer-support-v2", "--review", "ps", "--format", "json").stdout)
    [change] = diff["changes"]
    assert [c["id"] for c in change["justified_by"]] == [
        "c02", "c03", "c06", "c07", "c08", "c09", "c10", "c28", "c29", "c34", "c38", "c39"]
    assert all(c["evidence"] for c in change["justified_by"])
    # Refuted by v1's evidence, borne out under v2: the theory moved with the evidence.
    assert {(c["id"], c["before"], c["after"]) for c in diff["re_related"]} >= {
        ("c10", "refutes", "supports"), ("c38", "refutes", "supports"),
        ("c06", "refines", "supports")}
    assert [c["id"] for c in diff["removed"]] == []  # c28 stays, now under v2 too


def test_which_cmocs_refute_the_initial_theory(store: str) -> None:
    shown = invoke_cmo("--store", store, "theory", "show", "peer-support-v1", "--review", "ps")
    assert shown.exit_code == 0, shown.stderr
    assert "  refutes: c10, c38\n" in shown.stdout
    assert "  refines: c06, c09, c29\n" in shown.stdout
    assert "  revised by: peer-support-v2" in shown.stdout
    assert "diagram: cmo draw --review ps --theory peer-support-v1" in shown.stdout
    v2 = json.loads(invoke_cmo("--store", store, "theory", "show", "peer-support-v2",
                               "--review", "ps", "--format", "json").stdout)
    assert v2["counts"]["supports"] == 14 and v2["counts"]["refines"] == 3
    assert v2["theory"]["change"]["by"] == "Example reviewer"


def test_refine_again_then_link_in_bulk(store: str, tmp_path: Path) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text("Groups work through <mutual> support & networks.\n", encoding="utf-8")
    made = invoke_cmo("--store", store, "theory", "new-version", "peer-support-v2", "--review",
                      "ps", "--what", "adds social networks", "--rationale-file", str(memo),
                      "--cmoc", "c13", "--cmoc", "c22", "--carry-over", "--because",
                      "mothers belong to a local network", "--because-concept",
                      "belonging to a local network")
    assert made.exit_code == 0, made.stderr
    assert "Made 'peer-support-v3' (version 3) from 'peer-support-v2', carrying over" in (
        made.stdout)
    linked = invoke_cmo("--store", store, "theory", "link", "peer-support-v3", "--review", "ps",
                        "--relation", "supports", "--context", "social network involvement")
    assert linked.exit_code == 0, linked.stderr
    assert "Linked 2 CMOcs to 'peer-support-v3' as supports: 0 new, 2 re-related." in (
        linked.stdout)
    diff = json.loads(invoke_cmo("--store", store, "theory", "diff", "peer-support-v2",
                                 "peer-support-v3", "--review", "ps", "--format", "json").stdout)
    assert [(c["id"], c["after"]) for c in diff["re_related"]] == [("c22", "supports"),
                                                                    ("c30", "supports")]
    assert diff["changes"][0]["change"]["rationale"] == (
        "Groups work through <mutual> support & networks.")  # kept as text, trimmed
    assert diff["changes"][0]["change"]["by"] == "cmo (command line)"
    assert diff["parts"][1]["concepts_added"] == ["belonging to a local network"]


def test_unknown_cmoc_relation_or_concept_writes_nothing(store: str) -> None:
    before = invoke_cmo("--store", store, "theory", "show", "peer-support-v2", "--review", "ps",
                        "--format", "json").stdout
    unknown = invoke_cmo("--store", store, "theory", "link", "peer-support-v2", "--review", "ps",
                         "--relation", "refutes", "--cmoc", "c01", "--cmoc", "c404")
    assert unknown.exit_code == 1 and "'c404'" in unknown.stderr
    bad = invoke_cmo("--store", store, "theory", "link", "peer-support-v2", "--review", "ps",
                     "--relation", "proves", "--cmoc", "c01")
    assert bad.exit_code == 2 and "'tested', 'supports', 'refutes', 'refines'" in bad.stderr
    typo = invoke_cmo("--store", store, "theory", "new-version", "peer-support-v2", "--review",
                      "ps", "--what", "x", "--if", "if busy", "--if-concept", "face to fcae")
    assert typo.exit_code == 1 and "face-to-face" in typo.stderr
    nothing = invoke_cmo("--store", store, "theory", "link", "peer-support-v2", "--review",
                         "ps", "--relation", "supports")
    assert nothing.exit_code == 1 and "give CMOc `ids` or at least one filter" in nothing.stderr
    assert invoke_cmo("--store", store, "theory", "show", "peer-support-v2", "--review", "ps",
                      "--format", "json").stdout == before
    listed = invoke_cmo("--store", store, "theory", "list", "--review", "ps")
    assert listed.stdout.count("How peer support works") == 2


def test_theory_writes_go_through_a_running_server(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert invoke_cmo("--store", f"oxigraph:{folder}", "import", str(EXAMPLE), "--review",
                      "ps").exit_code == 0
    served = _serve(folder)
    try:
        made = served.cmo("theory", "new-version", "peer-support-v2", "--review", "ps",
                          "--what", "beside the server", "--cmoc", "c13", "--carry-over",
                          "--format", "json")
        assert made.returncode == 0, made.stderr
        assert json.loads(made.stdout)["change"]["by"] == "cmo (command line)"
        linked = served.cmo("theory", "link", "peer-support-v3", "--review", "ps",
                            "--relation", "refutes", "--cmoc", "c01")
        assert linked.returncode == 0, linked.stderr
        refused = served.cmo("theory", "link", "peer-support-v3", "--review", "ps",
                             "--relation", "refutes", "--cmoc", "c404")
        assert refused.returncode == 1 and "'c404'" in refused.stderr
        links = httpx.get(f"{served.url}/reviews/ps/theories/peer-support-v3/links",
                          headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30).json()
        assert links["links"]["c01"] == "refutes"  # the server sees it at once
        diff = served.cmo("theory", "diff", "peer-support-v2", "peer-support-v3", "--review",
                          "ps")
        assert diff.returncode == 0 and "c01: supports => refutes" not in diff.stdout
        assert "c01: tested => refutes" in diff.stdout, diff.stdout
    finally:
        _stop(served)
