"""Appointments on the server over HTTP: booking rules, one winner of a slot booked twice at once, the audit,
a provider's status moves, and the dashboard's numbers read from the records (docs/api.md, "Appointments")."""
from __future__ import annotations

import itertools
import json
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from contract import appointments as rules
from tests.helpers.factories import bookable, create_provider, screened
from tests.helpers.live_server import LiveServer, SignIns

# each test's bookings in hours of their own, far ahead of the demo's and of test_roles.py's
_HOURS = itertools.count()
_FIRST = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=900)


def slot() -> datetime:
    return _FIRST + timedelta(hours=next(_HOURS))


def credentialed(admin: httpx.Client, officer: httpx.Client) -> str:
    provider_id = str(create_provider(admin)["id"])
    screened(officer)  # Verify needs a recent screening that covered the provider
    officer.post(f"/providers/{provider_id}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": "2099-01-01"}).raise_for_status()
    return provider_id


def booking(provider_id: str, start: datetime, minutes: int = 30, **extra: object) -> dict[str, object]:
    return {"healthcare_provider": provider_id, "appointment_date": start.isoformat(),
            "end_time": (start + timedelta(minutes=minutes)).isoformat(), "patient_name": "Ada Patient",
            "patient_contact": "+1 555 0101", "appointment_type": "consultation", "chief_complaint": "Checkup",
            **extra}


@pytest.fixture
def doctor(admin: httpx.Client, officer: httpx.Client) -> str:
    return credentialed(admin, officer)


def test_booking_answers_the_guides_names_and_ours(admin: httpx.Client, doctor: str) -> None:
    start = slot()
    answer = admin.post("/appointments/create/", json=booking(doctor, start, 45))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["healthcare_provider"] == doctor
    assert datetime.fromisoformat(body["appointment_date"]) == start
    assert body["duration_minutes"] == 45
    assert body["status"] == "scheduled"
    assert body["booked_by"] == "admin@demo.local"
    assert body["can_be_cancelled"]
    assert body["can_be_rescheduled"]
    assert admin.get(f"/appointments/{body['id']}/").json() == body


def test_overlap_is_refused_with_the_time_it_clashes_with(admin: httpx.Client, doctor: str) -> None:
    start = slot()
    admin.post("/appointments/create/", json=booking(doctor, start, 60)).raise_for_status()
    answer = admin.post("/appointments/create/", json=booking(doctor, start + timedelta(minutes=30)))
    assert answer.status_code == 400, answer.text
    assert "overlaps" in answer.json()["appointment_date"][0]
    # back to back is not an overlap
    assert admin.post("/appointments/create/", json=booking(doctor, start + timedelta(hours=1))).status_code == 201


def test_a_cancelled_appointment_frees_its_slot(admin: httpx.Client, doctor: str) -> None:
    start = slot()
    first = admin.post("/appointments/create/", json=booking(doctor, start)).json()
    answer = admin.post(f"/appointments/{first['id']}/cancel/", json={"reason": "Patient unwell"})
    assert answer.status_code == 200
    assert answer.json()["status"] == "cancelled"
    assert answer.json()["cancellation_reason"] == "Patient unwell"
    assert admin.post("/appointments/create/", json=booking(doctor, start)).status_code == 201


