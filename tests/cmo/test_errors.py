"""One exception tree: every error class lives in cmo/errors.py, which draws the tree."""

from __future__ import annotations

import inspect
import re

import cmo.errors
from tests.conftest import ROOT


def test_no_module_but_errors_defines_an_error_class() -> None:
    defining = []
    for path in ROOT.glob("cmo/**/*.py"):
        if path == ROOT / "cmo" / "errors.py":
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^class (\w+)\((\w*(?:Error|Exception|Conflict|Input|"
                                 r"NotFound|Refused|Failed))\)", text, re.M):
            if not match[1].startswith("_"):
                defining.append(f"{path.relative_to(ROOT)}: {match[1]}")
    assert defining == []


def test_the_docstring_draws_every_error_class() -> None:
    doc = inspect.getdoc(cmo.errors) or ""
    classes = [name for name, member in vars(cmo.errors).items()
               if inspect.isclass(member) and issubclass(member, cmo.errors.CmoError)]
    assert classes
    assert [name for name in classes if name not in doc] == []
