"""Client-side validation says what the server says, in the seed's words."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.validation import (
    REGISTRATION_STEPS,
    field_error,
    form_errors,
    password_strength,
    registration_errors,
)
from tests.helpers.factories import registration_fields

CASES: list[tuple[str, Any]] = [
    ("first_name", ""), ("first_name", "A"), ("first_name", "x" * 101), ("last_name", " "),
    ("email", "not-an-email"), ("email", "a@b"), ("email", ""), ("phone_number", "12"),
    ("phone_number", "+1 555 CALL"), ("organization_facility", "o" * 201), ("specialization", "s" * 101),
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
    strength = password_strength(password, personal=("Ada", "Lovelace", "ada@example.org"))
    assert at_least <= strength.score <= at_most
    assert strength.reason
    assert strength.label
