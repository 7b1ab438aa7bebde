"""A sheet's CMOcs written as N-Triples text give exactly the graph the model writers give."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime

import pyoxigraph as ox
import pytest

import cmo
from cmo.interchange import sheet_import
from cmo.interchange.importer import import_file
from cmo.model.records import CMOConfiguration
from cmo.rdf.mapping import MintedRefs, cmoc_triples
from cmo.rdf.ntriples import NTriples, cmoc_ntriples
from cmo.rdf.provenance import acting_as
from cmo.store import Store, open_store
from tests.builders import sample_cmoc

FIXED = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
HEADER = ["cmoc_id", "study", "context", "mechanism", "outcome", "resource", "intervention",
          "actor", "mechanism_fired", "outcome_direction", "confidence", "quote", "page",
          "programme_theory", "leads_to", "study_title", "study_year", "study_design",
          "reviewer", "notes"]
QUOTES = ['She said "never again".', "Line one\nline two", "Tabs\tand \\ backslashes",
          "Ünïcödé — 漢字 😀 end", "a 'single' and a \"double\"", "  padded  ",
          "control \x01 char", "<not> an IRI & \"x\"^^<y>"]


class _FrozenClock(datetime):
    @classmethod
    def now(cls, tz: object = None) -> _FrozenClock:  # type: ignore[override]
        return FIXED  # type: ignore[return-value]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _concepts() -> bytes:
    return _csv([["kind", "label", "broader", "alt_labels", "definition"],
                 ["context", "delivery", "", "", 'How "support" is given\nsecond line'],
                 ["context", "low intensity", "delivery", "few visits; fewer than five", ""],
                 ["context", "rural Ärea", "delivery", "countryside", "Ländlich"],
                 ["mechanism", "trust", "", "trusting relationship", ""],
                 ["outcome", "uptake", "", "take-up", ""]])


def _sheet(rows: int, seed: int, first: int = 1, earlier: int = 0) -> bytes:
    """`rows` rows: synonyms, odd spacing and case, multi-values, hard quotes, some blanks."""
    rng = random.Random(seed)
    # U+2028 and U+2029 stay raw in N-Triples (they are not line ends there).
    pool = [*QUOTES, "line\u2028separator\u2029paragraph"]
    contexts = ["delivery", "Few  visits", "COUNTRYSIDE", "UK setting", "UK-setting",
                "low income", "Ελλάδα", "family \"home\""]
    mechanisms = ["trust", "Trusting relationship", "shame", "peer pressure"]
    outcomes = ["uptake", "take-up", "retention", "wellbeing"]
    studies = ["Jolly 2012", "jolly  2012", "Okafor 2019", "Müller 2020", "Smith 2001a"]
    out = [HEADER]
    for i in range(first, first + rows):
        study = "; ".join(rng.sample(studies[2:], rng.choice([1, 1, 1, 2])))
        quotes = rng.sample(pool, rng.choice([0, 1, 1, 2]))
        pages = "; ".join(str(rng.randint(1, 99)) for _ in quotes) if rng.random() < .7 else ""
        later = [f"c{j}" for j in range(max(1, i - 5 - earlier), i)
                 if j % 5 and rng.random() < .1]
        out.append([
            f"c{i}" if i % 5 else "",  # a fifth of the rows get a minted id
            study if rng.random() < .8 else rng.choice(studies[:2]),
            "; ".join(rng.sample(contexts, rng.randint(1, 3))),
            rng.choice(mechanisms), "; ".join(rng.sample(outcomes, rng.randint(1, 2))),
            rng.choice(["", "a peer", 'a "peer"\nwho calls']),
            rng.choice(["", "home visits", "Home  Visits"]),
            rng.choice(["", "peer supporter"]), rng.choice(["", "yes", "no"]),
            rng.choice(["", "positive", "negative", "none", "mixed"]),
            rng.choice(["", "high", "moderate", "low"]),
            "\n;\n".join(quotes), pages,
            rng.choice(["", "Peer theory", "Peer theory; Clinic théorie"]),
            "; ".join(later), "", "", "",
            rng.choice(["", "Ann Reviewer", "Zoë O'Brien"]),
            rng.choice(["", "memo", 'note with "quotes"\nand a newline'])])
    # Study metadata on one row each, so rows never disagree.
    out[1][HEADER.index("study")] = "Okafor 2019"
    out[1][HEADER.index("study_title")] = 'Peers "at home"'
    out[1][HEADER.index("study_year")] = "2019"
    out[1][HEADER.index("study_design")] = "Process evaluation"
    return _csv(out)


def _model_cmocs(self: sheet_import._Plan, progress: object) -> int:
    """`_Plan.cmocs` as it was: every CMOc through `cmoc_triples`, as pyoxigraph Triples."""
    for r in self.sheet.rows:
        self.names.cmocs[r.cmoc.id] = cmo.model.ids.cmoc_iri(self.review_id, r.cmoc.id)
    now = sheet_import.datetime.now(UTC)
    for r in self.sheet.rows:
        r.cmoc.created = now
        self.triples += cmoc_triples(self.review_id, r.cmoc, self.names)
    for iri, (kind, label) in self.names.new_concepts.items():
        if iri not in self.described:
            self.triples += sheet_import.concept_triples(
                self.review_id, cmo.Concept(kind=kind, label=label), iri, None)
    for iri, key in self.names.new_studies.items():
        self.triples += sheet_import.study_triples(cmo.Study(key=key), iri)
    return len(self.sheet.rows)


def _graph(store: Store) -> list[str]:
    """The store's N-Quads minus revision tokens and write activities (they differ by design)."""
    lines = store.dump(ox.RdfFormat.N_QUADS).decode().split("\n")  # not at U+2028
    return sorted(q for q in lines
                  if "/ns#revision>" not in q and not q.startswith("<https://w3id.org/"
                                                                   "realist-kg/id/review/r/"
                                                                   "activity/"))


