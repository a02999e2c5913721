"""One error shape for every answer: `{"detail": ...}`, or DRF's field mapping for a 400."""
from __future__ import annotations

import logging
import math
from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from server.common.parsers import TOO_DEEP

logger = logging.getLogger("server.errors")


class PreconditionFailed(exceptions.APIException):
    """412: the `If-Match` of the request names a version that is no longer current."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "This record was changed by someone else since you loaded it. Reload it and try again."
    default_code = "precondition_failed"

    def __init__(self, current: dict[str, Any] | None = None, etag: str | None = None) -> None:
        super().__init__()
        self.current = current
        self.etag = etag


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request is too large."
    default_code = "payload_too_large"


TOKEN_NOT_VALID = "token_not_valid"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with parse errors in the 400 field shape and 412 carrying the current record.

    A RecursionError is input nested too deeply for Python's JSON parser (or for code walking what
    it parsed), also where a view lists DRF's own JSONParser: a 400, logged without a traceback.
    """
    if isinstance(exc, RecursionError):
        request = context.get("request")
        logger.warning("Input nested too deeply on %s %s: answered 400", getattr(request, "method", "?"),
                       getattr(request, "path", "?"))
        exc = exceptions.ParseError(TOO_DEEP)
    if isinstance(exc, exceptions.ParseError):
        return Response({"non_field_errors": [str(exc.detail)]}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, PreconditionFailed):
        if exc.current is not None:
            response.data["current"] = exc.current
        if exc.etag:
            response["ETag"] = exc.etag
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    elif response.status_code != status.HTTP_400_BAD_REQUEST and isinstance(response.data, dict):
        # simplejwt nests {"detail", "code", "messages"}: keep the contract's {"detail"}, and a refused
        # token's `code` (as the seed guide's backend answers it, for clients that look for it)
        detail = response.data.get("detail", "")
        extra = {k: v for k, v in response.data.items() if k == "current"}
        if str(response.data.get("code", "")) == TOKEN_NOT_VALID:
            extra["code"] = TOKEN_NOT_VALID
        response.data = {"detail": str(detail), **extra}
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    logger.error("Unhandled error on %s %s", request.method, request.path)
    return JsonResponse({"detail": "The server had an internal error. Try again later."}, status=500)


def json_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"non_field_errors": ["Bad request."]}, status=400)


def json_permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)


class Throttled429(exceptions.Throttled):
    """A 429 with our own words (DRF's would append its own sentence) and a Retry-After."""

    def __init__(self, wait: float, detail: str) -> None:
        exceptions.APIException.__init__(self, detail)
        self.wait = wait
