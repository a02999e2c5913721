"""schemathesis against the server's own OpenAPI document: no 5xx, no answer off the schema."""
from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from tests.helpers.live_server import LiveServer

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]
# Logout would end the session the rest of the run signs its requests with.
SKIPPED = ("/api/v1/auth/logout/",)


@pytest.fixture(scope="module")
def api_schema(live_server: LiveServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json").exclude(
        path=list(SKIPPED)
    )


schema = schemathesis.pytest.from_fixture("api_schema")
FUZZ = hypothesis.settings(
    max_examples=12, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_api_as_facility_admin(case: schemathesis.Case, tokens: dict[str, str]) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens['facility_admin']}"}, checks=CHECKS)


@schema.include(path_regex="^/api/v1/(auth/provider|providers/[^/]+/license)").parametrize()
@FUZZ
def test_api_as_provider(case: schemathesis.Case, tokens: dict[str, str]) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens['provider']}"}, checks=CHECKS)
