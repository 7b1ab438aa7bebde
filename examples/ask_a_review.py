"""Ask the peer-support review what a realist reviewer asks of it, from Python.

    .venv/bin/python examples/ask_a_review.py [--store URL]

The review is loaded into a knowledge graph (a throw-away one in memory by default), then asked:
which mechanisms fire under *delivery*, where *trusting relationship with the peer* fired and
where it did not, and what evidence lies behind one CMOc; then a second reviewer adds a CMOc.
A notebook takes the same path: every step is one call on the object `cmo.open(...)` gives.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cmo

REVIEW = Path(__file__).resolve().parent / "peer-support" / "review.ttl"
TRUST = "trusting relationship with the peer"


def tour(kg: cmo.KnowledgeGraph) -> None:
    """Load the review (if the graph lacks it) and print the answers to a few questions."""
    review = kg.review("peer-support")
    if "peer-support" not in kg.reviews:
        review.import_file(REVIEW)
    stats = review.stats()
    print(f"{review.details().title}: {stats.cmocs} CMOcs, {stats.not_fired} not fired, "
          f"{stats.studies} studies")

    print("\nMechanisms under 'delivery' (fired / not fired):")
    for row in review.ask.mechanisms_for_context("delivery").rows:
        print(f"  {row.mechanism.label}: {row.fired} / {row.not_fired}")

    where = review.ask.contexts_for_mechanism(TRUST)
    print(f"\n'{TRUST}' fired in {len(where.fired_in)} contexts, "
          f"not in {len(where.not_fired_in)}:")
    for row in where.not_fired_in:
        print(f"  not fired: {row.context.label}")

    low = review.cmocs.list(context="low intensity support", fired=False)
    print(f"\nNot fired under low intensity support: {[c.id for c in low]}")
    trail = review.ask.evidence_trail(cmoc=low[0].id)
    for item in trail.items:
        print(f"  {item.study.key if item.study else '?'}, p. {item.page}: {item.quote[:70]}…")

    before = review.cmocs.count(mechanism=TRUST, fired=False)
    with kg.acting_as("second reviewer"):
        added = review.cmocs.create(studies=["Trickey NCT"], contexts=["antenatal support"],
                                    mechanism=TRUST, outcomes=["breastfeeding continuation"],
                                    mechanism_fired=False, confidence="low",
                                    notes="a second reading")
    print(f"\nAdded {added.id} (by {added.reviewer}): '{TRUST}' did not fire in {before} "
          f"CMOcs, now in {review.cmocs.count(mechanism=TRUST, fired=False)}.")

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--store", default="memory:", help="where the graph is (memory:)")
    args = parser.parse_args()
    with cmo.open(args.store) as kg:
        tour(kg)


if __name__ == "__main__":
    main()
