"""`cmo share`: make, list and revoke share links, which open one view of a review by link.

A share link is what an ``<iframe>`` in a web report points at to show a private review's view:
read-only, with fixed filters, until it expires or is revoked (`cmo.review.shares`). While
`cmo serve` runs on the store, `create` and `revoke` go through it.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

import click

from cmo.cli.output import echo_json, echo_listing, format_option, wide_option
from cmo.cli.session import current_session, load_settings, pass_reader, reading
from cmo.cli.via_server import RunningServer
from cmo.limits import LIMITS
from cmo.model.records import validated
from cmo.review.shares import (
    DEFAULT_SHARE_DAYS,
    IssuedShare,
    NewShare,
    Share,
    list_shares,
    review_of_share,
    revoke_share,
    shared_link,
)
from cmo.store import Store

#: Who a share made by the command line on the store itself is recorded as made by (the same
#: name the server gives the command line's writes through it).
COMMAND_LINE = "cmo (command line)"
#: Where `cmo serve` listens by default: the link's address when nothing else says.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _plain(text: str, keep: str = "") -> str:
    """`text` with control characters (a terminal's escape sequences) shown as U+FFFD."""
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" and c not in keep else c
                   for c in text)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@click.group()
def share() -> None:
    """Share one view of a review by link: read-only, with its filters, until it expires."""


@share.command()
@click.option("--review", required=True, help="review id")
@click.option("--view", default="mechanisms", show_default=True,
              help="the view to share (mechanisms; heatmap where it is installed)")
@click.option("--context", help="only this context and its narrower ones (label or synonym)")
@click.option("--theory", help="only CMOcs of this programme theory (id or label)")
@click.option("--min-studies", type=int, default=1, show_default=True,
              help="hide links backed by fewer studies")
@click.option("--fired-only", is_flag=True, help="leave out not-fired CMOcs")
@click.option("--expires", default=f"{DEFAULT_SHARE_DAYS}d", show_default=True,
              help=f"how long the link works: 90m, 12h, 30d, 8w (at most {LIMITS.share_days} "
                   "days), or a date or time such as 2027-06-30")
@click.option("--label", help="what the link is for, shown in `cmo share list`")
@click.option("--base-url", metavar="URL",
              help="the address readers reach the service at (default: the CMO_PUBLIC_URL "
                   f"setting, else the running `cmo serve`, else {DEFAULT_BASE_URL})")
@format_option("text", "json")
def create(review: str, view: str, context: str | None, theory: str | None, min_studies: int,
           fired_only: bool, expires: str, label: str | None, base_url: str | None,
           fmt: str) -> None:
    """Make a share link for one view of a review, with its filters; print the link and an
    <iframe> tag for a web page (shown once: only a hash of its secret is stored).

    Anyone with the link sees that view, and nothing else, until it expires or is revoked.
    While `cmo serve` runs on the store, the link is made through it.
    """
    new = validated(NewShare, {"view": view, "expires_in": expires, "label": label, "filters": {
        "context": context, "theory": theory, "min_studies": min_studies,
        "fired_only": fired_only}}, "The share")
    base = base_url or load_settings().public_url
    found = current_session().writer()
    if isinstance(found, RunningServer):
        link = found.create_share(review, new)
        if base:  # the server names itself by the address the command reached it at
            link = shared_link(IssuedShare(**link.model_dump(exclude={"url", "iframe"}),
                                           secret=link.url.rsplit("/", 1)[1]), base)
    else:
        from cmo.views.shared import create_share

        link = shared_link(create_share(found, review, new, COMMAND_LINE),
                           base or DEFAULT_BASE_URL)
    if fmt == "json":
        echo_json(link.model_dump(mode="json"))
        return
    click.echo(_plain(f"Shared the {link.view} view of {review!r} until {_when(link.expires_at)} "
               f"({link.id}). The link, shown this once:\n    {link.url}\n"
               f"To embed it in a web page:\n    {link.iframe}", keep="\n"))


def _filters(s: Share) -> str:
    f = s.filters
    parts = [f"context={f.context}" if f.context else "",
             f"theory={f.theory}" if f.theory else "",
             f"min studies {f.min_studies}" if f.min_studies > 1 else "",
             "fired only" if f.fired_only else ""]
    return "; ".join(p for p in parts if p) or "(none)"


@share.command("list")
@click.option("--review", required=True, help="review id")
@format_option("table", "json")
@wide_option
@pass_reader
def list_(store: Store, review: str, fmt: str, wide: bool) -> None:
    """List a review's share links: id, view, filters, label, who made it, when it expires.
    Never a link (only a hash of its secret is stored)."""
    shares = list_shares(store, review)
    echo_listing(fmt, [s.model_dump(mode="json") for s in shares],
                 [(s.id, s.view, _plain(_filters(s)), _plain(s.label or ""),
                   _plain(s.created_by), _when(s.expires_at),
                   "active" if s.active() else "expired") for s in shares],
                 ["id", "view", "filters", "label", "made by", "expires", "status"], wide)


@share.command()
@click.argument("share_id", metavar="ID")
def revoke(share_id: str) -> None:
    """Revoke a share link by its id (from `cmo share list`): it stops working at once.

    While `cmo serve` runs on the store, the link is revoked through it.
    """
    review = reading(lambda store: review_of_share(store, share_id))
    found = current_session().writer()
    if isinstance(found, RunningServer):
        found.revoke_share(review, share_id)
    else:
        revoke_share(found, review, share_id)
    click.echo(f"Revoked {share_id} (a view of {review!r}): its link stops working now.")
