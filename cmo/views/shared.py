"""Views shared by link: which views may be shared, making a share, and the page a link opens.

`SHARED_VIEWS` is the one place a kind of view is named for sharing: ``kind -> "module:function"``,
each function taking ``(store, review_id, *, context, theory, min_studies, fired_only, embed)``
like `cmo.views.mechanism_view_html`, and looked up when asked, so a kind whose module is not
installed is simply not offered. A share stores its filters (`cmo.review.shares`); its page is
the embed view with exactly those filters.

>>> import cmo
>>> kg = cmo.open("memory:")
>>> _ = kg.reviews.create(id="r", title="R").cmocs.create(id="c1", studies=["S 2020"],
...     contexts=["rural"], mechanism="trust", outcomes=["uptake"])
>>> issued = create_share(kg.store, "r", NewShare(view="mechanisms"), created_by="Ana")
>>> shared_view_html(kg.store, issued.secret).startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from cmo.errors import NotFound, UnknownValue
from cmo.questions.engine import lookup_concept
from cmo.questions.filters import check_theory
from cmo.review.index import review_indexes
from cmo.review.reviews import get_review
from cmo.review.shares import IssuedShare, NewShare, find_share, store_share
from cmo.store import Store

#: The views a share may open: kind -> "module:function" (see the module's docstring).
SHARED_VIEWS: dict[str, str] = {
    "mechanisms": "cmo.views:mechanism_view_html",
    "heatmap": "cmo.views.heatmap:heatmap_view_html",
}

ViewFunction = Callable[..., str]

#: What an unknown, expired or revoked link gets: the same page for all three.
GONE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shared view not found</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;color:#24292f;margin:2rem">
<h1 style="font-size:1.25rem">This shared view is not available</h1>
<p>The link is unknown, has expired or was revoked. Ask whoever shared it for a new one.</p>
</body></html>
"""


def _resolve(kind: str) -> ViewFunction | None:
    target = SHARED_VIEWS.get(kind)
    if target is None:
        return None
    module_name, _, name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    found = getattr(module, name, None)
    return cast(ViewFunction, found) if callable(found) else None


def shared_view_kinds() -> list[str]:
    """The kinds of view a share may open here."""
    return [kind for kind in SHARED_VIEWS if _resolve(kind) is not None]


def view_function(kind: str) -> ViewFunction:
    """The function that draws a view of this kind; UnknownValue listing the kinds otherwise."""
    found = _resolve(kind)
    if found is None:
        kinds = shared_view_kinds()
        near = [k for k in kinds if k.startswith(kind[:3].lower())] if kind else []
        raise UnknownValue("view", kind[:80], near, kinds)
    return found


def create_share(store: Store, review_id: str, new: NewShare, created_by: str,
                 now: datetime | None = None) -> IssuedShare:
    """Share one view of a review, with its filters, until it expires; the share with its
    secret (shown once).

    The kind of view and every filter are checked now, so a share never points at nothing:
    UnknownValue for a view or theory, UnknownConcept for a context, NotFound for the review,
    InvalidInput for the expiry, LimitExceeded past `LIMITS.shares_per_review`.
    """
    view_function(new.view)
    get_review(store, review_id)
    filters = new.filters
    if filters.context is not None:
        lookup_concept(store, "context", filters.context, [review_id])
    check_theory(review_indexes(store, [review_id]), filters.theory)
    return store_share(store, review_id, new, created_by, now)


def shared_view_html(store: Store, secret: str, now: datetime | None = None) -> str:
    """The embed page a share link opens, drawn with the share's filters only; NotFound for a
    link that is unknown, expired or revoked (one answer for all three)."""
    share = find_share(store, secret, now)
    if share is None:
        raise NotFound("No shared view at this link.")
    f = share.filters
    options: dict[str, Any] = {"context": f.context, "theory": f.theory,
                               "min_studies": f.min_studies, "fired_only": f.fired_only}
    return view_function(share.view)(store, share.review, embed=True, **options)
