"""A share link in Chromium: an <iframe> on a page of another origin (another port, or a file)
draws a private review's network on load, with the share's filters; a revoked one shows the
not-available page."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.review.reviews import update_review
from cmo.review.shares import NewShare, ShareFilters, revoke_share, share_iframe, share_url
from cmo.settings import Settings
from cmo.store import Store, open_store
from cmo.views import MechanismView
from cmo.views.shared import create_share
from tests.api.conftest import ADMIN, free_port, serving
from tests.conftest import EXAMPLE
from tests.views.conftest import wait_stable

COUNTS = "[window.network.body.data.nodes.length, window.network.body.data.edges.length]"
CONTEXT = "delivery"


@pytest.fixture(scope="module")
def private_service() -> Iterator[tuple[str, Store]]:
    """The service over the example review, made private; its URL and store."""
    store = open_store("memory:")
    import_rdf(store, "peer-support", [("review.ttl", EXAMPLE.read_bytes(),
                                        rdf_format("ttl"))])
    update_review(store, "peer-support", public=False)
    with serving(Settings(admin_token=ADMIN), store) as url:
        yield url, store
    store.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing."""


@pytest.fixture
def other_origin(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served by a plain http.server on another port: another origin."""
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _report(folder: Path, iframe: str) -> Path:
    page = folder / "report.html"
    page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title>"
                    "<link rel='icon' href='data:,'></head>"
                    f"<body><h1>Annual report</h1>{iframe}<p>After.</p></body></html>",
                    encoding="utf-8")
    return page


def _frame(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.wait_for_load_state("load")
    frames = [f for f in page.frames if f != page.main_frame]
    assert len(frames) == 1
    return context, frames[0], errors


@pytest.mark.parametrize("host", ["other-port", "file"])
def test_share_link_iframe_on_another_origin_draws_the_network_on_load(
        browser: Any, private_service: tuple[str, Store], other_origin: tuple[Path, str],
        host: str) -> None:
    url, store = private_service
    issued = create_share(store, "peer-support", NewShare(filters=ShareFilters(
        context=CONTEXT)), "test")
    link = share_url(url, issued.secret)
    folder, origin = other_origin
    report = _report(folder, share_iframe(link, "Mechanisms"))
    context, frame, errors = _frame(browser, f"{origin}/report.html" if host == "other-port"
                                    else report.as_uri())
    try:
        wait_stable(frame)
        view = MechanismView(store, "peer-support", context=CONTEXT)
        assert frame.evaluate(COUNTS) == [view.graph.number_of_nodes(),
                                          view.graph.number_of_edges()]
        assert frame.evaluate("document.body.classList.contains('cmo-embed')")
        drawn = frame.evaluate("document.querySelector('#cmo-network canvas').width")
        assert drawn > 0 and errors == []
    finally:
        context.close()
    revoke_share(store, "peer-support", issued.id)
    context, frame, errors = _frame(browser, f"{origin}/report.html" if host == "other-port"
                                    else report.as_uri())
    try:
        assert "not available" in frame.content()
    finally:
        context.close()
