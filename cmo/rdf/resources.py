"""Files shipped with realist-kg: the ontology, shapes, vocabularies and JSON-LD context."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent


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


@cache
def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context (the value of its "@context")."""
    data = json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))
    context: dict[str, Any] = data["@context"]
    return context


#: Where the W3C Web Annotation context lives; `anno.jsonld` in the ontology folder is a copy of it.
ANNO_CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"


@cache
def anno_context() -> dict[str, Any]:
    """The W3C Web Annotation JSON-LD context (the value of its "@context"), shipped with the
    package so that nothing is fetched to read or write annotations."""
    data = json.loads(ontology_file("anno.jsonld").read_text(encoding="utf-8"))
    context: dict[str, Any] = data["@context"]
    return context
