"""One exception tree: every error class lives in cmo/errors.py, which draws the tree."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import cmo
import cmo.errors


def _every_error_class() -> list[type[cmo.errors.CmoError]]:
    for module in pkgutil.walk_packages(cmo.__path__, "cmo."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found, todo = [], [cmo.errors.CmoError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_no_module_but_errors_defines_an_error_class() -> None:
    outside = [f"{cls.__module__}.{cls.__name__}" for cls in _every_error_class()
               if cls.__module__ != "cmo.errors"]
    assert outside == []


def test_the_docstring_draws_every_error_class() -> None:
    doc = inspect.getdoc(cmo.errors) or ""
    assert [cls.__name__ for cls in _every_error_class() if cls.__name__ not in doc] == []
