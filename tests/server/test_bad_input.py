"""Every rule of the seed's registration form, and input a careless or hostile client sends."""
from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from contract.validation import MAX_LENGTH, REQUIRED
from tests.helpers.factories import create_provider, register_provider, registration_fields
from tests.helpers.live_server import LiveServer

# The server answers in the contract's words (contract/validation.py), the ones the desktop checks with.
TOO_LONG = {name: (limit + 1, message) for name, (limit, message) in MAX_LENGTH.items()}


def register(anon: httpx.Client, **overrides: Any) -> httpx.Response:
    return anon.post("/auth/provider/register/", json=registration_fields(**overrides))


@pytest.mark.parametrize(("field", "message"), REQUIRED.items())
@pytest.mark.parametrize("how", ["missing", "empty", "null"])
def test_required_field_has_the_seeds_message(anon: httpx.Client, field: str, message: str, how: str) -> None:
    fields = registration_fields()
    if how == "missing":
        del fields[field]
    else:
        fields[field] = "" if how == "empty" else None
    answer = anon.post("/auth/provider/register/", json=fields)
    assert answer.status_code == 400
    assert answer.json()[field] == [message]


@pytest.mark.parametrize(("field", "limit"), TOO_LONG.items())
def test_over_long_field_has_the_seeds_message(anon: httpx.Client, field: str, limit: tuple[int, str]) -> None:
    length, message = limit
    answer = register(anon, **{field: "x" * length})
    assert answer.status_code == 400
    assert message in answer.json()[field]


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.org", "a b@c.org", "x" * 250 + "@c.org"])
def test_invalid_email(anon: httpx.Client, email: str) -> None:
    answer = register(anon, email=email)
    assert answer.status_code == 400
    assert answer.json()["email"] == ["Please enter a valid email address"]


def test_short_password_and_mismatch(anon: httpx.Client) -> None:
    short = register(anon, password="Ab1-xyz", password_confirm="Ab1-xyz")
    assert short.json()["password"] == ["Password must be at least 8 characters long"]
    mismatch = register(anon, password="Quiet-River-2049", password_confirm="Quiet-River-2050")
    assert mismatch.json()["password_confirm"] == ["Passwords do not match"]


@pytest.mark.parametrize("password", ["password123", "12345678901", "TestProvider"])
def test_django_password_validators(anon: httpx.Client, password: str) -> None:
    answer = register(anon, password=password, password_confirm=password, first_name="Test",
                      last_name="Provider")
    assert answer.status_code == 400
    assert answer.json()["password"]


@pytest.mark.parametrize("phone", ["abc", "12", "+1 555 CALL NOW", "1" * 20, "++15551234567"])
def test_invalid_phone(anon: httpx.Client, phone: str) -> None:
    answer = register(anon, phone_number=phone)
    assert answer.json()["phone_number"] == ["Please enter a valid phone number"]


def test_empty_optional_fields_mean_not_given(anon: httpx.Client) -> None:
    account = register_provider(anon, phone_number="", username="", specialization="", consultation_fee=0.00,
                                years_of_experience=0, bio="", additional_information="")
    profile = account["profile"]
    assert profile["consultation_fee"] == "0.00"
    assert profile["phone_number"] == ""
    assert account["user"]["username"] == account["user"]["email"].split("@")[0]
    assert profile["license_status"] == "pending_verification"
    assert profile["license_verified"] is False


def test_generated_usernames_are_unique(anon: httpx.Client) -> None:
    first = register_provider(anon, email="same.local@one.example")
    second = register_provider(anon, email="same.local@two.example")
    assert first["user"]["username"] != second["user"]["username"]
    taken = register(anon, username=first["user"]["username"])
    assert taken.json()["username"] == ["This username is already taken"]


def test_duplicates_differing_in_case_and_spaces(anon: httpx.Client) -> None:
    account = register_provider(anon, license_number="Ab-12345-x")
    answer = register(anon, email=" " + account["user"]["email"].upper(), license_number="  aB-12345-X ")
    assert answer.status_code == 400
    assert answer.json()["license_number"] == ["A provider with this license number already exists"]
    assert answer.json()["email"] == ["A provider with this email address already exists"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("years_of_experience", "many"), ("years_of_experience", -1), ("consultation_fee", "cheap"),
     ("consultation_fee", -5), ("consultation_fee", "1.234"), ("professional_title", "Sir"),
     ("professional_role", 7), ("email", ["a@b.org"]), ("hospitals", "not-a-list"), ("hospitals", ["nope"]),
     ("first_name", {"a": 1})],
)
def test_wrong_types_are_field_errors(anon: httpx.Client, field: str, value: Any) -> None:
    answer = register(anon, **{field: value})
    assert answer.status_code == 400
    assert field in answer.json()


def test_fee_accepts_numbers_and_strings(anon: httpx.Client) -> None:
    assert register_provider(anon, consultation_fee=150)["profile"]["consultation_fee"] == "150.00"
    assert register_provider(anon, consultation_fee="99.5")["profile"]["consultation_fee"] == "99.50"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b""])
