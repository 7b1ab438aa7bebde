"""The knowledge graph as one object: `open` a store, then work review by review.

    KnowledgeGraph                  cmo.open(url): one store and the reviews in it
    ├── .reviews                    list, get, create, update and delete reviews
    ├── .ask                        the realist questions across every review (or .across some)
    └── .review(id) → ReviewGraph   one review
        ├── .cmocs  .concepts  .studies  .theories    create, get, update, delete, list
        ├── .ask                    the realist questions within the review
        └── .import_file  .export  .draw  .stats  .validate

Each method hands over to a function of a lower layer (`cmo.review`, `cmo.questions`,
`cmo.interchange`, `cmo.views`); those take the store first and stay importable from their
modules for code that wants them.
"""

from cmo.graph.knowledge_graph import KnowledgeGraph, open
from cmo.graph.review_graph import ReviewGraph

__all__ = ["KnowledgeGraph", "ReviewGraph", "open"]
