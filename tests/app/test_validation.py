"""Client-side validation says what the server says, in the seed's words."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.validation import (
    PASSWORD_COMMON,
    REGISTRATION_STEPS,
    field_error,
    form_errors,
    password_change_errors,
    password_strength,
    registration_errors,
)
from tests.helpers.factories import register_provider, registration_fields, unique
from tests.helpers.live_server import LiveServer

CASES: list[tuple[str, Any]] = [
    ("first_name", ""), ("first_name", "A"), ("first_name", "x" * 101), ("last_name", " "),
    ("email", "not-an-email"), ("email", "a@b"), ("email", ""), ("phone_number", "12"),
    ("phone_number", "+1 555 CALL"), ("phone_number", "(281) 481-43"), ("phone_number", "+1 281 481 43"),
    ("organization_facility", "o" * 201), ("specialization", "s" * 101),
    ("license_number", ""), ("license_number", "L" * 51), ("additional_information", "a" * 1001),
    ("password", ""), ("password", "short"), ("password_confirm", ""), ("password_confirm", "different-one"),
    ("professional_title", ""), ("professional_title", "Sir"), ("professional_role", ""),
]


@pytest.mark.parametrize(("field", "value"), CASES)
def test_client_and_server_agree(anon: httpx.Client, field: str, value: Any) -> None:
    form = registration_fields(**{field: value})
    local = field_error(field, value, form)
    assert local, f"{field}={value!r} passes locally"
    answer = anon.post("/auth/provider/register/", json=form)
    assert answer.status_code == 400
    assert answer.json()[field][0] == local


def test_a_valid_form_passes_both(anon: httpx.Client) -> None:
    form = registration_fields()
    assert registration_errors(form) == {}
    assert anon.post("/auth/provider/register/", json=form).status_code == 201


def test_the_six_steps_in_the_seeds_order() -> None:
    assert [title for title, _, _ in REGISTRATION_STEPS] == [
        "Personal Information", "Contact Information", "Account Security", "Professional Details",
        "License Verification", "Additional Information"]
    assert REGISTRATION_STEPS[2][2] == ("username", "password", "password_confirm")


def test_optional_fields_may_be_empty() -> None:
    assert form_errors({"phone_number": "", "specialization": "", "username": "", "bio": ""}) == {}
    assert field_error("consultation_fee", "12.345") is not None
    assert field_error("consultation_fee", "12.34") is None
    assert field_error("years_of_experience", "-1") is not None


@pytest.mark.parametrize(
    ("password", "at_most", "at_least"),
    [("abc", 0, 0), ("password", 0, 0), ("12345678901", 1, 0), ("adalovelace9", 1, 0),
     ("Quiet-River-2049", 4, 3), ("lowercaseonlybutverylongpassphrase", 3, 2)],
)
def test_password_strength(password: str, at_most: int, at_least: int) -> None:
    strength = password_strength(password, user={"first_name": "Ada", "last_name": "Lovelace",
                                                 "email": "ada@example.org"})
    assert at_least <= strength.score <= at_most
    assert strength.reason
    assert strength.label


def _person() -> dict[str, Any]:
    tag = unique()
    return registration_fields(first_name="Marguerite", last_name=f"Okonkwo{tag}",
                               email=f"marguerite.okonkwo{tag}@ex.org")


PASSWORDS = ["password1", "12345678", "Quiet-River-2049", "{local}", "{local}!", "marguerite1", "Marguerite-77",
             "{last}", "84736251904", "iloveyou2", "Password123", "short7", "letmein!", "TangerineDusk#58"]


@pytest.mark.parametrize("template", PASSWORDS)
def test_the_password_verdict_is_the_servers(anon: httpx.Client, template: str) -> None:
    """A password the wizard accepts is one the server accepts, and one it refuses the server refuses."""
    form = _person()
    password = template.format(local=form["email"].split("@")[0], last=form["last_name"])
    form.update(password=password, password_confirm=password)
    local = field_error("password", password, form)
    answer = anon.post("/auth/provider/register/", json=form)
    assert answer.status_code in (201, 400), answer.text
    assert (local is None) == (answer.status_code == 201), (password, local, answer.text)
    if local is not None:
        assert local in answer.json()["password"]
        assert password_strength(password, user=form).score == 0


@pytest.mark.parametrize("password", ["password1", "12345678", "{username}", "{email}", "Quiet-River-2049"])
def test_the_password_change_verdict_is_the_servers(live_server: LiveServer, password: str) -> None:
    """The Change password dialog's rules (password_change_errors) refuse what the server refuses."""
    with live_server.client() as anon:
        account = register_provider(anon)
    user = account["user"]
    new = password.format(**user)
    form = {"old_password": account["password"], "new_password": new, "new_password_confirm": new}
    local = password_change_errors(form, user)
    with live_server.client(account["access"]) as client:
        answer = client.post("/auth/password/change/", json=form)
    assert answer.status_code in (200, 204, 400), answer.text
    assert (local == {}) == (answer.status_code != 400), (new, local, answer.text)


def test_the_common_list_is_djangos_whole_list() -> None:
    assert field_error("password", "iloveyou2", {}) == PASSWORD_COMMON
    assert field_error("password", "zxcvbnm123", {}) == PASSWORD_COMMON  # not in the old short list
    assert field_error("password", "Quiet-River-2049", {}) is None
