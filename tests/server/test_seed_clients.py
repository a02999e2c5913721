"""What a client written against the seed guide's backend sends is kept, never dropped (docs/api.md)."""
from __future__ import annotations

import httpx

from tests.helpers.factories import register_provider
from tests.helpers.live_server import LiveServer


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_hospital_clinic_and_address_are_kept_and_private(anon: httpx.Client, admin: httpx.Client,
                                                           provider: httpx.Client, live_server: LiveServer) -> None:
    account = register_provider(anon, hospital_clinic="Ridge Clinic", address="1 Ridge Road\nAccra")
    assert account["profile"]["hospital_clinic"] == "Ridge Clinic"
    assert account["profile"]["address"] == "1 Ridge Road\nAccra"
    pid = account["profile"]["id"]
    with live_server.client() as own:
        profile = own.get("/auth/provider/profile/", headers=bearer(account["access"])).json()
        assert (profile["hospital_clinic"], profile["address"]) == ("Ridge Clinic", "1 Ridge Road\nAccra")
        changed = own.patch("/auth/provider/profile/", headers=bearer(account["access"]),
                            json={"hospital_clinic": "Lakeside Clinic"})
        assert changed.status_code == 200, changed.text
        assert changed.json()["hospital_clinic"] == "Lakeside Clinic"
    staff = admin.get(f"/providers/{pid}/").json()
    assert (staff["hospital_clinic"], staff["address"]) == ("Lakeside Clinic", "1 Ridge Road\nAccra")
    refused = anon.post("/auth/provider/register/", json={
        **{k: v for k, v in account["profile"].items() if k in ("professional_title", "first_name", "last_name",
                                                                 "organization_facility", "professional_role",
                                                                 "specialization")},
        "email": "other.clinic@example.org", "license_number": "LC-99120", "password": "Quiet-River-2049",
        "password_confirm": "Quiet-River-2049", "hospital_clinic": "x" * 201})
    assert refused.status_code == 400
    assert refused.json()["hospital_clinic"] == ["Hospital or clinic cannot exceed 200 characters"]
    # another provider reads neither (least privilege: they are personal), whatever it may read of the record
    other = provider.get("/providers/", params={"search": account["profile"]["last_name"]}).json()
    assert all("address" not in item and "hospital_clinic" not in item for item in other["results"])
