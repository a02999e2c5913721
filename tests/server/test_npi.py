"""The NPI on a provider: checked with the contract's words, unique, optional, a public field (docs/api.md, "NPI")."""
from __future__ import annotations

import httpx
import pytest

from contract.validation import NPI_CHECK_DIGIT, NPI_DIGITS, NPI_UNIQUE
from tests.helpers.factories import create_provider, provider_fields, registration_fields, unique_npi
from tests.helpers.live_server import LiveServer

WIDE = "".join(chr(0xFF10 + int(d)) for d in "1234567893")  # full-width digits: str.isdigit() takes them
REFUSED = {"1093791627": NPI_CHECK_DIGIT, "109379162": NPI_DIGITS, "10937916270": NPI_DIGITS,
           "10937916A7": NPI_DIGITS, WIDE: NPI_DIGITS,
           "123-456-789": NPI_DIGITS}


@pytest.mark.parametrize(("npi", "words"), REFUSED.items())
def test_registration_refuses_a_wrong_npi_with_the_contracts_words(anon: httpx.Client, npi: str, words: str) -> None:
    answer = anon.post("/auth/provider/register/", json=registration_fields(npi=npi))
    assert answer.status_code == 400
    assert answer.json() == {"npi": [words]}


def test_registration_keeps_a_valid_npi_trimmed(anon: httpx.Client) -> None:
    npi = unique_npi()
    answer = anon.post("/auth/provider/register/", json=registration_fields(npi=f" {npi} "))
    assert answer.status_code == 201, answer.text
    assert answer.json()["profile"]["npi"] == npi


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_an_empty_npi_is_not_given_and_many_providers_lack_one(admin: httpx.Client, blank: str | None) -> None:
    first = create_provider(admin, npi=blank)
    second = create_provider(admin, npi=blank)
    assert first["npi"] is second["npi"] is None
    assert admin.get(f"/providers/{first['id']}/").json()["npi"] is None


def test_an_npi_belongs_to_one_provider(admin: httpx.Client, anon: httpx.Client) -> None:
    npi = unique_npi()
    create_provider(admin, npi=npi)
    for answer in (admin.post("/providers/", json=provider_fields(npi=npi)),
                   anon.post("/auth/provider/register/", json=registration_fields(npi=npi))):
        assert answer.status_code == 400
        assert answer.json() == {"npi": [NPI_UNIQUE]}
    other = create_provider(admin)
    taken = admin.patch(f"/providers/{other['id']}/", json={"npi": npi})
    assert (taken.status_code, taken.json()) == (400, {"npi": [NPI_UNIQUE]})


def test_admin_sets_changes_and_clears_an_npi_audited(admin: httpx.Client) -> None:
    made = create_provider(admin)
    npi = unique_npi()
    changed = admin.patch(f"/providers/{made['id']}/", json={"npi": npi})
    assert (changed.status_code, changed.json()["npi"]) == (200, npi)
    again = admin.patch(f"/providers/{made['id']}/", json={"npi": npi})  # its own number is no clash
    assert again.status_code == 200
    cleared = admin.patch(f"/providers/{made['id']}/", json={"npi": ""})
    assert cleared.json()["npi"] is None
    trail = admin.get(f"/providers/{made['id']}/audit/").json()
    assert sum("npi" in event["fields"] for event in trail) == 2
    wrong = admin.patch(f"/providers/{made['id']}/", json={"npi": "1093791627"})
    assert (wrong.status_code, wrong.json()) == (400, {"npi": [NPI_CHECK_DIGIT]})


def test_a_provider_sets_its_own_npi_on_its_profile(live_server: LiveServer, anon: httpx.Client) -> None:
    account = anon.post("/auth/provider/register/", json=registration_fields()).json()
    assert account["profile"]["npi"] is None
    npi = unique_npi()
    with live_server.client(account["access"]) as own:
        answer = own.patch("/auth/provider/profile/", json={"npi": npi})
        assert (answer.status_code, answer.json()["npi"]) == (200, npi)
        assert own.get("/auth/provider/profile/").json()["npi"] == npi
        wrong = own.patch("/auth/provider/profile/", json={"npi": "12345678a3"})
    assert (wrong.status_code, wrong.json()) == (400, {"npi": [NPI_DIGITS]})


def test_the_npi_is_in_the_feed_and_the_snapshot(admin: httpx.Client) -> None:
    npi = unique_npi()
    made = create_provider(admin, npi=npi)
    changes = admin.get("/providers/changes/", params={"limit": 5000})
    found = [item for item in changes.json()["results"] if item["id"] == made["id"]]
    assert [item["npi"] for item in found] == [npi]
    lines = admin.get("/providers/snapshot/").text.splitlines()
    fields = httpx.Response(200, content=lines[0]).json()["fields"]
    rows = [httpx.Response(200, content=line).json() for line in lines[1:-1]]
    mine = [row for row in rows if row[fields.index("id")] == made["id"]]
    assert mine[0][fields.index("npi")] == npi
