"""drf-spectacular extensions: the bearer scheme of our JWT authentication class, the 429 of every operation."""
from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.utils import OpenApiResponse

from server.common.outputs import DetailSerializer

# the failures most operations may answer, for their `responses`
ERRORS = {
    400: OpenApiResponse(description="Validation errors: {field: [message]}"),
    401: DetailSerializer,
    403: DetailSerializer,
    404: DetailSerializer,
}


class SessionJWTScheme(SimpleJWTScheme):
    """`Authorization: Bearer <access>`, as simplejwt's own class declares it.

    spectacular's extension for simplejwt matches JWTAuthentication itself, not subclasses, so the
    schema had no security scheme at all; this names our subclass. Loaded by the credentialing
    app's `ready()` (spectacular finds extensions by their import).
    """

    target_class = "server.accounts.authentication.SessionJWTAuthentication"
    name = "jwtAuth"


TOO_MANY_REQUESTS = {
    "description": "Throttled: {detail}; Retry-After says in how many seconds to try again",
    "headers": {"Retry-After": {"schema": {"type": "string", "pattern": "^[0-9]+$"},
                                "description": "Seconds to wait before trying again"}},
    "content": {"application/json": {"schema": {
        "type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}}},
}


def throttled_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Declare the 429 on every operation: every one is throttled (per address or user, per upload)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("429", TOO_MANY_REQUESTS)
    return result
