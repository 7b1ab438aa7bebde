"""Files shipped with realist-kg: the ontology, shapes, vocabularies and JSON-LD context."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cmo.model.vocabulary import ontology_dir, ontology_file

__all__ = ["jsonld_context", "ontology_dir", "ontology_file"]


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
