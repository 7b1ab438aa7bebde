"""Which coded passages make up a CMOc: the project's Links, or passages close together.

**Links.** A Link's origin and target may be any GUID; those between two coded passages count.
Links that share a name (realist-kg names each by its CMOc's id) gather their passages into one
group; unnamed links join the passages they connect, and passages joined through several
unnamed links are one group. A self-link (origin = target) makes a group of one passage.

**Window** (`--assemble window=N`). Within one source, passages not in a linked group are taken
in the order they start; a passage joins the group before it when it starts at most N
characters after the end of the group so far. N counts code points of the source's normalised
text (what realist-kg's positions count): the gap between one passage's end and the next one's
start, so overlapping and touching passages are always together.

A group becomes a CMOc when its passages are coded to at least one context, exactly one
mechanism and at least one outcome. Any other passage stays a coding, waiting to be assembled.

>>> sel = [Passage("a", "s", 0, 5, {"context": ["rural"]}), Passage("b", "s", 9, 12,
...        {"mechanism": ["trust"]}), Passage("c", "s", 40, 45, {"outcome": ["uptake"]})]
>>> [g.guids for g in by_window(sel, 10)], [g.guids for g in by_window(sel, 30)]
([], [['a', 'b', 'c']])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from cmo.errors import InvalidInput, Problem


def parse_assemble(text: str) -> int:
    """The window of an `--assemble` option: ``window=N`` with N a whole number of characters.

    >>> parse_assemble("window=300")
    300
    """
    key, _, value = text.partition("=")
    if key.strip().lower() != "window" or not value.strip().isdigit():
        raise InvalidInput(f"Cannot assemble by {text!r}.", [Problem(
            field="assemble", reason="write window=N, N characters between coded passages")])
    return int(value)


@dataclass
class Passage:
    """A coded passage: its GUID, source, place (our positions) and concepts by kind."""

    guid: str
    source: str
    start: int
    end: int
    codes: dict[str, list[str]]


@dataclass
class Group:
    """Passages that make one CMOc, in order, with the names and notes of their links."""

    guids: list[str]
    name: str | None = None
    notes: list[str] = field(default_factory=list)
    link: str | None = None


def is_cmoc(passages: Iterable[Passage]) -> bool:
    """Whether passages together name a context, exactly one mechanism and an outcome."""
    kinds: defaultdict[str, set[str]] = defaultdict(set)
    for p in passages:
        for kind, labels in p.codes.items():
            kinds[kind].update(labels)
    return bool(kinds["context"]) and len(kinds["mechanism"]) == 1 and bool(kinds["outcome"])


class _Union:
    def __init__(self) -> None:
        self.up: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.up.setdefault(x, x)
        while self.up[x] != x:
            self.up[x] = self.up[self.up[x]]
            x = self.up[x]
        return x

    def join(self, a: str, b: str) -> None:
        self.up[self.find(a)] = self.find(b)


def by_links(passages: dict[str, Passage],
             links: Iterable[tuple[str, str | None, str, str, list[str]]]) -> list[Group]:
    """Groups from links (guid, name, origin, target, notes) between coded passages, in the
    order the links come; those that form no CMOc are left out."""
    named: dict[str, Group] = {}
    loose = _Union()
    loose_notes: defaultdict[str, list[str]] = defaultdict(list)
    order: list[str] = []
    for guid, name, origin, target, notes in links:
        if origin not in passages or target not in passages:
            continue
        if name and name.strip():
            group = named.setdefault(name.strip(), Group([], name.strip(), link=guid))
            for g in (origin, target):
                if g not in group.guids:
                    group.guids.append(g)
            group.notes += [n for n in notes if n not in group.notes]
        else:
            loose.join(origin, target)
            loose_notes[origin] += notes
            order += [origin, target]
    groups = list(named.values())
    members: defaultdict[str, list[str]] = defaultdict(list)
    for g in dict.fromkeys(order):
        members[loose.find(g)].append(g)
    for guids in members.values():
        notes = list(dict.fromkeys(n for g in guids for n in loose_notes[g]))
        groups.append(Group(guids, None, notes))
    return [g for g in groups if is_cmoc(passages[x] for x in g.guids)]


def by_window(passages: Iterable[Passage], window: int) -> list[Group]:
    """Groups of passages of one source within `window` characters of each other that form a
    CMOc (see the module docstring)."""
    per_source: defaultdict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        per_source[p.source].append(p)
    out: list[Group] = []
    for items in per_source.values():
        items.sort(key=lambda p: (p.start, p.end))
        run: list[Passage] = []
        end = -1
        for p in items:
            if run and p.start - end > window:
                out.append(Group([x.guid for x in run]))
                run = []
            run.append(p)
            end = max(end, p.end) if len(run) > 1 else p.end
        if run:
            out.append(Group([x.guid for x in run]))
    by_guid = {p.guid: p for items in per_source.values() for p in items}
    return [g for g in out if is_cmoc(by_guid[x] for x in g.guids)]
