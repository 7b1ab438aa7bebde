"""The question engine's answers as rows of plain text, for `cmo query`'s tables and CSV.

Each answer type has its own rows, in the order a reviewer reads them (who, then what, then how
many), every cell a word or a number: concepts by label, studies by key, a firing as ``yes`` or
``no``, never a Python value's repr. A chain reads as the CMO chain it is: its first contexts,
then each mechanism in brackets and the outcomes it leads to.

>>> from cmo.model.answers import ConceptRef, Matrix, MatrixCell
>>> c = ConceptRef(iri="x:c", label="rural")
>>> m = ConceptRef(iri="x:m", label="trust")
>>> header, rows = answer_rows(Matrix(rows=[MatrixCell(context=c, mechanism=m, reviews=["r"],
...                                                   cmocs=2, studies=1, fired=2, not_fired=0)]))
>>> header, rows
(['review', 'context', 'mechanism', 'cmocs', 'studies', 'fired', 'not_fired', 'rigour'], \
[['r', 'rural', 'trust', '2', '1', '2', '0', '']])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from cmo.model.answers import (
    ChainCMOc,
    Chains,
    ConceptRef,
    ContextsForMechanism,
    Contradictions,
    Counts,
    EvidenceTrail,
    Matrix,
    MechanismsForContext,
    OutcomesForMechanism,
    Patterns,
    RigourCounts,
)
from cmo.words import counted

Rows = tuple[list[str], list[list[str]]]
COUNTS = ["cmocs", "studies", "fired", "not_fired", "rigour"]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _rigour(counts: RigourCounts) -> str:
    """The studies by rigour, zeros left out: '2 high, 1 unappraised'."""
    return ", ".join(f"{n} {level}" for level, n in counts.model_dump().items() if n)


def _counts(row: Counts) -> list[str]:
    return [str(row.cmocs), str(row.studies), str(row.fired), str(row.not_fired),
            _rigour(row.rigour)]


def _joined(values: Iterable[str]) -> str:
    return ", ".join(values)


def _matrix(a: Matrix) -> Rows:
    return (["review", "context", "mechanism", *COUNTS],
            [[_joined(r.reviews), r.context.label, r.mechanism.label, *_counts(r)]
             for r in a.rows])


def _mechanisms(a: MechanismsForContext) -> Rows:
    return (["mechanism", *COUNTS, "outcomes"],
            [[r.mechanism.label, *_counts(r), "; ".join(
                f"{o.outcome.label} ({o.direction or 'direction unknown'}, "
                f"{counted(o.cmocs, 'CMOc')})" for o in r.outcomes)] for r in a.rows])


def _contexts(a: ContextsForMechanism) -> Rows:
    return (["side", "context", *COUNTS],
            [[side, r.context.label, *_counts(r)]
             for side, rows in (("fired", a.fired_in), ("not fired", a.not_fired_in))
             for r in rows])


def _outcomes(a: OutcomesForMechanism) -> Rows:
    return (["outcome", "direction", *COUNTS],
            [[r.outcome.label, _text(r.direction), *_counts(r)] for r in a.rows])


def _evidence(a: EvidenceTrail) -> Rows:
    return (["review", "cmoc", "fired", "direction", "study", "page", "quote"],
            [[i.review, i.cmoc, _text(i.fired), _text(i.direction),
              i.study.key if i.study else "", _text(i.page), i.quote] for i in a.items])


def _step(c: ChainCMOc | None, cmoc_id: str) -> str:
    if c is None:
        return f"[{cmoc_id}]"
    mechanism = c.mechanism or "no mechanism"
    fired = "" if c.fired else ", not fired"
    return f"[{cmoc_id}: {mechanism}{fired}] -> {'; '.join(c.outcomes)}"


def _chains(a: Chains) -> Rows:
    known = {(c.review, c.cmoc): c for c in a.cmocs}
    rows = []
    for chain in a.chains:
        first = known.get((chain.review, chain.cmocs[0])) if chain.cmocs else None
        start = "; ".join(first.contexts) if first else ""
        steps = [_step(known.get((chain.review, i)), i) for i in chain.cmocs]
        rows.append([chain.review, " -> ".join(chain.cmocs), " -> ".join([start, *steps])])
    return ["review", "cmocs", "chain"], rows


def _patterns(a: Patterns) -> Rows:
    gathered = ["gathered"] if a.roll_up else []
    return (["context", *gathered, "mechanism", "outcome", "direction", "fired", "studies",
             "rigour", "only_low_rigour", "cmocs"],
            [[r.context.label, *([_labels(r.gathered)] if a.roll_up else []), r.mechanism.label,
              r.outcome.label, _text(r.direction), _text(r.fired), str(r.studies),
              _rigour(r.rigour), _text(r.low_rigour_only), _joined(r.cmocs)] for r in a.rows])


def _labels(refs: Iterable[ConceptRef]) -> str:
    return "; ".join(r.label for r in refs)


def _contradictions(a: Contradictions) -> Rows:
    """One row per side, so both sides of a contradiction stand one under the other; the
    unexplained first (empty `explained_by`), then those their contexts may explain."""
    return (["kind", "contexts", "mechanism", "outcome", "explained_by", "side",
             "side_contexts", "cmocs", "studies"],
            [[r.kind, _labels(r.contexts), r.mechanism.label,
              r.outcome.label if r.outcome else "", _labels(r.explained_by), side.claim,
              _labels(side.contexts), _joined(side.cmocs),
              _joined(dict.fromkeys(e.study.key for e in side.evidence if e.study))]
             for r in [*a.rows, *a.explained] for side in r.sides])


_ROWS: dict[type[BaseModel], Callable[[Any], Rows]] = {
    Matrix: _matrix, MechanismsForContext: _mechanisms, ContextsForMechanism: _contexts,
    OutcomesForMechanism: _outcomes, EvidenceTrail: _evidence, Chains: _chains,
    Patterns: _patterns, Contradictions: _contradictions,
}


def answer_rows(answer: BaseModel) -> Rows:
    """The header and the rows of text that show `answer` in a table or CSV."""
    return _ROWS[type(answer)](answer)

