"""Every error realist-kg raises, in one tree.

    CmoError                      base: anything the library refuses, with a message for a person
    ├── NotFound                  a review, study, concept, CMOc or theory that does not exist
    │   └── UnknownConcept        a concept label that matches nothing; carries close labels
    ├── Conflict                  the request clashes with what is stored
    │   ├── AlreadyExists         creating something whose id or label is taken
    │   ├── InUse                 deleting something other data still points to
    │   └── WriteConflict         another writer changed the review between our read and write
    ├── InvalidInput              a value the model refuses; names the field (and row/line if known)
    │   ├── UnknownValue          a value outside a fixed or known set (a design, a theory); carries
    │   │                         the field, the value and the closest allowed values
    │   ├── ParseError            a file that is not valid in its format; names file, line, column
    │   ├── UnsupportedFormat     a format we cannot read or write
    │   ├── NoText                a source document with no text to anchor quotes in (a scan)
    │   ├── QuoteNotFound         a quote that is not in its source; names the closest passage
    │   ├── AmbiguousQuote        a quote found more than once in its source; names the pages
    │   ├── LimitExceeded         input over one of the caps in `cmo.limits`; names the limit
    │   ├── QueryRefused          a SPARQL query the service will not run (SERVICE, too deep, ...)
    │   └── UpdateRefused         a SPARQL Update sent to the read-only query endpoint
    ├── ValidationFailed          data that breaks the SHACL shapes; carries the violations
    ├── PreconditionFailed        a write based on a stale version (ETag / If-Match)
    ├── StoreError                the graph store cannot be opened, read or written
    │   ├── QueryTimeout          a query stopped at its time limit
    │   └── StoreLocked           an embedded store another process holds for writing
    └── UsageError                a mistake in how `cmo` was called or set up (its exit status 2)

Lower-level errors (pyoxigraph's SyntaxError and OSError, pydantic's ValidationError, a remote
server's HTTP status) become these at the boundary where they happen, so callers (the CLI, the
API) handle one family; `tests/cmo/test_errors.py` checks that no other module defines one. The
`cmo` command prints any of them as ``cmo: message`` and exits with 1, or 2 for a UsageError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cmo.words import counted


class CmoError(Exception):
    """Base class: something realist-kg refused, explained in words a reviewer can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the error (used by the CLI and the API)."""
        return {"error": type(self).__name__, "message": self.message}


class NotFound(CmoError):
    """Something asked for by id or label does not exist."""


class UnknownConcept(NotFound):
    """A concept label matches no concept; `suggestions` lists the closest existing labels."""

    def __init__(self, kind: str, label: str, suggestions: Sequence[str] = ()) -> None:
        hint = f" Did you mean: {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"No {kind} called {label!r}.{hint}")
        self.kind = kind
        self.label = label
        self.suggestions = list(suggestions)

    def to_dict(self) -> dict[str, Any]:
        """Add the suggestions to the base description."""
        return {**super().to_dict(), "kind": self.kind, "label": self.label,
                "suggestions": self.suggestions}


class Conflict(CmoError):
    """The request clashes with what is stored."""


class AlreadyExists(Conflict):
    """An id or label that is already taken."""


class InUse(Conflict):
    """Something that cannot be deleted while other data points to it."""


class WriteConflict(Conflict):
    """Another writer changed the review between our read and our write (the write retries)."""


@dataclass
class Problem:
    """One thing wrong with the input: where it is and why."""

    reason: str
    field: str | None = None
    row: int | None = None
    line: int | None = None
    column: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class InvalidInput(CmoError):
    """Input the model refuses; each problem names its field, row or line."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        details = "".join(f"\n  - {p}" for p in problems)
        super().__init__(message + details)
        self.summary = message
        self.problems = list(problems)

    def to_dict(self) -> dict[str, Any]:
        """Add each problem with its location."""
        return {**super().to_dict(), "message": self.summary,
                "problems": [{k: v for k, v in vars(p).items() if v is not None}
                             for p in self.problems]}


