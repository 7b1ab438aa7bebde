"""Rendering the workbench's pages: Jinja2 templates, the headers every page carries (a strict
Content-Security-Policy among them), the session cookie, and errors as pages.

A router of pages uses `PageRoute`: whatever its handler returns or raises, the browser gets a
page (a cmo error or a refusal becomes an error page with its status; 401 sends the browser to
sign in) with the headers below, and a new or changed session goes back as its cookie.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context
from markupsafe import Markup

from api.problems import ApiError, status_of
from api.web.session import COOKIE, Session
from cmo.errors import CmoError
from cmo.settings import Settings

HERE = Path(__file__).parent
#: Scripts and styles from this server only, no inline script or style, no plugin, no frame.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "same-origin", "Cache-Control": "no-store",
           "Cross-Origin-Opener-Policy": "same-origin"}

#: Autoescaping everywhere: labels, quotes and titles are data, never markup.
templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(HERE / "templates"),
                                            autoescape=True))


@pass_context
def _csrf_field(context: Any) -> Markup:
    """The hidden field that carries the session's CSRF token in a form."""
    return Markup('<input type="hidden" name="csrf" value="{}">').format(context["csrf"])


def page_url(path: str, **query: object) -> str:
    """`path` with `query` (None values left out), each part escaped for a URL."""
    parts = [f"{quote(str(k))}={quote(str(v))}" for k, v in query.items() if v is not None]
    return path + ("?" + "&".join(parts) if parts else "")


templates.env.globals.update(csrf_field=_csrf_field, page_url=page_url,
                             quote=lambda v: quote(str(v), safe=""))


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The template `name` as a page, for the request's principal and session."""
    from api.web.deps import page_principal, session_of

    session = session_of(request)
    principal = getattr(request.state, "principal", None) or page_principal(request, session)
    session = session_of(request)  # a revoked token's session was replaced just now
    return templates.TemplateResponse(request, name, {
        "principal": principal, "signed_in": session.token is not None,
        "csrf": session.csrf, **context}, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """After a write: go to `url` with GET (303)."""
    return RedirectResponse(url, status_code=303)


def finish(request: Request, response: Response) -> Response:
    """Add the page headers, and the session cookie if the session is new or changed."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    session: Session | None = getattr(request.state, "session", None)
    if session is not None and getattr(request.state, "session_changed", False):
        settings: Settings = request.app.state.settings
        response.set_cookie(COOKIE, session.encode(request.app.state.session_key),
                            max_age=int(settings.session_hours * 3600), path="/",
                            secure=request.url.scheme == "https", httponly=True,
                            samesite="strict")
    return response


def error_page(request: Request, exc: Exception) -> Response:
    """A cmo error or a refusal as a page; 401 goes to the sign-in page and back."""
    if isinstance(exc, ApiError) and exc.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(page_url("/sign-in", next=target))
    if isinstance(exc, CmoError):
        status, title, detail = status_of(exc), type(exc).__name__, str(exc)
        problems = [p for p in exc.to_dict().get("problems", [])]
    elif isinstance(exc, ApiError):
        status, title, detail, problems = exc.status, exc.title, exc.detail, []
    else:
        assert isinstance(exc, RequestValidationError)
        status, title, detail = 422, "InvalidInput", "Some fields do not fit:"
        problems = [{"field": ".".join(str(p) for p in e["loc"][1:]), "reason": e["msg"]}
                    for e in exc.errors()]
    return render(request, "error.html", status, title=title, detail=detail, problems=problems)


class PageRoute(APIRoute):
    """A route whose answer is always a page (see the module's docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The handler, wrapped: errors become pages; every page gets headers and cookie."""
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except (CmoError, ApiError, RequestValidationError) as exc:
                response = error_page(request, exc)
            return finish(request, response)

        return page


