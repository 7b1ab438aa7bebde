"""Versions of a resource and ``If-Match``, as RFC 9110 §13.1.1 defines it.

An ETag names one representation of a CMOc or a concept. A write sent with ``If-Match`` goes
ahead only when the condition holds:

- ``*`` holds for any current representation. A resource that does not exist is answered
  NotFound before any condition is looked at (RFC 9110 §13.2.1: a request that would fail
  without its preconditions ignores them), so ``*`` never fails for a resource that exists;
- a list of entity tags holds when one of them is the current ETag, compared strongly: a weak
  tag (``W/"..."``) never matches;
- the library also takes a bare tag (``if_match=version.etag``), the ETag without its quotes.

>>> if_match_holds("*", "abc"), if_match_holds('"x", "abc"', "abc"), if_match_holds("abc", "abc")
(True, True, True)
>>> if_match_holds('W/"abc"', "abc"), if_match_holds('"abcd"', "abc"), if_match_holds(None, "a")
(False, False, True)
"""

from __future__ import annotations

import hashlib
import re

from cmo.errors import PreconditionFailed

# One member of the list: a quoted entity tag, perhaps weak, or a bare one (library callers).
_TAG = re.compile(r'\s*(?:(W/)?"([^"]*)"|([^\s,"]+))\s*(?:,|$)')


def etag_of(text: str) -> str:
    """An ETag for a representation written out as `text` (any change to it changes the tag)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def if_match_holds(if_match: str | None, etag: str) -> bool:
    """Whether ``If-Match: if_match`` holds for a resource whose current ETag is `etag`."""
    if if_match is None or if_match.strip() == "*":
        return True
    for m in _TAG.finditer(if_match):
        weak, quoted, bare = m.groups()
        if not weak and (quoted if quoted is not None else bare) == etag:
            return True
    return False


def check_if_match(what: str, etag: str, if_match: str | None) -> None:
    """PreconditionFailed unless ``If-Match: if_match`` holds for `what`, now at `etag`."""
    if not if_match_holds(if_match, etag):
        raise PreconditionFailed(f"{what} has changed since version {if_match}; read it again "
                                 "and reapply your change.")
