"""A review's quotes as W3C Web Annotations (JSON-LD), for annotation tools and readers.

One annotation per evidence item: its body is the CMOc and the concepts it links (contexts,
mechanism, outcomes), its target the passage: the source document with a TextQuoteSelector and
a TextPositionSelector when the quote is anchored, else the study with the quote alone. The
annotations come as one `AnnotationCollection` whose first page holds them all, under the W3C
context (`http://www.w3.org/ns/anno.jsonld`, shipped in the package as `anno.jsonld`) and a
second one for the `rkg:` terms. Any JSON-LD processor reads it, with no network access when
it is given the shipped context.
"""

from __future__ import annotations

import json
from typing import Any

from cmo.model import ids
from cmo.model.namespace import RKG_IRI
from cmo.model.records import CMOConfiguration, ConceptKind, Evidence
from cmo.rdf.resources import ANNO_CONTEXT_URL
from cmo.review.cmocs import list_cmocs
from cmo.review.names import ReviewNames
from cmo.review.reviews import get_review
from cmo.sources.catalogue import list_sources
from cmo.sources.model import Source
from cmo.store import Store

#: The media type of Web Annotation JSON-LD.
ANNOTATION_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT_URL}"'
_CONTEXT: list[Any] = [ANNO_CONTEXT_URL, {"rkg": RKG_IRI, "page": "rkg:page"}]


def _concepts(cmoc: CMOConfiguration, names: ReviewNames) -> list[dict[str, Any]]:
    parts = [*((ConceptKind.context, c) for c in cmoc.contexts),
             (ConceptKind.mechanism, cmoc.mechanism),
             *((ConceptKind.outcome, o) for o in cmoc.outcomes)]
    return [{"id": names.concept(kind, label), "type": ["skos:Concept",
                                                        f"rkg:{kind.value.capitalize()}"],
             "label": label} for kind, label in parts]


def _target(review_id: str, evidence: Evidence, sources: dict[str, Source],
            names: ReviewNames, studies: list[str]) -> dict[str, Any]:
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": evidence.quote}
    if evidence.source is None or evidence.source not in sources:
        study = evidence.study or (studies[0] if len(studies) == 1 else None)
        target: dict[str, Any] = {"type": "SpecificResource", "selector": quote}
        if study:
            target["source"] = names.study(study)
        return target
    document = sources[evidence.source]
    for key in ("prefix", "suffix"):
        if getattr(evidence, key) is not None:
            quote[key] = getattr(evidence, key)
    selectors = [quote]
    if evidence.start is not None and evidence.end is not None:
        selectors.append({"type": "TextPositionSelector", "start": evidence.start,
                          "end": evidence.end})
    return {"type": "SpecificResource",
            "source": {"id": ids.source_iri(review_id, document.id), "type": "Text",
                       "format": document.media_type, "label": document.file_name},
            "selector": selectors}


def review_annotations(store: Store, review_id: str) -> dict[str, Any]:
    """The review's evidence as a Web Annotation collection (a JSON-LD document)."""
    review = get_review(store, review_id)
    names = ReviewNames.load(store, review_id)
    sources = {s.id: s for s in list_sources(store, review_id)}
    items = []
    for cmoc in list_cmocs(store, review_id):
        cmoc_iri = names.cmocs.get(cmoc.id) or ids.cmoc_iri(review_id, cmoc.id)
        body = [{"id": cmoc_iri, "type": "rkg:CMOConfiguration",
                 "label": f"{cmoc.id}: {'; '.join(cmoc.contexts)} + {cmoc.mechanism} -> "
                          f"{'; '.join(cmoc.outcomes)}"}, *_concepts(cmoc, names)]
        for n, evidence in enumerate(cmoc.evidence, start=1):
            annotation: dict[str, Any] = {
                "id": f"{ids.evidence_iri(review_id, cmoc.id, n)}#annotation",
                "type": "Annotation", "motivation": "classifying", "body": body,
                "target": _target(review_id, evidence, sources, names, cmoc.studies)}
            if evidence.page:
                annotation["target"]["page"] = evidence.page
            if cmoc.created:
                annotation["created"] = cmoc.created.isoformat()
            if cmoc.reviewer:
                annotation["creator"] = {"id": ids.agent_iri(cmoc.reviewer), "type": "Person",
                                         "name": cmoc.reviewer}
            items.append(annotation)
    collection = f"{ids.review_iri(review_id)}/annotations"
    return {"@context": _CONTEXT, "id": collection, "type": "AnnotationCollection",
            "label": f"Quotes of the review {review.title}", "total": len(items),
            "first": {"id": f"{collection}/page1", "type": "AnnotationPage",
                      "partOf": collection, "startIndex": 0, "items": items}}


def export_annotations(store: Store, review_id: str) -> bytes:
    """The review's evidence as Web Annotation JSON-LD, as bytes (UTF-8)."""
    return json.dumps(review_annotations(store, review_id), indent=2,
                      ensure_ascii=False).encode()
