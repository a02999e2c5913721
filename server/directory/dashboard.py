"""The provider's own dashboard, from its appointments, audit trail and notifications."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from contract.appointments import OPEN, AppointmentStatus
from contract.choices import LicenseStatus, NotificationLevel
from server.appointments.models import Appointment
from server.common.rows import iso_datetime
from server.credentialing.models import AuditAction, AuditEvent
from server.credentialing.selectors import APPOINTMENT_EVENTS
from server.directory.models import Notification, Provider
from server.directory.selectors import provider_detail, today

EXPIRY_NOTICE_DAYS = 30
# uuid5 namespace of the computed (never stored) license expiry notices
EXPIRY_NOTICE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:providerdesk:notification:license-expiry")

ACTIVITY_WORDS = {
    "registered": "You registered with ProviderDesk.",
    "created": "Your profile was created by a facility administrator.",
    "updated": "Your profile was updated",
    "document_uploaded": "A license document was uploaded.",
    "verified": "Your license was verified.",
    "rejected": "Your license was rejected.",
    "deactivated": "Your profile was deactivated.",
    "reactivated": "Your profile was reactivated.",
}


def _stats(provider: Provider) -> dict[str, int]:
    """Our counts, and (for the seed guide's `statistics`) the appointments of today, this week (from
    Monday) and this month, in the server's time zone."""
    now = timezone.now()
    day = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    week, month = day - timedelta(days=day.weekday()), day.replace(day=1)
    counts = Appointment.objects.filter(provider=provider).aggregate(
        total=Count("id"),
        upcoming=Count("id", filter=Q(status__in=list(OPEN), start__gte=now)),
        completed=Count("id", filter=Q(status=AppointmentStatus.COMPLETED)),
        patients=Count("patient_name", distinct=True),
        today=Count("id", filter=Q(start__gte=day, start__lt=day + timedelta(days=1))),
        week=Count("id", filter=Q(start__gte=week, start__lt=week + timedelta(days=7))),
        month=Count("id", filter=Q(start__gte=month, start__lt=(month + timedelta(days=32)).replace(
            day=1))),
    )
    return {
        "total_appointments": counts["total"],
        "upcoming_appointments": counts["upcoming"],
        "completed_appointments": counts["completed"],
        "patients_count": counts["patients"],
        "today_appointments": counts["today"],
        "week_appointments": counts["week"],
        "month_appointments": counts["month"],
    }


def _recent_appointments(provider: Provider) -> list[dict[str, Any]]:
    return [{"id": str(a.id), "patient_name": a.patient_name, "scheduled_at": iso_datetime(a.start),
             "status": a.status} for a in Appointment.objects.filter(provider=provider).order_by("-start")[:5]]


def _activities(provider: Provider) -> list[dict[str, str]]:
    items = []
    # an appointment's own events (appointments/services.py) are not the profile's activity
    events = AuditEvent.objects.filter(provider=provider).exclude(action__startswith=APPOINTMENT_EVENTS)
    for event in events.order_by("-at", "-id")[:10]:
        message = ACTIVITY_WORDS.get(event.action, event.action)
        if event.action == "updated" and event.fields:
            message += ": " + ", ".join(f.replace("_", " ") for f in event.fields) + "."
        elif event.action == "updated":
            message += "."
        items.append((event.at, event.action, message))
    appointments = Appointment.objects.filter(provider=provider, status=AppointmentStatus.COMPLETED)
    for appointment in appointments.order_by("-start")[:10]:
        items.append((appointment.start, "appointment_completed",
                      f"Appointment with {appointment.patient_name} completed."))
    items.sort(key=lambda item: item[0], reverse=True)
    return [{"at": iso_datetime(at), "kind": kind, "message": message} for at, kind, message in items[:10]]


def _notifications(provider: Provider) -> list[dict[str, Any]]:
    rows = Notification.objects.filter(provider=provider).order_by("-created_at")[:20]
    return [
        {"id": str(n.id), "level": n.level, "message": n.message, "created_at": iso_datetime(n.created_at),
         "read": n.read}
        for n in rows
    ]


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _expiry_message(status: str, expiry: date | None, on: date) -> tuple[str, str] | None:
    """The notice's level and words, when the license has expired or expires within 30 days."""
    if status == LicenseStatus.EXPIRED:
        when = f" on {_long_date(expiry)}" if expiry is not None else ""
        return NotificationLevel.ERROR, f"Your license expired{when}. Upload your renewed license."
    if status != LicenseStatus.VERIFIED or expiry is None or (expiry - on).days > EXPIRY_NOTICE_DAYS:
        return None
    days = (expiry - on).days
    if days == 0:
        return NotificationLevel.WARNING, (f"Your license expires today, {_long_date(expiry)}. "
                                           "Upload your renewed license today.")
    span = "1 day" if days == 1 else f"{days} days"
    return NotificationLevel.WARNING, (f"Your license expires on {_long_date(expiry)}, in {span}. "
                                       "Upload your renewed license before then.")


def _expiry_notice_since(provider: Provider, level: str, on: date) -> datetime:
    """When the notice began to apply: the day the warning window opened or the license expired,
    never before the license was verified."""
    expiry = provider.license_expiry_date
    if expiry is None or (level == NotificationLevel.ERROR and expiry >= on):
        return provider.updated_at  # stored as expired, with no date or a date still to come
    window = timedelta(days=1) if level == NotificationLevel.ERROR else -timedelta(days=EXPIRY_NOTICE_DAYS)
    start = timezone.make_aware(datetime.combine(expiry + window, time.min))
    verified = AuditEvent.objects.filter(provider=provider, action=AuditAction.VERIFIED).order_by("-at", "-id")
    verified_at = verified.values_list("at", flat=True).first()
    return max(start, verified_at) if verified_at is not None else start


def _expiry_notice(provider: Provider, status: str) -> dict[str, Any] | None:
    """A notice computed on each read (not stored): the license expires soon or has expired.

    Its id is a uuid5 of the provider, the expiry date and the level, so it stays the same across
    reads and a new one appears when the license expires or a new expiry date is set.
    """
    on = today()
    found = _expiry_message(status, provider.license_expiry_date, on)
    if found is None:
        return None
    level, message = found
    notice_id = uuid.uuid5(EXPIRY_NOTICE_NAMESPACE, f"{provider.pk}:{provider.license_expiry_date}:{level}")
    return {"id": str(notice_id), "level": level, "message": message,
            "created_at": iso_datetime(_expiry_notice_since(provider, level, on)), "read": False}


def provider_dashboard(provider: Provider) -> dict[str, Any]:
    profile = provider_detail(provider.pk)
    notice = _expiry_notice(provider, profile["license_status"])
    stats = _stats(provider)
    return {
        "provider_profile": profile,
        "stats": stats,
        # the seed guide's backend's names, beside ours (docs/api.md)
        "statistics": stats,
        "provider": {name: profile[name] for name in ("id", "full_name", "specialization", "years_of_experience",
                                                      "consultation_fee")},
        "recent_appointments": _recent_appointments(provider),
        "recent_activities": _activities(provider),
        "notifications": ([notice] if notice else []) + _notifications(provider),
        "license_status": profile["license_status"],
    }
