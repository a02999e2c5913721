"""The credentialing clocks on the server's data (the rules themselves: contract/clocks.py)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from contract import validation as rules
from contract.choices import LicenseStatus
from contract.clocks import recredential_due_on, screening_max_days
from server.credentialing.models import AuditAction, AuditEvent
from server.directory.models import Provider
from server.screening.selectors import last_screened


def recredential_due(verified_at: datetime) -> date:
    """The day recredentialing is due after the verify decision at `verified_at` (the server's local date)."""
    return recredential_due_on(timezone.localdate(verified_at))


def screening_problem(provider: Provider, decided_on: date) -> str | None:
    """Why `provider` cannot be verified on `decided_on` for the age of its last screening; None when it may."""
    screened = last_screened(provider)
    if screened is None:
        return rules.VERIFY_NOT_SCREENED
    on = timezone.localdate(screened)
    days, limit = (decided_on - on).days, screening_max_days(decided_on)
    return rules.VERIFY_SCREENING_OLD.format(days=days, on=on, limit=limit) if days > limit else None


def last_verifications(provider: Any = None) -> QuerySet[AuditEvent, dict[str, Any]]:
    """(provider_id, last) of every provider whose license is verified now: `last` its last verify decision."""
    events = AuditEvent.objects.filter(action=AuditAction.VERIFIED,
                                       provider__license_status=LicenseStatus.VERIFIED)
    if provider is not None:
        events = events.filter(provider_id=provider)
    return events.values("provider_id").annotate(last=Max("at")).order_by("provider_id")


def clock_item(row: dict[str, Any]) -> dict[str, Any]:
    return {"provider_id": row["provider_id"], "verified_at": row["last"], "due": recredential_due(row["last"])}
