"""FHIR's errors: every refusal under /fhir/ is an OperationOutcome with the status that fits."""
from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse

from contract.fhir import JSON_TYPE


class FhirError(Exception):
    """A request FHIR refuses: its HTTP status, FHIR's issue code (`invalid`, `not-found`, ...) and the words."""

    def __init__(self, status: int, code: str, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.status, self.code, self.diagnostics = status, code, diagnostics


def operation_outcome(issues: list[tuple[str, str, str]]) -> dict[str, Any]:
    """An OperationOutcome of (severity, code, diagnostics) issues."""
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": words}
                      for severity, code, words in issues]}


def fhir_response(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(orjson.dumps(body), status=status, content_type=JSON_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(status: int, code: str, diagnostics: str, headers: dict[str, str] | None = None) -> HttpResponse:
    return fhir_response(operation_outcome([("error", code, diagnostics)]), status, headers)
