"""A read-only SPARQL 1.1 Protocol endpoint over the reviews the caller may read."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

import cmo
from api.deps import PrincipalDep, SettingsDep, StoreDep, readable_review_ids
from api.problems import ApiError
from cmo.sparql_protocol import run_protocol_query

router = APIRouter(tags=["sparql"])
_EXAMPLE = "SELECT ?label WHERE { ?c a <https://w3id.org/realist-kg/ns#Mechanism> ; " \
           "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 10"


async def _answer(request: Request, store: cmo.Store, principal: cmo.Principal,
                  settings: SettingsDep, query: str) -> Response:
    graphs = [cmo.ids.review_iri(r) for r in readable_review_ids(store, principal, None)]
    gate: asyncio.Semaphore = request.app.state.sparql_gate
    async with gate:
        try:
            # Oxigraph cannot cancel a running query: the caller gets a 503 at the deadline
            # and the gate keeps runaway queries from piling up.
            data, media = await asyncio.wait_for(run_in_threadpool(
                run_protocol_query, store, query, graphs, request.headers.get("accept", "")),
                timeout=settings.sparql_timeout_seconds)
        except TimeoutError as exc:
            raise ApiError(503, "QueryTimeout", f"The query took longer than "
                           f"{settings.sparql_timeout_seconds:g} s.") from exc
    return Response(data, media_type=media)


@router.get("/sparql", response_class=Response,
            responses={200: {"content": {"application/sparql-results+json": {},
                                         "text/turtle": {}}}})
async def sparql_get(request: Request, store: StoreDep, principal: PrincipalDep,
                     settings: SettingsDep,
                     query: Annotated[str, Query(examples=[_EXAMPLE])]) -> Response:
    """SPARQL query by GET (`?query=`); results as JSON, XML, CSV, TSV or RDF by Accept."""
    return await _answer(request, store, principal, settings, query)


@router.post("/sparql", response_class=Response, openapi_extra={"requestBody": {"content": {
    "application/sparql-query": {"schema": {"type": "string"}},
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
        "query": {"type": "string"}}}}}}})
async def sparql_post(request: Request, store: StoreDep, principal: PrincipalDep,
                      settings: SettingsDep) -> Response:
    """SPARQL query by POST (form `query=` or an application/sparql-query body). Updates are
    refused: this endpoint is read-only."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-query":
        query = (await request.body()).decode("utf-8", errors="replace")
    elif media == "application/x-www-form-urlencoded":
        form = await request.form()
        if "update" in form:
            raise ApiError(403, "Forbidden", "This endpoint is read-only: SPARQL Update is "
                                             "refused.")
        query = str(form.get("query") or "")
    elif media == "application/sparql-update":
        raise ApiError(403, "Forbidden", "This endpoint is read-only: SPARQL Update is refused.")
    else:
        raise ApiError(415, "UnsupportedFormat", "Send application/sparql-query or a form.")
    if not query.strip():
        raise ApiError(400, "BadRequest", "No query.")
    return await _answer(request, store, principal, settings, query)
