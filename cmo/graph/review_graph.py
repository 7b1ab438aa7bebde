"""One review of the knowledge graph (`kg.review(id)`): what it holds, its questions, its files.

>>> import cmo
>>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
>>> _ = review.cmocs.create(studies=["Jolly 2012"], contexts=["rural"], mechanism="trust",
...                         outcomes=["uptake"], outcome_direction="positive")
>>> review.stats().cmocs, review.validate()
(1, [])
>>> review.export("csv").decode().splitlines()[1].split(",")[:4]
['Jolly 2012', 'rural', 'trust', 'uptake']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmo.errors import Problem, UnsupportedFormat, Violation
from cmo.graph.ask import Questions
from cmo.graph.collections import CMOcs, Concepts, Studies, Theories
from cmo.graph.parts import OfReview, built
from cmo.graph.sources import Sources
from cmo.interchange.importer import import_file
from cmo.interchange.qdpx import QdpxOptions, export_qdpx
from cmo.interchange.rdf_files import EXPORT_FORMATS, ImportReport, export_review
from cmo.interchange.sheet_export import SHEET_EXPORT_FORMATS, export_sheet
from cmo.interchange.sheet_import import Progress
from cmo.model.appraisal import ConfidenceJudgements, Finding
from cmo.model.records import Review
from cmo.questions.confidence import ConfidenceProfile, confidence_profile, judge_confidence
from cmo.questions.stats import ReviewStats, review_stats
from cmo.review.reviews import get_review, update_review
from cmo.review.validation import validate_review

if TYPE_CHECKING:
    from cmo.graph.knowledge_graph import KnowledgeGraph
    from cmo.views import HeatmapView, MechanismView

#: What `ReviewGraph.export` writes: RDF, the extraction sheet, the mechanism network.
GRAPH_FORMATS = ("graphml", "gexf", "cyjs")
FORMATS = (*EXPORT_FORMATS, *SHEET_EXPORT_FORMATS, *GRAPH_FORMATS, "qdpx")


class ReviewGraph(OfReview):
    """One review: `cmocs`, `concepts`, `studies`, `theories`, `sources`, `ask`, and its files
    and views.

    The review need not exist yet: `import_file` creates it, and everything else raises
    NotFound until it does.
    """

    def __init__(self, kg: KnowledgeGraph, review_id: str) -> None:
        super().__init__(kg, review_id)
        #: Its CMOcs, by id.
        self.cmocs = CMOcs(kg, review_id)
        #: Its concepts, by kind and label.
        self.concepts = Concepts(kg, review_id)
        #: Its studies, by key.
        self.studies = Studies(kg, review_id)
        #: Its programme theory versions, by id.
        self.theories = Theories(kg, review_id)
        #: Its studies' documents, and its quotes checked in them.
        self.sources = Sources(kg, review_id)
        #: The realist questions within this review.
        self.ask = Questions(kg, (review_id,))

    @property
    def id(self) -> str:
        """The review's id."""
        return self.review_id

    def details(self) -> Review:
        """The review's title, question, visibility and creation time; NotFound if none."""
        return get_review(self._store, self.review_id)

    def update(self, *, title: str | None = None, question: str | None = None,
               public: bool | None = None) -> Review:
        """Change the review's title, question or visibility (what is not given stays)."""
        return update_review(self._store, self.review_id, title=title, question=question,
                             public=public)

    def stats(self) -> ReviewStats:
        """How much the review holds: CMOcs, not fired, concepts, studies, links, evidence."""
        return review_stats(self._store, self.review_id)

    def validate(self) -> list[Violation]:
        """Check the review against the SHACL shapes; [] when it conforms."""
        return validate_review(self._store, self.review_id)

    def import_file(self, path: str | os.PathLike[str], *, data: bytes | None = None,
                    fmt: str | None = None, concepts: str | os.PathLike[str] | None = None,
                    check: bool = False, progress: Progress | None = None,
                    bulk: bool = False, qdpx: QdpxOptions | None = None) -> ImportReport:
        """Import a sheet (CSV, XLSX), references (RIS, BibTeX) or RDF: all of it, or nothing.

        The format comes from `fmt`, else the file's extension, else its content; with `data`
        the file is not read and `path` only names it. `concepts` is a concept sheet to go with
        a CMO sheet; `check` checks and counts without writing; `qdpx` (a code map, a window)
        says how to read a REFI-QDA project. The review is created when missing.

        >>> import cmo
        >>> review = cmo.open("memory:").review("ps")
        >>> sheet = b"study,context,mechanism,outcome\\nJolly 2012,rural,trust,uptake\\n"
        >>> report = review.import_file("sheet.csv", data=sheet)
        >>> report.created_review, report.cmocs, [c.mechanism for c in review.cmocs]
        (True, 1, ['trust'])
        """
        name = Path(path).name
        body = data if data is not None else Path(path).read_bytes()
        extra = (Path(concepts).name, Path(concepts).read_bytes()) if concepts else None
        return import_file(self._store, self.review_id, name, body, fmt, extra, check=check,
                           progress=progress, bulk=bulk, qdpx=qdpx)

    def export(self, fmt: str = "ttl") -> bytes:
        """The review as RDF (ttl, trig, nq, jsonld), as its extraction sheet (csv, xlsx), its
        mechanism network with CMO chains (graphml, gexf, cyjs), or a REFI-QDA project (qdpx).

        >>> import cmo
        >>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
        >>> b"Peer support" in review.export("ttl")
        True
        """
        if fmt in EXPORT_FORMATS:
            return export_review(self._store, self.review_id, fmt)
        if fmt == "qdpx":
            return export_qdpx(self._store, self.review_id)
        if fmt in SHEET_EXPORT_FORMATS:
            return export_sheet(self._store, self.review_id, fmt)
        if fmt in GRAPH_FORMATS:
            from cmo.views import graph_bytes, mechanism_graph

            return graph_bytes(mechanism_graph(self._store, self.review_id, chains=True), fmt)
        raise UnsupportedFormat(f"Cannot export as {fmt!r}.", [Problem(
            field="format", reason=f"use one of: {', '.join(FORMATS)}")])

    def draw(self, *, context: str | None = None, theory: str | None = None,
             min_studies: int = 1, fired_only: bool = False, chains: bool = False,
             title: str | None = None, height: str = "640px") -> MechanismView:
        """The review's mechanism network: shown inline in a notebook, `.save(path)` as one
        self-contained HTML page, `.export("gexf")` for other tools, `.graph` for networkx.

        >>> import cmo
        >>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
        >>> _ = review.cmocs.create(studies=["S"], contexts=["rural"], mechanism="trust",
        ...                         outcomes=["uptake"])
        >>> view = review.draw(context="rural")
        >>> view.title, view.graph.number_of_nodes()
        ('Mechanisms — Peer support · context: rural', 3)
        """
        from cmo.views import MechanismView

        return MechanismView(self._store, self.review_id, context=context, theory=theory,
                             min_studies=min_studies, fired_only=fired_only, chains=chains,
                             title=title, height=height)

    def heatmap(self, *, context: str | None = None, theory: str | None = None,
                min_studies: int = 1, fired_only: bool = False, title: str | None = None,
                height: str = "640px") -> HeatmapView:
        """The review's context × mechanism heatmap: inline in a notebook, `.save("h.html")`
        as one self-contained page, `.save("h.svg")` or `.to_svg()` as a figure.

        >>> import cmo
        >>> review = cmo.open("memory:").reviews.create(id="ps", title="Peer support")
        >>> _ = review.cmocs.create(studies=["S"], contexts=["rural"], mechanism="trust",
        ...                         outcomes=["uptake"], mechanism_fired=False)
        >>> review.heatmap().data.cells[0].words()
        '1 study; 1 CMOc did not fire'
        """
        from cmo.views import HeatmapView

        return HeatmapView(self._store, self.review_id, context=context, theory=theory,
                           min_studies=min_studies, fired_only=fired_only, title=title,
                           height=height)

    def confidence(self, **finding: Any) -> ConfidenceProfile:
        """The confidence profile of a finding (the fields of `Finding`: a pattern, a theory,
        or CMOc ids): four GRADE-CERQual components, suggested and judged, and the overall."""
        return confidence_profile(self.kg.store, self.id, built(Finding, None, finding))

    def judge_confidence(self, finding: dict[str, Any],
                         judgements: list[dict[str, str]]) -> ConfidenceProfile:
        """Confirm or override components of a finding's confidence, each with a reason:
        `judgements` like [{"component": "coherence", "concern": "minor", "reason": "..."}]."""
        return judge_confidence(self.kg.store, self.id, built(ConfidenceJudgements, None, {
            "finding": finding, "judgements": judgements}))

    def __repr__(self) -> str:
        return f"<ReviewGraph {self.review_id!r} in {self.kg.url}>"
