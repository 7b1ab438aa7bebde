"""Importing a review's file into another review id over HTTP: every IRI the API then reports
dereferences under /id/, new CMOcs join the copy's scheme, and visibility never changes."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from cmo.model import ids
from cmo.model.namespace import RKG_IRI, SKOS_IRI
from tests.api.conftest import Service
from tests.conftest import EXAMPLE

COPY = ids.review_iri("copy")


@pytest.fixture(scope="module")
def copy(service: Service) -> httpx.Client:
    """An editor of review 'copy', into which the example (of 'peer-support') was imported."""
    assert service.admin.post("/reviews", json={"id": "copy", "title": "Copy"}).status_code == 201
    editor = service.token("editor", "copy")
    r = editor.post("/reviews/copy/import", content=EXAMPLE.read_bytes(),
                    headers={"content-type": "text/turtle"})
    assert r.status_code == 200, r.text
    return editor


def _path(iri: str) -> str:
    assert iri.startswith(COPY + "/") or iri == COPY, iri
    return "/id/review/" + iri.removeprefix(ids.review_iri(""))


def _reported(client: httpx.Client) -> dict[str, set[str]]:
    """The IRIs the API reports for the copy's CMOcs, concepts and studies, and every subject
    of its export (theories, evidence, the scheme, ...)."""
    cmocs = client.get("/reviews/copy/cmocs", params={"limit": 1000}).json()["items"]
    concepts = client.get("/reviews/copy/concepts").json()
    trail = client.get("/reviews/copy/evidence", params={"cmoc": "c10"}).json()
    export = client.get("/reviews/copy/export", headers={"accept": "application/n-quads"})
    quads = list(ox.parse(export.content, format=ox.RdfFormat.N_QUADS))
    typed = {q.subject.value: q.object.value for q in quads  # type: ignore[union-attr]
             if q.predicate.value.endswith("#type") and isinstance(q.subject, ox.NamedNode)}
    return {"cmocs": {c["iri"] for c in cmocs}, "concepts": {c["iri"] for c in concepts},
            "studies": {s["iri"] for s in trail["studies"]},
            "theories": {s for s, t in typed.items() if t == f"{RKG_IRI}ProgrammeTheory"},
            "subjects": {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)
                         and q.subject.value.startswith(ids.review_iri(""))}}


def test_every_iri_of_an_import_into_another_id_dereferences(copy: httpx.Client) -> None:
    reported = _reported(copy)
    assert {k: len(v) for k, v in reported.items() if k != "subjects"} == {
        "cmocs": 43, "concepts": 116, "studies": 1, "theories": 2}
    failed = [(iri, status) for iris in reported.values() for iri in sorted(iris)
              if (status := copy.get(_path(iri)).status_code) != 200]
    assert not failed, failed[:5]
    r = copy.get(_path(ids.cmoc_iri("copy", "c10")), headers={"accept": "text/turtle"})
    assert "peer-support/" not in r.text


def test_cmocs_created_after_the_import_share_its_iris(copy: httpx.Client) -> None:
    made = copy.post("/reviews/copy/cmocs", json={
        "studies": ["Jolly 2012"], "contexts": ["low intensity support", "a fresh context"],
        "mechanism": "authentic presence", "outcomes": ["breastfeeding duration"]})
    assert made.status_code == 201, made.text
    assert copy.get(_path(made.json()["iri"])).status_code == 200
    fresh = copy.get("/reviews/copy/concepts", params={"prefix": "a fresh"}).json()
    old = copy.get("/reviews/copy/concepts", params={"prefix": "low intensity"}).json()
    schemes = set()
    for concept in [*fresh, *old]:
        about = copy.get(_path(concept["iri"])).json()["resources"][concept["iri"]]
        schemes |= {o["iri"] for o in about[f"{SKOS_IRI}inScheme"]}
    assert schemes == {ids.scheme_iri("copy")}


@pytest.mark.parametrize("public", [False, True])
def test_an_import_over_http_never_changes_visibility(service: Service, public: bool) -> None:
    review = f"vis-{str(public).lower()}"
    service.admin.post("/reviews", json={"id": review, "title": "V", "public": public})
    says = f"rkg:public {str(not public).lower()}".encode()
    flipped = EXAMPLE.read_bytes().replace(b"rkg:public true", says)
    r = service.token("editor", review).post(f"/reviews/{review}/import", content=flipped,
                                             headers={"content-type": "text/turtle"})
    assert r.status_code == 200, r.text
    anonymous = service.anonymous.get(f"/reviews/{review}")
    assert anonymous.status_code == (200 if public else 404)
    assert service.admin.get(f"/reviews/{review}").json()["public"] is public
