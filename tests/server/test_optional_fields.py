"""An empty optional field means "not given", for numbers as for text (docs/api.md, Conventions)."""
from __future__ import annotations

import httpx
import pytest

from tests.helpers.factories import provider_fields, registration_fields
from tests.helpers.live_server import LiveServer

BLANKS = ("", "  ", None)


@pytest.mark.parametrize("blank", BLANKS)
def test_registration_takes_blank_optional_numbers(anon: httpx.Client, blank: str | None) -> None:
    answer = anon.post("/auth/provider/register/", json=registration_fields(
        years_of_experience=blank, consultation_fee=blank, phone_number="", specialization=""))
    assert answer.status_code == 201, answer.text
    profile = answer.json()["profile"]
    assert (profile["years_of_experience"], profile["consultation_fee"]) == (0, "0.00")


@pytest.mark.parametrize("blank", BLANKS)
def test_profile_update_takes_blank_optional_numbers(live_server: LiveServer, anon: httpx.Client,
                                                     blank: str | None) -> None:
    account = anon.post("/auth/provider/register/", json=registration_fields(
        years_of_experience=7, consultation_fee="95.50")).json()
    with live_server.client(account["access"]) as own:
        answer = own.patch("/auth/provider/profile/", json={"years_of_experience": blank, "consultation_fee": blank})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["years_of_experience"], answer.json()["consultation_fee"]) == (0, "0.00")


def test_admin_create_takes_blank_optional_numbers(admin: httpx.Client) -> None:
    answer = admin.post("/providers/", json=provider_fields(years_of_experience="", consultation_fee=""))
    assert answer.status_code == 201, answer.text


def test_a_number_that_is_not_one_is_still_refused(anon: httpx.Client) -> None:
    answer = anon.post("/auth/provider/register/", json=registration_fields(years_of_experience="seven",
                                                                            consultation_fee="a lot"))
    assert answer.status_code == 400
    assert set(answer.json()) >= {"years_of_experience", "consultation_fee"}
