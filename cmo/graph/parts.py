"""What the parts of a knowledge graph share: the store they reach, and models built from fields."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from cmo.model import ids
from cmo.model.records import validated
from cmo.store import Store

if TYPE_CHECKING:
    from cmo.graph.knowledge_graph import KnowledgeGraph

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def built(model: type[M], given: BaseModel | None, fields: Mapping[str, Any]) -> M:
    """`given` (with `fields` changed), or a `model` made of `fields`; InvalidInput naming each
    field the model refuses.

    >>> from cmo.model.records import Study
    >>> built(Study, None, {"key": "Jolly 2012", "year": 2012}).year
    2012
    >>> built(Study, Study(key="Jolly 2012"), {"year": 2013}).year
    2013
    """
    if isinstance(given, model) and not fields:
        return given
    base = given.model_dump() if given is not None else {}
    return validated(model, {**base, **fields})


class OfReview:
    """A part of one review (its CMOcs, concepts, ...), reaching the store through the graph."""

    def __init__(self, kg: KnowledgeGraph, review_id: str) -> None:
        ids.check_id(review_id, "review id")
        #: The knowledge graph the review is in.
        self.kg = kg
        #: The review's id.
        self.review_id = review_id

    @property
    def _store(self) -> Store:
        return self.kg.store


class Collection(OfReview, Generic[T]):
    """What a review holds of one kind: iterate over it, count it with `len`."""

    def __iter__(self) -> Iterator[T]:
        return iter(self.list())

    def __len__(self) -> int:
        return len(self.list())

    def list(self) -> list[T]:
        """Everything of this kind in the review."""
        raise NotImplementedError
