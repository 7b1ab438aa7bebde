"""Access tokens: who may read and write which review.

A token is a random secret shown once; the store keeps only its SHA-256 hash, in a system graph
outside every review (so neither exports nor the SPARQL endpoint can reach it). Roles:

- ``admin``: everything, including creating tokens and deleting reviews;
- ``editor``: read and write its review (or every review when issued without one); create reviews;
- ``viewer``: read its review (or every review).

Anyone may read a review marked public.

>>> store = __import__("cmo").open_store("memory:")
>>> secret = create_token(store, "viewer", name="reader")
>>> authenticate(store, secret).role
'viewer'
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal as Lit

from pyoxigraph import Literal, NamedNode, Triple

from cmo import ids
from cmo.errors import InvalidInput, Problem
from cmo.rdf import P, datetime_literal
from cmo.reviews import get_review
from cmo.sparql import PROLOGUE, insert_data, query_text
from cmo.store import Row, Store
from cmo.writes import SYSTEM_GRAPH

SYS = "https://w3id.org/realist-kg/system#"
Role = Lit["admin", "editor", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "editor", "viewer")


@dataclass(frozen=True)
class Principal:
    """Who is asking: a named role, limited to one review or not."""

    name: str
    role: Role
    review: str | None = None

    def can_read(self, review_id: str, public: bool = False) -> bool:
        """Whether this principal may read the review."""
        return public or self.role == "admin" or self.review in (None, review_id)

    def can_write(self, review_id: str) -> bool:
        """Whether this principal may change the review."""
        return self.role == "admin" or (self.role == "editor" and self.review in (None, review_id))

    @property
    def can_create_reviews(self) -> bool:
        """Admins and editors not tied to one review may start reviews."""
        return self.role == "admin" or (self.role == "editor" and self.review is None)


ANONYMOUS = Principal(name="anonymous", role="viewer", review="\0none")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, role: str, review: str | None = None,
                 name: str | None = None) -> str:
    """Issue a token; returns the secret, which is shown once and never stored."""
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}.", [Problem(field="role",
                                                               reason="admin, editor or viewer")])
    if review is not None:
        get_review(store, review)
    secret = "rkg_" + secrets.token_urlsafe(32)
    digest = _hash(secret)
    node = NamedNode(f"{SYSTEM_GRAPH}/token/{digest[:16]}")
    triples = [Triple(node, P.type, NamedNode(SYS + "AccessToken")),
               Triple(node, NamedNode(SYS + "hash"), Literal(digest)),
               Triple(node, NamedNode(SYS + "role"), Literal(role)),
               Triple(node, P.label, Literal(name or f"{role}-{digest[:8]}")),
               Triple(node, P.created, datetime_literal(datetime.now(UTC)))]
    if review is not None:
        triples.append(Triple(node, NamedNode(SYS + "review"),
                              NamedNode(ids.review_iri(review))))
    store.update(PROLOGUE + insert_data(SYSTEM_GRAPH, triples))
    return secret


def has_admin_token(store: Store) -> bool:
    """Whether an admin token has been issued in this store."""
    return any(row["role"].value == "admin" for row in _rows(store))  # type: ignore[union-attr]


def _rows(store: Store) -> list[Row]:
    return store.select(query_text("tokens"), graphs=[SYSTEM_GRAPH])


#: How long a recognised token is trusted without asking the store again (one query saved per
#: request; on a SPARQL server that is a network round trip).
KNOWN_TOKEN_SECONDS = 10.0
_KNOWN: weakref.WeakKeyDictionary[Store, dict[str, tuple[Principal, float]]] = (
    weakref.WeakKeyDictionary())


def authenticate(store: Store, secret: str, admin_secret: str | None = None) -> Principal | None:
    """The principal a bearer secret stands for, or None if it is unknown."""
    if admin_secret and hmac.compare_digest(secret.encode(), admin_secret.encode()):
        return Principal(name="admin", role="admin")
    digest = _hash(secret)
    known = _KNOWN.setdefault(store, {})
    hit = known.get(digest)
    if hit is not None and time.monotonic() < hit[1]:
        return hit[0]
    principal = _lookup(store, digest)
    if principal is not None:
        known[digest] = (principal, time.monotonic() + KNOWN_TOKEN_SECONDS)
    return principal


def _lookup(store: Store, digest: str) -> Principal | None:
    for row in _rows(store):
        if hmac.compare_digest(row["hash"].value, digest):  # type: ignore[union-attr]
            review = row["review"]
            prefix = ids.review_iri("")
            return Principal(name=row["name"].value,  # type: ignore[union-attr]
                             role=row["role"].value,  # type: ignore[union-attr,arg-type]
                             review=review.value[len(prefix):] if review else None)
    return None
