"""Share links: read-only access to one view of one review, with its filters, until it expires.

An ``<iframe>`` cannot send a bearer header, so a private review's view is embedded through a
share link instead: ``/shared/<secret>``. The secret is random (`secrets.token_urlsafe`, 256 bits)
and shown once; the store keeps only its SHA-256 hash, in the system graph beside the tokens
(outside every review, so neither exports nor the SPARQL endpoint reach it), with a short public
id (``shr_…``) by which the share is listed and revoked, the view, its filters, a label, who made
it and when (``dcterms:creator``, ``prov:wasAttributedTo``, ``dcterms:created``) and when it
expires.

Why a random secret looked up by its hash, not a signed payload: a share must be revocable, so
every request asks the store anyway, and a random secret then needs no signing key (none to keep
the same across the service's processes, or to rotate). A share is never cached: each request
asks the store, so revoking or expiring stops it at once in every process. Like a token, a share
is bound to the review itself (its instance IRI), so a new review given the same id is not shown.

A share is not a token: `cmo.review.tokens.authenticate` never recognises its secret. Which views
may be shared, and the check that the filters name something, are `cmo.views.shared`'s.

>>> from cmo.review.reviews import create_review
>>> from cmo.model.records import Review
>>> from cmo.store import open_store
>>> store = open_store("memory:")
>>> _ = create_review(store, Review(id="r", title="R"))
>>> issued = store_share(store, "r", NewShare(view="mechanisms", expires_in="7d"), "Ana")
>>> find_share(store, issued.secret).id == issued.id
True
>>> revoke_share(store, "r", issued.id)
>>> find_share(store, issued.secret) is None
True
"""

from __future__ import annotations

import hashlib
import html
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pyoxigraph import Literal, NamedNode, Triple

from cmo.errors import InvalidInput, LimitExceeded, NotFound, Problem
from cmo.limits import LIMITS
from cmo.model import ids
from cmo.model.namespace import DCTERMS_IRI, PROV_IRI, SYS_IRI, XSD_IRI
from cmo.model.records import Label, Short
from cmo.rdf.mapping import P, datetime_literal
from cmo.rdf.sparql import insert_data, join_updates, query_text, update_text
from cmo.review.tokens import review_instance
from cmo.store import Row, Store
from cmo.store.writes import SYSTEM_GRAPH

#: How long a share lasts when no expiry is given.
DEFAULT_SHARE_DAYS = 30
#: The shortest a share may last (an expiry closer than this is a mistake).
MIN_SHARE_SECONDS = 60
#: Longer strings cannot be a share's secret (a generated one has 43 characters).
_SECRET_CHARS = 128
_DURATION = re.compile(r"\s*(\d{1,6})\s*([mhdw])\s*")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_EXPIRES_HELP = ("a duration such as 90m, 12h, 30d or 8w, or a date or time such as 2027-06-30 "
                 "or 2027-06-30T12:00:00Z")


class ShareFilters(BaseModel):
    """What a shared view shows: these filters exactly, fixed when the share is made."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    context: Label | None = None
    theory: Label | None = None
    min_studies: int = Field(default=1, ge=1, le=1_000_000)
    fired_only: bool = False


class NewShare(BaseModel):
    """A share to make: the view, its filters, how long it lasts (``expires_in`` or
    ``expires_at``; default `DEFAULT_SHARE_DAYS` days) and a label to tell it apart in the list."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"view": "mechanisms", "filters": {"context": "low income", "min_studies": 2},
         "expires_in": "30d", "label": "Annual report, figure 3"}]})

    view: Short = "mechanisms"
    filters: ShareFilters = ShareFilters()
    expires_in: Short | None = None
    expires_at: datetime | None = None
    label: Label | None = None

    @model_validator(mode="after")
    def _one_expiry(self) -> NewShare:
        if self.expires_in is not None and self.expires_at is not None:
            raise ValueError("give expires_in or expires_at, not both")
        return self


class Share(BaseModel):
    """A share as it is listed: never its secret (which is not stored) or its hash."""

    id: str
    review: str
    view: str
    filters: ShareFilters
    label: str | None = None
    created: datetime
    created_by: str
    expires_at: datetime

    def active(self, now: datetime | None = None) -> bool:
        """Whether the share still opens its view (it has not expired)."""
        return (now or datetime.now(UTC)) < self.expires_at


class IssuedShare(Share):
    """A share just made: as it is listed, and its secret, shown this once."""

    secret: str


class SharedLink(Share):
    """A share just made, as its maker gets it: the link (holding the secret, shown this once)
    and an ``<iframe>`` tag to paste into a web report."""

    url: str
    iframe: str


