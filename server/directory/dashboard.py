"""The provider's own dashboard, from its appointments, audit trail and notifications."""
from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from server.credentialing.models import AuditEvent
from server.directory.choices import AppointmentStatus
from server.directory.models import Appointment, Notification, Provider
from server.directory.selectors import iso_datetime, provider_detail

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
    now = timezone.now()
    counts = Appointment.objects.filter(provider=provider).aggregate(
        total=Count("id"),
        upcoming=Count("id", filter=Q(status=AppointmentStatus.SCHEDULED, scheduled_at__gte=now)),
        completed=Count("id", filter=Q(status=AppointmentStatus.COMPLETED)),
        patients=Count("patient_name", distinct=True),
    )
    return {
        "total_appointments": counts["total"],
        "upcoming_appointments": counts["upcoming"],
        "completed_appointments": counts["completed"],
        "patients_count": counts["patients"],
    }


def _activities(provider: Provider) -> list[dict[str, str]]:
    items = []
    for event in AuditEvent.objects.filter(provider=provider).order_by("-at", "-id")[:10]:
        message = ACTIVITY_WORDS.get(event.action, event.action)
        if event.action == "updated" and event.fields:
            message += ": " + ", ".join(f.replace("_", " ") for f in event.fields) + "."
        elif event.action == "updated":
            message += "."
        items.append((event.at, event.action, message))
    appointments = Appointment.objects.filter(provider=provider, status=AppointmentStatus.COMPLETED)
    for appointment in appointments.order_by("-scheduled_at")[:10]:
        items.append((appointment.scheduled_at, "appointment_completed",
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


def provider_dashboard(provider: Provider) -> dict[str, Any]:
    profile = provider_detail(provider.pk)
    return {
        "provider_profile": profile,
        "stats": _stats(provider),
        "recent_activities": _activities(provider),
        "notifications": _notifications(provider),
        "license_status": profile["license_status"],
    }
