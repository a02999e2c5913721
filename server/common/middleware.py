"""Request middleware of the API."""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

LEIE_UPLOAD_PATH = "/api/v1/screening/files/leie"  # the one larger upload (server/urls.py)


class OptionalTrailingSlashMiddleware:
    """Lets `/api/v1/providers` reach the view of `/api/v1/providers/` without a redirect.

    A redirect would make clients drop a POST body; rewriting the path keeps one route per
    endpoint (and one entry in the OpenAPI document). It also refuses request bodies above
    MAX_REQUEST_BYTES with a 413 before anything reads them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.endswith("/") and (path.startswith("/api/") or path in ("/health", "/admin")):
            try:
                resolve(path + "/")
            except Resolver404:
                pass
            else:
                request.path_info = path + "/"
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if path.rstrip("/") == LEIE_UPLOAD_PATH:
            if length > settings.LEIE_UPLOAD_MAX_BYTES:
                return JsonResponse({"detail": "The file is larger than 64 MB: the LEIE's UPDATED.csv is about "
                                               "15 MB. Is it the right file?"}, status=413)
        elif length > settings.MAX_REQUEST_BYTES:
            return JsonResponse(
                {"detail": "The request is larger than 10 MB, the most a license document may be."},
                status=413,
            )
        return self.get_response(request)
