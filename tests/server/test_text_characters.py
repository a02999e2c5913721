"""Control and direction characters are refused in every text field of every provider write, in the
words the desktop shows (contract/validation.py, read by app/validation.py); what scripts need is kept."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from app.validation import field_error
from contract.validation import MULTI_LINE_FIELDS, ONE_LINE_FIELDS
from tests.helpers.factories import create_provider, provider_fields, register_provider, registration_fields, unique
from tests.helpers.live_server import LiveServer, SignIns

pytestmark = pytest.mark.shared_sign_in  # own_provider keeps its sign-in for the module

# each character the attack stored, and two the null character's rule already caught
CHARACTERS = {
    "right-to-left override": "\u202e", "left-to-right isolate": "\u2066", "zero-width space": "\u200b",
    "bell": "\x07", "escape": "\x1b", "delete": "\x7f", "C1 control sequence introducer": "\x9b",
    "newline": "\n", "carriage return": "\r", "line separator": "\u2028", "byte order mark": "\ufeff",
    "null": "\x00",
}
MULTI_LINE_BREAKS = "\n\r"  # a biography may hold line breaks: nothing to say about them there


def valid_text(tag: str = "") -> dict[str, str]:
    """A valid value for every text field of a provider write, each long enough to hide a character in."""
    tag = tag or unique()
    return {"first_name": "Rosalind", "last_name": f"Franklin{tag}", "email": f"rosalind.{tag}@example.org",
            "phone_number": "+44 20 7946 0958", "organization_facility": "King's College Hospital",
            "specialization": "Radiology", "license_number": f"GMC-{tag}", "username": f"rfranklin{tag}",
            "additional_information": "Available on weekdays", "bio": "Crystallographer and physician",
            "hospital_clinic": "Royal Free Hospital", "address": "12 Harley Street"}


# a provider's text fields (an account's username, a decision's note and an appointment's are checked apart)
PROVIDER_TEXT = [name for name in (*ONE_LINE_FIELDS, *MULTI_LINE_FIELDS)
                 if name in valid_text("-") and name != "username"]


def spoiled(values: dict[str, str], names: list[str], char: str) -> dict[str, str]:
    """`values` with `char` inside each of `names` (not at an end, where it would be trimmed)."""
    return {name: values[name][:3] + char + values[name][3:] for name in names}


def assert_refused_in_the_desktops_words(answer: httpx.Response, sent: dict[str, str], char: str) -> None:
    assert answer.status_code == 400, answer.text
    errors = answer.json()
    for name, value in sent.items():
        expected = field_error(name, value, sent)
        if name in MULTI_LINE_FIELDS and char in MULTI_LINE_BREAKS:
            assert expected is None
            assert name not in errors
            continue
        assert expected is not None, f"the desktop lets {value!r} through in {name}"
        assert "cannot contain" in expected
        assert errors.get(name, [None])[0] == expected, name


@pytest.fixture(scope="module")
def own_provider(live_server: LiveServer) -> dict[str, Any]:
    """A registered provider of this module: its sign-in (renewed: the module may outlive a token) and profile."""
    with live_server.client() as anon:
        registered = register_provider(anon)
    sign_ins = SignIns(live_server, {})
    sign_ins.add("own", registered["user"]["email"], registered["password"])
    return {"sign_ins": sign_ins, "profile": registered["profile"]}


@pytest.mark.parametrize("char", CHARACTERS.values(), ids=CHARACTERS.keys())
def test_registration_refuses_them(anon: httpx.Client, char: str) -> None:
    names = [*PROVIDER_TEXT, "username"]
    sent = spoiled(valid_text(), names, char)
    assert_refused_in_the_desktops_words(anon.post("/auth/provider/register/", json=registration_fields(**sent)),
                                         sent, char)


@pytest.mark.parametrize("char", CHARACTERS.values(), ids=CHARACTERS.keys())
def test_profile_patch_refuses_them(live_server: LiveServer, own_provider: dict[str, Any], char: str) -> None:
    sent = spoiled(valid_text(), PROVIDER_TEXT, char)
    with own_provider["sign_ins"].client("own") as client:
        assert_refused_in_the_desktops_words(client.patch("/auth/provider/profile/", json=sent), sent, char)
        stored = client.get("/auth/provider/profile/").json()
    assert stored["first_name"] == own_provider["profile"]["first_name"], "nothing was stored"


@pytest.mark.parametrize("char", CHARACTERS.values(), ids=CHARACTERS.keys())
def test_admin_create_refuses_them(admin: httpx.Client, char: str) -> None:
    tag = unique()
    sent = spoiled(valid_text(tag), PROVIDER_TEXT, char)
    assert_refused_in_the_desktops_words(admin.post("/providers/", json=provider_fields(**sent)), sent, char)
    assert admin.get("/providers/", params={"search": tag}).json()["count"] == 0, "nothing was stored"


@pytest.mark.parametrize("char", CHARACTERS.values(), ids=CHARACTERS.keys())
def test_admin_patch_refuses_them(admin: httpx.Client, char: str) -> None:
    created = create_provider(admin)
    sent = spoiled(valid_text(), PROVIDER_TEXT, char)
    assert_refused_in_the_desktops_words(admin.patch(f"/providers/{created['id']}/", json=sent), sent, char)
    assert admin.get(f"/providers/{created['id']}/").json()["last_name"] == created["last_name"]


WRITES: dict[str, Callable[[httpx.Client, httpx.Client, dict[str, Any]], dict[str, Any]]] = {
    "registration": lambda anon, admin, text: register_provider(anon, **text)["profile"],
    "admin create": lambda anon, admin, text: create_provider(admin, **text),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_joiners_and_the_lines_of_a_long_text_are_stored_as_sent(
    anon: httpx.Client, admin: httpx.Client, write: Callable[..., dict[str, Any]]
) -> None:
    """Persian spells with the zero-width non-joiner, Indic scripts with the joiner; a biography
    keeps its paragraphs, and additional information its lines and tabs."""
    text = {"first_name": "\u0646\u06cc\u06a9\u200c\u0646\u0627\u0645", "last_name": f"\u0915\u094d\u200d{unique()}",
            "bio": "First paragraph.\n\nSecond one,\r\nwith a Windows line end.",
            "additional_information": "Hours:\tMon\u2013Fri\nNights: no"}
    assert {name: field_error(name, value) for name, value in text.items()} == dict.fromkeys(text)
    created = write(anon, admin, text)
    stored = admin.get(f"/providers/{created['id']}/").json()
    assert {name: stored[name] for name in text} == text


@pytest.mark.parametrize("char", ["\u202e", "\x1b", "\u200b"], ids=["RLO", "ESC", "ZWSP"])
def test_a_rejection_note_refuses_them_in_the_desktops_words(admin: httpx.Client, officer: httpx.Client,
                                                              char: str) -> None:
    """The note a provider reads of a rejected license: line breaks kept, invisible characters refused."""
    target = create_provider(admin)
    note = "The scan\nis blurred" + char + " at the seal."
    answer = officer.post(f"/providers/{target['id']}/license/decision/", json={"decision": "rejected", "note": note})
    assert answer.status_code == 400, answer.text
    assert answer.json()["note"] == [field_error("note", note)]
    kept = officer.post(f"/providers/{target['id']}/license/decision/",
                        json={"decision": "rejected", "note": "The scan\nis blurred."})
    assert kept.status_code == 200, kept.text
