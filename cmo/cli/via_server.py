"""Writes made through a running `cmo serve`, for `cmo` commands on the store it holds.

The server is the store's one writer, so a command that writes asks it to, through its HTTP API
and with the secret from its server file (`cmo.cli.server_file`): the server's caches, revision
tokens and token cache stay right, and the write is recorded as made by "cmo (command line)".
A refusal comes back as the same kind of error the command would have raised itself.
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import quote

import httpx

from cmo.cli.server_file import ServerFile
from cmo.errors import CmoError, Problem, StoreError
from cmo.interchange.rdf_files import ImportReport
from cmo.model.appraisal import (
    AppraisalUpdate,
    ConfidenceJudgements,
    EvidenceAppraisal,
    EvidenceOverride,
    StudyAppraisal,
)
from cmo.model.records import (
    Concept,
    ConceptKind,
    ConceptMerge,
    NewConcept,
    NewConcepts,
    ProgrammeTheory,
    Review,
)
from cmo.model.theories import NewTheoryVersion, TheoryLinking, TheoryLinkRequest
from cmo.questions.confidence import ConfidenceProfile
from cmo.review.shares import NewShare, SharedLink
from cmo.sources.model import AnchorReport, QuotesReport

#: How long a write through the server may take (a big import).
_WRITE_SECONDS = 600.0
#: How long a server that has left its file may take to answer (it is starting).
_START_SECONDS = 15.0


def _kinds() -> dict[str, type[CmoError]]:
    found, todo = {}, [CmoError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def _refusal(response: httpx.Response) -> CmoError:
    """The server's problem+json answer as the cmo error it stands for."""
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        body = {}
    detail = str(body.get("detail") or f"The server answered {response.status_code}.")
    fields = Problem.__dataclass_fields__
    problems = "".join(f"\n  - {Problem(**{k: v for k, v in p.items() if k in fields})}"
                       for p in body.get("problems") or []
                       if isinstance(p, dict) and "reason" in p)
    cls = _kinds().get(str(body.get("title")), CmoError)
    error = cls.__new__(cls)
    CmoError.__init__(error, detail + problems)
    return error