def test_malformed_bodies_are_400(anon: httpx.Client, body: bytes) -> None:
    answer = anon.post("/auth/provider/register/", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()


def test_unsupported_media_type_is_415(anon: httpx.Client) -> None:
    answer = anon.post("/auth/login/", content=b"<xml/>", headers={"Content-Type": "application/xml"})
    assert answer.status_code == 415
    assert set(answer.json()) == {"detail"}


def test_path_without_trailing_slash_keeps_the_body(anon: httpx.Client) -> None:
    answer = anon.post("/auth/login", json={"email": "admin@demo.local", "password": "demo-pass-2026"})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"license_status": "maybe"}, {"professional_role": "Wizard"}, {"professional_title": "Sir"},
     {"is_active": "perhaps"}, {"license_verified": "2"}, {"ordering": "password"}, {"ordering": "-nope"},
     {"hospital": "not-a-uuid"}, {"page": "0"}, {"page_size": "lots"}],
)
def test_unknown_filter_values_are_400(admin: httpx.Client, params: dict[str, str]) -> None:
    answer = admin.get("/providers/", params=params)
    expected = 404 if "page" in params else 400
    if "page_size" in params:
        expected = 200  # DRF falls back to the default size for a malformed page_size
    assert answer.status_code == expected, answer.text


@pytest.mark.parametrize("params", [{"limit": "x"}, {"limit": "0"}, {"license_status": "bad", "q": "ab"}])
def test_search_bad_parameters(admin: httpx.Client, params: dict[str, str]) -> None:
    assert admin.get("/providers/search/", params=params).status_code == 400


def test_search_short_query_is_empty(admin: httpx.Client) -> None:
    assert admin.get("/providers/search/", params={"q": "a"}).json() == []


def test_twenty_megabyte_upload_is_413(anon: httpx.Client) -> None:
    account = register_provider(anon)
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    answer = anon.patch("/auth/provider/profile/", headers={"Authorization": f"Bearer {account['access']}"},
                        files={"license_document": ("big.pdf", big, "application/pdf")})
    assert answer.status_code == 413
    assert set(answer.json()) == {"detail"}


def test_text_file_renamed_pdf_is_refused(anon: httpx.Client) -> None:
    account = register_provider(anon)
    answer = anon.patch("/auth/provider/profile/", headers={"Authorization": f"Bearer {account['access']}"},
                        files={"license_document": ("license.pdf", b"just some text", "application/pdf")})
    assert answer.status_code == 400
    assert answer.json()["license_document"] == ["The license document must be a PDF, PNG or JPEG file."]


def test_unknown_ids_are_404(admin: httpx.Client) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for path in (f"/providers/{unknown}/", f"/providers/hospital/{unknown}/", f"/hospitals/{unknown}/",
                 f"/providers/{unknown}/audit/", f"/providers/{unknown}/license/document/", "/providers/nope/"):
        answer = admin.get(path)
        assert answer.status_code == 404, path
        assert set(answer.json()) == {"detail"}


def test_method_not_allowed_is_405(admin: httpx.Client) -> None:
    answer = admin.delete("/providers/search/")
    assert answer.status_code == 405
    assert set(answer.json()) == {"detail"}


def test_admin_update_of_duplicate_license(admin: httpx.Client) -> None:
    first, second = create_provider(admin), create_provider(admin)
    answer = admin.patch(f"/providers/{second['id']}/", json={"license_number": first["license_number"].lower()})
    assert answer.status_code == 400
    assert answer.json()["license_number"] == ["A provider with this license number already exists"]
    same = admin.patch(f"/providers/{second['id']}/", json={"license_number": second["license_number"].lower()})
    assert same.status_code == 200, "changing only the case of its own number is no duplicate"


def _nested(kind: str, depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth if kind == "objects" else b"[" * depth + b"]" * depth


def _new_output(live_server: LiveServer, before: int) -> str:
    time.sleep(0.3)  # the server's output reaches us through a pipe and a thread
    return "".join(live_server.output[before:])


@pytest.mark.parametrize("kind", ["objects", "lists"])
@pytest.mark.parametrize("depth", [100, 5000])
def test_deeply_nested_json_is_400_at_login(live_server: LiveServer, anon: httpx.Client, kind: str,
                                            depth: int) -> None:
    before = len(live_server.output)
    answer = anon.post("/auth/login/", content=_nested(kind, depth), headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()
    assert "Traceback" not in _new_output(live_server, before)


@pytest.mark.parametrize("kind", ["objects", "lists"])
def test_deeply_nested_json_is_400_at_a_directory_endpoint(live_server: LiveServer, anon: httpx.Client,
                                                           kind: str) -> None:
    account = register_provider(anon)
    before = len(live_server.output)
    answer = anon.patch("/auth/provider/profile/", content=_nested(kind, 5000),
                        headers={"Content-Type": "application/json", "Authorization": f"Bearer {account['access']}"})
    assert answer.status_code == 400, answer.text
    assert answer.json()
    assert "Traceback" not in _new_output(live_server, before)
