"""Reads for credentialing: the verification queue, the audit trail and the staff dashboard."""
from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from contract.choices import LicenseStatus, Role, values
from server.common.rows import iso_datetime
from server.credentialing.models import AuditEvent
from server.directory.choices import full_name
from server.directory.models import Provider
from server.directory.selectors import status_q

EXPIRING_DAYS = (30, 60, 90)
ACTION_WORDS = {
    "registered": "registered",
    "created": "was added to the directory",
    "updated": "was updated",
    "document_uploaded": "uploaded a license document",
    "verified": "license verified",
    "rejected": "license rejected",
    "deactivated": "was deactivated",
    "reactivated": "was reactivated",
    # appointments (server/appointments/services.py, AppointmentAction)
    "appointment_booked": "has a new appointment",
    "appointment_rescheduled": "has an appointment rescheduled",
    "appointment_cancelled": "has an appointment cancelled",
    "appointment_updated": "has an appointment changed",
    "appointment_confirmed": "confirmed an appointment",
    "appointment_completed": "completed an appointment",
    "appointment_no_show": "marked an appointment no-show",
}


def queue_queryset(*, status: str, expiring_within: int | None, on: date) -> QuerySet[Provider]:
    """Active providers waiting for a credentialing decision (or whose license expires soon)."""
    queryset = Provider.objects.filter(is_active=True)
    if expiring_within is not None:
        return queryset.filter(
            status_q(LicenseStatus.VERIFIED, on), license_expiry_date__lte=on + timedelta(days=expiring_within)
        ).order_by("license_expiry_date", "created_at", "id")
    return queryset.filter(status_q(status, on)).order_by("created_at", "id")


def audit_rows(events: QuerySet[AuditEvent]) -> list[dict[str, Any]]:
    rows = events.values("at", "actor_email", "action", "detail", "fields")
    return [
        {"at": iso_datetime(r["at"]), "actor": r["actor_email"], "action": r["action"],
         "detail": r["detail"], "fields": r["fields"]}
        for r in rows
    ]


def _day_start(day: date) -> datetime:
    """The first instant of `day` in the server's local time, clamped to datetime's range."""
    try:
        return timezone.make_aware(datetime.combine(day, time.min)).astimezone(UTC)
    except OverflowError:
        return (datetime.min if day.year < 5000 else datetime.max).replace(tzinfo=UTC)


AUDIT_EXPORT_VALUES = (
    "at", "actor_email", "action", "detail", "fields", "provider_id", "provider__professional_title",
    "provider__first_name", "provider__last_name", "provider__license_number",
)


APPOINTMENT_EVENTS = "appointment_"  # the actions' prefix (server/appointments/services.py)


def readable_events(events: QuerySet[AuditEvent], role: str | None) -> QuerySet[AuditEvent]:
    """`events` as `role` may read them: a credentialing officer sees no appointment (CONTRACT.md)."""
    if role == Role.FACILITY_ADMIN:
        return events
    return events.exclude(action__startswith=APPOINTMENT_EVENTS)


def audit_export_queryset(
    *, since: date, until: date, actions: Collection[str] | None, role: str | None
) -> QuerySet[AuditEvent, dict[str, Any]]:
    """Rows of the events from `since` through `until` (local dates, both included), oldest first.

    `actions` None means every action. Each row becomes an item with `audit_export_item`.
    """
    end = _day_start(until + timedelta(days=1)) if until < date.max else datetime.max.replace(tzinfo=UTC)
    events = readable_events(AuditEvent.objects.filter(at__gte=_day_start(since), at__lt=end), role)
    if actions is not None:
        events = events.filter(action__in=list(actions))
    return events.order_by("at", "id").values(*AUDIT_EXPORT_VALUES)


def audit_export_item(row: dict[str, Any]) -> dict[str, Any]:
    """An audit export item: the event, with the provider it concerns (as the provider is now)."""
    return {
        "at": iso_datetime(row["at"]), "actor": row["actor_email"], "action": row["action"],
        "detail": row["detail"], "fields": row["fields"], "provider_id": str(row["provider_id"]),
        "provider_name": full_name(row["provider__professional_title"], row["provider__first_name"],
                                   row["provider__last_name"]),
        "license_number": row["provider__license_number"],
    }


def _recent_activities() -> list[dict[str, str]]:
    """The last ten events either staff role may read (the dashboard is one for both)."""
    events = readable_events(AuditEvent.objects.select_related("provider"), None).order_by("-at", "-id")[:10]
    return [
        {
            "at": iso_datetime(e.at),
            "kind": e.action,
            "message": f"{e.provider.first_name} {e.provider.last_name} {ACTION_WORDS.get(e.action, e.action)}"
            + (f" by {e.actor_email}" if e.action in ("verified", "rejected") else ""),
        }
        for e in events
    ]


def _registrations_by_week(on: date, weeks: int = 12) -> list[dict[str, Any]]:
    start = on - timedelta(days=on.weekday()) - timedelta(weeks=weeks - 1)
    counts = (
        Provider.objects.filter(created_at__date__gte=start)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(count=Count("id"))
    )
    by_week = {row["week"].date() if hasattr(row["week"], "date") else row["week"]: row["count"] for row in counts}
    return [
        {"week": (start + timedelta(weeks=i)).isoformat(), "count": by_week.get(start + timedelta(weeks=i), 0)}
        for i in range(weeks)
    ]


def staff_dashboard() -> dict[str, Any]:
    """The staff dashboard's figures: the counts in one pass over the active providers, then the roles,
    the weeks' registrations and the recent activities (cached by the directory's revision: versioned.py)."""
    on = timezone.localdate()
    active = Provider.objects.filter(is_active=True)
    verified = status_q(LicenseStatus.VERIFIED, on)
    counts = active.aggregate(
        total=Count("id"),
        **{f"status_{status}": Count("id", filter=status_q(status, on)) for status in values(LicenseStatus)},
        **{f"within_{days}": Count("id", filter=verified & Q(license_expiry_date__lte=on + timedelta(days=days)))
           for days in EXPIRING_DAYS},
    )
    by_status = {status: counts[f"status_{status}"] for status in values(LicenseStatus)}
    roles = {row["professional_role"]: row["n"] for row in
             active.values("professional_role").annotate(n=Count("id")).order_by()}
    return {
        "providers_total": counts["total"],
        "by_license_status": by_status,
        "by_professional_role": roles,
        "pending_queue": by_status[LicenseStatus.PENDING],
        "expiring": {f"within_{days}": counts[f"within_{days}"] for days in EXPIRING_DAYS},
        "registrations_by_week": _registrations_by_week(on),
        "recent_activities": _recent_activities(),
    }
