"""Appraisal and confidence over real HTTP: who may read and write, and what the answers say."""

from __future__ import annotations

from tests.api.conftest import Service

R = "/reviews/peer-support"


def test_anyone_who_may_read_sees_the_example_appraisal(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    got = viewer.get(f"{R}/studies/jolly%202012/appraisal")
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["study"], body["rigour"]["level"], body["richness"]["level"]) == (
        "Jolly 2012", "high", "thin")
    assert body["rigour"]["appraiser"] == "Example reviewer" and body["rigour"]["rationale"]
    assert len(viewer.get(f"{R}/appraisals").json()) == 6
    assert service.anonymous.get(f"{R}/appraisals").status_code in (401, 404)


def test_only_editors_appraise_and_the_caller_is_the_appraiser(service: Service) -> None:
    body = {"rigour": "moderate", "rationale": "re-read: small samples"}
    viewer = service.token("viewer", "peer-support")
    assert viewer.put(f"{R}/studies/Dykes 2005/appraisal", json=body).status_code == 403
    editor = service.token("editor", "peer-support")
    got = editor.put(f"{R}/studies/Dykes 2005/appraisal", json=body)
    assert got.status_code == 200, got.text
    assert got.json()["rigour"]["appraiser"] == "editor-peer-support"
    assert got.json()["relevance"]["level"] == "high"  # not given: kept


def test_bad_appraisal_is_refused_naming_the_field(service: Service) -> None:
    editor = service.token("editor", "peer-support")
    bad = editor.put(f"{R}/studies/Dykes 2005/appraisal", json={"rigour": "hihg"})
    assert bad.status_code == 422 and "rigour" in bad.text
    assert editor.put(f"{R}/studies/Nobody 1900/appraisal",
                      json={"rigour": "high"}).status_code == 404
    assert editor.put(f"{R}/studies/Dykes 2005/appraisal",
                      json={"rigour": "high", "extra": 1}).status_code == 422
    huge = editor.put(f"{R}/studies/Dykes 2005/appraisal",
                      json={"rigour": "high", "rationale": "x" * 300_000})
    assert huge.status_code in (413, 422)


def test_markup_in_a_rationale_comes_back_as_text(service: Service) -> None:
    editor = service.token("editor", "peer-support")
    text = "<img src=x onerror=alert(1)> }\" ; DROP"
    got = editor.put(f"{R}/cmocs/c06/evidence/1/appraisal",
                     json={"relevance": "low", "rationale": text})
    assert got.status_code == 200, got.text
    assert got.json()["relevance"]["rationale"] == text
    assert editor.get(f"{R}/cmocs/c06/evidence/1/appraisal").json()["relevance"]["level"] == "low"
    assert editor.get(f"{R}/cmocs/c06/evidence/9/appraisal").status_code == 404


def test_questions_take_the_appraisal_filters_and_roll_up(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    everything = viewer.get(f"{R}/matrix").json()["rows"]
    high = viewer.get(f"{R}/matrix", params={"min_rigour": "high"}).json()["rows"]
    assert 0 < sum(r["cmocs"] for r in high) < sum(r["cmocs"] for r in everything)
    assert all(r["rigour"]["high"] >= 1 for r in high)
    exact = viewer.get(f"{R}/patterns").json()
    rolled = viewer.get(f"{R}/patterns", params={"roll_up": "true"}).json()
    assert rolled["roll_up"] and len(rolled["rows"]) > len(exact["rows"])
    assert any(r["gathered"] for r in rolled["rows"])
    found = viewer.get(f"{R}/contradictions").json()
    assert found["rows"] == [] and found["explained"]
    assert all(r["explained_by"] for r in found["explained"])


def test_contexts_of_a_mechanism_count_each_side_once(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    got = viewer.get(f"{R}/contexts", params={"mechanism": "authentic presence"}).json()
    fired = {r["context"]["label"]: r for r in got["fired_in"]}
    not_fired = {r["context"]["label"]: r for r in got["not_fired_in"]}
    both = fired["one-to-one support"], not_fired["one-to-one support"]
    assert (both[0]["fired"], both[0]["not_fired"]) == (both[0]["cmocs"], 0)
    assert (both[1]["fired"], both[1]["not_fired"]) == (0, both[1]["cmocs"])


def test_confidence_is_suggested_then_judged_with_provenance(service: Service) -> None:
    viewer = service.token("viewer", "peer-support")
    pattern = {"context": "delivery", "mechanism": "confidence to breastfeed",
               "outcome": "breastfeeding duration", "direction": "positive", "roll_up": "true"}
    got = viewer.get(f"{R}/confidence", params=pattern)
    assert got.status_code == 200, got.text
    profile = got.json()
    assert profile["cmocs"] == ["c01", "c08"] and not profile["confirmed"]
    parts = {c["component"]: c for c in profile["components"]}
    assert parts["methodological-limitations"]["suggested"] == "none"  # two high-rigour reviews
    assert parts["adequacy"]["suggested"] == "moderate"  # two studies, both thin
    verdict = {"finding": {**pattern, "roll_up": True}, "judgements": [
        {"component": "adequacy", "concern": "serious", "reason": "two thin reviews"}]}
    assert viewer.put(f"{R}/confidence", json=verdict).status_code == 403
    editor = service.token("editor", "peer-support")
    judged = editor.put(f"{R}/confidence", json=verdict)
    assert judged.status_code == 200, judged.text
    adequacy = {c["component"]: c for c in judged.json()["components"]}["adequacy"]
    assert (adequacy["judgement"], adequacy["suggested_then"], adequacy["judged_by"]) == (
        "serious", "moderate", "editor-peer-support")
    assert judged.json()["overall"] != judged.json()["suggested_overall"]
    bad = editor.put(f"{R}/confidence", json={**verdict, "judgements": [
        {"component": "coherense", "concern": "minor", "reason": "x"}]})
    assert bad.status_code == 422
    assert viewer.get(f"{R}/confidence", params={"cmoc": "c99"}).status_code == 404
    assert viewer.get(f"{R}/confidence", params={"direction": "sideways"}).status_code == 422
