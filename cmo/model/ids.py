"""Identity: how labels are compared and how IRIs are minted for a review's resources.

>>> normalise_label("  Trusting   Relationship ")
'trusting relationship'
>>> slugify("Jolly 2012")
'jolly-2012'
>>> concept_iri("peer-support", "context", "UK setting")
'https://w3id.org/realist-kg/id/review/peer-support/context/uk-setting'
"""

from __future__ import annotations

import re
import unicodedata

from cmo.errors import InvalidInput, Problem
from cmo.model.namespace import ID_IRI

_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
"""What an id (of a review, CMOc or theory) may be; the shapes say the same (sh:pattern)."""
_ID = re.compile(ID_PATTERN)

CONCEPT_KINDS = ("context", "mechanism", "outcome", "intervention", "actor")


def normalise_label(label: str) -> str:
    """The form under which two labels are the same concept: case-folded, white space collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", label)).strip().casefold()


def clean_label(label: str) -> str:
    """A label as stored: white space collapsed, case kept."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", label)).strip()


def slugify(text: str) -> str:
    """A lower-case, hyphenated IRI segment for a label or key (non-ASCII kept apart)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if not slug:
        # A label with no ASCII letters (e.g. Greek or CJK) still needs a stable segment.
        slug = "u" + "-".join(f"{ord(ch):x}" for ch in normalise_label(text) if not ch.isspace())
    return slug


def is_id(value: str) -> bool:
    """Whether `value` can serve as an id inside an IRI."""
    return bool(_ID.fullmatch(value))


def check_id(value: str, field: str) -> str:
    """Return `value` if it can serve as an id inside an IRI, else raise InvalidInput."""
    if not _ID.fullmatch(value):
        raise InvalidInput(
            f"Invalid {field} {value!r}.",
            [Problem(field=field, reason="use letters, digits, '.', '_' or '-', starting with a "
                                         "letter or digit, at most 128 characters")],
        )
    return value


def review_iri(review_id: str) -> str:
    """The IRI of a review, which also names the review's graph."""
    return f"{ID_IRI}review/{review_id}"


def scheme_iri(review_id: str) -> str:
    """The IRI of the review's SKOS concept scheme."""
    return f"{review_iri(review_id)}/concepts"


def study_iri(review_id: str, key: str) -> str:
    """The IRI minted for a study key such as 'Jolly 2012'."""
    return f"{review_iri(review_id)}/study/{slugify(key)}"


def concept_iri(review_id: str, kind: str, label: str) -> str:
    """The IRI minted for a concept of `kind` with `label`."""
    return f"{review_iri(review_id)}/{kind}/{slugify(label)}"


def cmoc_iri(review_id: str, cmoc_id: str) -> str:
    """The IRI of a CMOc."""
    return f"{review_iri(review_id)}/cmoc/{cmoc_id}"


def evidence_iri(review_id: str, cmoc_id: str, n: int) -> str:
    """The IRI of the n-th piece of evidence (1-based) of a CMOc."""
    return f"{cmoc_iri(review_id, cmoc_id)}/evidence/{n}"


def source_iri(review_id: str, source_id: str) -> str:
    """The IRI of a source document of a review."""
    return f"{review_iri(review_id)}/source/{source_id}"


def theory_iri(review_id: str, theory_id: str) -> str:
    """The IRI of one version of a programme theory."""
    return f"{review_iri(review_id)}/theory/{theory_id}"


def agent_iri(name: str) -> str:
    """The IRI of a reviewer (a prov:Agent)."""
    return f"{ID_IRI}agent/{slugify(name)}"


def local_id(iri: str) -> str:
    """The last path segment of an IRI: the fallback id for imported resources."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]
