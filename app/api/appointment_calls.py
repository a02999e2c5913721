"""The client's calls for appointments (docs/api.md, "Appointments"): a provider's own, an administrator's all."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.api.endpoint import Endpoint, reads
from app.api.models import APPOINTMENTS, Appointment, Page
from app.api.transport import Caller

LIST = Endpoint("the appointments", "GET", "appointments/", reads(Page[Appointment].model_validate))
UPCOMING = Endpoint("the upcoming appointments", "GET", "appointments/upcoming/", reads(APPOINTMENTS.validate_python))
ONE = reads(Appointment.model_validate)
# writes are not retried: a booking that reached the server may have been made (a second is an overlap)
BOOK = Endpoint("the booking", "POST", "appointments/create/", ONE, ok=(201,), retry=False)
UPDATE = Endpoint("the appointment's change", "PATCH", "appointments/{}/update/", ONE, retry=False)
RESCHEDULE = Endpoint("the new time", "POST", "appointments/{}/reschedule/", ONE, retry=False)
CANCEL = Endpoint("the cancellation", "POST", "appointments/{}/cancel/", ONE, retry=False)


def _moment(value: date | datetime) -> str:
    return value.isoformat()


class AppointmentCalls(Caller):
    async def appointments(
        self, *, start: date | datetime | None = None, end: date | datetime | None = None,
        statuses: tuple[str, ...] = (), provider_id: str | None = None, upcoming: bool = False, past: bool = False,
        page: int = 1, page_size: int = 500,
    ) -> Page[Appointment]:
        """One page of the appointments the caller may see, earliest first; `start`/`end` days are included;
        `upcoming` those starting from now, `past` those that started."""
        params: dict[str, Any] = {"page": page, "page_size": page_size}
        if upcoming:
            params["upcoming"] = "true"
        if past:
            params["past"] = "true"
        if start is not None:
            params["start_date"] = _moment(start)
        if end is not None:
            params["end_date"] = _moment(end)
        if statuses:
            params["status"] = ",".join(statuses)
        if provider_id:
            params["healthcare_provider"] = provider_id
        return await self._call(LIST, params=params)

    async def all_appointments(self, **filters: Any) -> list[Appointment]:
        """Every page of `appointments(**filters)`."""
        found: list[Appointment] = []
        page = 1
        while True:
            answer = await self.appointments(page=page, **filters)
            found.extend(answer.results)
            if answer.next is None:
                return found
            page += 1

    async def upcoming_appointments(self, limit: int = 5) -> list[Appointment]:
        return await self._call(UPCOMING, params={"limit": limit})

    async def book_appointment(
        self, *, provider_id: str, start: datetime, end: datetime, patient_name: str, patient_contact: str,
        appointment_type: str, reason: str = "",
    ) -> Appointment:
        """Book (a facility administrator); ValidationError carries the server's field messages (an overlap)."""
        return await self._call(BOOK, json={
            "healthcare_provider": provider_id, "appointment_date": start.isoformat(), "end_time": end.isoformat(),
            "patient_name": patient_name, "patient_contact": patient_contact, "appointment_type": appointment_type,
            "chief_complaint": reason})

    async def reschedule_appointment(self, appointment_id: str, *, start: datetime, end: datetime) -> Appointment:
        return await self._call(RESCHEDULE, appointment_id,
                                json={"appointment_date": start.isoformat(), "end_time": end.isoformat()})

    async def cancel_appointment(self, appointment_id: str, reason: str) -> Appointment:
        return await self._call(CANCEL, appointment_id, json={"reason": reason})

    async def set_appointment_status(self, appointment_id: str, status: str) -> Appointment:
        """A provider confirms, completes or marks no-show its own appointment."""
        return await self._call(UPDATE, appointment_id, json={"status": status})
