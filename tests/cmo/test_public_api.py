"""`cmo/__init__.py` is the public API: a small surface, kept honest the way httpx keeps its own."""

from __future__ import annotations

import doctest
import importlib
import inspect
from types import ModuleType

import pytest

import cmo
from cmo.graph.ask import Questions
from cmo.graph.collections import CMOcs, Concepts, Studies, Theories
from cmo.graph.knowledge_graph import Reviews

PUBLIC = [
    "AlreadyExists", "CMOConfiguration", "CmoError", "Concept", "ConceptKind", "Confidence",
    "Conflict", "Direction", "Evidence", "InUse", "InvalidInput", "KnowledgeGraph", "NewCMOc",
    "NotFound", "ParseError", "PreconditionFailed", "ProgrammeTheory", "Review", "ReviewGraph",
    "StoreError", "Study", "StudyDesign", "UnknownConcept", "ValidationFailed", "__version__",
    "open",
]
ENTRY_CLASSES = [cmo.KnowledgeGraph, Reviews, cmo.ReviewGraph, CMOcs, Concepts, Studies,
                 Theories, Questions]
WITH_EXAMPLES = [cmo.open, cmo.KnowledgeGraph.review, cmo.KnowledgeGraph.ask, Reviews.create,
                 CMOcs.create, CMOcs.get, CMOcs.list, cmo.ReviewGraph.import_file,
                 cmo.ReviewGraph.export, cmo.ReviewGraph.draw]


def test_all_is_exactly_the_public_surface() -> None:
    assert cmo.__all__ == PUBLIC


def test_every_public_member_of_cmo_is_in_all() -> None:
    members = {name for name, member in vars(cmo).items()
               if not name.startswith("_") and not isinstance(member, ModuleType)}
    assert members == set(cmo.__all__) - {"__version__"}


@pytest.mark.parametrize("name", [n for n in PUBLIC if n != "__version__"])
def test_every_exported_name_has_its_own_docstring(name: str) -> None:
    member = getattr(cmo, name)
    own = vars(member).get("__doc__") if inspect.isclass(member) else member.__doc__
    assert own and own.strip(), f"cmo.{name} has no docstring"


@pytest.mark.parametrize("cls", ENTRY_CLASSES, ids=lambda c: c.__name__)
def test_every_public_method_of_the_entry_object_has_a_docstring(cls: type) -> None:
    missing = [name for name, member in vars(cls).items()
               if not name.startswith("_") and callable(getattr(member, "fget", member))
               and not inspect.getdoc(member)]
    assert missing == []


@pytest.mark.parametrize("method", WITH_EXAMPLES, ids=lambda m: getattr(m, "fget", m).__qualname__)
def test_main_methods_have_an_example_that_runs(method: object) -> None:
    target = getattr(method, "fget", method)
    tests = doctest.DocTestFinder().find(target, globs={})
    assert tests and tests[0].examples, f"{target.__qualname__} has no >>> example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


@pytest.mark.parametrize(("module", "name"), [
    ("cmo.store", "open_store"), ("cmo.review.reviews", "create_review"),
    ("cmo.review.cmocs", "create_cmoc"), ("cmo.review.cmocs", "find_cmocs"),
    ("cmo.questions.engine", "mechanisms_for_context"), ("cmo.questions.chains", "chains"),
    ("cmo.interchange.importer", "import_file"), ("cmo.interchange.rdf_files", "export_review"),
    ("cmo.views", "MechanismView"), ("cmo.rdf.provenance", "acting_as"),
])
def test_functions_left_out_of_all_stay_importable_from_their_modules(module: str,
                                                                      name: str) -> None:
    assert callable(getattr(importlib.import_module(module), name))
    assert name not in cmo.__all__
