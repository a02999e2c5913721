"""The API's vocabulary is declared once (contract/): the desktop reads those very objects, and the server
offers, accepts and answers with the same values and words."""
from __future__ import annotations

import httpx
import pytest

import app.validation
import contract.validation
from app.api import models
from contract.choices import (
    Choice,
    Decision,
    LicenseStatus,
    NotificationLevel,
    ProfessionalRole,
    ProfessionalTitle,
    Role,
    choices,
    values,
)
from tests.helpers.live_server import LiveServer

SHARED_WORDS = ("REQUIRED", "MAX_LENGTH", "MIN_LENGTH", "EMAIL_INVALID", "PASSWORD_LENGTH", "PASSWORD_MATCH",
                "PHONE_FORMAT", "LICENSE_UNIQUE", "NPI_UNIQUE", "phone_is_valid", "npi_error")
# each list as the server's OpenAPI document names it (drf-spectacular: after the field)
SCHEMA_ENUMS = {"ProfessionalTitleEnum": ProfessionalTitle, "ProfessionalRoleEnum": ProfessionalRole,
                "LicenseStatusEnum": LicenseStatus, "RoleEnum": Role, "DecisionEnum": Decision,
                "LevelEnum": NotificationLevel}


@pytest.mark.parametrize("name", SHARED_WORDS)
def test_the_desktop_checks_with_the_contracts_words(name: str) -> None:
    assert getattr(app.validation, name) is getattr(contract.validation, name)


@pytest.mark.parametrize("kind", [ProfessionalTitle, ProfessionalRole, LicenseStatus, Role, Decision])
def test_the_desktop_models_read_the_contracts_choices(kind: type[Choice]) -> None:
    assert getattr(models, kind.__name__) is kind


def test_the_desktop_labels_titles_as_the_contract_does() -> None:
    assert dict(choices(ProfessionalTitle)) == models.TITLE_LABELS
    assert models.TITLE_LABELS["Dr."] == "Dr. (Doctor)"
    assert models.TITLE_LABELS["Mr."] == "Mr."


def test_a_choice_is_its_value_with_a_label() -> None:
    assert LicenseStatus("pending_verification") is LicenseStatus.PENDING
    assert LicenseStatus.PENDING == "pending_verification"
    assert f"{LicenseStatus.PENDING}" == "pending_verification"
    assert LicenseStatus.PENDING.label == "Pending verification"
    assert ProfessionalRole.OTHER.label == "Other"
    assert values(Decision) == (LicenseStatus.VERIFIED, LicenseStatus.REJECTED)
    assert [role.is_staff for role in Role] == [False, True, True]


def test_the_server_offers_the_contracts_choices(live_server: LiveServer) -> None:
    document = httpx.get(f"{live_server.url}/api/schema/?format=json").json()
    found = {name: document["components"]["schemas"][name]["enum"] for name in SCHEMA_ENUMS}
    assert found == {name: list(values(kind)) for name, kind in SCHEMA_ENUMS.items()}


def test_the_server_refuses_what_the_contract_does_not_list(admin: httpx.Client) -> None:
    answer = admin.get("/providers/", params={"professional_title": "Sir"})
    assert answer.status_code == 400
    assert "professional_title" in answer.json()
    for title in ProfessionalTitle:
        assert admin.get("/providers/", params={"professional_title": title.value}).status_code == 200


# the issue's vectors: 1003906470's sum ends in 0, where `10 - total % 10` would give 10
NPI_VECTORS = {"1234567893": None, "1003906470": None, "1093791627": contract.validation.NPI_CHECK_DIGIT,
               "123456789": contract.validation.NPI_DIGITS, "12345678931": contract.validation.NPI_DIGITS,
               "12345678a3": contract.validation.NPI_DIGITS,
               "".join(chr(0xFF10 + int(d)) for d in "1234567893"): contract.validation.NPI_DIGITS,
               "": contract.validation.NPI_DIGITS}


@pytest.mark.parametrize(("npi", "words"), NPI_VECTORS.items())
def test_an_npi_is_ten_digits_with_the_luhn_check_over_80840(npi: str, words: str | None) -> None:
    assert contract.validation.npi_error(npi) == words


def test_the_npi_check_digit_is_the_luhn_digit_of_the_prefixed_number() -> None:
    assert contract.validation.npi_check_digit("123456789") == 3
    assert contract.validation.npi_check_digit("100390647") == 0
    for first_nine in ("100000000", "199999999", "287654321", "123456780"):
        digits = [int(c) for c in f"80840{first_nine}{contract.validation.npi_check_digit(first_nine)}"]
        # the textbook Luhn sum over the whole prefixed number ends in 0
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(reversed(digits)))
        assert total % 10 == 0
