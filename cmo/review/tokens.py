"""Access tokens: who may read and write which review, and how a token is listed and revoked.

A token is a random secret shown once; the store keeps only its SHA-256 hash, in a system graph
outside every review (so neither exports nor the SPARQL endpoint can reach it), beside a short
random public id (``tok_…``) by which the token is listed and revoked. Roles:

- ``admin``: everything, including issuing and revoking tokens and deleting reviews;
- ``editor``: read and write its review (or every review when issued without one); create reviews;
- ``viewer``: read its review (or every review).

Anyone may read a review marked public.

A token for one review is bound to that review itself, not to its id, which can be used again:
the review carries a random instance IRI in its own graph (made when its first token is issued)
and the token names it. Deleting the review deletes its graph, instance included, so a new review
with the same id is another review to the old token. (Deleting a review also deletes its tokens,
but that alone would miss a review removed any other way, such as a DROP GRAPH on the server.)

A process trusts a token it has recognised for `KNOWN_TOKEN_SECONDS` (the service's setting
``CMO_TOKEN_CACHE_SECONDS``) without asking the store again. A revoked token therefore stops at
once in the process that revoked it, and within that bound in every other process.

>>> from cmo.store import open_store
>>> store = open_store("memory:")
>>> secret = create_token(store, "viewer", name="reader")
>>> authenticate(store, secret).role
'viewer'
>>> [token] = list_tokens(store)
>>> token.name, token.role
('reader', 'viewer')
>>> revoke_token(store, token.id)
>>> authenticate(store, secret) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal as Lit

from pydantic import BaseModel
from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import InvalidInput, NotFound, Problem
from cmo.model import ids
from cmo.model.namespace import SYS_IRI
from cmo.rdf.mapping import P, datetime_literal
from cmo.rdf.sparql import PROLOGUE, insert_data, join_updates, query_text, update_text
from cmo.settings import KNOWN_TOKEN_SECONDS
from cmo.store import Row, Store
from cmo.store.writes import SYSTEM_GRAPH

Role = Lit["admin", "editor", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "editor", "viewer")
#: The shortest CMO_ADMIN_TOKEN the service accepts (a generated token has 47 characters).


@dataclass(frozen=True)
class Principal:
    """Who is asking: a named role, limited to one review or not, and the token it came with."""

    name: str
    role: Role
    review: str | None = None
    #: The public id of the token (None for the CMO_ADMIN_TOKEN admin and for anonymous callers).
    token_id: str | None = None

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


class AccessToken(BaseModel):
    """A token as it is listed: who it is for, never its secret or its hash."""

    id: str
    name: str
    role: Role
    review: str | None = None
    created: datetime | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _sys(term: str) -> NamedNode:
    return NamedNode(SYS_IRI + term)


class IssuedToken(AccessToken):
    """A token just issued: as it is listed, and its secret, shown this once."""

    secret: str


def create_token(store: Store, role: str, review: str | None = None,
                 name: str | None = None) -> str:
    """Issue a token; returns the secret, which is shown once and never stored."""
    return issue_token(store, role, review, name).secret


def issue_token(store: Store, role: str, review: str | None = None,
                name: str | None = None) -> IssuedToken:
    """Issue a token; it as listed, with its secret (shown once, never stored)."""
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}.", [Problem(field="role",
                                                               reason="admin, editor or viewer")])
    instance = review_instance(store, review) if review is not None else None
    secret = "rkg_" + secrets.token_urlsafe(32)
    token_id = "tok_" + secrets.token_hex(6)
    node = NamedNode(f"{SYSTEM_GRAPH}/token/{token_id}")
    created = datetime.now(UTC)
    triples = [Triple(node, P.type, _sys("AccessToken")),
               Triple(node, _sys("id"), Literal(token_id)),
               Triple(node, _sys("hash"), Literal(_hash(secret))),
               Triple(node, _sys("role"), Literal(role)),
               Triple(node, P.label, Literal(name or f"{role}-{token_id}")),
               Triple(node, P.created, datetime_literal(created))]
    if review is not None and instance is not None:
        triples += [Triple(node, _sys("review"), NamedNode(ids.review_iri(review))),
                    Triple(node, _sys("reviewInstance"), instance)]
    store.update(PROLOGUE + insert_data(SYSTEM_GRAPH, triples))
    return IssuedToken.model_validate({"id": token_id, "name": name or f"{role}-{token_id}",
                                       "role": role, "review": review, "created": created,
                                       "secret": secret})


def review_instance(store: Store, review_id: str) -> NamedNode:
    """The review's random instance IRI (made now if it has none); NotFound without a review.

    Tokens and share links for one review name it, so they hold for that very review only.
    """
    if not ids.is_id(review_id):
        raise NotFound(f"No review {review_id!r}.")
    review = NamedNode(ids.review_iri(review_id))
    found = store.select(query_text("review_instance"), {"review": review})
    if not found:
        instance = NamedNode(f"urn:realist-kg:instance:{uuid.uuid4().hex}")
        store.update(join_updates(update_text("add_review_instance", {
            "review": review, "instance": instance})))
        found = store.select(query_text("review_instance"), {"review": review})
    if not found:
        raise NotFound(f"No review {review_id!r}.")
    # Two processes issuing the first tokens at once may both add one: either one holds.
    return min((row["instance"] for row in found), key=str)  # type: ignore[return-value]


def has_admin_token(store: Store) -> bool:
    """Whether an admin token has been issued in this store."""
    return any(row["role"].value == "admin" for row in _rows(store))  # type: ignore[union-attr]


def _rows(store: Store) -> list[Row]:
    return store.select(query_text("tokens"), graphs=[SYSTEM_GRAPH])


def _public_id(row: Row) -> str:
    """The token's public id; tokens issued before ids existed get one derived from their IRI."""
    given, node = row["id"], row["token"]
    if given is not None:
        return given.value
    return "tok_" + hashlib.sha256(str(node).encode()).hexdigest()[:12]


