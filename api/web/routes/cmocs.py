"""The CMOcs of a review: a table (filtered, sorted, paged), a CMOc's edit form with its ETag
and the conflict view when someone else saved first, and delete with a confirmation."""

from __future__ import annotations

import json
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from pydantic import BaseModel, Field

import cmo
from api.deps import StoreDep, refuse
from api.web.deps import PagePrincipal, PageReview, WritablePageReview, Writer
from api.web.pages import PageRoute, redirect, render
from cmo.errors import PreconditionFailed
from cmo.model.records import Confidence, Direction
from cmo.rdf.provenance import acting_as
from cmo.review import cmocs
from cmo.review.table import SORTS, Sort, cmoc_table

router = APIRouter(prefix="/reviews/{review_id}", route_class=PageRoute,
                   include_in_schema=False)
PAGE = 50


@router.get("/table")
def table_page(request: Request, review: PageReview, store: StoreDep, principal: PagePrincipal,
               context: Annotated[str | None, Query(max_length=500)] = None,
               mechanism: Annotated[str | None, Query(max_length=500)] = None,
               outcome: Annotated[str | None, Query(max_length=500)] = None,
               study: Annotated[str | None, Query(max_length=500)] = None,
               fired: Literal["", "yes", "no"] = "", sort: Sort = "id", desc: bool = False,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """The review's CMOcs: filter by context (and narrower), mechanism, outcome, study and
    whether the mechanism fired; sort by any column; 50 a page."""
    filters = {"context": context or None, "mechanism": mechanism or None,
               "outcome": outcome or None, "study": study or None, "fired": fired or None}
    table = cmoc_table(store, review.id, context=filters["context"],
                       mechanism=filters["mechanism"], outcome=filters["outcome"],
                       study=filters["study"], fired=None if not fired else fired == "yes",
                       sort=sort, descending=desc, limit=PAGE, offset=(page - 1) * PAGE)
    pages = max(1, -(-table.total // PAGE))
    return render(request, "table.html", review=review, table=table, filters=filters,
                  sorts=SORTS, page=page, pages=pages, can_write=principal.can_write(review.id))


class CmocForm(BaseModel):
    """The fields of the edit form, as the browser sends them."""

    etag: str = Field(max_length=200)
    studies: str = Field(max_length=20_000)
    contexts: str = Field(max_length=20_000)
    mechanism: str = Field(max_length=2_000)
    outcomes: str = Field(max_length=20_000)
    resource: str = Field(default="", max_length=20_000)
    mechanism_fired: bool = False
    outcome_direction: Literal["", "positive", "negative", "none", "mixed"] = ""
    confidence: Literal["", "high", "moderate", "low"] = ""
    notes: str = Field(default="", max_length=50_000)
    #: The fields as the form showed them when opened (JSON), to tell what this editor changed.
    original: str = Field(default="{}", max_length=200_000)

    @classmethod
    def of(cls, cmoc: cmo.CMOConfiguration, etag: str) -> CmocForm:
        """The form as it opens on `cmoc`."""
        values = {"studies": "\n".join(cmoc.studies), "contexts": "\n".join(cmoc.contexts),
                  "mechanism": cmoc.mechanism, "outcomes": "\n".join(cmoc.outcomes),
                  "resource": cmoc.resource or "", "mechanism_fired": cmoc.mechanism_fired,
                  "outcome_direction": cmoc.outcome_direction or "",
                  "confidence": cmoc.confidence or "", "notes": cmoc.notes or ""}
        return cls.model_validate({"etag": etag, "original": json.dumps(values), **values})

    def changed(self) -> set[str]:
        """The fields this editor changed since the form was opened."""
        try:
            opened = json.loads(self.original)
        except ValueError:
            opened = {}
        return {k for k in FIELDS if _norm(getattr(self, k)) != _norm(opened.get(k))}

    def onto(self, current: cmocs.CMOcVersion) -> tuple[CmocForm, set[str]]:
        """This editor's changes over the version saved since: a form on `current` with the
        fields they changed, and the fields both changed (theirs is shown beside)."""
        theirs = CmocForm.of(current.cmoc, current.etag)
        mine = self.changed()
        both = mine & theirs.changed_from(self.original)
        return theirs.model_copy(update={k: getattr(self, k) for k in mine}), both

    def changed_from(self, original: str) -> set[str]:
        """The fields whose value here differs from `original` (JSON, as in `original`)."""
        return self.model_copy(update={"original": original}).changed()

    def apply(self, base: cmo.CMOConfiguration) -> cmo.CMOConfiguration:
        """`base` with this form's fields; its quotes, theories and links stay as they are."""
        return base.model_validate({**base.model_dump(), **{
            "studies": _lines(self.studies), "contexts": _lines(self.contexts),
            "mechanism": self.mechanism.strip(), "outcomes": _lines(self.outcomes),
            "resource": self.resource.strip() or None, "mechanism_fired": self.mechanism_fired,
            "outcome_direction": self.outcome_direction or None,
            "confidence": self.confidence or None, "notes": self.notes.strip() or None}})


FIELDS = ("studies", "contexts", "mechanism", "outcomes", "resource", "mechanism_fired",
          "outcome_direction", "confidence", "notes")


def _norm(value: object) -> object:
    """A field's value as compared: text without \r and outer blanks."""
    return value.replace("\r", "").strip() if isinstance(value, str) else value


def _lines(text: str) -> list[str]:
    """One label a line (a `;` also separates), blanks dropped."""
    return [p.strip() for line in text.splitlines() for p in line.split(";") if p.strip()]


def _edit(request: Request, review: cmo.Review, version: cmocs.CMOcVersion, status: int = 200,
          **context: object) -> Response:
    form = context.pop("form", None) or CmocForm.of(version.cmoc, version.etag)
    return render(request, "cmoc_edit.html", status, review=review, cmoc=version.cmoc,
                  form=form, directions=list(Direction), confidences=list(Confidence),
                  **context)


@router.get("/cmocs/{cmoc_id}/edit")
def edit_page(request: Request, review: PageReview, cmoc_id: str, store: StoreDep,
              principal: PagePrincipal) -> Response:
    """A CMOc: its fields (a form for those who may change it), quotes and provenance."""
    version = cmocs.get_cmoc_version(store, review.id, cmoc_id)
    return _edit(request, review, version, can_write=principal.can_write(review.id))


@router.post("/cmocs/{cmoc_id}/edit")
def save(request: Request, review: WritablePageReview, cmoc_id: str, store: StoreDep,
         principal: Writer, form: Annotated[CmocForm, Form()]) -> Response:
    """Save the form over the version it was opened on. If someone saved another version
    meanwhile, show theirs beside this one, and offer to save this one over it."""
    try:
        with acting_as(principal.name):
            saved = cmocs.edit_cmoc(store, review.id, cmoc_id, form.apply, if_match=form.etag)
    except PreconditionFailed:
        current = cmocs.get_cmoc_version(store, review.id, cmoc_id)
        merged, both = form.onto(current)
        return _edit(request, review, current._replace(cmoc=merged.apply(current.cmoc)), 409,
                     can_write=True, theirs=current.cmoc, conflict=True, form=merged,
                     both=sorted(both), mine=sorted(form.changed()))
    return _edit(request, review, saved, can_write=True, saved=True)


@router.get("/cmocs/{cmoc_id}/delete")
def delete_page(request: Request, review: PageReview, cmoc_id: str, store: StoreDep,
                principal: PagePrincipal) -> Response:
    """Ask before deleting a CMOc."""
    if not principal.can_write(review.id):
        raise refuse(principal, f"change review {review.id!r}")
    version = cmocs.get_cmoc_version(store, review.id, cmoc_id)
    return render(request, "cmoc_delete.html", review=review, cmoc=version.cmoc,
                  etag=version.etag)


@router.post("/cmocs/{cmoc_id}/delete")
def delete(request: Request, review: WritablePageReview, cmoc_id: str, store: StoreDep,
           principal: Writer, etag: Annotated[str, Form(max_length=200)]) -> Response:
    """Delete the CMOc (the version confirmed; 412 if it changed since), then the table."""
    with acting_as(principal.name):
        cmocs.delete_cmoc(store, review.id, cmoc_id, if_match=etag)
    return redirect(f"/reviews/{quote(review.id)}/table")
