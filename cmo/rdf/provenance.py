"""Who is writing: every write to a review records a PROV activity naming its agent and time.

>>> with acting_as("Example reviewer"):
...     current_agent()
'Example reviewer'
>>> current_agent() is None
True
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Triple

from cmo.model import ids
from cmo.model.namespace import PROV_IRI
from cmo.rdf.mapping import P, datetime_literal

_AGENT: ContextVar[str | None] = ContextVar("cmo_agent", default=None)
_ACTIVITY = NamedNode(PROV_IRI + "Activity")
_ASSOCIATED = NamedNode(PROV_IRI + "wasAssociatedWith")
_ENDED = NamedNode(PROV_IRI + "endedAtTime")
_GENERATED = NamedNode(PROV_IRI + "generated")
_INVALIDATED = NamedNode(PROV_IRI + "invalidated")
_USED = NamedNode(PROV_IRI + "used")


@contextmanager
def acting_as(agent: str) -> Iterator[None]:
    """Attribute the writes made inside the block to `agent` (a person or token name)."""
    token = _AGENT.set(agent)
    try:
        yield
    finally:
        _AGENT.reset(token)


def current_agent() -> str | None:
    """The agent writes are attributed to, if any."""
    return _AGENT.get()


def agent_triples(agent: str | None) -> list[Triple]:
    """The triples naming an agent (none for None)."""
    if agent is None:
        return []
    node = NamedNode(ids.agent_iri(agent))
    return [Triple(node, P.type, P.agent), Triple(node, P.label, Literal(agent))]


def activity_triples(review_id: str, generated: Sequence[str], invalidated: Sequence[str],
                     *, used: Sequence[str] = (), note: str | None = None) -> list[Triple]:
    """A prov:Activity for one write by the current agent; [] when nobody is named, unless
    the write is one to remember anyway (`note`, its rdfs:label, e.g. a merge of concepts)."""
    agent = current_agent()
    if agent is None and note is None:
        return []
    activity = NamedNode(f"{ids.review_iri(review_id)}/activity/{uuid.uuid4().hex}")
    out = [Triple(activity, P.type, _ACTIVITY),
           Triple(activity, _ENDED, datetime_literal(datetime.now(UTC)))]
    if agent is not None:
        out += [Triple(activity, _ASSOCIATED, NamedNode(ids.agent_iri(agent))),
                *agent_triples(agent)]
    if note is not None:
        out.append(Triple(activity, P.label, Literal(note)))
    out += [Triple(activity, _USED, NamedNode(s)) for s in used]
    out += [Triple(activity, _GENERATED, NamedNode(s)) for s in generated]
    out += [Triple(activity, _INVALIDATED, NamedNode(s)) for s in invalidated
            if s not in generated]
    return out
