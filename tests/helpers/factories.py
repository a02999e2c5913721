"""Unique test data for providers and registrations, created through the real API."""
from __future__ import annotations

import itertools
import uuid
from typing import Any

import httpx

from contract.validation import npi_check_digit

_counter = itertools.count(1)


def unique() -> str:
    return f"{next(_counter)}{uuid.uuid4().hex[:8]}"


def unique_npi() -> str:
    """A valid NPI no other test draws (9 random digits after a 2: the demo's start with 1)."""
    first_nine = f"2{uuid.uuid4().int % 10 ** 8:08d}"
    return f"{first_nine}{npi_check_digit(first_nine)}"


def provider_fields(**overrides: Any) -> dict[str, Any]:
    """Valid provider fields (as a facility administrator sends them), unique email and license."""
    tag = unique()
    fields: dict[str, Any] = {
        "professional_title": "Dr.",
        "first_name": "Test",
        "last_name": f"Provider{tag}",
        "email": f"test.{tag}@example.org",
        "phone_number": "+1 555 010 2030",
        "organization_facility": "Test General Hospital",
        "professional_role": "Physician",
        "specialization": "Cardiology",
        "license_number": f"TST-{tag}",
        "additional_information": "",
        "years_of_experience": 5,
        "consultation_fee": "120.00",
        "bio": "",
    }
    fields.update(overrides)
    return fields


def registration_fields(**overrides: Any) -> dict[str, Any]:
    """The seed's registration form, filled in validly."""
    fields = provider_fields()
    fields.update(username="", password="Quiet-River-2049", password_confirm="Quiet-River-2049")
    fields.update(overrides)
    return fields


def create_provider(admin: httpx.Client, **overrides: Any) -> dict[str, Any]:
    answer = admin.post("/providers/", json=provider_fields(**overrides))
    assert answer.status_code == 201, answer.text
    return answer.json()


def register_provider(anon: httpx.Client, **overrides: Any) -> dict[str, Any]:
    """Register a provider account; the answer has user, profile, access and refresh."""
    fields = registration_fields(**overrides)
    answer = anon.post("/auth/provider/register/", json=fields)
    assert answer.status_code == 201, answer.text
    return {**answer.json(), "password": fields["password"]}


def all_ids(client: httpx.Client, path: str, **params: Any) -> list[str]:
    """The ids of every item of a paginated list (`/providers/`, `/credentialing/queue/`), in order."""
    ids, page = [], 1
    while True:
        answer = client.get(path, params={**params, "page": page, "page_size": 500})
        answer.raise_for_status()
        body = answer.json()
        ids += [item["id"] for item in body["results"]]
        if not body["next"]:
            return ids
        page += 1
