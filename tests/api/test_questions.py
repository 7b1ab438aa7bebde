"""The questions over HTTP give the same JSON as the CLI and the library."""

import json

from cmo.questions.engine import chains, mechanisms_for_context
from tests.api.conftest import Service
from tests.conftest import run_cmo


def test_mechanisms_for_context_same_as_library(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    r = viewer.get("/reviews/peer-support/mechanisms", params={"context": "delivery"})
    expected = mechanisms_for_context(service.store, "delivery", reviews=["peer-support"])
    assert r.json() == json.loads(expected.model_dump_json())


def test_every_question_answers(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    for path, params in [("matrix", {}), ("mechanisms", {"context": "delivery",
                                                         "include_narrower": "false"}),
                         ("contexts", {"mechanism": "authentic presence"}),
                         ("outcomes", {"mechanism": "confidence to breastfeed"}),
                         ("evidence", {"cmoc": "c10"}),
                         ("evidence", {"context": "low intensity support"}),
                         ("chains", {"start": "c15"}), ("patterns", {"min_studies": 1}),
                         ("contradictions", {}), ("matrix", {"fired_only": "true",
                                                            "min_confidence": "moderate"})]:
        r = viewer.get(f"/reviews/peer-support/{path}", params=params)
        assert r.status_code == 200, (path, r.text)


def test_page_of_chains_same_as_library(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    r = viewer.get("/reviews/peer-support/chains", params={"limit": 2, "offset": 1})
    expected = chains(service.store, limit=2, offset=1, reviews=["peer-support"])
    assert r.json() == json.loads(expected.model_dump_json())
    assert r.json()["truncated"] and r.json()["next_offset"] == 3
    too_long = viewer.get("/reviews/peer-support/chains", params={"max_length": 101})
    assert too_long.status_code == 422


def test_cross_review_matrix_only_counts_readable_reviews(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    both = viewer.get("/matrix").json()["rows"]
    assert both and all("/review/peer-support/" in r["context"]["iri"] for r in both)
    assert service.anonymous.get("/matrix", params={"review": "peer-support"}
                                 ).status_code == 404


def test_unknown_context_is_404_with_suggestions(service: Service) -> None:
    r = service.admin.get("/reviews/peer-support/mechanisms", params={"context": "delivry"})
    assert r.status_code == 404 and r.json()["suggestions"][0] == "delivery"
    bad = service.admin.get("/reviews/peer-support/matrix", params={"direction": "up"})
    assert bad.status_code == 422


def test_same_json_as_the_cli(service: Service, tmp_path: object) -> None:
    from pathlib import Path

    from tests.conftest import EXAMPLE

    url = f"oxigraph:{Path(str(tmp_path)) / 'store'}"
    run_cmo("--store", url, "import", str(EXAMPLE), "--review", "peer-support")
    cli = json.loads(run_cmo("--store", url, "query", "matrix", "--review", "peer-support",
                             "--format", "json").stdout)
    http = service.admin.get("/reviews/peer-support/matrix").json()
    example_only = {(r["context"]["iri"], r["mechanism"]["iri"]) for r in cli["rows"]}
    assert set(cli) == set(http) == {"rows"}
    assert set(cli["rows"][0]) == set(http["rows"][0])
    assert example_only <= {(r["context"]["iri"], r["mechanism"]["iri"]) for r in http["rows"]}


def test_mechanism_view_page_and_embed(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    page = viewer.get("/reviews/peer-support/views/mechanisms", params={"context": "delivery"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "window.network" in page.text and "https://" not in page.text.split("<body")[0]
    embed = viewer.get("/reviews/peer-support/views/mechanisms", params={"embed": 1})
    assert embed.status_code == 200 and len(embed.text) != len(page.text)
    assert viewer.get("/reviews/peer-support/views/mechanisms",
                      params={"context": "delivry"}).status_code == 404
    assert service.anonymous.get("/reviews/peer-support/views/mechanisms").status_code == 404
