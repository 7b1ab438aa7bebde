"""The concepts page: trees per kind, editing a concept, merging a typo'd one away."""

from __future__ import annotations

import re

import cmo
from cmo.review.cmocs import create_cmoc, get_cmoc
from cmo.review.concepts import find_concept
from tests.web.conftest import ADMIN, Workbench, csrf_of


def _etag(page: str) -> str:
    return re.search(r'name="etag" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_trees_show_every_kind_and_markup_as_text(workbench: Workbench) -> None:
    admin = workbench.signed_in(ADMIN)
    page = admin.get("/reviews/peer-support/concept-tree").text
    for heading in ("Contexts", "Mechanisms", "Outcomes"):
        assert heading in page
    other = admin.get("/reviews/other/concept-tree").text
    assert "hidden &lt;b&gt;context&lt;/b&gt;" in other and "<b>context</b>" not in other


def test_editor_renames_adds_a_synonym_and_moves_a_concept(workbench: Workbench) -> None:
    create_cmoc(workbench.store, "peer-support", cmo.CMOConfiguration(
        id="web-concept", studies=["Web 2024"], contexts=["teen mothers"],
        mechanism="trust", outcomes=["uptake"]))
    editor = workbench.signed_in(workbench.token("editor", "peer-support"))
    page = editor.get("/reviews/peer-support/concept-tree",
                      params={"kind": "context", "label": "teen mothers"}).text
    answer = editor.post("/reviews/peer-support/concept-tree/edit", data={
        "csrf": csrf_of(page), "kind": "context", "was": "teen mothers", "etag": _etag(page),
        "label": "adolescent mothers", "alt_labels": "teen mothers\nyoung mothers",
        "definition": "Mothers under 20.", "broader": ""})
    assert answer.status_code == 303
    concept = find_concept(workbench.store, "peer-support", cmo.ConceptKind.context,
                           "young mothers")
    assert concept.label == "adolescent mothers" and concept.definition == "Mothers under 20."


def test_editor_merges_a_typo_into_the_right_concept(workbench: Workbench) -> None:
    for n, label in ((1, "perceived usefulness"), (2, "percieved usefulness")):
        create_cmoc(workbench.store, "peer-support", cmo.CMOConfiguration(
            id=f"web-merge-{n}", studies=["Web 2024"], contexts=["rural"],
            mechanism=label, outcomes=["uptake"]))
    editor = workbench.signed_in(workbench.token("editor", "peer-support"))
    page = editor.get("/reviews/peer-support/concept-tree",
                      params={"kind": "mechanism", "label": "perceived usefulness"}).text
    assert 'data-confirm="Merge it into' in page
    answer = editor.post("/reviews/peer-support/concept-tree/merge", data={
        "csrf": csrf_of(page), "kind": "mechanism", "keep": "perceived usefulness",
        "merged": "percieved usefulness"})
    assert answer.status_code == 303
    assert get_cmoc(workbench.store, "peer-support", "web-merge-2").mechanism == \
        "perceived usefulness"
    kept = find_concept(workbench.store, "peer-support", cmo.ConceptKind.mechanism,
                        "percieved usefulness")
    assert kept.label == "perceived usefulness"


def test_viewer_sees_the_trees_without_forms(workbench: Workbench) -> None:
    viewer = workbench.signed_in(workbench.token("viewer", "peer-support"))
    page = viewer.get("/reviews/peer-support/concept-tree",
                      params={"kind": "mechanism", "label": "trust"}).text
    assert "Save concept" not in page and "Merge into" not in page
