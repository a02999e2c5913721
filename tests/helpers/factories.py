"""Unique test data for providers and registrations, created through the real API."""
from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from contract.validation import npi_check_digit

_counter = itertools.count(1)


def unique() -> str:
    return f"{next(_counter)}{uuid.uuid4().hex[:8]}"


_published_days = itertools.count(1)
LEIE_HEADER = ("LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,"
               "EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE")


def later_published() -> str:
    """A publication date later than that of every reference file loaded before in this test run: the
    server refuses an older file, and tests that load one run in any order on the shared server."""
    return (date(2400, 1, 1) + timedelta(days=next(_published_days))).isoformat()


def leie_line(last: str = "", first: str = "", npi: str = "0000000000", state: str = "CA",
              reinstated: str = "00000000", business: str = "") -> str:
    """A line of the OIG's LEIE (UPDATED.csv) for a person excluded in 2020."""
    return (f"{last},{first},,{business},INDIVIDUAL,PHYSICIAN,,{npi},19700101,1 MAIN ST,SPRINGFIELD,{state},"
            f"90001,1128a1,20200101,{reinstated},00000000,")


def leie_file(*lines: str) -> bytes:
    """An LEIE file of `lines` with the real header, as the OIG writes it (CRLF)."""
    return "\r\n".join((LEIE_HEADER, *lines, "")).encode()


def leie_upload(client: httpx.Client, content: bytes, *, when: str | None = None,
                name: str = "UPDATED.csv") -> httpx.Response:
    """A credentialing officer's upload of an LEIE file (`when`: its publication date; default a later one)."""
    return client.post("/screening/files/leie/", files={"file": (name, content, "text/csv")},
                       data={"published": when or later_published()})


def screened(officer: httpx.Client) -> None:
    """A monitoring run now, so that every provider there is has a screening: Verify needs one at most 120 days
    old that covered the provider (docs/api.md, "Recredentialing and the screening's age")."""
    officer.post("/screening/runs/").raise_for_status()


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


def bookable(officer: httpx.Client, provider_id: str) -> str:
    """`provider_id`, its license verified (until 2099) if another test sent it back to pending (an upload
    does): only credentialed providers can be booked (docs/api.md, "Appointments")."""
    if officer.get(f"/providers/{provider_id}/").json().get("license_status") != "verified":
        screened(officer)  # Verify needs a recent screening that covered the provider
        answer = officer.post(f"/providers/{provider_id}/license/decision/",
                              json={"decision": "verified", "license_expiry_date": "2099-01-01"})
        assert answer.status_code == 200, answer.text
    return provider_id


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