class UnknownValue(InvalidInput):
    """A value outside a fixed or known set, such as a study design or a programme theory.

    `suggestions` are the allowed values closest to it; `allowed` all of them (when few enough
    to list).

    >>> print(UnknownValue("design", "rtc", ["rct"], ["rct", "qualitative"]).message)
    Unknown design 'rtc'. Did you mean 'rct'?
      - design: 'rtc' is not a design; use one of: rct, qualitative
    """

    def __init__(self, field: str, value: str, suggestions: Sequence[str] = (),
                 allowed: Sequence[str] = ()) -> None:
        hint = (f" Did you mean {' or '.join(repr(s) for s in suggestions)}?"
                if suggestions else "")
        reason = (f"{value!r} is not a {field}; use one of: {', '.join(allowed)}" if allowed
                  else f"no {field} is known here")
        super().__init__(f"Unknown {field} {value!r}.{hint}", [Problem(reason, field=field)])
        self.field = field
        self.value = value
        self.suggestions = list(suggestions)
        self.allowed = list(allowed)

    def to_dict(self) -> dict[str, Any]:
        """Add the field, the value, the closest and the allowed values."""
        return {**super().to_dict(), "field": self.field, "value": self.value,
                "suggestions": self.suggestions, "allowed": self.allowed}


class ParseError(InvalidInput):
    """A file that does not parse; names the file, line and column."""

    def __init__(self, file: str, reason: str, line: int | None = None,
                 column: int | None = None, summary: str | None = None) -> None:
        problem = Problem(reason=reason, file=file, line=line, column=column)
        super().__init__(summary or f"Could not read {file}: nothing was imported.", [problem])
        self.file = file
        self.line = line
        self.column = column


class UnsupportedFormat(InvalidInput):
    """A file format realist-kg cannot read or write."""


class NoText(InvalidInput):
    """A source document whose text could not be read: a scan without a text layer, say."""


class QuoteNotFound(InvalidInput):
    """A quote that is not in its source; `closest` is the nearest passage, its page and how
    alike the two are (0 to 1)."""

    def __init__(self, message: str, closest: dict[str, Any] | None,
                 problems: Sequence[Problem] = ()) -> None:
        super().__init__(message, problems)
        self.closest = closest

    def to_dict(self) -> dict[str, Any]:
        """Add the closest passage."""
        return {**super().to_dict(), "closest": self.closest}


class AmbiguousQuote(InvalidInput):
    """A quote found in more than one place of its source, which its prefix and suffix do not
    tell apart; `candidates` lists each place (start, end, page)."""

    def __init__(self, message: str, candidates: Sequence[dict[str, Any]],
                 problems: Sequence[Problem] = ()) -> None:
        super().__init__(message, problems)
        self.candidates = list(candidates)

    def to_dict(self) -> dict[str, Any]:
        """Add the candidate places."""
        return {**super().to_dict(), "candidates": self.candidates}


class LimitExceeded(InvalidInput):
    """Input over one of the caps in `cmo.limits`; `limit` names the cap, `allowed` its value."""

    def __init__(self, message: str, limit: str, allowed: int,
                 problems: Sequence[Problem] = ()) -> None:
        super().__init__(message, problems)
        self.limit = limit
        self.allowed = allowed

    def to_dict(self) -> dict[str, Any]:
        """Add the limit's name and value."""
        return {**super().to_dict(), "limit": self.limit, "allowed": self.allowed}


class QueryRefused(InvalidInput):
    """A SPARQL query the service will not run: federation, too long, too deeply nested."""


class UpdateRefused(InvalidInput):
    """A SPARQL Update sent to the read-only query endpoint."""


@dataclass
class Violation:
    """One SHACL violation, said the way a reviewer would say it."""

    focus: str
    focus_label: str
    message: str
    path: str | None = None
    value: str | None = None
    severity: str = "Violation"

    def __str__(self) -> str:
        path = f" [{self.path}]" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.focus_label}{path}: {self.message}{value}"


class ValidationFailed(CmoError):
    """Data that breaks the shapes of a well-formed review."""

    def __init__(self, violations: Sequence[Violation], review: str | None = None) -> None:
        where = f" review {review!r}" if review else " the data"
        lines = "".join(f"\n  - {v}" for v in violations)
        super().__init__(f"{counted(len(violations), 'problem')} in{where}:{lines}")
        self.violations = list(violations)

    def to_dict(self) -> dict[str, Any]:
        """Add each violation."""
        return {**super().to_dict(), "violations": [vars(v) for v in self.violations]}


class PreconditionFailed(CmoError):
    """A write that was based on a version someone else has since changed."""


@dataclass
class StoreError(CmoError):
    """The graph store could not be opened, read or written."""

    message: str = field(default="")

    def __post_init__(self) -> None:
        CmoError.__init__(self, self.message)


class QueryTimeout(StoreError):
    """A query that ran past its time limit and was stopped."""


class StoreLocked(StoreError):
    """An embedded on-disk store that another process (a `cmo serve`, an import) holds open for
    writing: it can still be read, beside that process, but not written."""


class UsageError(CmoError):
    """A mistake in how the `cmo` command was called or set up, such as a setting it refuses."""
