"""The client's appointment calls against our server over HTTP: a provider reads its own, an administrator
books, reschedules and cancels, and a refused booking carries the server's field message."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.api import errors
from app.api.client import ApiClient
from contract import appointments as rules
from tests.helpers.aio import run
from tests.helpers.factories import bookable
from tests.helpers.live_server import DEMO_PASSWORD, LiveServer

START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1300)


async def signed_in(server: LiveServer, email: str) -> ApiClient:
    client = ApiClient(server.api)
    result = await client.login(email, DEMO_PASSWORD)
    client.auth.start(result.access, result.refresh)
    return client


def test_admin_books_reschedules_and_cancels_the_provider_reads(live_server: LiveServer, officer: httpx.Client,
                                                                 provider: httpx.Client) -> None:
    bookable(officer, provider.get("/auth/provider/profile/").json()["id"])  # another test's upload: pending

    async def body() -> None:
        admin = await signed_in(live_server, "admin@demo.local")
        provider = await signed_in(live_server, "provider@demo.local")
        try:
            own = (await provider.profile()).value.id
            made = await admin.book_appointment(provider_id=own, start=START, end=START + timedelta(minutes=30),
                                                patient_name="Client Test", patient_contact="+1 555 0199",
                                                appointment_type="checkup", reason="Annual")
            assert made.status == "scheduled"
            assert made.type_label == "Regular checkup"
            with pytest.raises(errors.ValidationError) as refused:
                await admin.book_appointment(provider_id=own, start=START + timedelta(minutes=10),
                                             end=START + timedelta(minutes=40), patient_name="Other",
                                             patient_contact="x@example.com", appointment_type="checkup")
            assert "overlaps" in refused.value.field_errors["appointment_date"][0]
            seen = await provider.all_appointments(start=START.date(), end=START.date())
            assert [a.id for a in seen] == [made.id]
            confirmed = await provider.set_appointment_status(made.id, "confirmed")
            assert confirmed.status_label == "Confirmed"
            moved = await admin.reschedule_appointment(made.id, start=START + timedelta(hours=2),
                                                       end=START + timedelta(hours=2, minutes=20))
            assert moved.duration_minutes == 20
            assert moved.status == "scheduled"
            with pytest.raises(errors.ValidationError) as no_reason:
                await admin.cancel_appointment(made.id, "")
            assert no_reason.value.field_errors["reason"] == [rules.CANCEL_REASON_REQUIRED]
            cancelled = await admin.cancel_appointment(made.id, "Moved away")
            assert cancelled.status == "cancelled"
            assert not cancelled.can_be_cancelled
            upcoming = await provider.upcoming_appointments(limit=100)
            assert all(a.status in ("scheduled", "confirmed") for a in upcoming)
        finally:
            await admin.aclose()
            await provider.aclose()

    run(body)
