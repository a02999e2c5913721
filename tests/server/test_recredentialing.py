"""The credentialing clocks: recredentialing due 36 months after the last verify decision (no grace), staff
only; Verify refused, with the reason, when the provider's last screening is older than 120 days (180 for
decisions before 2025-07-01) or when no monitoring run covered it yet."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from contract.clocks import months_after, screening_max_days
from contract.validation import VERIFY_NOT_SCREENED, VERIFY_SCREENING_OLD
from tests.helpers.factories import create_provider
from tests.helpers.live_server import DEMO_ACCOUNTS, LiveServer, running_server

VERIFY = {"decision": "verified", "license_expiry_date": "2099-01-01"}


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 12, 7), 36, date(2029, 12, 7)),
    (date(2024, 2, 29), 36, date(2027, 2, 28)),  # no 29 February in 2027: its last day, no grace beyond
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2023, 11, 30), 3, date(2024, 2, 29)),
    (date(2025, 12, 31), 36, date(2028, 12, 31)),
])
def test_months_after(day: date, months: int, expected: date) -> None:
    assert months_after(day, months) == expected


def test_the_screenings_allowed_age_changed_on_1_july_2025() -> None:
    assert screening_max_days(date(2025, 6, 30)) == 180
    assert screening_max_days(date(2025, 7, 1)) == 120
    assert screening_max_days(date(2026, 12, 7)) == 120


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of our own: these tests move its monitoring runs back in time."""
    with running_server(tmp_path_factory.mktemp("clocks"), demo_providers=20) as live:
        yield live


def client_for(server: LiveServer, role: str) -> httpx.Client:
    return server.client(server.login(DEMO_ACCOUNTS[role])["access"])


def age_runs(server: LiveServer, days: int) -> None:
    """Move every monitoring run `days` days back, in the database."""
    server.manage("shell", "-c", (
        "import datetime\n"
        "from django.db.models import F\n"
        "from server.screening.models import MonitoringRun\n"
        f"MonitoringRun.objects.update(started_at=F('started_at') - datetime.timedelta(days={days}), "
        f"finished_at=F('finished_at') - datetime.timedelta(days={days}))\n"))


def backdate_registration(server: LiveServer, provider_id: str, days: int) -> None:
    server.manage("shell", "-c", (
        "import datetime\n"
        "from django.db.models import F\n"
        "from server.directory.models import Provider\n"
        f"Provider.objects.filter(pk={provider_id!r}).update(created_at=F('created_at') - "
        f"datetime.timedelta(days={days}))\n"))


def backdate_verification(server: LiveServer, provider_id: str, days: int) -> None:
    server.manage("shell", "-c", (
        "import datetime\n"
        "from server.credentialing.models import AuditEvent\n"
        f"AuditEvent.objects.filter(provider_id={provider_id!r}, action='verified').update("
        f"at=AuditEvent.objects.filter(provider_id={provider_id!r}, action='verified').first().at"
        f" - datetime.timedelta(days={days}))\n"))


def test_verify_needs_a_screening_that_covered_the_provider_and_at_most_120_days_old(server: LiveServer) -> None:
    with client_for(server, "facility_admin") as admin, client_for(server, "credentialing_officer") as officer:
        provider = create_provider(admin)
        refused = officer.post(f"/providers/{provider['id']}/license/decision/", json=VERIFY)
        assert (refused.status_code, refused.json()) == (400, {"decision": [VERIFY_NOT_SCREENED]})
        assert officer.get(f"/providers/{provider['id']}/").json()["license_status"] == "pending_verification"
        backdate_registration(server, provider["id"], 200)  # registered long before the run that covers it
        assert officer.post("/screening/runs/").status_code == 201
        age_runs(server, 121)
        old = officer.post(f"/providers/{provider['id']}/license/decision/", json=VERIFY)
        assert old.status_code == 400
        [message] = old.json()["decision"]
        assert message.startswith("This provider's last screening is 121 days old (")
        assert message == VERIFY_SCREENING_OLD.format(days=121, on=message.split("(")[1].split(")")[0], limit=120)
        age_runs(server, -1)  # 120 days old: still allowed (at most 120)
        taken = officer.post(f"/providers/{provider['id']}/license/decision/", json=VERIFY)
        assert taken.status_code == 200, taken.text
        rejected = create_provider(admin)  # a rejection needs no screening
        answer = officer.post(f"/providers/{rejected['id']}/license/decision/",
                              json={"decision": "rejected", "note": "Not screened, and no need for it"})
        assert answer.status_code == 200, answer.text


def test_recredentialing_is_due_36_months_after_the_last_verification(server: LiveServer) -> None:
    with client_for(server, "facility_admin") as admin, client_for(server, "credentialing_officer") as officer:
        provider = create_provider(admin)
        assert officer.post("/screening/runs/").status_code == 201
        officer.post(f"/providers/{provider['id']}/license/decision/", json=VERIFY).raise_for_status()
        [clock] = officer.get("/credentialing/recredentialing/", params={"provider": provider["id"]}).json()["results"]
        verified_on = date.fromisoformat(clock["verified_at"][:10])
        assert clock["due"] == months_after(verified_on, 36).isoformat()
        backdate_verification(server, provider["id"], 1000)
        [clock] = admin.get("/credentialing/recredentialing/", params={"provider": provider["id"]}).json()["results"]
        assert date.fromisoformat(clock["due"]) < months_after(verified_on, 36)
        every = officer.get("/credentialing/recredentialing/", params={"page_size": 500}).json()
        assert every["count"] >= 1
        assert provider["id"] in [row["provider_id"] for row in every["results"]]
        pending = create_provider(admin)
        assert officer.get("/credentialing/recredentialing/",
                           params={"provider": pending["id"]}).json()["results"] == [], "never verified: no clock"
        assert officer.get("/credentialing/recredentialing/", params={"provider": "nope"}).status_code == 400


def test_no_provider_sees_a_clock_not_even_its_own(server: LiveServer) -> None:
    with client_for(server, "provider") as mine:
        profile = mine.get("/auth/provider/profile/").json()
        assert "recredential_due" not in profile
        assert mine.get("/credentialing/recredentialing/").status_code == 403


def test_demo_data_has_recredentialing_due_and_overdue(server: LiveServer) -> None:
    today = date.fromisoformat(server.manage("shell", "-c", (
        "from django.utils import timezone\nprint(timezone.localdate().isoformat())\n")).strip().splitlines()[-1])
    with client_for(server, "credentialing_officer") as officer:
        rows = officer.get("/credentialing/recredentialing/", params={"page_size": 500}).json()["results"]
    dues = [date.fromisoformat(row["due"]) for row in rows]
    assert any(due < today for due in dues), "some overdue"
    assert any(0 <= (due - today).days <= 90 for due in dues), "some due within 90 days"