def test_the_same_slot_booked_twice_at_once_has_one_winner(live_server: LiveServer, tokens: SignIns,
                                                           doctor: str) -> None:
    start, statuses = slot(), []
    barrier = threading.Barrier(4)

    def book() -> None:
        with live_server.client(auth=tokens.auth("facility_admin")) as client:
            barrier.wait()
            statuses.append(client.post("/appointments/create/", json=booking(doctor, start)).status_code)

    threads = [threading.Thread(target=book) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 400, 400, 400]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"end_time": "start"}, "end_time", rules.END_BEFORE_START),
    ({"appointment_date": "past"}, "appointment_date", rules.START_IN_PAST),
    ({"appointment_date": "2031-02-31T10:00:00Z"}, "appointment_date", "2031-02-31 is not a date on the calendar"),
    ({"end_time": "2031-04-31T10:00"}, "end_time", "2031-04-31 is not a date on the calendar"),
    ({"appointment_date": "tomorrow"}, "appointment_date", "YYYY-MM-DDThh:mm"),
    ({"patient_name": "  "}, "patient_name", rules.PATIENT_NAME_REQUIRED),
    ({"patient_contact": ""}, "patient_contact", rules.PATIENT_CONTACT_REQUIRED),
    ({"appointment_type": "haircut"}, "appointment_type", "not a valid choice"),
])
def test_bad_bookings_get_field_messages(admin: httpx.Client, doctor: str, change: dict[str, str], field: str,
                                         message: str) -> None:
    start = slot()
    body = booking(doctor, start)
    for name, value in change.items():
        body[name] = {"start": body["appointment_date"],
                      "past": (datetime.now(UTC) - timedelta(days=1)).isoformat()}.get(value, value)
    answer = admin.post("/appointments/create/", json=body)
    assert answer.status_code == 400, answer.text
    assert message in answer.json()[field][0], answer.text


def test_only_credentialed_providers_can_be_booked(admin: httpx.Client) -> None:
    pending = str(create_provider(admin)["id"])
    answer = admin.post("/appointments/create/", json=booking(pending, slot()))
    assert answer.status_code == 400
    assert answer.json()["healthcare_provider"] == [rules.NOT_BOOKABLE]


def test_reschedule_keeps_the_length_and_refuses_overlap(admin: httpx.Client, doctor: str) -> None:
    first_start, second_start = slot(), slot()
    first = admin.post("/appointments/create/", json=booking(doctor, first_start, 40)).json()
    admin.post("/appointments/create/", json=booking(doctor, second_start)).raise_for_status()
    clash = admin.post(f"/appointments/{first['id']}/reschedule/", json={"appointment_date": second_start.isoformat()})
    assert clash.status_code == 400
    assert "overlaps" in clash.json()["appointment_date"][0]
    new = slot()
    moved = admin.post(f"/appointments/{first['id']}/reschedule/", json={"appointment_date": new.isoformat()})
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["appointment_date"]) == new
    assert moved.json()["duration_minutes"] == 40


def test_cancel_needs_a_reason_and_only_once(admin: httpx.Client, doctor: str) -> None:
    made = admin.post("/appointments/create/", json=booking(doctor, slot())).json()
    answer = admin.post(f"/appointments/{made['id']}/cancel/", json={"reason": " "})
    assert answer.status_code == 400
    assert answer.json()["reason"] == [rules.CANCEL_REASON_REQUIRED]
    admin.post(f"/appointments/{made['id']}/cancel/", json={"reason": "Clinic closed"}).raise_for_status()
    again = admin.post(f"/appointments/{made['id']}/cancel/", json={"reason": "Again"})
    assert again.status_code == 400
    assert "cancelled" in again.json()["status"][0]


def test_each_change_is_in_the_providers_audit(admin: httpx.Client, doctor: str) -> None:
    made = admin.post("/appointments/create/", json=booking(doctor, slot())).json()
    admin.post(f"/appointments/{made['id']}/reschedule/", json={"appointment_date": slot().isoformat()})
    admin.patch(f"/appointments/{made['id']}/update/", json={"patient_contact": "ada@example.com"})
    admin.post(f"/appointments/{made['id']}/cancel/", json={"reason": "Clinic closed"})
    actions = [e["action"] for e in admin.get(f"/providers/{doctor}/audit/").json()]
    assert actions[:4] == ["appointment_cancelled", "appointment_updated", "appointment_rescheduled",
                           "appointment_booked"]


