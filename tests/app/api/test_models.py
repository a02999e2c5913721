"""The read path raises only our errors, whatever JSON or bytes a server sends, for every endpoint."""
from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api import account_calls, client, credentialing_calls, directory_calls, errors, transport
from app.api.endpoint import Endpoint, document, nothing, raw, refusal
from app.api.models import (
    LicenseStatus,
    Page,
    Provider,
    ProviderDashboard,
    ProviderSummary,
    StaffDashboard,
    User,
    not_kept,
    parse_model,
)

ENDPOINTS = [value for module in (account_calls, directory_calls, credentialing_calls, client, transport)
             for value in vars(module).values() if isinstance(value, Endpoint)]
READ_JSON = [e for e in ENDPOINTS if e.read not in (raw, nothing, document)]
MODELS = [User, Provider, Page[ProviderSummary], ProviderDashboard, StaffDashboard]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=30,
)

PROVIDER = {
    "id": "1f0e", "professional_title": "Dr.", "first_name": "Ada", "last_name": "Lovelace",
    "full_name": "Dr. Ada Lovelace", "email": "ada@example.org", "organization_facility": "General",
    "professional_role": "Physician", "license_number": "X-1", "license_status": "verified",
    "license_expiry_date": "2027-01-31", "is_active": True, "updated_at": "2026-11-25T10:00:00Z",
    "created_at": "2026-01-01T00:00:00Z", "consultation_fee": "150.00", "hospitals": [
        {"id": "h1", "name": "St. Mary's", "city": "Boston", "unknown": 1}],
    "a_field_from_the_future": {"anything": True},
}


def answered(content: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=content, request=httpx.Request("GET", "http://server.invalid/"))


def test_every_endpoint_is_described_once() -> None:
    assert len(ENDPOINTS) == len({id(e) for e in ENDPOINTS}) > 30
    assert {e.name for e in READ_JSON} >= {"sign-in", "the profile", "search", "the hospitals", "the worklist"}


@settings(max_examples=300, deadline=None)
@given(value=json_values, model=st.sampled_from(MODELS), endpoint=st.sampled_from(READ_JSON))
def test_arbitrary_json_raises_only_our_errors(value: object, model: type, endpoint: Endpoint[object]) -> None:
    # anything but BadResponseError escaping these calls fails the test
    with contextlib.suppress(errors.BadResponseError):
        parse_model(model, json.dumps(value).encode())
    with contextlib.suppress(errors.BadResponseError):
        endpoint.read(endpoint.name, answered(json.dumps(value).encode()))


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_our_errors(body: bytes) -> None:
    for model in MODELS:
        with pytest.raises(errors.BadResponseError):
            parse_model(model, body + b"\x00")
    for endpoint in READ_JSON:
        with pytest.raises(errors.IncompatibleServerError) as error:
            endpoint.read(endpoint.name, answered(body + b"\x00"))
        assert (error.value.endpoint, error.value.missing) == (endpoint.name, "not JSON")


@settings(max_examples=300, deadline=None)
@given(status=st.integers(min_value=300, max_value=599), body=st.binary(max_size=120) | json_values.map(
    lambda v: json.dumps(v).encode()), retry=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126),
                                                     max_size=6))
def test_any_error_answer_becomes_an_api_error(status: int, body: bytes, retry: str) -> None:
    response = httpx.Response(status, content=body, headers={"Retry-After": retry})
    try:
        error = refusal(directory_calls.RECORD_UPDATE, response)
    except errors.BadResponseError:
        return  # a 412 whose "current" is not a provider
    assert isinstance(error, errors.ApiError)
    assert error.message


def test_unknown_fields_are_ignored_and_types_kept() -> None:
    provider = parse_model(Provider, json.dumps(PROVIDER).encode())
    assert provider.consultation_fee == Decimal("150.00")
    assert provider.license_status is LicenseStatus.VERIFIED
    assert provider.updated_at == datetime(2026, 11, 25, 10, tzinfo=UTC)
    assert provider.hospitals[0].name == "St. Mary's"
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        provider.bio = "changed"  # type: ignore[misc]


def test_wrong_type_names_the_field() -> None:
    broken = {**PROVIDER, "hospitals": [{"id": "h1", "name": 7, "city": "Boston"}]}
    with pytest.raises(errors.BadResponseError) as error:
        parse_model(Provider, json.dumps(broken).encode())
    assert error.value.where == "hospitals.0.name"
    assert "hospitals.0.name" in error.value.message


def test_error_mapping() -> None:
    def answer(status: int, body: object, **headers: str) -> errors.ApiError:
        return refusal(directory_calls.RECORD_UPDATE, httpx.Response(status, json=body, headers=headers))

    refused = answer(400, {"email": ["Please enter a valid email address"], "non_field_errors": ["No."]})
    assert isinstance(refused, errors.ValidationError)
    assert refused.field_errors == {"email": ["Please enter a valid email address"]}
    assert refused.non_field_errors == ["No."]
    assert isinstance(answer(401, {"detail": "x"}), errors.AuthenticationError)
    assert isinstance(answer(403, {"detail": "x"}), errors.PermissionDeniedError)
    assert isinstance(answer(404, {"detail": "x"}), errors.NotFoundError)
    conflict = answer(412, {"detail": "changed", "current": PROVIDER}, ETag='"r9"')
    assert isinstance(conflict, errors.ConflictError)
    assert conflict.etag == '"r9"'
    assert isinstance(conflict.current, Provider)
    limited = answer(429, {"detail": "Slow down."}, **{"Retry-After": "17"})
    assert isinstance(limited, errors.RateLimitedError)
    assert limited.retry_after == 17
    assert isinstance(answer(413, {"detail": "Too big."}), errors.ValidationError)
    assert isinstance(answer(500, {"detail": "x"}), errors.ServerError)
    variant = answer(400, {"error": "Registration failed", "details": (
        "{'email': [ErrorDetail(string='A user with that email already exists.', code='unique')], "
        "'non_field_errors': [ErrorDetail(string='Passwords do not match.', code='invalid')]}")})
    assert isinstance(variant, errors.ValidationError)
    assert variant.field_errors == {"email": ["A user with that email already exists."]}
    assert variant.non_field_errors == ["Passwords do not match."]
    assert answer(400, {"error": {}}).message == "The server refused the request."
    assert answer(400, {"error": "Refresh token is required"}).message == "Refresh token is required"
    assert isinstance(answer(429, {}, **{"Retry-After": "inf"}), errors.RateLimitedError)
    assert isinstance(refusal(directory_calls.RECORD_UPDATE, httpx.Response(502, text="<html>bad gateway</html>")),
                      errors.ServerError)


def test_what_a_server_took_and_did_not_keep() -> None:
    saved = Provider.model_validate({**PROVIDER, "npi": None, "bio": "", "specialization": "Neurology"})
    sent = {"npi": "1234567893", "bio": "  ", "specialization": "Neurology", "password": "x", "username": "ann"}
    assert not_kept(sent, saved) == ["npi"], "a blank sent is no loss; a password or username is not the record's"
    assert not_kept({"npi": "1234567893"}, saved.model_copy(update={"npi": "1234567893"})) == []