def _review_id(review: object) -> str | None:
    return review.value.removeprefix(ids.review_iri("")) if isinstance(review, NamedNode) \
        else None


def list_tokens(store: Store, review: str | None = None) -> list[AccessToken]:
    """The tokens issued (for one review, or all), oldest first: ids, names and roles only."""
    tokens = [AccessToken(id=_public_id(row), name=row["name"].value,  # type: ignore[union-attr]
                          role=row["role"].value,  # type: ignore[union-attr,arg-type]
                          review=_review_id(row["review"]),
                          created=datetime.fromisoformat(row["created"].value)
                          if row["created"] else None)
              for row in _rows(store)]
    tokens = [t for t in tokens if review is None or t.review == review]
    return sorted(tokens, key=lambda t: (t.created or datetime.min.replace(tzinfo=UTC), t.id))


def revoke_token(store: Store, token_id: str) -> None:
    """Delete a token by its public id; NotFound if there is none.

    It stops working at once in this process, and within `KNOWN_TOKEN_SECONDS` in others.
    """
    nodes = [row["token"] for row in _rows(store) if _public_id(row) == token_id]
    if not nodes:
        raise NotFound(f"No token {token_id!r}.")
    system = NamedNode(SYSTEM_GRAPH)
    store.update(join_updates(*(update_text("drop_system_node", {"system": system, "node": n})
                                for n in nodes if isinstance(n, NamedNode))))
    _forget(store, lambda p: p.token_id == token_id)


def forget_review_tokens(store: Store, review_id: str) -> None:
    """Stop trusting, in this process, the recognised tokens of a review (it was deleted)."""
    _forget(store, lambda p: p.review == review_id)


def _known(store: Store) -> dict[str, tuple[Principal, float]]:
    """Recognised tokens (hash -> principal, trusted until), kept with the store."""
    return store.state.tokens


def _forget(store: Store, which: Callable[[Principal], bool]) -> None:
    known = _known(store)
    for digest, (principal, _) in list(known.items()):
        if which(principal):
            known.pop(digest, None)


def authenticate(store: Store, secret: str, admin_secret: str | None = None,
                 cache_seconds: float = KNOWN_TOKEN_SECONDS) -> Principal | None:
    """The principal a bearer secret stands for, or None if it is unknown or revoked.

    A recognised token is trusted for `cache_seconds` without asking the store again.
    """
    return authenticate_digest(store, token_digest(secret), admin_secret, cache_seconds)


def token_digest(secret: str) -> str:
    """The SHA-256 hex digest by which a token's secret is stored (and a session names it).

    >>> len(token_digest("rkg_x"))
    64
    """
    return _hash(secret)


def authenticate_digest(store: Store, digest: str, admin_secret: str | None = None,
                        cache_seconds: float = KNOWN_TOKEN_SECONDS) -> Principal | None:
    """The principal of the token whose secret has `digest` (`token_digest`), or None.

    A workbench session keeps the digest, never the secret, and is checked here on every
    request, so revoking a token also ends the sessions signed in with it.
    """
    if admin_secret and hmac.compare_digest(digest.encode(), _hash(admin_secret).encode()):
        return Principal(name="admin", role="admin")
    known = _known(store)
    hit = known.get(digest)
    if hit is not None and time.monotonic() < hit[1]:
        return hit[0]
    principal = _lookup(store, digest)
    if principal is not None and cache_seconds > 0:
        known[digest] = (principal, time.monotonic() + cache_seconds)
    else:
        known.pop(digest, None)
    return principal


def _lookup(store: Store, digest: str) -> Principal | None:
    rows = store.select(query_text("token_by_hash"), {"system": NamedNode(SYSTEM_GRAPH),
                                                      "hash": Literal(digest)})
    for row in rows:
        return Principal(name=row["name"].value,  # type: ignore[union-attr]
                         role=row["role"].value,  # type: ignore[union-attr,arg-type]
                         review=_review_id(row["review"]), token_id=_public_id(row))
    return None