def _import_both_ways(monkeypatch: pytest.MonkeyPatch, stores: tuple[Store, Store],
                      bulk: bool = False) -> list[list[str]]:
    monkeypatch.setattr(sheet_import, "datetime", _FrozenClock)
    graphs, reports = [], []
    for store, model in zip(stores, (False, True), strict=True):
        with monkeypatch.context() as m:
            if model:
                m.setattr(sheet_import._Plan, "cmocs", _model_cmocs)
            with acting_as("Importer"):
                first = import_file(store, "r", "s.csv", _sheet(300, 1),
                                    concepts=("c.csv", _concepts()), bulk=bulk)
                second = import_file(store, "r", "s2.csv",
                                     _sheet(60, 2, 301, 300))
        reports.append((first.triples, first.cmocs, second.triples, second.cmocs))
        graphs.append(_graph(store))
    assert reports[0] == reports[1]
    return graphs


def test_fast_path_gives_the_model_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, model = _import_both_ways(monkeypatch, (open_store("memory:"),
                                                  open_store("memory:")))
    assert len(fast) > 5_000 and fast == model
    text = "\n".join(fast)
    assert "\\u0001" in text and "\\n" in text and "漢字" in text and '\\"double\\"' in text
    assert "\u2028" in text


@pytest.mark.parametrize("bulk", [False, True], ids=["load", "bulk"])
def test_fast_path_gives_the_model_graph_when_loaded(monkeypatch: pytest.MonkeyPatch,
                                                     any_store: Store, bulk: bool) -> None:
    """Big writes (N-Triples load, bulk load, a remote store's INSERT DATA) too."""
    monkeypatch.setattr("cmo.store.writes.BULK_TRIPLES", 1)
    fast, model = _import_both_ways(monkeypatch, (any_store, open_store("memory:")),
                                    bulk=bulk)
    assert fast == model


def _cmocs() -> list[CMOConfiguration]:
    full = sample_cmoc("k1", contexts=["a", "b"], outcomes=["x", "y"], intervention="home",
                       actor="peer", theories=["t-v1"], leads_to=["k2", "k3"],
                       reviewer="Zoë", notes='n "1"\n2', created=FIXED,
                       modified=datetime(2026, 2, 1), outcome_direction="mixed", confidence="high",
                       evidence=[{"quote": q, "page": None if n % 2 else str(n),
                                  "study": None if n % 3 else "Jolly 2012"}
                                 for n, q in enumerate(QUOTES)])
    return [full, sample_cmoc("k2"), sample_cmoc("k3", mechanism_fired=True, outcome_direction=None,
                                                 confidence=None, resource=None, evidence=[])]


def test_cmoc_ntriples_is_pyoxigraphs_serialisation_of_cmoc_triples() -> None:
    out = NTriples()
    expected = b""
    for cmoc in _cmocs():
        cmoc_ntriples(out, "r", cmoc, MintedRefs("r"))
        expected += ox.serialize(cmoc_triples("r", cmoc, MintedRefs("r")),
                                 format=ox.RdfFormat.N_TRIPLES) or b""
    assert out.text().encode() == expected
    assert out.count == expected.count(b"\n")
    assert out.triples() == [t for c in _cmocs() for t in cmoc_triples("r", c, MintedRefs("r"))]
