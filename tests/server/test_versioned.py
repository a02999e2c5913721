"""Answers cached by the directory's revision (server/directory/versioned.py) show every write at once:
each is read, a write made, and read again by the same reader, which must see its write."""
from __future__ import annotations

import datetime

import httpx

from tests.helpers.factories import create_provider, screened, unique


def _hospital(client: httpx.Client) -> dict[str, object]:
    return client.get("/hospitals/", params={"page_size": 500}).json()["results"][0]


def _count_of(client: httpx.Client, hospital_id: object) -> int:
    found = client.get("/hospitals/", params={"page_size": 500}).json()["results"]
    return int(next(h["provider_count"] for h in found if h["id"] == hospital_id))


def test_list_count_search_and_hospitals_show_a_new_provider_at_once(admin: httpx.Client) -> None:
    hospital = _hospital(admin)
    name = f"Zyx{unique()[:6]}"
    before = (admin.get("/providers/").json()["count"], admin.get("/providers/search/", params={"q": name}).json(),
              _count_of(admin, hospital["id"]))
    assert before[1] == []
    created = create_provider(admin, last_name=name, hospitals=[hospital["id"]])
    assert admin.get("/providers/").json()["count"] == before[0] + 1
    assert [row["id"] for row in admin.get("/providers/search/", params={"q": name}).json()] == [created["id"]]
    assert _count_of(admin, hospital["id"]) == before[2] + 1
    etag = admin.get(f"/providers/{created['id']}/").headers["ETag"]
    assert admin.patch(f"/providers/{created['id']}/", json={"is_active": False},
                       headers={"If-Match": etag}).status_code == 200
    assert admin.get("/providers/").json()["count"] == before[0]
    assert admin.get("/providers/search/", params={"q": name}).json() == []
    assert _count_of(admin, hospital["id"]) == before[2]


def test_staff_dashboard_and_queue_show_a_decision_at_once(admin: httpx.Client, officer: httpx.Client) -> None:
    created = create_provider(admin)
    screened(officer)
    dashboard = officer.get("/dashboard/").json()
    queue = officer.get("/credentialing/queue/").json()["count"]
    expiry = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    decided = officer.post(f"/providers/{created['id']}/license/decision/",
                           json={"decision": "verified", "license_expiry_date": expiry})
    assert decided.status_code == 200, decided.text
    after = officer.get("/dashboard/").json()
    assert after["pending_queue"] == dashboard["pending_queue"] - 1
    assert after["by_license_status"]["verified"] == dashboard["by_license_status"]["verified"] + 1
    assert after["expiring"]["within_30"] == dashboard["expiring"]["within_30"] + 1
    assert after["recent_activities"][0]["kind"] == "verified"
    assert created["last_name"] in after["recent_activities"][0]["message"]
    assert officer.get("/credentialing/queue/").json()["count"] == queue - 1
