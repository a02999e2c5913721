"""Appointments' vocabulary (docs/api.md, "Appointments"): statuses, types, the rules of a time and their words.

The server answers a 400 with these words, and the desktop's booking dialog checks with the same
function as the user types, so both say the same thing of the same times.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from contract.choices import Choice


class AppointmentStatus(Choice):
    SCHEDULED = "scheduled", "Scheduled"
    CONFIRMED = "confirmed", "Confirmed"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class AppointmentType(Choice):
    """The seed guide's backend's types, values as it sends them."""

    CONSULTATION = "consultation", "Consultation"
    FOLLOW_UP = "follow_up", "Follow-up"
    CHECKUP = "checkup", "Regular checkup"
    EMERGENCY = "emergency", "Emergency"
    SURGERY = "surgery", "Surgery"
    THERAPY = "therapy", "Therapy"
    VACCINATION = "vaccination", "Vaccination"
    DIAGNOSTIC = "diagnostic", "Diagnostic"


# Statuses that hold the provider's time (a cancelled appointment frees its slot; the others keep it,
# so a past slot stays as it happened).
HOLDS_SLOT = frozenset({AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED, AppointmentStatus.COMPLETED,
                        AppointmentStatus.NO_SHOW})
# Statuses still to happen: they may be rescheduled or cancelled.
OPEN = frozenset({AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED})
# What a provider may set on its own appointment, from which statuses.
PROVIDER_MOVES = {
    AppointmentStatus.CONFIRMED: frozenset({AppointmentStatus.SCHEDULED}),
    AppointmentStatus.COMPLETED: frozenset({AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}),
    AppointmentStatus.NO_SHOW: frozenset({AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}),
}

MIN_MINUTES = 5
MAX_MINUTES = 8 * 60
DEFAULT_MINUTES = 30
PATIENT_NAME_MAX = 200
CONTACT_MAX = 200
REASON_MAX = 300

END_BEFORE_START = "The end must be after the start."
START_IN_PAST = "An appointment cannot be booked in the past."
TOO_SHORT = f"An appointment lasts at least {MIN_MINUTES} minutes."
TOO_LONG = f"An appointment lasts at most {MAX_MINUTES // 60} hours."
OVERLAP = "{provider} already has an appointment from {start} to {end} that overlaps this time."
NOT_BOOKABLE = "Only active providers with a current, verified license can be booked."
PATIENT_NAME_REQUIRED = "The patient's name is required."
PATIENT_CONTACT_REQUIRED = "A contact for the patient (a phone number or an email address) is required."
CANCEL_REASON_REQUIRED = "Say why the appointment is cancelled: the reason is kept in the audit."
NOT_OPEN = "Only a scheduled or confirmed appointment can be {action}; this one is {status}."
STATUS_NOT_ALLOWED = "A {status} appointment cannot be marked {target}."
COMPLETE_BEFORE_START = "An appointment cannot be completed or marked no-show before it starts."


def time_errors(start: datetime, end: datetime, now: datetime, *, new: bool) -> dict[str, str]:
    """The field errors of an appointment's times (empty when none): `new` for a booking or a new time."""
    errors: dict[str, str] = {}
    if new and start < now:
        errors["appointment_date"] = START_IN_PAST
    if end <= start:
        errors["end_time"] = END_BEFORE_START
    elif end - start < timedelta(minutes=MIN_MINUTES):
        errors["end_time"] = TOO_SHORT
    elif end - start > timedelta(minutes=MAX_MINUTES):
        errors["end_time"] = TOO_LONG
    return errors
