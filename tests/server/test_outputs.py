"""Every answer has exactly the shape its OpenAPI document declares: no field more, none of the required missing.

The document is generated from the output serializers (server/*/outputs.py); the provider rows are
built by selectors for speed, so this is what holds them to the declaration, nested objects included.
(schemathesis, test_schema_fuzz.py, checks the values' types but lets undeclared fields through.)
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.helpers.live_server import LiveServer, SignIns
from tests.server.test_snapshot import snapshot


@pytest.fixture(scope="module")
def document(live_server: LiveServer) -> dict[str, Any]:
    return httpx.get(f"{live_server.url}/api/schema/?format=json").json()


def _resolved(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """`schema` past its `$ref` and a lone `allOf` (how drf-spectacular writes a nullable nested object)."""
    nullable = False
    while True:
        nullable = nullable or bool(schema.get("nullable"))
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        elif len(schema.get("allOf", ())) == 1:
            schema = schema["allOf"][0]
        else:
            return {**schema, "nullable": nullable}


def shape_errors(value: Any, schema: dict[str, Any], document: dict[str, Any], where: str = "") -> list[str]:
    """Where `value` has a field its schema does not declare, or lacks one the schema requires."""
    schema = _resolved(schema, document)
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null"]
    if isinstance(value, list) and "items" in schema:
        return [error for index, item in enumerate(value)
                for error in shape_errors(item, schema["items"], document, f"{where}[{index}]")]
    if not isinstance(value, dict) or "properties" not in schema:
        return []
    declared = schema["properties"]
    errors = [f"{where}.{name}: not declared" for name in value if name not in declared]
    errors += [f"{where}.{name}: missing" for name in schema.get("required", ()) if name not in value]
    return errors + [error for name, item in value.items() if name in declared
                     for error in shape_errors(item, declared[name], document, f"{where}.{name}")]


def declared(document: dict[str, Any], template: str, method: str = "get", status: int = 200) -> dict[str, Any]:
    operation = document["paths"][f"/api/v1{template}"][method]
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


def assert_declared(answer: httpx.Response, document: dict[str, Any], template: str, method: str = "get") -> None:
    assert answer.status_code < 300, answer.text
    body = answer.json()
    assert body, f"{template}: an empty answer shows nothing"
    assert shape_errors(body, declared(document, template, method, answer.status_code), document) == []


@pytest.fixture(scope="module")
def ids(tokens: SignIns) -> dict[str, str]:
    """The demo provider's own record (found by its profile: other tests rename it), another verified
    provider, and a hospital."""
    with tokens.client("provider") as own_client:
        own = own_client.get("/auth/provider/profile/").json()
    with tokens.client("facility_admin") as client:
        others = client.get("/providers/", params={"license_status": "verified"}).json()["results"]
        hospital = client.get("/hospitals/").json()["results"][0]
    return {"other": next(p["id"] for p in others if p["id"] != own["id"]), "own": own["id"],
            "hospital": hospital["id"]}


STAFF_READS = [
    ("/providers/", {}), ("/providers/search/", {"q": "ar"}), ("/providers/dropdown/", {}),
    ("/providers/changes/", {"limit": 50}), ("/hospitals/", {}), ("/credentialing/queue/", {}),
    ("/dashboard/", {}), ("/health/", {}),
]


@pytest.mark.parametrize(("template", "query"), STAFF_READS)
def test_staff_reads_have_their_declared_shape(admin: httpx.Client, document: dict[str, Any], template: str,
                                               query: dict[str, Any]) -> None:
    assert_declared(admin.get(template, params=query), document, template)


@pytest.mark.parametrize("template", ["/providers/{id}/", "/providers/{id}/audit/"])
def test_one_providers_reads_have_their_declared_shape(admin: httpx.Client, document: dict[str, Any],
                                                       ids: dict[str, str], template: str) -> None:
    assert_declared(admin.get(template.format(id=ids["own"])), document, template)


def test_the_hospitals_reads_have_their_declared_shape(admin: httpx.Client, document: dict[str, Any],
                                                       ids: dict[str, str]) -> None:
    assert_declared(admin.get(f"/hospitals/{ids['hospital']}/"), document, "/hospitals/{id}/")
    assert_declared(admin.get(f"/providers/hospital/{ids['hospital']}/"), document,
                    "/providers/hospital/{hospital_id}/")


def test_the_audit_export_has_its_declared_shape(officer: httpx.Client, document: dict[str, Any]) -> None:
    since, until = date.today() - timedelta(days=800), date.today() + timedelta(days=1)
    answer = officer.get("/credentialing/audit/", params={"since": since, "until": until, "action": "all"})
    assert_declared(answer, document, "/credentialing/audit/")


def test_a_providers_reads_have_their_declared_shape(provider: httpx.Client, document: dict[str, Any],
                                                     ids: dict[str, str]) -> None:
    other = provider.get(f"/providers/{ids['other']}/")
    assert_declared(other, document, "/providers/{id}/")
    assert "license_note" not in other.json(), "another provider's private fields are left out"
    assert_declared(provider.get(f"/providers/{ids['own']}/"), document, "/providers/{id}/")
    for template in ("/auth/provider/profile/", "/auth/provider/dashboard/", "/providers/changes/"):
        assert_declared(provider.get(template), document, template)


def test_sign_in_answers_have_their_declared_shape(anon: httpx.Client, document: dict[str, Any]) -> None:
    signed_in = anon.post("/auth/login/", json={"email": "admin@demo.local", "password": "demo-pass-2026"})
    assert_declared(signed_in, document, "/auth/login/", "post")
    access = signed_in.json()["access"]
    assert_declared(anon.post("/auth/token/validate/", json={"token": access}), document,
                    "/auth/token/validate/", "post")
    refused = anon.post("/auth/token/validate/", json={"token": "not-a-token"})
    assert refused.status_code == 401
    assert shape_errors(refused.json(), declared(document, "/auth/token/validate/", "post", 401), document) == []


def test_the_snapshots_rows_are_providers_in_the_declared_order(admin: httpx.Client, provider: httpx.Client,
                                                                 document: dict[str, Any]) -> None:
    """The snapshot's fields are the Provider's, in its declared order; a provider's rows lack the private ones."""
    staff_header, staff_rows = snapshot(admin)
    declared_fields = list(document["components"]["schemas"]["Provider"]["properties"])
    assert staff_header["fields"] == declared_fields
    assert staff_rows
    assert shape_errors(staff_rows, {"items": {"$ref": "#/components/schemas/Provider"}}, document) == []
    header, rows = snapshot(provider)
    private = set(declared_fields) - set(header["fields"])
    assert header["fields"] == [name for name in declared_fields if name not in private]
    assert private == {"license_note", "additional_information", "license_document", "has_license_document",
                       "hospital_clinic", "address"}
    assert rows
    assert shape_errors(rows, {"items": {"$ref": "#/components/schemas/DirectoryProvider"}}, document) == []
    assert shape_errors(header["own"], {"$ref": "#/components/schemas/Provider"}, document) == []


def test_the_check_finds_a_field_more_and_one_missing(document: dict[str, Any]) -> None:
    hospital = {"$ref": "#/components/schemas/Hospital"}
    good = {"id": "x", "name": "n", "city": "c", "provider_count": 1}
    assert shape_errors(good, hospital, document) == []
    assert shape_errors({**good, "extra": 1}, hospital, document) == [".extra: not declared"]
    assert shape_errors({"id": "x", "name": "n", "city": "c"}, hospital, document) == [".provider_count: missing"]
    nested = {"results": [{**good, "provider_count": 1, "more": 2}], "count": 1, "next": None, "previous": None}
    assert shape_errors(nested, {"$ref": "#/components/schemas/PaginatedHospitalList"}, document) == [
        ".results[0].more: not declared"]
