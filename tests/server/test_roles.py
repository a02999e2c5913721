"""Every endpoint of docs/api.md for every role, with the exact status the table gives."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.helpers.factories import (
    bookable,
    create_provider,
    leie_file,
    leie_line,
    leie_upload,
    provider_fields,
    register_provider,
    registration_fields,
    screened,
    unique,
    unique_npi,
)
from tests.helpers.live_server import LiveServer, SignIns

ROLES = ("anonymous", "provider", "facility_admin", "credentialing_officer")
# each booking of these cases in an hour of its own, far ahead (no overlap with the demo's or another's)
_SLOTS = itertools.count()
_FIRST_SLOT = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=500)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class World:
    """What a case needs: a client per role, and objects made fresh for each case."""

    def __init__(self, server: LiveServer, tokens: SignIns) -> None:
        self.server = server
        self.tokens = tokens
        self.admin = tokens.client("facility_admin")

    def client(self, role: str) -> httpx.Client:
        return self.tokens.client(None if role == "anonymous" else role)

    def provider_id(self) -> str:
        return str(create_provider(self.admin)["id"])

    def credentialed_provider_id(self) -> str:
        """A provider in the credentialed directory (active, verified, not expired)."""
        provider_id = self.provider_id()
        with self.tokens.client("credentialing_officer") as officer:
            officer.post("/screening/runs/").raise_for_status()  # a recent screening (the 120-day rule)
            officer.post(f"/providers/{provider_id}/license/decision/",
                         json={"decision": "verified", "license_expiry_date": "2099-01-01"}).raise_for_status()
        return provider_id

    def own_provider_id(self) -> str:
        with self.client("provider") as client:
            return str(client.get("/auth/provider/profile/").json()["id"])

    def flag_id(self) -> str:
        """A screening flag: a new provider whose NPI a new LEIE file lists."""
        npi = unique_npi()
        create_provider(self.admin, npi=npi)
        with self.tokens.client("credentialing_officer") as officer:
            leie_upload(officer, leie_file(leie_line("SOMEONE", "ELSE", npi=npi))).raise_for_status()
            return str(officer.get("/screening/flags/", params={"kind": "excluded"}).json()["results"][0]["id"])

    def appointment_id(self, own: bool) -> str:
        """A new appointment, booked by the administrator for the demo provider (`own`) or another provider."""
        provider_id = self.bookable_own_id() if own else self.credentialed_provider_id()
        start = _FIRST_SLOT + timedelta(hours=next(_SLOTS))
        answer = self.admin.post("/appointments/create/", json={
            "healthcare_provider": provider_id, "appointment_date": start.isoformat(), "duration_minutes": 30,
            "patient_name": "Role Case", "patient_contact": "+1 555 0100"})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    def bookable_own_id(self) -> str:
        """The demo provider's id, its license verified again if an earlier case's upload sent it to pending."""
        with self.tokens.client("credentialing_officer") as officer:
            return bookable(officer, self.own_provider_id())

    def booking(self) -> dict[str, object]:
        start = _FIRST_SLOT + timedelta(hours=next(_SLOTS))
        return {"healthcare_provider": self.bookable_own_id(), "appointment_date": start.isoformat(),
                "end_time": (start + timedelta(minutes=20)).isoformat(), "patient_name": "Role Case",
                "patient_contact": "role.case@example.com", "appointment_type": "checkup"}

    def later(self) -> str:
        return (_FIRST_SLOT + timedelta(hours=next(_SLOTS))).isoformat()

    def hospital_id(self) -> str:
        return str(self.admin.get("/hospitals/").json()["results"][0]["id"])

    def provider_with_document(self, own: bool) -> str:
        if own:
            with self.client("provider") as client:
                answer = client.patch("/auth/provider/profile/", files={"license_document": ("l.pdf", PDF)})
                assert answer.status_code == 200, answer.text
                return str(answer.json()["id"])
        anon = self.server.client()
        account = register_provider(anon)
        with self.server.client(account["access"]) as client:
            client.patch("/auth/provider/profile/", files={"license_document": ("l.pdf", PDF)}).raise_for_status()
        return str(account["profile"]["id"])


Case = Callable[[World, httpx.Client, str], httpx.Response]


def _login(w: World, c: httpx.Client, role: str) -> httpx.Response:
    return c.post("/auth/login/", json={"email": "provider@demo.local", "password": "demo-pass-2026"})


def _refresh(w: World, c: httpx.Client, role: str) -> httpx.Response:
    refresh = w.server.login("admin@demo.local")["refresh"]
    return c.post("/auth/token/refresh/", json={"refresh": refresh})


def _logout(w: World, c: httpx.Client, role: str) -> httpx.Response:
    email = {"provider": "provider@demo.local", "facility_admin": "admin@demo.local",
             "credentialing_officer": "credentialing@demo.local", "anonymous": "admin@demo.local"}[role]
    return c.post("/auth/logout/", json={"refresh": w.server.login(email)["refresh"]})


def _patch_provider(w: World, c: httpx.Client, role: str) -> httpx.Response:
    return c.patch(f"/providers/{w.provider_id()}/", json={"specialization": "Oncology"})


def _put_provider(w: World, c: httpx.Client, role: str) -> httpx.Response:
    return c.put(f"/providers/{w.provider_id()}/", json=provider_fields())


def _profile_put(w: World, c: httpx.Client, role: str) -> httpx.Response:
    current = c.get("/auth/provider/profile/")
    body = provider_fields()
    if current.status_code == 200:
        body.update(email=current.json()["email"], license_number=current.json()["license_number"])
    return c.put("/auth/provider/profile/", json=body)


def _decision(w: World, c: httpx.Client, role: str) -> httpx.Response:
    provider_id = w.provider_id()
    with w.tokens.client("credentialing_officer") as officer:
        screened(officer)
    return c.post(f"/providers/{provider_id}/license/decision/",
                  json={"decision": "verified", "license_expiry_date": "2099-01-01"})


CASES: dict[str, tuple[Case, tuple[int, int, int, int]]] = {
    # name: (request, statuses for anonymous, provider, facility_admin, credentialing_officer)
    "register": (lambda w, c, r: c.post("/auth/provider/register/", json=registration_fields()), (201,) * 4),
    "login": (_login, (200,) * 4),
    "refresh": (_refresh, (200,) * 4),
    "validate": (lambda w, c, r: c.post("/auth/token/validate/"), (401, 200, 200, 200)),
    "logout": (_logout, (200,) * 4),
    "list": (lambda w, c, r: c.get("/providers/"), (401, 200, 200, 200)),
    "create": (lambda w, c, r: c.post("/providers/", json=provider_fields()), (401, 403, 201, 403)),
    # a provider reads only the credentialed directory and its own record (docs/api.md, "What each role sees")
    "detail": (lambda w, c, r: c.get(f"/providers/{w.provider_id()}/"), (401, 404, 200, 200)),
    "detail_credentialed": (lambda w, c, r: c.get(f"/providers/{w.credentialed_provider_id()}/"),
                            (401, 200, 200, 200)),
    "put": (_put_provider, (401, 403, 200, 403)),
    "patch": (_patch_provider, (401, 403, 200, 403)),
    "delete": (lambda w, c, r: c.delete(f"/providers/{w.provider_id()}/"), (401, 403, 204, 403)),
    "search": (lambda w, c, r: c.get("/providers/search/", params={"q": "test"}), (401, 200, 200, 200)),
    "dropdown": (lambda w, c, r: c.get("/providers/dropdown/"), (401, 200, 200, 200)),
    "by_hospital": (lambda w, c, r: c.get(f"/providers/hospital/{w.hospital_id()}/"), (401, 200, 200, 200)),
    "hospitals": (lambda w, c, r: c.get("/hospitals/"), (401, 200, 200, 200)),
    "hospital": (lambda w, c, r: c.get(f"/hospitals/{w.hospital_id()}/"), (401, 200, 200, 200)),
    "changes": (lambda w, c, r: c.get("/providers/changes/", params={"limit": 5}), (401, 200, 200, 200)),
    "snapshot": (lambda w, c, r: c.get("/providers/snapshot/"), (401, 200, 200, 200)),
    "profile_get": (lambda w, c, r: c.get("/auth/provider/profile/"), (401, 200, 404, 404)),
    "profile_patch": (lambda w, c, r: c.patch("/auth/provider/profile/", json={"bio": "Hello."}),
                      (401, 200, 404, 404)),
    "profile_put": (_profile_put, (401, 200, 404, 404)),
    "provider_dashboard": (lambda w, c, r: c.get("/auth/provider/dashboard/"), (401, 200, 404, 404)),
    "own_document": (lambda w, c, r: c.get(f"/providers/{w.provider_with_document(True)}/license/document/"),
                     (401, 200, 200, 200)),
    "other_document": (lambda w, c, r: c.get(f"/providers/{w.provider_with_document(False)}/license/document/"),
                       (401, 403, 200, 200)),
    "decision": (_decision, (401, 403, 403, 200)),
    "queue": (lambda w, c, r: c.get("/credentialing/queue/"), (401, 403, 200, 200)),
    "audit": (lambda w, c, r: c.get(f"/providers/{w.provider_id()}/audit/"), (401, 403, 200, 200)),
    "staff_dashboard": (lambda w, c, r: c.get("/dashboard/"), (401, 403, 200, 200)),
    # screening: staff read, credentialing officers load; no provider sees any of it, not even its own
    "screening_files": (lambda w, c, r: c.get("/screening/files/"), (401, 403, 200, 200)),
    "screening_flags": (lambda w, c, r: c.get("/screening/flags/"), (401, 403, 200, 200)),
    "own_screening_flags": (lambda w, c, r: c.get("/screening/flags/", params={"provider": w.own_provider_id()}),
                            (401, 403, 200, 200)),
    "screening_flag": (lambda w, c, r: c.get(f"/screening/flags/{w.flag_id()}/"), (401, 403, 200, 200)),
    "screening_decision": (lambda w, c, r: c.post(f"/screening/flags/{w.flag_id()}/decision/",
                                                  json={"decision": "confirmed"}), (401, 403, 403, 200)),
    "screening_runs": (lambda w, c, r: c.get("/screening/runs/"), (401, 403, 200, 200)),
    "screening_run": (lambda w, c, r: c.post("/screening/runs/"), (401, 403, 403, 201)),
    "screening_status": (lambda w, c, r: c.get("/screening/status/"), (401, 403, 200, 200)),
    # recredentialing clocks: staff only, like screening (CONTRACT.md: no provider sees them, not even its own)
    "recredentialing": (lambda w, c, r: c.get("/credentialing/recredentialing/"), (401, 403, 200, 200)),
    "own_recredentialing": (lambda w, c, r: c.get("/credentialing/recredentialing/",
                                                  params={"provider": w.own_provider_id()}), (401, 403, 200, 200)),
    "leie_upload": (lambda w, c, r: leie_upload(c, leie_file(leie_line(f"Nobody{unique()}", "Ann"))),
                    (401, 403, 403, 201)),
    # a mismatch, so that no demo password changes (the change itself: test_password_change.py)
    "password_change": (lambda w, c, r: c.post("/auth/password/change/", json={
        "old_password": "demo-pass-2026", "new_password": "Quiet-River-2049", "new_password_confirm": "Other-2049"}),
        (401, 400, 400, 400)),
    # appointments: a provider its own (read, confirm, complete, no-show; another's is 404), facility
    # administrators all (read, book, reschedule, cancel, details), credentialing officers none (403)
    "appointments": (lambda w, c, r: c.get("/appointments/"), (401, 200, 200, 403)),
    "appointment_book": (lambda w, c, r: c.post("/appointments/create/", json=w.booking()), (401, 403, 201, 403)),
    "appointment_own": (lambda w, c, r: c.get(f"/appointments/{w.appointment_id(True)}/"), (401, 200, 200, 403)),
    "appointment_other": (lambda w, c, r: c.get(f"/appointments/{w.appointment_id(False)}/"),
                          (401, 404, 200, 403)),
    "appointment_confirm": (lambda w, c, r: c.patch(f"/appointments/{w.appointment_id(True)}/update/",
                                                    json={"status": "confirmed"}), (401, 200, 403, 403)),
    "appointment_confirm_other": (lambda w, c, r: c.patch(f"/appointments/{w.appointment_id(False)}/update/",
                                                          json={"status": "confirmed"}), (401, 404, 403, 403)),
    "appointment_details": (lambda w, c, r: c.patch(f"/appointments/{w.appointment_id(True)}/update/",
                                                    json={"chief_complaint": "Checkup"}), (401, 403, 200, 403)),
    "appointment_reschedule": (lambda w, c, r: c.post(f"/appointments/{w.appointment_id(True)}/reschedule/",
                                                      json={"appointment_date": w.later()}), (401, 403, 200, 403)),
    "appointment_cancel": (lambda w, c, r: c.post(f"/appointments/{w.appointment_id(True)}/cancel/",
                                                  json={"reason": "The patient moved away."}), (401, 403, 200, 403)),
    "appointments_upcoming": (lambda w, c, r: c.get("/appointments/upcoming/"), (401, 200, 200, 403)),
    "appointments_history": (lambda w, c, r: c.get("/appointments/history/"), (401, 200, 200, 403)),
    "doctor_today": (lambda w, c, r: c.get(f"/appointments/doctor/{w.own_provider_id()}/today/"),
                     (401, 200, 200, 403)),
    "doctor_upcoming_other": (lambda w, c, r: c.get(f"/appointments/doctor/{w.credentialed_provider_id()}/upcoming/"),
                              (401, 404, 200, 403)),
    "schema": (lambda w, c, r: c.get(f"{w.server.url}/api/schema/"), (200,) * 4),
    "health": (lambda w, c, r: c.get("/health/"), (200,) * 4),
}


@pytest.fixture(scope="module")
def world(live_server: LiveServer, tokens: SignIns) -> World:
    return World(live_server, tokens)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CASES))
def test_role_gets_the_contracts_status(world: World, name: str, role: str) -> None:
    request, statuses = CASES[name]
    expected = statuses[ROLES.index(role)]
    with world.client(role) as client:
        answer = request(world, client, role)
    assert answer.status_code == expected, f"{name} as {role}: {answer.status_code} {answer.text[:300]}"
    if answer.status_code == 400:  # field errors (docs/api.md, Conventions)
        assert all(isinstance(messages, list) for messages in answer.json().values()), answer.text
    elif answer.status_code >= 400:
        assert "detail" in answer.json(), answer.text


