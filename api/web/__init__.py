"""The reviewer's workbench: server-rendered pages under ``/``, beside the JSON API.

Pages are Jinja2 templates (``templates/``) with a little JavaScript (``static/``, ES modules,
nothing from another host); a signed session cookie says who the page is for, and every write
carries the session's CSRF token (`api.web.session`). `install` adds it all to the app.
"""

from __future__ import annotations

import secrets

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web.pages import HERE
from api.web.routes import auth, cmocs, concepts, questions, reading, reviews, tokens
from cmo.settings import Settings

#: The page routers, in the order they are tried.
ROUTERS = [auth.router, reviews.router, cmocs.router, questions.router, concepts.router,
           tokens.router, reading.router, reading.data]


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the workbench from `app`: its pages, its static files under ``/static``."""
    app.state.session_key = (settings.session_secret or secrets.token_urlsafe(32)).encode()
    app.state.ended_sessions = set()
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