def shared_link(issued: IssuedShare, base_url: str) -> SharedLink:
    """The link and the ``<iframe>`` of a share just made, on the service at `base_url`."""
    url = share_url(base_url, issued.secret)
    fields = issued.model_dump(exclude={"secret"})
    return SharedLink(**fields, url=url, iframe=share_iframe(url, issued.label or
                                                              f"Shared {issued.view} view"))


def share_url(base_url: str, secret: str) -> str:
    """The link to a share, on the service at `base_url`."""
    return f"{base_url.rstrip('/')}/shared/{secret}"


def share_iframe(url: str, title: str = "Shared view", height: str = "640px") -> str:
    """An ``<iframe>`` tag that shows the shared view at `url`, to paste into a web report.

    >>> share_iframe("https://x.org/shared/a", 'My "view"')[:63]
    '<iframe src="https://x.org/shared/a" title="My &quot;view&quot;'
    """
    return (f'<iframe src="{html.escape(url, quote=True)}" title="{html.escape(title)}" '
            f'loading="eager" referrerpolicy="no-referrer" '
            f'style="width:100%;height:{html.escape(height)};border:1px solid #d0d7de">'
            "</iframe>")


def parse_expiry(text: str, now: datetime | None = None) -> datetime:
    """When a share given `text` expires: a duration from `now` (``90m``, ``12h``, ``30d``,
    ``8w``) or a date or time (a date means its start, UTC; a time without zone is UTC).

    >>> parse_expiry("2d", datetime(2030, 1, 1, tzinfo=UTC)).isoformat()
    '2030-01-03T00:00:00+00:00'
    """
    now = now or datetime.now(UTC)
    if match := _DURATION.fullmatch(text):
        return check_expiry(now + timedelta(**{_UNITS[match[2]]: int(match[1])}), now)
    try:
        when = (datetime.combine(date.fromisoformat(text), datetime.min.time())
                if len(text) == 10 else datetime.fromisoformat(text))
    except ValueError:
        raise InvalidInput(f"Cannot read the expiry {text[:80]!r}.", [
            Problem(f"use {_EXPIRES_HELP}", field="expires")]) from None
    return check_expiry(when, now)


def check_expiry(when: datetime, now: datetime | None = None) -> datetime:
    """`when` (UTC if it has no zone), if it is at least a minute and at most
    `LIMITS.share_days` days after `now`; InvalidInput otherwise."""
    now = now or datetime.now(UTC)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when < now + timedelta(seconds=MIN_SHARE_SECONDS):
        raise InvalidInput(f"The expiry {when.isoformat()} is past or too near.", [Problem(
            f"at least {MIN_SHARE_SECONDS} seconds from now", field="expires")])
    if when > now + timedelta(days=LIMITS.share_days):
        raise InvalidInput(f"The expiry {when.isoformat()} is too far.", [Problem(
            f"at most {LIMITS.share_days} days from now (share_days)", field="expires")])
    return when.astimezone(UTC)


def expiry_of(new: NewShare, now: datetime | None = None) -> datetime:
    """When the share `new` expires."""
    now = now or datetime.now(UTC)
    if new.expires_at is not None:
        return check_expiry(new.expires_at, now)
    return parse_expiry(new.expires_in or f"{DEFAULT_SHARE_DAYS}d", now)


