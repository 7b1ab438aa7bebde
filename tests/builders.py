"""Builders for small reviews used across the tests."""

from __future__ import annotations

import cmo
from cmo.store import Store


def sample_cmoc(cmoc_id: str = "c1", **changes: object) -> cmo.CMOConfiguration:
    """A well-formed CMOc; `changes` override any field."""
    fields: dict[str, object] = {
        "id": cmoc_id, "studies": ["Jolly 2012"], "contexts": ["low intensity support"],
        "mechanism": "mothers engage with the peer", "outcomes": ["breastfeeding continuation"],
        "resource": "a peer who calls fewer than five times", "fired": False,
        "direction": "none", "confidence": "moderate",
        "evidence": [{"quote": "interventions of low intensity tend not to be effective",
                      "page": "3", "study": "Jolly 2012"}],
    }
    return cmo.CMOConfiguration.model_validate({**fields, **changes})


def sample_review(store: Store, review_id: str = "r1") -> None:
    """A review with a concept hierarchy, a synonym, two CMOcs in a chain and a theory."""
    cmo.create_review(store, cmo.Review(id=review_id, title=f"Review {review_id}"))
    for label, broader, alts in [("delivery", None, []), ("intensity", "delivery", []),
                                 ("low intensity support", "intensity",
                                  ["fewer than five contacts"])]:
        cmo.add_concept(store, review_id, cmo.Concept(kind="context", label=label,
                                                      broader=broader, alt_labels=alts))
    cmo.add_theory(store, review_id, cmo.ProgrammeTheory(id="t-v1", label="Peer theory"))
    cmo.create_cmoc(store, review_id, sample_cmoc("c2", fired=True, direction="positive"))
    cmo.create_cmoc(store, review_id, sample_cmoc("c1", leads_to=["c2"], theories=["t-v1"]))
