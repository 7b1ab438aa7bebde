"""The workbench over real HTTP: the service on a loopback port over a store holding the
peer-support example (private) and another private review, and clients that sign in as a
browser does (a cookie jar, the CSRF token read from the page)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

import cmo
from cmo.interchange.rdf_files import import_rdf, rdf_format
from cmo.review.cmocs import create_cmoc
from cmo.review.reviews import create_review, update_review
from cmo.review.tokens import create_token
from cmo.settings import Settings
from cmo.store import Store, open_store
from tests.api.conftest import serving
from tests.conftest import EXAMPLE

ADMIN = "web-admin-secret-0123456789"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token in a page's forms."""
    found = CSRF.search(page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Workbench:
    """The running service and browser-like clients for it."""

    url: str
    store: Store
    clients: list[httpx.Client] = field(default_factory=list)

    def browser(self) -> httpx.Client:
        """A client with its own cookie jar, not signed in."""
        client = httpx.Client(base_url=self.url, timeout=30)
        self.clients.append(client)
        return client

    def signed_in(self, secret: str) -> httpx.Client:
        """A client signed in with `secret` through the sign-in form."""
        client = self.browser()
        form = client.get("/sign-in")
        answer = client.post("/sign-in", data={"token": secret, "csrf": csrf_of(form.text)})
        assert answer.status_code == 303, answer.text
        return client

    def token(self, role: str, review: str | None = None) -> str:
        """A new token's secret."""
        return create_token(self.store, role, review, name=f"{role} of {review or 'all'}")

    def post(self, client: httpx.Client, page: str, url: str,
             data: dict[str, str]) -> httpx.Response:
        """Send a form from `page` (its CSRF token included) to `url`."""
        token = csrf_of(client.get(page).text)
        return client.post(url, data={**data, "csrf": token})


@pytest.fixture(scope="module")
def workbench() -> Iterator[Workbench]:
    """The service over an in-memory store: peer-support (private, the example) and `other`
    (private, one CMOc whose every label is markup)."""
    store = open_store("memory:")
    import_rdf(store, "peer-support", [("review.ttl", EXAMPLE.read_bytes(),
                                        rdf_format("ttl"))])
    update_review(store, "peer-support", public=False)
    create_review(store, cmo.Review(id="other", title="Other <script>alert(1)</script>"))
    create_cmoc(store, "other", cmo.CMOConfiguration(
        id="secret-1", studies=["Hidden 2020"], contexts=["hidden <b>context</b>"],
        mechanism="hidden mechanism", outcomes=["hidden outcome"]))
    settings = Settings(admin_token=ADMIN, max_body_bytes=2_000_000)
    with serving(settings, store) as url:
        bench = Workbench(url, store)
        yield bench
        for client in bench.clients:
            client.close()
    store.close()


SIZES = {"wide": (1366, 768), "phone": (390, 844)}
"""The screenshot sizes of docs/workbench.md."""


def _context(browser: Any, workbench: Workbench, size: str = "wide") -> Any:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.outside = []
    host = urlsplit(workbench.url).netloc

    def gate(route: Any) -> None:
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            context.outside.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    return context


def sign_in(page: Any, workbench: Workbench, secret: str) -> None:
    """Sign in through the sign-in page, as a reviewer does."""
    page.goto(workbench.url + "/sign-in")
    page.get_by_label("Token").fill(secret)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(workbench.url + "/")


@pytest.fixture
def chromium(browser: Any, workbench: Workbench) -> Iterator[Any]:
    """Pages (`chromium(size)`) in fresh contexts where only the service answers: every other
    request is refused and recorded, and the test fails if one was made."""
    contexts: list[Any] = []

    def make(size: str = "wide") -> Any:
        context = _context(browser, workbench, size)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        return page

    yield make
    for context in contexts:
        assert context.outside == [], "a request left the page"
        context.close()
