"""Writes of appointments: book, reschedule, cancel, change details or status; each one audited.

A booking or a new time takes the provider's row lock first (select_for_update; SQLite's IMMEDIATE
transactions serialize writers), so two bookings of the same slot at once cannot both find it free.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from contract import appointments as rules
from contract.appointments import AppointmentStatus
from server.accounts.models import User
from server.appointments.models import Appointment
from server.appointments.outputs import provider_name
from server.credentialing.services import audit_record
from server.directory.models import Provider
from server.directory.selectors import today
from server.directory.visibility import credentialed_q


class AppointmentAction(StrEnum):
    """The audit trail's actions of appointments (beside credentialing's AuditAction, on the provider's trail)."""

    BOOKED = "appointment_booked"
    RESCHEDULED = "appointment_rescheduled"
    CANCELLED = "appointment_cancelled"
    UPDATED = "appointment_updated"
    CONFIRMED = "appointment_confirmed"
    COMPLETED = "appointment_completed"
    NO_SHOW = "appointment_no_show"


STATUS_ACTIONS = {
    AppointmentStatus.CONFIRMED: AppointmentAction.CONFIRMED,
    AppointmentStatus.COMPLETED: AppointmentAction.COMPLETED,
    AppointmentStatus.NO_SHOW: AppointmentAction.NO_SHOW,
}
DETAIL_FIELDS = ("patient_name", "patient_contact", "appointment_type", "reason")


def is_bookable(provider: Provider) -> bool:
    return Provider.objects.filter(credentialed_q(today()), pk=provider.pk).exists()


def _when(at: datetime, zone: bool = False) -> str:
    """A time as the server's messages say it; `zone` adds the server's time zone (UTC by default)."""
    return timezone.localtime(at).strftime("%d %b %Y %H:%M" + (" %Z" if zone else ""))


def _overlap_check(provider: Provider, start: datetime, end: datetime, exclude: Any = None) -> None:
    clash = (Appointment.objects.filter(provider=provider, start__lt=end, end__gt=start)
             .exclude(status=AppointmentStatus.CANCELLED).exclude(pk=exclude).order_by("start").first())
    if clash is not None:
        message = rules.OVERLAP.format(provider=provider_name(provider) or "The provider", start=_when(clash.start),
                                       end=_when(clash.end, zone=True))
        raise ValidationError({"appointment_date": [message]})


def _times_check(start: datetime, end: datetime) -> None:
    errors = rules.time_errors(start, end, timezone.now(), new=True)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


def _lock(provider: Provider) -> Provider:
    return Provider.objects.select_for_update().get(pk=provider.pk)


def _audit(appointment: Appointment, actor: User, action: str, detail: str, fields: tuple[str, ...] = ()) -> None:
    """An event on the provider's trail: what happened and when, never to whom (no patient's name, no
    reason in words): administrators read the trail, and the appointment itself keeps the rest."""
    audit_record(provider=appointment.provider, actor=actor, action=action, fields=fields,
                 detail=f"{detail} (appointment {appointment.pk})")


@transaction.atomic
def appointment_book(*, actor: User, provider: Provider, start: datetime, end: datetime,
                     values: dict[str, Any]) -> Appointment:
    _times_check(start, end)
    provider = _lock(provider)
    if not is_bookable(provider):
        raise ValidationError({"healthcare_provider": [rules.NOT_BOOKABLE]})
    _overlap_check(provider, start, end)
    appointment = Appointment.objects.create(
        provider=provider, start=start, end=end, booked_by=actor, booked_by_email=actor.email,
        **{name: values[name] for name in DETAIL_FIELDS if name in values})
    _audit(appointment, actor, AppointmentAction.BOOKED,
           f"Booked for {_when(start)}-{timezone.localtime(end):%H:%M}")
    return appointment


def _open_check(appointment: Appointment, action: str) -> None:
    if appointment.status not in rules.OPEN:
        status = AppointmentStatus(appointment.status).label.lower()
        raise ValidationError({"status": [rules.NOT_OPEN.format(action=action, status=status)]})


@transaction.atomic
def appointment_reschedule(*, actor: User, appointment: Appointment, start: datetime, end: datetime) -> Appointment:
    _times_check(start, end)
    provider = _lock(appointment.provider)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _open_check(appointment, "rescheduled")
    if not is_bookable(provider):
        raise ValidationError({"healthcare_provider": [rules.NOT_BOOKABLE]})
    _overlap_check(provider, start, end, exclude=appointment.pk)
    before = appointment.start
    appointment.start, appointment.end = start, end
    appointment.status = AppointmentStatus.SCHEDULED.value  # a new time is confirmed again
    appointment.save()
    _audit(appointment, actor, AppointmentAction.RESCHEDULED, f"Moved from {_when(before)} to {_when(start)}",
           ("appointment_date", "end_time"))
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _open_check(appointment, "cancelled")
    if not reason.strip():
        raise ValidationError({"reason": [rules.CANCEL_REASON_REQUIRED]})
    appointment.status = AppointmentStatus.CANCELLED.value
    appointment.cancellation_reason = reason.strip()
    appointment.save()
    _audit(appointment, actor, AppointmentAction.CANCELLED, "Cancelled (the reason is kept with the appointment)",
           ("status",))
    return appointment


@transaction.atomic
def appointment_set_status(*, actor: User, appointment: Appointment, status: str) -> Appointment:
    """A provider confirms, completes or marks no-show its own appointment."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    target = AppointmentStatus(status)
    allowed_from = rules.PROVIDER_MOVES.get(target, frozenset())
    if appointment.status == target:
        return appointment
    if appointment.status not in allowed_from:
        raise ValidationError({"status": [rules.STATUS_NOT_ALLOWED.format(
            status=AppointmentStatus(appointment.status).label.lower(), target=target.label.lower())]})
    if target in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW) and appointment.start > timezone.now():
        raise ValidationError({"status": [rules.COMPLETE_BEFORE_START]})
    appointment.status = target.value
    appointment.save()
    _audit(appointment, actor, STATUS_ACTIONS[target], f"Marked {target.label.lower()}", ("status",))
    return appointment


@transaction.atomic
def appointment_update_details(*, actor: User, appointment: Appointment, values: dict[str, Any]) -> Appointment:
    """An administrator changes the patient's name or contact, the type or the reason."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    changed = [name for name in DETAIL_FIELDS if name in values and getattr(appointment, name) != values[name]]
    for name in changed:
        setattr(appointment, name, values[name])
    if changed:
        appointment.save()
        _audit(appointment, actor, AppointmentAction.UPDATED, "Changed: " + ", ".join(changed), tuple(changed))
    return appointment
