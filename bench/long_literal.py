"""SHACL validation of a review holding one long literal: its cost should grow linearly.

    python bench/long_literal.py --mb 2 3

For each size, builds the example review plus one CMOc whose quote is that many megabytes
(built with the `cmo.rdf.mapping` writers, as a write bypassing the caps would store it) and times
`cmo.review.validation.validate_triples` over the whole review, the step every RDF import into the
review runs.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyoxigraph as ox

from cmo.model.records import STORED, CMOConfiguration
from cmo.rdf.mapping import MintedRefs, cmoc_triples
from cmo.review.validation import validate_triples

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "peer-support" / "review.ttl"


def review_with_quote(megabytes: float) -> list[ox.Triple]:
    """The example review's triples, and a CMOc quoting `megabytes` MB of text."""
    base = [ox.Triple(q.subject, q.predicate, q.object)  # type: ignore[arg-type]
            for q in ox.parse(EXAMPLE.read_bytes(), format=ox.RdfFormat.TURTLE)]
    size = int(megabytes * 1_000_000)
    quote = ("a quote that goes on " * (size // 21 + 1))[:size]
    cmoc = CMOConfiguration.model_validate({
        "id": "long", "studies": ["Jolly 2012"], "contexts": ["low intensity support"],
        "mechanism": "trusting relationship with the peer", "outcomes": ["breastfeeding"],
        "evidence": [{"quote": quote}]}, context=STORED)
    return base + cmoc_triples("peer-support", cmoc, MintedRefs("peer-support"))


def main() -> None:
    """Time validation for each size given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[2.0, 3.0])
    for megabytes in parser.parse_args().mb:
        triples = review_with_quote(megabytes)
        start = time.perf_counter()
        validate_triples(triples)
        print(f"{megabytes:g} MB literal: validated in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
