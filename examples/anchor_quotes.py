"""Anchor a study's quotes in its document, from Python.

    .venv/bin/python examples/anchor_quotes.py [--store URL]

Loads the peer-support review (into a throw-away graph in memory by default), imports four CMOcs
a reviewer tagged in a workshop's notes, then adds those notes as the study's source document:
each quote is found in the text and anchored (W3C Web Annotation selectors), and its page filled
in. A fifth CMOc is tagged by pointing at a passage; then every quote of the review is checked,
and the evidence is written as Web Annotations. The notes (`peer-support/sources/`) were written
for this example; the review's own quotes come from an article that is not in the repository,
so the check finds no source for them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cmo

HERE = Path(__file__).resolve().parent / "peer-support"
REVIEW = HERE / "review.ttl"
NOTES = HERE / "sources" / "workshop-notes.md"
SHEET = HERE / "sources" / "workshop-cmocs.csv"
STUDY = "Workshop notes 2026"


def tour(kg: cmo.KnowledgeGraph) -> None:
    """Load, anchor, tag, check and export, printing what each step did."""
    review = kg.review("peer-support")
    if "peer-support" not in kg.reviews:
        review.import_file(REVIEW)
    if STUDY not in {s.key for s in review.studies.list()}:
        review.import_file(SHEET)
    known = {s.file_name: s for s in review.sources.list()}
    if NOTES.name in known:
        source = known[NOTES.name]
    else:
        report = review.sources.add(NOTES, study=STUDY)
        source = report.source
        print(f"Added {source.file_name} ({source.page_count} page, {source.chars} characters) "
              f"to {source.study!r}: {report.summary()}")
    for evidence in review.cmocs.get("w02").evidence:
        print(f"w02 quotes p. {evidence.page}, characters {evidence.start}-{evidence.end} of "
              f"source {evidence.source}")

    # Point at a passage: the place is enough; the quote and the page are filled in.
    text = review.sources.page(source.id, 1).text or ""
    start = text.index("a mother who has a name and a number")
    end = text.index(".", start)
    tagged = review.cmocs.create(
        studies=[STUDY], contexts=["early contact on the ward"],
        mechanism="mothers seek help when they need it", outcomes=["uptake of support"],
        outcome_direction="positive", confidence="low",
        evidence=[{"source": source.id, "start": start, "end": end}])
    print(f"{tagged.id}: {tagged.evidence[0].quote!r} (p. {tagged.evidence[0].page})")

    checked = review.sources.check()
    print(checked.summary())
    annotations = review.sources.annotations()
    anchored = [a for a in annotations["first"]["items"]
                if isinstance(a["target"].get("selector"), list)]
    print(f"{annotations['total']} Web Annotations, {len(anchored)} with both selectors, e.g. "
          f"{anchored[0]['target']['selector']}")

def main() -> None:
    """Run the tour on the store named on the command line (a fresh memory store by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", default="memory:", help="store URL (default: memory:)")
    args = parser.parse_args()
    with cmo.open(args.store) as kg:
        tour(kg)


if __name__ == "__main__":
    main()
