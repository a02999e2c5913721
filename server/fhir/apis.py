"""The /fhir/ endpoints: metadata, read, search and $export; every refusal an OperationOutcome."""
from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from contract.fhir import JSON_TYPE, NDJSON_TYPE, RESOURCE_TYPES
from server.common.compression import stream_response
from server.directory.visibility import Audience, audience_of
from server.fhir import bundles
from server.fhir.capability import capability_statement
from server.fhir.outcome import FhirError, error_response, fhir_response
from server.fhir.params import resource_id, search_read

logger = logging.getLogger("server.errors")
_ANONYMOUS = Audience(staff=False)  # the credentialed directory, nobody's own record


class FhirReader(BasePermission):
    """Signed-in callers; anonymous ones too when the deployment publishes its directory (FHIR_PUBLIC=1)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) or settings.FHIR_PUBLIC


class _FhirRenderer(BaseRenderer):
    media_type = JSON_TYPE
    format = "json"


class _AnyAccept(BaseContentNegotiation):
    """FHIR's answers are FHIR JSON whatever the Accept header says (`_format` is checked by params.py)."""

    def select_renderer(self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None) \
            -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return None


def audience_for(request: Request) -> Audience:
    return audience_of(request) if request.user and request.user.is_authenticated else _ANONYMOUS


def _strict(request: Request) -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(part.strip() == "handling=strict" for part in prefer.split(";") + prefer.split(","))


class FhirApi(APIView):
    """A read-only FHIR endpoint; not in the OpenAPI document (the CapabilityStatement describes it)."""

    schema = None
    permission_classes = [FhirReader]
    renderer_classes = [_FhirRenderer]
    content_negotiation_class = _AnyAccept

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, FhirError):
            return error_response(exc.status, exc.code, exc.diagnostics)
        if isinstance(exc, Http404):
            return error_response(404, "not-found", "No such resource, or not one you may read.")
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return error_response(401, "login", str(exc.detail), {"WWW-Authenticate": 'Bearer realm="api"'})
        if isinstance(exc, exceptions.Throttled):
            wait = str(max(1, math.ceil(exc.wait or 1)))
            return error_response(429, "throttled", str(exc.detail), {"Retry-After": wait})
        if isinstance(exc, exceptions.APIException):
            return error_response(exc.status_code, "forbidden" if exc.status_code == 403 else "processing",
                                  str(exc.detail))
        logger.exception("Unhandled error on %s %s", self.request.method, self.request.path)
        return error_response(500, "exception", "The server had an internal error. Try again later.")


def _type_of(name: str) -> str:
    if name not in RESOURCE_TYPES:
        raise FhirError(404, "not-supported", f"This server has no {name[:40]!r} resources "
                                              f"(it has {', '.join(RESOURCE_TYPES)}).")
    return name


class MetadataApi(FhirApi):
    permission_classes: list[type[BasePermission]] = []  # FHIR clients read it before signing in

    def get(self, request: Request) -> HttpResponse:
        return fhir_response(capability_statement(request.build_absolute_uri("/fhir/")))


class SearchApi(FhirApi):
    def get(self, request: Request, resource_type: str) -> HttpResponse:
        search = search_read(_type_of(resource_type), _pairs(request), strict=_strict(request))
        base = request.build_absolute_uri(f"/fhir/{resource_type}")
        return fhir_response(bundles.searchset(audience_for(request), search, base, _pairs(request)))


def _pairs(request: Request) -> list[tuple[str, str]]:
    return [(key, value) for key, values in request.query_params.lists() for value in values]


class ReadApi(FhirApi):
    def get(self, request: Request, resource_type: str, pk: str) -> HttpResponse:
        found = bundles.read(audience_for(request), _type_of(resource_type), resource_id(pk))
        if found is None:
            raise Http404
        return fhir_response(found)


class ExportApi(FhirApi):
    """Every resource the caller may read, as NDJSON, streamed in this answer (docs/api.md says why)."""

    def get(self, request: Request) -> HttpResponseBase:
        types: tuple[str, ...] = RESOURCE_TYPES
        for key, value in _pairs(request):
            if key == "_type":
                types = tuple(_type_of(name) for name in value.split(","))
            elif key == "_outputFormat":
                if value not in (NDJSON_TYPE, "application/ndjson", "ndjson"):
                    raise FhirError(400, "not-supported", "$export writes NDJSON only.")
            else:
                raise FhirError(400, "not-supported", f"$export takes _type and _outputFormat, not {key[:40]!r}.")
        response: StreamingHttpResponse = stream_response(
            request, bundles.export_lines(audience_for(request), types), NDJSON_TYPE)
        response["Cache-Control"] = "no-store"
        return response


class UnknownApi(FhirApi):
    """Any other address under /fhir/: a FHIR 404, not the API's."""

    permission_classes: list[type[BasePermission]] = []

    def get(self, request: Request, rest: str = "") -> HttpResponse:
        raise FhirError(404, "not-supported", "This server has no such FHIR address (see /fhir/metadata).")
