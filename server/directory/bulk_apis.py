"""Endpoints that read the whole directory: the dropdown, the change feed and the snapshot (fast on purpose).

Their provider rows are plain dicts or arrays rendered by orjson (selectors.py, feed.py, snapshot.py),
whole bodies built a few at a time (server/common/bodies.py).
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpResponseBase, StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from server.common.bodies import BodyCache, body_response, heavy
from server.common.compression import stream_response
from server.common.conditional import not_modified
from server.common.params import int_param
from server.common.renderers import FastJSONRenderer
from server.common.schema import ERRORS
from server.directory import feed, selectors, snapshot
from server.directory.apis import filtered
from server.directory.filters import ProviderFilter
from server.directory.models import RevisionCounter
from server.directory.outputs import ChangesSerializer, DropdownItemSerializer
from server.directory.visibility import audience_of

DROPDOWN_CACHE_SECONDS = 600
# rendered dropdown bodies, in this process (up to ~16 MB each at 100,000 providers)
DROPDOWN_BODIES = BodyCache(max_bytes=settings.DROPDOWN_CACHE_BYTES, seconds=DROPDOWN_CACHE_SECONDS)


class ProviderDropdownApi(APIView):
    filterset_class = ProviderFilter

    @extend_schema(responses={200: DropdownItemSerializer(many=True), 304: None, **ERRORS}, filters=True)
    def get(self, request: Request) -> HttpResponseBase:
        queryset = filtered(request, self, ProviderFilter).filter(is_active=True)
        revision = RevisionCounter.objects.filter(pk=1).values_list("value", flat=True).first() or 0
        query = "&".join(sorted(f"{k}={v}" for k, v in request.query_params.items())) + audience_of(request).key
        etag = f'"d{revision}-{hashlib.sha256(query.encode()).hexdigest()[:12]}"'
        unchanged = not_modified(request, etag)
        if unchanged is not None:
            return unchanged
        # The same version of the same query renders the same bytes: keep them (a national
        # roster's dropdown is ~16 MB and takes about a second to build), one build at a time.
        if not request.query_params.get("ordering"):
            queryset = queryset.order_by("sort_name", "id")
        body = DROPDOWN_BODIES.build_once(etag, lambda: selectors.dropdown_body(queryset))
        response = body_response(body)
        response["ETag"] = etag
        return response


class ProviderChangesApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("since", str, description="The cursor of the previous answer; omit for everything"),
            OpenApiParameter("limit", int, description="Default 1000, at most 5000"),
        ],
        responses={200: ChangesSerializer, **ERRORS},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        cursor = feed.cursor_parse(request.query_params.get("since"))
        limit = int_param(request, "limit", default=1000, low=1, high=5000)
        audience = audience_of(request)
        with heavy:  # built and rendered here, a few at a time: see server/common/bodies.py
            page = feed.changes_page(cursor=cursor, limit=limit, audience=audience)
            body = FastJSONRenderer().render({"results": page.results, "deleted": page.deleted,
                                              "cursor": page.cursor, "has_more": page.has_more})
            del page
        return body_response(body)


class ProviderSnapshotApi(APIView):
    """Every provider the caller may see at one revision, streamed (docs/api.md, "The directory snapshot")."""

    @extend_schema(
        responses={(200, snapshot.CONTENT_TYPE): OpenApiResponse(
            description="NDJSON: a header {format, fields, cursor, count[, own]}, one array of values per "
                        "provider in `fields` order, then {end: true, count}"), **ERRORS},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        response = stream_response(request, snapshot.snapshot_lines(audience_of(request)), snapshot.CONTENT_TYPE)
        response["Cache-Control"] = "no-store"
        return response
