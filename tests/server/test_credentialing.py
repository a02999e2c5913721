"""License documents, decisions, the verification queue, the audit trail and the dashboards."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

import httpx
import pytest

from tests.helpers.factories import create_provider, register_provider, screened

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FUTURE = str(date.today() + timedelta(days=365))


def test_queue_is_pending_oldest_first(officer: httpx.Client, admin: httpx.Client) -> None:
    first, second = create_provider(admin), create_provider(admin)
    queue = officer.get("/credentialing/queue/", params={"page_size": 500}).json()
    ids = [r["id"] for r in queue["results"]]
    assert all(r["license_status"] == "pending_verification" for r in queue["results"])
    assert ids.index(first["id"]) < ids.index(second["id"])
    pending = officer.get("/providers/", params={"license_status": "pending_verification"}).json()["count"]
    assert queue["count"] == pending
    assert officer.get("/dashboard/").json()["pending_queue"] == pending


def test_queue_expiring_within(officer: httpx.Client, admin: httpx.Client) -> None:
    soon = create_provider(admin)
    screened(officer)
    officer.post(f"/providers/{soon['id']}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": str(date.today() + timedelta(days=10))})
    rows = officer.get("/credentialing/queue/", params={"expiring_within": 30, "page_size": 500}).json()["results"]
    assert soon["id"] in {r["id"] for r in rows}
    expiries = [r["license_expiry_date"] for r in rows]
    assert expiries == sorted(expiries)
    assert all(r["license_status"] == "verified" for r in rows)
    assert officer.get("/credentialing/queue/", params={"license_status": "nope"}).status_code == 400


def test_verify_needs_a_future_expiry(officer: httpx.Client, admin: httpx.Client) -> None:
    target = create_provider(admin)
    screened(officer)
    path = f"/providers/{target['id']}/license/decision/"
    missing = officer.post(path, json={"decision": "verified"})
    assert missing.status_code == 400
    assert "license_expiry_date" in missing.json()
    past = officer.post(path, json={"decision": "verified", "license_expiry_date": str(date.today())})
    assert past.json()["license_expiry_date"] == ["The expiry date must be in the future."]
    done = officer.post(path, json={"decision": "verified", "license_expiry_date": FUTURE})
    assert done.status_code == 200
    assert done.json()["license_status"] == "verified"
    assert done.json()["license_verified"] is True
    assert done.json()["license_expiry_date"] == FUTURE


def test_reject_needs_a_note_the_provider_sees(officer: httpx.Client, anon: httpx.Client) -> None:
    account = register_provider(anon)
    path = f"/providers/{account['profile']['id']}/license/decision/"
    assert officer.post(path, json={"decision": "rejected", "note": "  "}).json()["note"]
    assert officer.post(path, json={"decision": "maybe"}).status_code == 400
    done = officer.post(path, json={"decision": "rejected", "note": "The scan is unreadable."})
    assert done.status_code == 200
    assert done.json()["license_note"] == "The scan is unreadable."
    dashboard = anon.get("/auth/provider/dashboard/", headers={"Authorization": f"Bearer {account['access']}"})
    body = dashboard.json()
    assert body["license_status"] == "rejected"
    assert any("The scan is unreadable." in n["message"] and n["level"] == "error" for n in body["notifications"])
    assert body["recent_activities"][0]["kind"] == "rejected"


def test_decision_with_stale_if_match_is_refused(officer: httpx.Client, admin: httpx.Client) -> None:
    target = create_provider(admin)
    etag = officer.get(f"/providers/{target['id']}/").headers["ETag"]
    admin.patch(f"/providers/{target['id']}/", json={"specialization": "Neurology"}).raise_for_status()
    answer = officer.post(f"/providers/{target['id']}/license/decision/", headers={"If-Match": etag},
                          json={"decision": "verified", "license_expiry_date": FUTURE})
    assert answer.status_code == 412
    assert answer.json()["current"]["specialization"] == "Neurology"
    assert officer.get(f"/providers/{target['id']}/").json()["license_status"] == "pending_verification"


def test_document_upload_checks_and_serves(anon: httpx.Client, officer: httpx.Client) -> None:
    account = register_provider(anon)
    own = {"Authorization": f"Bearer {account['access']}"}
    pid = account["profile"]["id"]
    officer.post(f"/providers/{pid}/license/decision/", json={"decision": "rejected", "note": "Upload it."})
    uploaded = anon.patch("/auth/provider/profile/", headers=own,
                          files={"license_document": ("scan.png", PNG, "image/png")}, data={"bio": "With a scan"})
    assert uploaded.status_code == 200, uploaded.text
    body = uploaded.json()
    assert body["has_license_document"] is True
    assert body["bio"] == "With a scan"
    assert body["license_status"] == "pending_verification", "a new document is verified again"
    assert body["license_document"]["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert body["license_document"]["size"] == len(PNG)
    assert body["license_document"]["content_type"] == "image/png"
    document = officer.get(f"/providers/{pid}/license/document/")
    assert document.status_code == 200
    assert document.content == PNG
    assert document.headers["content-type"] == "image/png"
    assert document.headers["X-Content-SHA256"] == hashlib.sha256(PNG).hexdigest()


def test_audit_trail_records_who_did_what(officer: httpx.Client, admin: httpx.Client) -> None:
    target = create_provider(admin)
    admin.patch(f"/providers/{target['id']}/", json={"bio": "b", "specialization": "Oncology"}).raise_for_status()
    officer.post(f"/providers/{target['id']}/license/decision/",
                 json={"decision": "rejected", "note": "Expired scan."}).raise_for_status()
    admin.delete(f"/providers/{target['id']}/").raise_for_status()
    trail = officer.get(f"/providers/{target['id']}/audit/").json()
    assert [e["action"] for e in trail] == ["deactivated", "rejected", "updated", "created"]
    assert trail[1]["actor"] == "credentialing@demo.local"
    assert trail[1]["detail"] == "Expired scan."
    assert trail[2]["fields"] == ["bio", "specialization"]
    assert all(set(e) >= {"at", "actor", "action", "detail"} for e in trail)
    times = [e["at"] for e in trail]
    assert times == sorted(times, reverse=True)


def test_staff_dashboard_numbers(officer: httpx.Client, admin: httpx.Client) -> None:
    create_provider(admin)  # this week's registrations count it, whichever tests ran before
    body = officer.get("/dashboard/").json()
    assert set(body) == {"providers_total", "by_license_status", "by_professional_role", "pending_queue",
                         "expiring", "registrations_by_week", "recent_activities"}
    assert sum(body["by_license_status"].values()) == body["providers_total"]
    assert sum(body["by_professional_role"].values()) == body["providers_total"]
    assert body["expiring"]["within_30"] <= body["expiring"]["within_60"] <= body["expiring"]["within_90"]
    assert len(body["registrations_by_week"]) == 12
    assert body["registrations_by_week"][-1]["count"] >= 1
    total = officer.get("/providers/", params={"page_size": 1}).json()["count"]
    assert body["providers_total"] == total


def test_provider_dashboard_answers_as_the_seed_backend_too(provider: httpx.Client) -> None:
    body = provider.get("/auth/provider/dashboard/").json()
    profile = body["provider_profile"]
    assert body["provider"] == {name: profile[name] for name in ("id", "full_name", "specialization",
                                                                  "years_of_experience", "consultation_fee")}
    counts = body["statistics"]
    assert counts["total_appointments"] >= counts["month_appointments"] >= counts["week_appointments"] >= \
        counts["today_appointments"] >= 0
    assert 0 < len(body["recent_appointments"]) <= 5
    times = [a["scheduled_at"] for a in body["recent_appointments"]]
    assert times == sorted(times, reverse=True)
    assert set(body["recent_appointments"][0]) == {"id", "patient_name", "scheduled_at", "status"}


@pytest.mark.parametrize("field", ["total_appointments", "upcoming_appointments", "completed_appointments",
                                   "patients_count"])
def test_provider_dashboard_numbers_are_real(provider: httpx.Client, field: str) -> None:
    body = provider.get("/auth/provider/dashboard/").json()
    assert set(body) == {"provider_profile", "stats", "recent_activities", "notifications", "license_status",
                         "statistics", "provider", "recent_appointments"}  # the seed backend's, beside ours
    assert body["stats"][field] > 0, "the demo provider has appointments"
    assert body["statistics"][field] == body["stats"][field]
    assert body["notifications"]
    assert set(body["notifications"][0]) == {"id", "level", "message", "created_at",
                                                                        "read"}
