"""Client-side validation says what the server says, in the seed's words."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.transfer.roster_file import COLUMNS, read_roster
from app.transfer.roster_preview import preview
from app.validation import (
    PASSWORD_COMMON,
    REGISTRATION_STEPS,
    field_error,
    form_errors,
    password_change_errors,
    password_strength,
    registration_errors,
)
from contract.validation import MULTI_LINE_FIELDS, NPI_CHECK_DIGIT, NPI_DIGITS, ONE_LINE_FIELDS
from tests.helpers.factories import provider_fields, register_provider, registration_fields, unique
from tests.helpers.live_server import LiveServer

CASES: list[tuple[str, Any]] = [
    ("first_name", ""), ("first_name", "A"), ("first_name", "x" * 101), ("last_name", " "),
    ("email", "not-an-email"), ("email", "a@b"), ("email", ""), ("phone_number", "12"),
    ("phone_number", "+1 555 CALL"), ("phone_number", "(281) 481-43"), ("phone_number", "+1 281 481 43"),
    ("organization_facility", "o" * 201), ("specialization", "s" * 101),
    ("license_number", ""), ("license_number", "L" * 51), ("additional_information", "a" * 1001),
    ("password", ""), ("password", "short"), ("password_confirm", ""), ("password_confirm", "different-one"),
    ("professional_title", ""), ("professional_title", "Sir"), ("professional_role", ""),
    ("npi", "1093791627"), ("npi", "10937916A7"), ("npi", "123456789"), ("npi", " 12345678931 "),
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
    assert form_errors({"phone_number": "", "specialization": "", "username": "", "bio": "", "npi": " "}) == {}
    assert field_error("npi", " 1003906470 ") is None
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


# characters that reorder or hide a name where it is shown (tests/server/test_text_characters.py
# sends them through every write of the server)
HIDDEN = {"\u202e": "U+202E (right-to-left override)", "\u2066": "U+2066 (left-to-right isolate)",
          "\u200b": "U+200B (zero width space)", "\x07": "U+0007", "\x1b": "U+001B", "\x7f": "U+007F",
          "\x85": "U+0085", "\x9b": "U+009B", "\ufeff": "U+FEFF (zero width no-break space)"}


@pytest.mark.parametrize("char", HIDDEN)
@pytest.mark.parametrize("field", [*ONE_LINE_FIELDS, *MULTI_LINE_FIELDS])
def test_a_hidden_character_is_refused_naming_the_field_and_the_character(field: str, char: str) -> None:
    label = ONE_LINE_FIELDS.get(field) or MULTI_LINE_FIELDS[field]
    message = field_error(field, f"Ada{char}Lovelace", {})
    if char == "\x85" and field in ONE_LINE_FIELDS:  # NEL, the C1 control that breaks a line
        assert message == f"{label} cannot contain a line break"
    else:
        assert message == f"{label} cannot contain the invisible character {HIDDEN[char]}"


def test_one_line_fields_refuse_line_breaks_and_tabs_that_long_texts_keep() -> None:
    for char in ("\n", "\r", "\u2028"):
        assert field_error("last_name", f"Love{char}lace", {}) == "Last name cannot contain a line break"
        assert field_error("organization_facility", f"St{char}Mary", {}) == \
            "Organization/Facility cannot contain a line break"
    assert field_error("license_number", "MD\t123", {}) == "License number cannot contain a tab"
    assert form_errors({"bio": "One.\r\n\nTwo.", "additional_information": "Hours:\tMon\nFri"}) == {}
    assert field_error("bio", "One\u2029Two", {}) == "Biography cannot contain the invisible character U+2029 " \
                                                    "(paragraph separator)"
    assert field_error("last_name", "Lovelace\n", {}) is None, "trimmed at the ends, as the server trims"


def test_the_joiners_scripts_spell_with_are_kept() -> None:
    assert field_error("last_name", "\u0646\u06cc\u06a9\u200c\u0646\u0627\u0645", {}) is None  # Persian, ZWNJ
    assert field_error("first_name", "\u0915\u094d\u200d\u0937", {}) is None  # Devanagari, ZWJ
    assert field_error("first_name", "\u00c7elik \u015eahin", {}) is None


def test_a_roster_row_holding_one_is_refused_in_the_same_words(tmp_path: Path) -> None:
    """The roster import checks each row with the desktop's rules before anything is sent."""
    chars = [*HIDDEN, "\n"]
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for char in chars:
            writer.writerow(provider_fields(first_name=f"Ada{char}Mary", bio="Line one\nLine two"))
    rows = preview(read_roster(path), known_licenses=set(), known_emails=set(), known_name_orgs=set())
    assert [[problem.text for problem in row.problems] for row in rows] == [
        [field_error("first_name", f"Ada{char}Mary", {})] for char in chars]
    assert all("First name cannot contain" in row.problems[0].text for row in rows)
    assert not any(row.ok for row in rows)


def test_a_roster_checks_npis_and_finds_one_twice_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for npi in ("1234567893", "1093791627", "12345678a3", "", "1234567893"):
            writer.writerow(provider_fields(npi=npi))
    rows = preview(read_roster(path), known_licenses=set(), known_emails=set(), known_name_orgs=set())
    assert [[problem.text for problem in row.problems] for row in rows] == [
        [], [NPI_CHECK_DIGIT], [NPI_DIGITS], [], ["The same NPI is already on row 2 of this file"]]
    assert rows[0].fields["npi"] == "1234567893"
    assert "npi" not in rows[3].fields, "an empty NPI is not sent"
