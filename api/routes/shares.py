"""Share links: editors of a review make, list and revoke them; anyone with a link sees its view.

A share opens one view of one review, with its filters, until it expires or is revoked
(`cmo.review.shares`). Its page, ``/shared/{secret}``, is the one route an ``<iframe>`` on another
site may frame; the secret reads that view only, never the API, another review or the workbench.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import HTMLResponse

from api.deps import PrincipalDep, SettingsDep, StoreDep, WritableReview
from cmo.errors import CmoError, StoreError
from cmo.review import shares
from cmo.views.page import CSP as VIEW_CSP
from cmo.views.shared import GONE_PAGE, create_share, shared_view_html

router = APIRouter(prefix="/reviews/{review_id}/shares", tags=["shares"])
page = APIRouter(tags=["shares"])

#: The shared page, and only it, may be framed by any site, and by a report opened from a file
#: (Chromium does not count file: under `*`); it tells nobody where it was opened from, and is
#: kept by no cache (a revoked link must not live on in one).
SHARED_HEADERS = {"Content-Security-Policy": VIEW_CSP + "; frame-ancestors * file:",
                  "Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store",
                  "X-Robots-Tag": "noindex, nofollow", "X-Content-Type-Options": "nosniff"}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=shares.SharedLink)
def create(body: shares.NewShare, review: WritableReview, store: StoreDep,
           principal: PrincipalDep, settings: SettingsDep, request: Request,
           response: Response) -> shares.SharedLink:
    """Share one view of the review (editors): `url` opens it with exactly these filters until
    `expires_at` (default 30 days, at most 365), and `iframe` embeds it. The answer is the only
    place the link is shown (only a hash of its secret is stored)."""
    issued = create_share(store, review.id, body, principal.name)
    response.headers["Location"] = f"/reviews/{quote(review.id)}/shares/{issued.id}"
    return shares.shared_link(issued, settings.public_url or str(request.base_url))


@router.get("", response_model=list[shares.Share])
def list_shares(review: WritableReview, store: StoreDep) -> list[shares.Share]:
    """The review's share links (editors), oldest first, expired ones included: never a link."""
    return shares.list_shares(store, review.id)


@router.get("/{share_id}", response_model=shares.Share)
def get_share(share_id: str, review: WritableReview, store: StoreDep) -> shares.Share:
    """One share link of the review (editors); 404 for another review's."""
    return shares.get_share(store, review.id, share_id)


@router.delete("/{share_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke(share_id: str, review: WritableReview, store: StoreDep) -> Response:
    """Revoke a share link (editors): it stops at once, in every process of the service."""
    shares.revoke_share(store, review.id, share_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@page.get("/shared/{secret}", response_class=HTMLResponse)
def shared_view(secret: str, store: StoreDep) -> HTMLResponse:
    """The view a share link opens, with its stored filters (query parameters are ignored). Any
    site may frame it. An unknown, expired or revoked link gets the same 404 page."""
    try:
        return HTMLResponse(shared_view_html(store, secret), headers=SHARED_HEADERS)
    except StoreError:
        raise
    except CmoError:  # unknown, expired, revoked, or its review no longer has what it shows
        return HTMLResponse(GONE_PAGE, status_code=404, headers=SHARED_HEADERS)
