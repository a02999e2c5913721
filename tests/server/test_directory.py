"""The directory: lists, filters, search, dropdown, hospitals and provider editing."""
from __future__ import annotations

from datetime import date, timedelta

import httpx

from contract.names import sort_name
from tests.helpers.factories import create_provider, register_provider, screened, unique
from tests.helpers.live_server import LiveServer

SUMMARY = {"id", "professional_title", "first_name", "last_name", "full_name", "email", "phone_number",
           "organization_facility", "professional_role", "specialization", "license_number", "license_status",
           "license_expiry_date", "is_active", "updated_at"}
DETAIL = SUMMARY | {"license_verified", "has_license_document", "additional_information", "years_of_experience",
                    "consultation_fee", "bio", "hospitals", "created_at", "license_note", "license_document",
                    "hospital_clinic", "address", "npi"}  # hospital_clinic, address: for the seed backend's clients


def test_list_is_paginated_with_summaries(admin: httpx.Client) -> None:
    answer = admin.get("/providers/", params={"page_size": 7})
    body = answer.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 7
    assert body["count"] >= 60
    assert set(body["results"][0]) == SUMMARY
    names = [sort_name(r["first_name"], r["last_name"]) for r in body["results"]]
    assert names == sorted(names), "the name order (contract/names.py)"
    assert admin.get("/providers/", params={"page_size": 10000}).json()["results"].__len__() <= 500


def test_ordering_and_descending(admin: httpx.Client) -> None:
    rows = admin.get("/providers/", params={"ordering": "-years_of_experience", "page_size": 50}).json()["results"]
    ids = [r["id"] for r in rows]
    details = [admin.get(f"/providers/{pk}/").json()["years_of_experience"] for pk in ids[:10]]
    assert details == sorted(details, reverse=True)


def test_detail_has_every_field_and_an_etag(admin: httpx.Client) -> None:
    created = create_provider(admin, consultation_fee="150")
    answer = admin.get(f"/providers/{created['id']}/")
    assert set(answer.json()) == DETAIL
    assert answer.headers["ETag"].startswith('"')
    assert answer.json()["consultation_fee"] == "150.00"
    assert answer.json()["full_name"] == f"Dr. Test {created['last_name']}"


def test_post_nominal_titles_follow_the_name(admin: httpx.Client) -> None:
    created = create_provider(admin, professional_title="RN", professional_role="Registered Nurse")
    assert created["full_name"] == f"Test {created['last_name']}, RN"


def test_search_prefix_on_every_word_names_first(admin: httpx.Client) -> None:
    tag = unique()
    john = create_provider(admin, first_name="Johnathan", last_name=f"Smithers{tag}")
    create_provider(admin, first_name="Alice", last_name="Other", organization_facility=f"Smithers{tag} Clinic")
    found = admin.get("/providers/search/", params={"q": f"jo smithers{tag}"}).json()
    assert [r["id"] for r in found] == [john["id"]]
    both = admin.get("/providers/search/", params={"q": f"smithers{tag}"}).json()
    assert len(both) == 2
    assert both[0]["id"] == john["id"], "name prefix matches come first"
    listed = admin.get("/providers/", params={"search": f"JOHN SMITHERS{tag}"}).json()
    assert [r["id"] for r in listed["results"]] == [john["id"]]


def test_search_limit_and_filters(admin: httpx.Client) -> None:
    assert len(admin.get("/providers/search/", params={"q": "test", "limit": 3}).json()) <= 3
    nurses = admin.get("/providers/search/", params={"q": "te", "professional_role": "Registered Nurse"}).json()
    assert all(r["professional_role"] == "Registered Nurse" for r in nurses)


def test_filters_narrow_the_list(admin: httpx.Client) -> None:
    for params, check in [
        ({"professional_role": "Physician"}, lambda r: r["professional_role"] == "Physician"),
        ({"professional_title": "RN"}, lambda r: r["professional_title"] == "RN"),
        ({"license_status": "verified"}, lambda r: r["license_status"] == "verified"),
        ({"license_verified": "false"}, lambda r: r["license_status"] != "verified"),
        ({"is_active": "false"}, lambda r: r["is_active"] is False),
    ]:
        rows = admin.get("/providers/", params={**params, "page_size": 100}).json()["results"]
        assert all(check(r) for r in rows), params


def test_deactivated_providers_leave_the_default_list(admin: httpx.Client) -> None:
    created = create_provider(admin)
    assert admin.delete(f"/providers/{created['id']}/").status_code == 204
    detail = admin.get(f"/providers/{created['id']}/").json()
    assert detail["is_active"] is False, "deactivated, never erased"
    search = admin.get("/providers/", params={"search": created["license_number"]}).json()
    assert search["count"] == 0
    inactive = admin.get("/providers/", params={"search": created["license_number"], "is_active": "false"}).json()
    assert inactive["count"] == 1
    dropdown_ids = {r["id"] for r in admin.get("/providers/dropdown/").json()}
    assert created["id"] not in dropdown_ids