def share_digest(secret: str) -> str:
    """The SHA-256 hex digest by which a share's secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _sys(term: str) -> NamedNode:
    return NamedNode(SYS_IRI + term)


def store_share(store: Store, review_id: str, new: NewShare, created_by: str,
                now: datetime | None = None) -> IssuedShare:
    """Make a share of a view of a review, already checked by `cmo.views.shared`; it as
    listed, with its secret (shown once, never stored).

    NotFound without the review; LimitExceeded when the review holds
    `LIMITS.shares_per_review` shares that have not expired (expired ones are removed here).
    """
    now = now or datetime.now(UTC)
    expires = expiry_of(new, now)
    instance = review_instance(store, review_id)
    current = _review_rows(store, review_id)
    expired = [row["share"] for row in current if _share(row, review_id).expires_at <= now]
    if len(current) - len(expired) >= LIMITS.shares_per_review:
        raise LimitExceeded(f"Review {review_id!r} has {LIMITS.shares_per_review} share links "
                            "already; revoke some first (cmo share list, cmo share revoke).",
                            "shares_per_review", LIMITS.shares_per_review)
    secret = secrets.token_urlsafe(32)
    share_id = "shr_" + secrets.token_hex(6)
    node = NamedNode(f"{SYSTEM_GRAPH}/share/{share_id}")
    f = new.filters
    triples = [Triple(node, P.type, _sys("Share")), Triple(node, _sys("id"), Literal(share_id)),
               Triple(node, _sys("hash"), Literal(share_digest(secret))),
               Triple(node, _sys("review"), NamedNode(ids.review_iri(review_id))),
               Triple(node, _sys("reviewInstance"), instance),
               Triple(node, _sys("view"), Literal(new.view)),
               Triple(node, _sys("minStudies"), Literal(str(f.min_studies),
                                                        datatype=NamedNode(XSD_IRI + "integer"))),
               Triple(node, _sys("firedOnly"), Literal(str(f.fired_only).lower(),
                                                       datatype=NamedNode(XSD_IRI + "boolean"))),
               Triple(node, _sys("expires"), datetime_literal(expires)),
               Triple(node, P.created, datetime_literal(now)),
               Triple(node, NamedNode(DCTERMS_IRI + "creator"), Literal(created_by)),
               Triple(node, NamedNode(PROV_IRI + "wasAttributedTo"),
                      NamedNode(ids.agent_iri(created_by)))]
    triples += [Triple(node, _sys(name), Literal(value)) for name, value in
                (("context", f.context), ("theory", f.theory)) if value is not None]
    if new.label is not None:
        triples.append(Triple(node, P.label, Literal(new.label)))
    store.update(join_updates(*_drops(expired), insert_data(SYSTEM_GRAPH, triples)))
    return IssuedShare(id=share_id, review=review_id, view=new.view, filters=f, label=new.label,
                       created=now, created_by=created_by, expires_at=expires, secret=secret)


def _drops(nodes: Sequence[object]) -> list[str]:
    system = NamedNode(SYSTEM_GRAPH)
    return [update_text("drop_system_node", {"system": system, "node": n})
            for n in nodes if isinstance(n, NamedNode)]


def _review_rows(store: Store, review_id: str) -> list[Row]:
    if not ids.is_id(review_id):
        raise NotFound(f"No review {review_id!r}.")
    return store.select(query_text("shares"), {"review": NamedNode(ids.review_iri(review_id))},
                        graphs=[SYSTEM_GRAPH])


def _text(row: Row, name: str) -> str | None:
    term = row[name]
    return term.value if term is not None else None


def _share(row: Row, review_id: str) -> Share:
    filters = ShareFilters.model_construct(
        context=_text(row, "context"), theory=_text(row, "theory"),
        min_studies=int(_text(row, "minStudies") or 1),
        fired_only=_text(row, "firedOnly") == "true")
    return Share(id=_text(row, "id") or "", review=review_id, view=_text(row, "view") or "",
                 filters=filters, label=_text(row, "label"),
                 created=datetime.fromisoformat(_text(row, "created") or ""),
                 created_by=_text(row, "creator") or "",
                 expires_at=datetime.fromisoformat(_text(row, "expires") or ""))


def list_shares(store: Store, review_id: str) -> list[Share]:
    """The shares of a review, expired ones included (see `Share.active`), oldest first."""
    shares = [_share(row, review_id) for row in _review_rows(store, review_id)]
    return sorted(shares, key=lambda s: (s.created, s.id))


def get_share(store: Store, review_id: str, share_id: str) -> Share:
    """One share of a review by its id; NotFound if the review has no such share."""
    return _share(_row_of(store, review_id, share_id), review_id)


def _row_of(store: Store, review_id: str, share_id: str) -> Row:
    for row in _review_rows(store, review_id):
        if _text(row, "id") == share_id:
            return row
    raise NotFound(f"No share {share_id[:80]!r} of review {review_id!r}.")


def review_of_share(store: Store, share_id: str) -> str:
    """The id of the review a share belongs to; NotFound if no review has it."""
    rows = store.select(query_text("shares"), graphs=[SYSTEM_GRAPH])
    for row in rows:
        if _text(row, "id") == share_id:
            return (_text(row, "review") or "").removeprefix(ids.review_iri(""))
    raise NotFound(f"No share {share_id[:80]!r}.")


def revoke_share(store: Store, review_id: str, share_id: str) -> None:
    """Delete a share of a review by its id: its link stops at once, in every process (shares
    are never cached). NotFound if the review has no such share."""
    store.update(join_updates(*_drops([_row_of(store, review_id, share_id)["share"]])))


def find_share(store: Store, secret: str, now: datetime | None = None) -> Share | None:
    """The share whose secret is `secret`, if it is known, its review still exists and it has
    not expired at `now`; None otherwise (the three are not told apart)."""
    if not secret or len(secret) > _SECRET_CHARS:
        return None
    rows = store.select(query_text("share_by_hash"), {"system": NamedNode(SYSTEM_GRAPH),
                                                      "hash": Literal(share_digest(secret))})
    for row in rows:
        review = _text(row, "review") or ""
        share = _share(row, review.removeprefix(ids.review_iri("")))
        return share if share.active(now) else None
    return None
