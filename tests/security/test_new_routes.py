"""Issues 12–14's routes under hostile input: oversized, deep, marked-up and traversing values,
no token, a viewer of nothing, another review's editor. Each is refused with a 4xx problem (or
answered without harm), nothing is changed, and every process is still up afterwards."""

from __future__ import annotations

import json

import pytest

from tests.security.conftest import Target

R = "/reviews/peer-support"
MARKUP = "<script>alert(1)</script>"
HUGE = "x" * 200_000
LONG = "y" * 20_000  # as long a query string as the client will send
DEEP = "[" * 5_000 + "]" * 5_000

# (id, method, path, keyword arguments for httpx)
ATTACKS: list[tuple[str, str, str, dict[str, object]]] = [
    ("merge-markup", "POST", f"{R}/concepts/context/delivery/merge", {"json": {"merged": MARKUP}}),
    ("merge-huge", "POST", f"{R}/concepts/context/delivery/merge", {"json": {"merged": HUGE}}),
    ("merge-deep", "POST", f"{R}/concepts/context/delivery/merge",
     {"content": DEEP, "headers": {"Content-Type": "application/json"}}),
    ("merge-traversal", "POST", f"{R}/concepts/context/..%2F..%2Fetc/merge",
     {"json": {"merged": "delivery"}}),
    ("merge-itself", "POST", f"{R}/concepts/context/delivery/merge",
     {"json": {"merged": "delivery"}}),
    ("check-huge", "GET", f"{R}/concepts/check", {"params": {"mechanism": LONG}}),
    ("suggest-huge", "GET", f"{R}/concepts", {"params": {"prefix": LONG}}),
    ("orphans-prune", "DELETE", f"{R}/concepts/orphans", {}),
    ("source-markup-name", "POST", f"{R}/sources",
     {"files": {"file": (f"{MARKUP}.txt", b"Some text."), "study": (None, MARKUP)}}),
    ("source-traversal-name", "POST", f"{R}/sources",
     {"files": {"file": ("../../../etc/passwd", b"root"), "study": (None, "Jolly 2012")}}),
    ("source-no-file", "POST", f"{R}/sources", {"files": {"study": (None, "Jolly 2012")}}),
    ("source-bad-type", "POST", f"{R}/sources",
     {"files": {"file": ("x.exe", b"MZ\x90\x00"), "study": (None, "Jolly 2012")}}),
    ("page-huge-number", "GET", f"{R}/sources/abc/pages/99999999999999999999", {}),
    ("quotes-fix", "POST", f"{R}/quotes/fix", {}),
    ("import-refuse-new", "POST", f"{R}/import?new_concepts=refuse",
     {"content": b"<urn:a> <urn:b> \"" + HUGE.encode() + b"\" .",
      "headers": {"Content-Type": "text/turtle"}}),
    ("import-bad-policy", "POST", f"{R}/import?new_concepts={MARKUP}",
     {"content": b"", "headers": {"Content-Type": "text/turtle"}}),
    ("issue-token", "POST", "/tokens", {"json": {"role": "admin", "review": MARKUP}}),
]


def _concepts(target: Target) -> str:
    return json.dumps(target.admin.get(f"{R}/concepts").json(), sort_keys=True)


@pytest.mark.parametrize("who", ["anonymous", "other-editor", "editor"])
def test_new_routes_refuse_hostile_input_and_the_service_stays_up(target: Target, who: str) -> None:
    before = _concepts(target)
    client = {"anonymous": target.anonymous, "editor": target.editor,
              "other-editor": target.client(target.other_token)}[who]
    for name, method, path, kwargs in ATTACKS:
        response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        assert response.status_code < 500, (who, name, response.status_code, response.text[:300])
        if who != "editor":  # the review is private: nobody else may write, or learn it exists
            assert response.status_code in (400, 401, 403, 404, 413, 422), (who, name,
                                                                    response.text[:300])
        if response.status_code >= 400:
            # JSON, never a page a browser would render the markup in
            assert response.headers["content-type"].startswith("application/problem+json"), name
    target.assert_alive()
    if who != "editor":
        assert _concepts(target) == before  # nothing was merged, pruned or added


def test_workbench_forms_refuse_forged_and_hostile_posts(target: Target) -> None:
    anonymous = target.anonymous
    for path, data in (("/sign-in", {"token": HUGE}), ("/sign-in", {"token": MARKUP}),
                       (f"/workbench{R}/cmocs", {"mechanism": MARKUP}),
                       ("/admin/tokens", {"role": "admin", "review": MARKUP})):
        response = anonymous.post(path, data=data, follow_redirects=False)
        assert response.status_code in (303, 400, 401, 403, 404, 413, 422), (path,
                                                                            response.text[:200])
        assert MARKUP not in response.text
    target.assert_alive()