def test_dropdown_etag_and_304(admin: httpx.Client) -> None:
    first = admin.get("/providers/dropdown/")
    assert set(first.json()[0]) == {"id", "full_name", "specialization", "organization_facility"}
    etag = first.headers["ETag"]
    assert admin.get("/providers/dropdown/", headers={"If-None-Match": etag}).status_code == 304
    create_provider(admin)
    changed = admin.get("/providers/dropdown/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_hospitals_and_their_providers(admin: httpx.Client) -> None:
    hospitals = admin.get("/hospitals/").json()
    assert hospitals["count"] >= 1
    hospital = hospitals["results"][0]
    assert set(hospital) == {"id", "name", "city", "provider_count"}
    created = create_provider(admin, hospitals=[hospital["id"]])
    assert created["hospitals"] == [{"id": hospital["id"], "name": hospital["name"], "city": hospital["city"]}]
    listed = admin.get(f"/providers/hospital/{hospital['id']}/").json()
    assert created["id"] in {r["id"] for r in listed}
    again = admin.get(f"/hospitals/{hospital['id']}/").json()
    assert again["provider_count"] == hospital["provider_count"] + 1
    filtered = admin.get("/providers/", params={"hospital": hospital["id"], "page_size": 500}).json()
    assert filtered["count"] == again["provider_count"]


def test_admin_update_with_if_match(admin: httpx.Client) -> None:
    created = create_provider(admin)
    etag = admin.get(f"/providers/{created['id']}/").headers["ETag"]
    first = admin.patch(f"/providers/{created['id']}/", json={"bio": "one"}, headers={"If-Match": etag})
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    stale = admin.patch(f"/providers/{created['id']}/", json={"bio": "two"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["current"]["bio"] == "one"
    assert stale.headers["ETag"] == first.headers["ETag"]
    assert admin.get(f"/providers/{created['id']}/").json()["bio"] == "one"


def test_put_requires_every_required_field(admin: httpx.Client) -> None:
    created = create_provider(admin)
    answer = admin.put(f"/providers/{created['id']}/", json={"bio": "only this"})
    assert answer.status_code == 400
    assert answer.json()["first_name"] == ["First name is required"]


def test_profile_cannot_set_its_own_license_status(anon: httpx.Client, officer: httpx.Client) -> None:
    account = register_provider(anon)
    own = {"Authorization": f"Bearer {account['access']}"}
    pid = account["profile"]["id"]
    screened(officer)
    officer.post(f"/providers/{pid}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": str(date.today() + timedelta(days=400))})
    answer = anon.patch("/auth/provider/profile/", headers=own,
                        json={"license_status": "verified", "license_verified": True, "bio": "hi"})
    assert answer.status_code == 200
    assert answer.json()["license_status"] == "verified"
    assert answer.json()["bio"] == "hi"
    renumbered = anon.patch("/auth/provider/profile/", headers=own, json={"license_number": f"NEW-{unique()}"})
    assert renumbered.json()["license_status"] == "pending_verification", "a new number must be verified again"


def test_profile_if_match_conflict(anon: httpx.Client) -> None:
    account = register_provider(anon)
    own = {"Authorization": f"Bearer {account['access']}"}
    etag = anon.get("/auth/provider/profile/", headers=own).headers["ETag"]
    first = anon.patch("/auth/provider/profile/", headers={**own, "If-Match": etag}, json={"bio": "a"})
    assert first.status_code == 200
    stale = anon.patch("/auth/provider/profile/", headers={**own, "If-Match": etag}, json={"bio": "b"})
    assert stale.status_code == 412
    assert stale.json()["current"]["bio"] == "a"


def test_expired_license_reads_as_expired(live_server: LiveServer, admin: httpx.Client, officer: httpx.Client) -> None:
    created = create_provider(admin)
    screened(officer)
    officer.post(f"/providers/{created['id']}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": str(date.today() + timedelta(days=30))})
    live_server.manage("shell", "-c", (
        "from server.directory.models import Provider; import datetime; "
        f"p = Provider.objects.get(pk='{created['id']}'); "
        "p.license_expiry_date = datetime.date.today() - datetime.timedelta(days=1); p.save()"))
    detail = admin.get(f"/providers/{created['id']}/").json()
    assert detail["license_status"] == "expired"
    assert detail["license_verified"] is False
    expired = admin.get("/providers/", params={"license_status": "expired", "search": created["license_number"]})
    assert expired.json()["count"] == 1
    verified = admin.get("/providers/", params={"license_status": "verified", "search": created["license_number"]})
    assert verified.json()["count"] == 0
