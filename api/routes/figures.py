"""A review's network, CMO chains or heatmap as a static figure: SVG, PNG or PDF."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import ReadableReview, StoreDep
from cmo.views import ViewOptions
from cmo.views.figures import MEDIA_TYPES, figure_bytes

router = APIRouter(prefix="/reviews/{review_id}/figures", tags=["views"])

#: An SVG opened on its own runs nothing and loads nothing; its styles are inline attributes.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


@router.get("/{kind}.{fmt}", response_class=Response,
            responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}})
def figure(review: ReadableReview, store: StoreDep, kind: str, fmt: str,
           context: Annotated[str | None, Query(description="a context subtree")] = None,
           theory: Annotated[str | None, Query(description="theory id or label")] = None,
           min_studies: Annotated[int, Query(ge=1)] = 1, fired_only: bool = False,
           width: Annotated[int, Query(description="px")] = 1600,
           height: Annotated[int | None, Query(description="px (default: as needed)")] = None,
           font_size: Annotated[float | None, Query(
               description="px (default: width/64, about 7 pt at A4 width)")] = None,
           ) -> Response:
    """The network, its CMO chains or the context × mechanism heatmap (`kind`) as svg, png or
    pdf (`fmt`), drawn on the server with the filters of the mechanism view."""
    data = figure_bytes(store, kind, ViewOptions((review.id,), context, theory, min_studies,
                                                 fired_only),
                        fmt=fmt, width=width, height=height, font_px=font_size)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{review.id}-{kind}.{fmt}")
    headers = {"Content-Disposition": f'inline; filename="{name}"',
               "X-Content-Type-Options": "nosniff"}
    if fmt == "svg":
        headers["Content-Security-Policy"] = SVG_CSP
    return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)
