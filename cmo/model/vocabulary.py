"""The fixed vocabularies in the words people write, and the matcher that suggests the closest.

A study design is accepted by its token (``rct``), its preferred label or any synonym in
`ontology/vocab.ttl` (``skos:altLabel``, UK and US spellings), in any case, with hyphens and
spaces alike. The ontology is the one list: add a synonym there and every reader (sheets, the
API, the CLI filters) accepts it. `closest` is the one matcher that suggests labels, for unknown
concepts, designs and theories, and for near-duplicate new concepts (`Matcher`, for many
questions over one list).

>>> design_token("Randomized Controlled Trial"), design_token("cluster RCT")
('rct', 'rct')
>>> design_token("controlled before-after"), design_token("Mixed methods")
('quasi-experimental', 'mixed-methods')
>>> closest("perceived usefullness", ["perceived usefulness", "trust"])
['perceived usefulness']
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from cmo.model.ids import normalise_label
from cmo.model.namespace import RKG_IRI

_HERE = Path(__file__).parent
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_WORDS = {_SKOS + "notation", _SKOS + "prefLabel", _SKOS + "altLabel"}
_JOINERS = re.compile(r"[-_\u2010-\u2015]")


def ontology_dir() -> Path:
    """The folder holding the ontology files, installed (inside the package) or in a checkout."""
    # Installed, the ontology is cmo/ontology; in a checkout, it sits beside cmo/.
    for candidate in (_HERE.parent / "ontology", _HERE.parent.parent / "ontology"):
        if (candidate / "rkg.ttl").is_file():
            return candidate
    raise FileNotFoundError("The realist-kg ontology files are missing from this installation.")


def ontology_file(name: str) -> Path:
    """The path of one ontology file, e.g. 'shapes.ttl'."""
    return ontology_dir() / name


def closest(text: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The `names` closest to `text` (compared as labels are: any case or spacing), best first."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(normalise_label(name), name)
    found = difflib.get_close_matches(normalise_label(text), list(by_key), n=n, cutoff=0.5)
    return [by_key[k] for k in found]


class Matcher:
    """`closest` over one fixed list of names, asked many times (the new concepts of a big
    import against a review's labels).

    Up to `EXACT` names it is `closest` itself. Past that, comparing every name (difflib, ~0.1 ms
    a pair) grows with both lists, so each question first shortlists the `SHORTLIST` names that
    share the most character trigrams with it (leaving out those in over 5% of the names), and
    `closest` ranks those.
    """

    EXACT = 300
    SHORTLIST = 12

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(dict.fromkeys(names))
        self.index: dict[str, list[int]] = {}
        if len(self.names) > self.EXACT:
            for i, name in enumerate(self.names):
                for gram in _trigrams(name):
                    self.index.setdefault(gram, []).append(i)

    def closest(self, text: str, n: int = 3) -> list[str]:
        """The names closest to `text`, best first (as `closest`)."""
        return closest(text, self.shortlist(text), n)

    def shortlist(self, text: str) -> list[str]:
        """The names worth comparing with `text`: all of them up to `EXACT`, else the
        `SHORTLIST` that share most trigrams with it."""
        if len(self.names) <= self.EXACT:
            return self.names
        common = max(self.SHORTLIST, len(self.names) // 20)  # in 5% of all: says little
        shared: dict[int, int] = {}
        for gram in _trigrams(text):
            posting = self.index.get(gram, ())
            if len(posting) <= common:
                for i in posting:
                    shared[i] = shared.get(i, 0) + 1
        best = sorted(shared, key=lambda i: -shared[i])[:self.SHORTLIST]
        return [self.names[i] for i in best]


def _trigrams(text: str) -> set[str]:
    padded = f"  {normalise_label(text)} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def word_key(text: str) -> str:
    """How a design is compared: as a label, with hyphens and underscores read as spaces."""
    return normalise_label(_JOINERS.sub(" ", text))


@cache
def design_words() -> dict[str, str]:
    """Every word for a study design (token, preferred label, synonyms; by `word_key`) -> its
    token, read from `ontology/vocab.ttl`."""
    words: dict[str, dict[str, list[str]]] = {}
    designs: set[str] = set()
    for t in ox.parse(path=ontology_file("vocab.ttl"), format=ox.RdfFormat.TURTLE):
        if t.predicate.value == _TYPE and t.object.value == RKG_IRI + "StudyDesign":
            designs.add(t.subject.value)
        elif t.predicate.value in _WORDS:
            words.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(
                t.object.value)
    out: dict[str, str] = {}
    for design in designs:
        token = words[design][_SKOS + "notation"][0]
        for word in (w for ws in words[design].values() for w in ws):
            out[word_key(word)] = token
    return out


def design_token(text: str) -> str | None:
    """The token of the study design a word names, or None."""
    return design_words().get(word_key(text))