def test_a_credentialing_officer_learns_nothing_of_appointments_through_the_audit(
        admin: httpx.Client, officer: httpx.Client, doctor: str) -> None:
    """Officers see no appointments (CONTRACT.md, "What each role sees"): not through the provider's
    trail, the audit export or the staff dashboard either; and no patient's name or a cancellation's
    reason goes into any audit detail (the appointment keeps them, for those who may read it)."""
    made = admin.post("/appointments/create/", json=booking(doctor, slot(), patient_name="Zenobia Quill")).json()
    admin.post(f"/appointments/{made['id']}/cancel/", json={"reason": "Zenobia moved abroad"}).raise_for_status()
    trail = admin.get(f"/providers/{doctor}/audit/").json()
    assert {"appointment_booked", "appointment_cancelled"} <= {e["action"] for e in trail}
    assert "Zenobia" not in json.dumps(trail), "the administrator's trail says what happened, not to whom"
    for answer in (officer.get(f"/providers/{doctor}/audit/"),
                   officer.get("/credentialing/audit/", params={"since": "2000-01-01", "until": "2999-12-31",
                                                               "action": "all"}),
                   officer.get("/dashboard/")):
        assert answer.status_code == 200, answer.text
        assert "appointment" not in answer.text.lower(), answer.request.url
        assert "Zenobia" not in answer.text


def test_provider_confirms_its_own_but_cannot_complete_before_it_starts(admin: httpx.Client, officer: httpx.Client,
                                                                        provider: httpx.Client) -> None:
    own = bookable(officer, provider.get("/auth/provider/profile/").json()["id"])
    made = admin.post("/appointments/create/", json=booking(own, slot())).json()
    early = provider.patch(f"/appointments/{made['id']}/update/", json={"status": "completed"})
    assert early.status_code == 400
    assert early.json()["status"] == [rules.COMPLETE_BEFORE_START]
    confirmed = provider.patch(f"/appointments/{made['id']}/update/", json={"status": "confirmed"})
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    refused = provider.patch(f"/appointments/{made['id']}/update/", json={"patient_name": "Someone Else"})
    assert refused.status_code == 403


def test_dashboard_numbers_come_from_the_appointments(admin: httpx.Client, officer: httpx.Client,
                                                      provider: httpx.Client) -> None:
    own = bookable(officer, provider.get("/auth/provider/profile/").json()["id"])
    before = provider.get("/auth/provider/dashboard/").json()["stats"]
    made = admin.post("/appointments/create/", json=booking(own, slot(), patient_name="Brand New Patient")).json()
    after = provider.get("/auth/provider/dashboard/").json()["stats"]
    assert after["total_appointments"] == before["total_appointments"] + 1
    assert after["upcoming_appointments"] == before["upcoming_appointments"] + 1
    assert after["patients_count"] == before["patients_count"] + 1
    admin.post(f"/appointments/{made['id']}/cancel/", json={"reason": "Test over"}).raise_for_status()
    assert provider.get("/auth/provider/dashboard/").json()["stats"]["upcoming_appointments"] == \
        before["upcoming_appointments"]


def test_the_demo_provider_has_a_week_around_today(provider: httpx.Client) -> None:
    today = datetime.now(UTC).date()
    week = provider.get("/appointments/", params={"start_date": str(today - timedelta(days=7)),
                                                  "end_date": str(today + timedelta(days=7)), "page_size": 500})
    assert week.status_code == 200, week.text
    starts = [datetime.fromisoformat(a["appointment_date"]).date() for a in week.json()["results"]]
    assert any(day < today for day in starts)
    assert any(day > today for day in starts)
    assert week.json()["count"] >= 20


def test_list_filters(provider: httpx.Client, admin: httpx.Client) -> None:
    completed = provider.get("/appointments/", params={"status": "completed,no_show", "page_size": 500}).json()
    assert completed["count"] > 0
    assert {a["status"] for a in completed["results"]} <= {"completed", "no_show"}
    bad = provider.get("/appointments/", params={"status": "maybe"})
    assert bad.status_code == 400
    assert "status" in bad.json()
    feb = admin.get("/appointments/", params={"start_date": "2027-02-31"})
    assert feb.status_code == 400
    assert "not a date on the calendar" in feb.json()["start_date"][0]
    upcoming = provider.get("/appointments/upcoming/").json()
    assert isinstance(upcoming, list)
    assert all(a["status"] in ("scheduled", "confirmed") for a in upcoming)
    history = provider.get("/appointments/history/").json()
    assert history["count"] > 0