class RunningServer:
    """The `cmo serve` process holding an embedded store, reached over its HTTP API."""

    def __init__(self, info: ServerFile, store_path: str) -> None:
        self.info, self.store_path = info, store_path

    def describe(self) -> str:
        """Which server this is, for messages."""
        return f"`cmo serve` (pid {self.info.pid}, {self.info.url})"

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request as the command line's admin; a refusal raises the matching cmo error."""
        headers = {"Authorization": f"Bearer {self.info.secret}", **kwargs.pop("headers", {})}
        deadline = time.monotonic() + _START_SECONDS
        while True:
            try:
                response = httpx.request(method, self.info.url + path, headers=headers,
                                         timeout=httpx.Timeout(10.0, read=_WRITE_SECONDS),
                                         **kwargs)
                break
            except httpx.ConnectError as exc:  # still starting: it leaves its file first
                if time.monotonic() < deadline:
                    time.sleep(0.2)
                    continue
                raise self._silent(exc) from exc
            except httpx.TransportError as exc:
                raise self._silent(exc) from exc
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def _silent(self, exc: Exception) -> StoreError:
        return StoreError(f"The store at {self.store_path} is held by {self.describe()}, which "
                          f"did not answer ({exc}). Try again, or stop it.")

    def create_token(self, role: str, review: str | None, name: str | None) -> str:
        """Issue a token through the server; its secret."""
        answer = self.call("POST", "/tokens", json={"role": role, "review": review,
                                                     "name": name})
        secret: str = answer.json()["secret"]
        return secret

    def revoke_token(self, token_id: str) -> None:
        """Revoke a token through the server (it stops working there at once)."""
        self.call("DELETE", f"/tokens/{quote(token_id, safe='')}")

    def import_files(self, review: str, files: list[tuple[str, bytes]],
                     concepts: tuple[str, bytes] | None, fmt: str | None,
                     check: bool, new_concepts: NewConcepts = "allow",
                     code_map: tuple[str, bytes] | None = None,
                     assemble: str | None = None) -> ImportReport:
        """Import files into a review through the server, all or nothing; its report."""
        parts = [("file", (name, data)) for name, data in files]
        if concepts is not None:
            parts.append(("concepts", concepts))
        if code_map is not None:
            parts.append(("map", code_map))
        params = {"check": "true" if check else "false", "new_concepts": new_concepts,
                  **({"format": fmt} if fmt else {}), **({"assemble": assemble} if assemble
                                                         else {})}
        answer = self.call("POST", f"/reviews/{quote(review, safe='')}/import", files=parts,
                           params=params, headers={"Idempotency-Key": str(uuid.uuid4())})
        report: dict[str, Any] = answer.json()
        made = [NewConcept.model_validate(c) for c in report.pop("new_concepts", [])]
        return ImportReport(**report, new_concepts=made)

    def _review_path(self, review: str) -> str:
        return f"/reviews/{quote(review, safe='')}"

    def update_review(self, review: str, **fields: str | bool) -> Review:
        """Change a review's title, question or visibility through the server."""
        answer = self.call("PATCH", self._review_path(review), json=fields)
        return Review.model_validate(answer.json())

    def prune_orphans(self, review: str) -> list[Concept]:
        """Delete a review's orphan concepts through the server; those deleted."""
        answer = self.call("DELETE", self._review_path(review) + "/concepts/orphans")
        return [Concept.model_validate(c) for c in answer.json()]

    def add_source(self, review: str, study: str, name: str, data: bytes) -> AnchorReport:
        """Add a study's document through the server; what anchoring its quotes did."""
        answer = self.call("POST", self._review_path(review) + "/sources",
                           files=[("file", (name, data))], data={"study": study},
                           headers={"Idempotency-Key": str(uuid.uuid4())})
        return AnchorReport.model_validate(answer.json())

    def remove_source(self, review: str, source_id: str, force: bool) -> None:
        """Remove a document through the server."""
        self.call("DELETE", self._review_path(review) + f"/sources/{quote(source_id, safe='')}",
                  params={"force": "true" if force else "false"})

    def fix_quotes(self, review: str) -> QuotesReport:
        """Check every quote and re-anchor the moved ones, through the server."""
        answer = self.call("POST", self._review_path(review) + "/quotes/fix")
        return QuotesReport.model_validate(answer.json())

    def merge_concepts(self, review: str, keep: str, merged: str,
                       kind: ConceptKind) -> ConceptMerge:
        """Merge the concept `merged` into `keep` through the server; what the merge did."""
        path = (self._review_path(review)
                + f"/concepts/{kind.value}/{quote(keep, safe='')}/merge")
        answer = self.call("POST", path, json={"merged": merged})
        return ConceptMerge.model_validate(answer.json())

    def create_share(self, review: str, new: NewShare) -> SharedLink:
        """Share a view of a review through the server; the link, shown this once."""
        answer = self.call("POST", self._review_path(review) + "/shares",
                           json=new.model_dump(mode="json", exclude_none=True))
        return SharedLink.model_validate(answer.json())

    def revoke_share(self, review: str, share_id: str) -> None:
        """Revoke a share link through the server (it stops at once)."""
        self.call("DELETE", self._review_path(review) + f"/shares/{quote(share_id, safe='')}")

    def new_theory_version(self, review: str, earlier: str,
                           new: NewTheoryVersion) -> ProgrammeTheory:
        """Make a theory version with its recorded change through the server."""
        path = self._review_path(review) + f"/theories/{quote(earlier, safe='')}/versions"
        answer = self.call("POST", path, json=new.model_dump(mode="json", exclude_unset=True))
        return ProgrammeTheory.model_validate(answer.json())

    def link_theory(self, review: str, theory_id: str,
                    request: TheoryLinkRequest) -> TheoryLinking:
        """Relate CMOcs to a theory version through the server, in one write."""
        path = self._review_path(review) + f"/theories/{quote(theory_id, safe='')}/links"
        answer = self.call("POST", path, json=request.model_dump(mode="json", exclude_none=True))
        return TheoryLinking.model_validate(answer.json())

    def appraise(self, review: str, key: str, update: AppraisalUpdate) -> StudyAppraisal:
        """Judge a study's relevance, richness or rigour through the server."""
        answer = self.call("PUT", self._review_path(review)
                           + f"/studies/{quote(key, safe='')}/appraisal",
                           json=update.model_dump(mode="json", exclude_none=True))
        return StudyAppraisal.model_validate(answer.json())

    def override_evidence(self, review: str, cmoc: str, item: int,
                          override: EvidenceOverride) -> EvidenceAppraisal:
        """Give one quote its own rigour or relevance through the server."""
        answer = self.call("PUT", self._review_path(review)
                           + f"/cmocs/{quote(cmoc, safe='')}/evidence/{item}/appraisal",
                           json=override.model_dump(mode="json", exclude_none=True))
        return EvidenceAppraisal.model_validate(answer.json())

    def judge_confidence(self, review: str, verdicts: ConfidenceJudgements) -> ConfidenceProfile:
        """Record the reviewer's judgements of a finding's confidence through the server."""
        answer = self.call("PUT", self._review_path(review) + "/confidence",
                           json=verdicts.model_dump(mode="json", exclude_none=True))
        return ConfidenceProfile.model_validate(answer.json())
