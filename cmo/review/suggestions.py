"""Autocomplete over a review's concepts, and a draft CMOc's labels checked before it is saved.

Both read the review index (one small query for the revision, then memory), so they answer
while a reviewer types: the matching tables are built once per revision (`ReviewIndex.memo`).
A label matches by prefix (it, or one of its words, starts with what was typed) and, for the
rest, by closeness (the matcher that warns of near-duplicates, `cmo.model.vocabulary.Matcher`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from cmo.model.ids import normalise_label
from cmo.model.records import ConceptKind
from cmo.model.suggestions import ConceptSuggestion, LabelCheck, LabelsCheck
from cmo.model.vocabulary import Matcher
from cmo.review.index import ReviewIndex, review_indexes
from cmo.review.names import ReviewNames
from cmo.review.new_concepts import CMOC_FIELDS, Existing, created, near_duplicate_warnings
from cmo.store import Store


@dataclass
class _Words:
    """Every label and synonym of one kind: (normalised, as written, concept IRI), sorted."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)
    by_key: dict[str, tuple[str, str]] = field(default_factory=dict)
    matcher: Matcher | None = None


def _words(index: ReviewIndex, kind: ConceptKind) -> _Words:
    key = ("suggestions", kind.value)
    found = index.memo.get(key)
    if isinstance(found, _Words):
        return found
    words = _Words()
    for iri, k in index.kind.items():
        if k == kind.value:
            for text in [index.label[iri], *index.alt_labels.get(iri, ())]:
                words.rows.append((normalise_label(text), text, iri))
    words.rows.sort()
    for norm, text, iri in words.rows:
        words.by_key.setdefault(norm, (text, iri))
    words.matcher = Matcher(words.by_key)
    index.memo[key] = words
    return words


def _suggestion(index: ReviewIndex, iri: str, matched: str, by: str) -> ConceptSuggestion:
    parents = index.broader.get(iri) or []
    return ConceptSuggestion.model_validate({
        "kind": index.kind[iri], "label": index.label[iri], "iri": iri,
        "alt_labels": sorted(index.alt_labels.get(iri, []), key=str.casefold),
        "broader": index.label.get(parents[0]) if parents else None,
        "definition": index.definition.get(iri), "matched": matched, "by": by})


def suggest_concepts(store: Store, review_id: str, text: str,
                     kind: ConceptKind | None = None, limit: int = 10) -> list[ConceptSuggestion]:
    """The concepts `text` may mean, best first: those whose label or a synonym starts with it,
    then those with a word that does, then those spelt nearly so; each once, with what matched.

    >>> import cmo
    >>> from cmo.review.concepts import add_concept
    >>> from cmo.review.reviews import create_review
    >>> store = cmo.open("memory:").store
    >>> _ = create_review(store, cmo.Review(id="r", title="R"))
    >>> _ = add_concept(store, "r", cmo.Concept(kind="mechanism", label="perceived usefulness",
    ...                                           alt_labels=["Seeing the point"]))
    >>> [(s.label, s.matched, s.by) for s in suggest_concepts(store, "r", "seeing")]
    [('perceived usefulness', 'Seeing the point', 'prefix')]
    >>> [(s.label, s.by) for s in suggest_concepts(store, "r", "usef")]
    [('perceived usefulness', 'word')]
    >>> [(s.label, s.by) for s in suggest_concepts(store, "r", "percieved usefulness")]
    [('perceived usefulness', 'close')]
    """
    index = review_indexes(store, [review_id])[0]
    typed = normalise_label(text)
    if not typed:
        return []
    out: dict[str, ConceptSuggestion] = {}
    kinds = [kind] if kind else list(ConceptKind)
    for by in ("prefix", "word", "close"):
        for k in kinds:
            for matched, iri in _matches(_words(index, k), typed, by):
                if iri not in out and len(out) < limit:
                    out[iri] = _suggestion(index, iri, matched, by)
    return list(out.values())


def _matches(words: _Words, typed: str, by: str) -> list[tuple[str, str]]:
    if by == "prefix":
        return [(text, iri) for norm, text, iri in words.rows if norm.startswith(typed)]
    if by == "word":
        inner = " " + typed
        return [(text, iri) for norm, text, iri in words.rows if inner in norm]
    assert words.matcher is not None
    scored = []
    for key in words.matcher.shortlist(typed):
        score = max(_ratio(typed, key), _ratio(typed, key[:len(typed)]))
        if score >= CLOSE:
            scored.append((-score, key))
    return [words.by_key[k] for _, k in sorted(scored)[:5]]


CLOSE = 0.8
"""How alike what was typed and a label (or its start, as long as what was typed) must be
for the label to be offered as a likely typo: a slip or two in a word, not a theme in common."""


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def check_labels(store: Store, review_id: str, labels: Sequence[tuple[str, str]]) -> LabelsCheck:
    """Which labels of a draft CMOc name a concept, and which would make a new one (with the
    near-duplicate warnings a save would give); writes nothing.

    `labels` are (field, label) pairs, field one of contexts, mechanism, outcomes, intervention,
    actor (CMOc fields); a list field may come several times.
    """
    kinds = dict(CMOC_FIELDS)
    names = ReviewNames.load(store, review_id)
    existing = set(names.kind)
    out, counts = [], dict.fromkeys(kinds, 0)
    for name, label in labels:
        kind = kinds[name]
        iri = names.concept(kind, label)
        where = f"{name}[{counts[name]}]" if name in ("contexts", "outcomes") else name
        counts[name] += 1
        out.append((where, kind, label, iri))
    made = created(names)
    warnings = near_duplicate_warnings(names, made)
    near = {c.iri: c for c in made}
    matcher = Existing(names, near)
    return LabelsCheck(
        labels=[LabelCheck(field=where, kind=kind, label=label,
                           concept=names.label_of(iri) if iri in existing else None,
                           near=matcher.near(kind, label) if iri in near else [])
                for where, kind, label, iri in out],
        new_concepts=made, warnings=warnings)
