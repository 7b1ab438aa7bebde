"""Issues 15–17's routes under hostile input: oversized, deep, marked-up and traversing values,
no token, another review's editor. Each is refused with a 4xx problem (or answered without harm),
nothing is changed by anyone but an editor of the review, and every process is still up."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.security.conftest import Target

R = "/reviews/peer-support"
MARKUP = "<script>alert(1)</script>"
HUGE = "x" * 200_000
LONG = "y" * 20_000
DEEP = "[" * 5_000 + "]" * 5_000
V1, V2 = "peer-support-v1", "peer-support-v2"


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", b"<" + b" " * 50_000_000)
    return buffer.getvalue()


ATTACKS: list[tuple[str, str, str, dict[str, object]]] = [
    ("figure-huge-width", "GET", f"{R}/figures/network.png", {"params": {"width": 10**9}}),
    ("figure-bad-kind", "GET", f"{R}/figures/{MARKUP}.svg", {}),
    ("figure-long-context", "GET", f"{R}/figures/heatmap.svg", {"params": {"context": LONG}}),
    ("heatmap-markup-theory", "GET", f"{R}/views/heatmap", {"params": {"theory": MARKUP}}),
    ("share-huge-label", "POST", f"{R}/shares", {"json": {"view": "heatmap", "label": HUGE}}),
    ("share-deep", "POST", f"{R}/shares",
     {"content": DEEP, "headers": {"Content-Type": "application/json"}}),
    ("share-bad-view", "POST", f"{R}/shares", {"json": {"view": MARKUP}}),
    ("theory-version-markup", "POST", f"{R}/theories/{V1}/versions",
     {"json": {"id": "../x", "statement": MARKUP}}),
    ("theory-link-deep", "POST", f"{R}/theories/{V2}/links",
     {"content": DEEP, "headers": {"Content-Type": "application/json"}}),
    ("theory-link-bad-relation", "POST", f"{R}/theories/{V2}/links",
     {"json": {"relation": MARKUP, "ids": ["c01"]}}),
    ("theory-diff-traversal", "GET", f"{R}/theories/..%2F..%2Fetc/diff/{V2}", {}),
    ("appraise-markup", "PUT", f"{R}/studies/Jolly%202012/appraisal",
     {"json": {"rigour": MARKUP, "rationale": HUGE}}),
    ("appraise-other-study", "PUT", f"{R}/studies/{MARKUP}/appraisal", {"json": {"rigour": "low"}}),
    ("evidence-appraise-huge-index", "PUT",
     f"{R}/cmocs/c01/evidence/99999999999999999999/appraisal",
     {"json": {"rigour": "low", "rationale": "r"}}),
    ("confidence-deep", "PUT", f"{R}/confidence",
     {"content": DEEP, "headers": {"Content-Type": "application/json"}}),
    ("codings-long", "GET", f"{R}/codings", {"params": {"unassigned": LONG}}),
    ("qdpx-bomb", "POST", f"{R}/import",
     {"files": {"file": ("p.qdpx", _bomb(), "application/zip")}}),
    ("qdpx-not-zip", "POST", f"{R}/import",
     {"files": {"file": ("p.qdpx", b"PK\x03\x04 not really", "application/zip")}}),
]


def _state(target: Target) -> str:
    """What a write would change: the review's CMOcs, theories, shares and appraisals."""
    parts = [target.admin.get(f"{R}/{what}").text for what in ("cmocs", "theories", "appraisals")]
    parts.append(json.dumps(sorted(s["id"] for s in target.admin.get(f"{R}/shares").json())))
    return "\n".join(parts)


@pytest.mark.parametrize("who", ["anonymous", "other-editor", "editor"])
def test_routes_of_issues_15_to_17_refuse_hostile_input_and_stay_up(target: Target,
                                                                     who: str) -> None:
    before = _state(target)
    client = {"anonymous": target.anonymous, "editor": target.editor,
              "other-editor": target.client(target.other_token)}[who]
    for name, method, path, kwargs in ATTACKS:
        response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        assert response.status_code < 500, (who, name, response.status_code, response.text[:300])
        if who != "editor":  # the review is private: nobody else may write, or learn it exists
            assert response.status_code in (400, 401, 403, 404, 413, 415, 422), (
                who, name, response.text[:300])
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json"), name
        assert MARKUP not in response.text or response.headers["content-type"].startswith(
            "application/problem+json"), name  # markup comes back only as JSON data
    target.assert_alive()
    if who != "editor":
        assert _state(target) == before
