"""A read-only SPARQL 1.1 Protocol endpoint over the reviews the caller may read.

Queries are checked for size, nesting and federation before any parser sees them, and run in
worker processes that are stopped at the time limit (`cmo.store.sandbox`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

import cmo
from api.deps import PrincipalDep, StoreDep, readable_review_ids
from api.problems import ApiError
from cmo.rdf.guards import check_query_text
from cmo.review.tokens import Principal
from cmo.store import Store
from cmo.store.sandbox import QuerySandbox

router = APIRouter(tags=["sparql"])
_EXAMPLE = "SELECT ?label WHERE { ?c a <https://w3id.org/realist-kg/ns#Mechanism> ; " \
           "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 10"
_READ_ONLY = "This endpoint is read-only: SPARQL Update is refused."


async def _answer(request: Request, store: Store, principal: Principal,
                  query: str) -> Response:
    if not query.strip():
        raise ApiError(400, "BadRequest", "No query.")
    check_query_text(query, request.app.state.settings.limits)
    graphs = [cmo.model.ids.review_iri(r) for r in readable_review_ids(store, principal, None)]
    sandbox: QuerySandbox = request.app.state.sandbox
    data, media = await run_in_threadpool(sandbox.run, query, graphs,
                                          request.headers.get("accept", ""))
    return Response(data, media_type=media)


@router.get("/sparql", response_class=Response,
            responses={200: {"content": {"application/sparql-results+json": {},
                                         "text/turtle": {}}}})
async def sparql_get(request: Request, store: StoreDep, principal: PrincipalDep,
                     query: Annotated[str, Query(examples=[_EXAMPLE])]) -> Response:
    """SPARQL query by GET (`?query=`); results as JSON, XML, CSV, TSV or RDF by Accept."""
    if "update" in request.query_params:
        raise ApiError(403, "Forbidden", _READ_ONLY)
    return await _answer(request, store, principal, query)


@router.post("/sparql", response_class=Response, openapi_extra={"requestBody": {"content": {
    "application/sparql-query": {"schema": {"type": "string"}},
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
        "query": {"type": "string"}}}}}}})
async def sparql_post(request: Request, store: StoreDep, principal: PrincipalDep) -> Response:
    """SPARQL query by POST (form `query=` or an application/sparql-query body). Updates are
    refused: this endpoint is read-only."""
    if "update" in request.query_params:
        raise ApiError(403, "Forbidden", _READ_ONLY)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-query":
        query = (await request.body()).decode("utf-8", errors="replace")
    elif media == "application/x-www-form-urlencoded":
        form = await request.form()
        if "update" in form:
            raise ApiError(403, "Forbidden", _READ_ONLY)
        query = str(form.get("query") or "")
    elif media == "application/sparql-update":
        raise ApiError(403, "Forbidden", _READ_ONLY)
    else:
        raise ApiError(415, "UnsupportedFormat", "Send application/sparql-query or a form.")
    return await _answer(request, store, principal, query)
