"""schemathesis against the server's own OpenAPI document: no 5xx, no answer off the schema."""
from __future__ import annotations

from collections.abc import Iterator

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from tests.helpers.live_server import LiveServer, SignIns, running_server

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]
pytestmark = pytest.mark.shared_sign_in  # fuzz_tokens signs every case of the module (schemathesis hides it)
# Logout would end the session the rest of the run signs its requests with.
SKIPPED = ("/api/v1/auth/logout/",)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: fuzzing changes the demo accounts' data, which other tests read."""
    with running_server(tmp_path_factory.mktemp("fuzz"), demo_providers=20) as server:
        yield server


@pytest.fixture(scope="module")
def fuzz_tokens(fuzz_server: LiveServer) -> SignIns:
    return SignIns(fuzz_server)


@pytest.fixture(scope="module")
def api_schema(fuzz_server: LiveServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{fuzz_server.url}/api/schema/?format=json").exclude(
        path=list(SKIPPED)
    )


schema = schemathesis.pytest.from_fixture("api_schema")
FUZZ = hypothesis.settings(
    max_examples=12, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_api_as_facility_admin(case: schemathesis.Case, fuzz_tokens: SignIns) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_tokens['facility_admin']}"}, checks=CHECKS)


@schema.include(path_regex="^/api/v1/(auth/provider|providers/[^/]+/license)").parametrize()
@FUZZ
def test_api_as_provider(case: schemathesis.Case, fuzz_tokens: SignIns) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_tokens['provider']}"}, checks=CHECKS)


def test_schema_declares_bearer_auth_pages_and_throttles(fuzz_server: LiveServer) -> None:
    document = httpx.get(f"{fuzz_server.url}/api/schema/?format=json").json()
    assert document["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    queue = document["paths"]["/api/v1/credentialing/queue/"]["get"]
    assert {"jwtAuth": []} in queue["security"]
    page = queue["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(document["components"]["schemas"][page]["properties"]) == {"count", "next", "previous", "results"}
    assert "security" not in document["paths"]["/api/v1/auth/login/"]["post"], "signing in needs no token"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)
