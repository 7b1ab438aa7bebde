"""The workbench's session: a signed, expiring cookie, and the CSRF token it carries.

The cookie holds JSON and an HMAC-SHA256 of it under the service's session key
(``CMO_SESSION_SECRET``, or a random key per process). It names the signed-in token by the
digest the store keeps (never its secret), so a revoked token ends its sessions at the next
request, and it carries a synchroniser token that every write must send back (a hidden
``csrf`` field, or the ``X-CSRF-Token`` header for scripts). A browser without a session gets an
anonymous one on its first page, so even the sign-in form is protected (login CSRF).

>>> key = b"k" * 32
>>> s = Session.anonymous(hours=1)
>>> Session.decode(s.encode(key), key) == s
True
>>> Session.decode(s.encode(key) + "x", key) is None
True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, replace

COOKIE = "cmo_session"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    """One browser's session: its id, CSRF token, expiry, and the token it signed in with."""

    id: str
    csrf: str
    expires: int
    #: The SHA-256 digest of the token's secret (`cmo.review.tokens.token_digest`), if signed in.
    token: str | None = None

    @classmethod
    def anonymous(cls, hours: float) -> Session:
        """A fresh session without a token: an id and a CSRF token, nothing else."""
        return cls(id=secrets.token_urlsafe(16), csrf=secrets.token_urlsafe(32),
                   expires=int(time.time() + hours * 3600))

    def signed_in(self, digest: str, hours: float) -> Session:
        """A new session for the token with `digest`: new id and CSRF token (no fixation)."""
        return replace(Session.anonymous(hours), token=digest)

    def encode(self, key: bytes) -> str:
        """The cookie value: the session as JSON, then its HMAC."""
        body = _b64(json.dumps({"i": self.id, "c": self.csrf, "e": self.expires,
                                "t": self.token}, separators=(",", ":")).encode())
        return body + "." + _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())

    @classmethod
    def decode(cls, value: str, key: bytes) -> Session | None:
        """The session in a cookie value, or None if it is forged, damaged or expired."""
        body, _, mac = value.partition(".")
        want = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
        if not mac or not hmac.compare_digest(mac.encode(), want.encode()):
            return None
        try:
            data = json.loads(_unb64(body))
            session = cls(id=str(data["i"]), csrf=str(data["c"]), expires=int(data["e"]),
                          token=None if data["t"] is None else str(data["t"]))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > time.time() else None

    def csrf_matches(self, sent: str | None) -> bool:
        """Whether `sent` is this session's CSRF token."""
        return bool(sent) and hmac.compare_digest(str(sent).encode(), self.csrf.encode())
