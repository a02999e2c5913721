"""Who sees which providers, and which of their fields (docs/api.md, "What each role sees").

The one place that decides it: every directory read takes its rows from `visible_providers` and
passes each representation through `shown_to`, and the change feed asks `can_see` of each change.
Staff see every provider and every field. A provider sees the credentialed directory (active,
verified, not past expiry) with the public fields only, plus its own whole record.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from rest_framework.request import Request

from contract.choices import LicenseStatus, Role
from server.accounts.permissions import role_of
from server.directory.models import Provider
from server.directory.outputs import PRIVATE_FIELDS
from server.directory.selectors import today

_VERIFIED = str(LicenseStatus.VERIFIED.value)


@dataclass(frozen=True)
class Audience:
    """What one caller may read: everything (`staff`), or the credentialed directory and `own_id`."""

    staff: bool
    own_id: str | None = None

    @property
    def key(self) -> str:
        """Names what this audience sees, for caches of rendered answers."""
        return "staff" if self.staff else f"directory:{self.own_id or '-'}:{today().isoformat()}"


STAFF = Audience(staff=True)


def audience_of(request: Request) -> Audience:
    """The audience of a signed-in request (permissions have already refused anonymous callers).

    Found once per request (a provider's costs a query), however many readers ask.
    """
    found = getattr(request, "_audience", None)
    if found is not None:
        return found
    if role_of(request) in (Role.FACILITY_ADMIN, Role.CREDENTIALING_OFFICER):
        found = STAFF
    else:
        own = Provider.objects.filter(user=request.user).values_list("pk", flat=True).first()
        found = Audience(staff=False, own_id=str(own) if own is not None else None)
    request._audience = found
    return found


def credentialed_q(on: date, prefix: str = "") -> Q:
    """Providers in the credentialed directory on the day `on`; `prefix` reaches them through a relation."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}license_status": LicenseStatus.VERIFIED}) & (
        Q(**{f"{prefix}license_expiry_date__isnull": True}) | Q(**{f"{prefix}license_expiry_date__gte": on})
    )


def visible_q(audience: Audience, prefix: str = "") -> Q:
    """The providers `audience` may see, as a filter (empty for staff)."""
    if audience.staff:
        return Q()
    q = credentialed_q(today(), prefix)
    if audience.own_id is not None:
        q |= Q(**{f"{prefix}pk": audience.own_id})
    return q


def visible_providers(audience: Audience, queryset: QuerySet[Provider] | None = None) -> QuerySet[Provider]:
    """`queryset` (every provider by default) narrowed to what `audience` may see."""
    base = Provider.objects.all() if queryset is None else queryset
    return base if audience.staff else base.filter(visible_q(audience))


def can_see(audience: Audience, row: dict[str, Any]) -> bool:
    """Whether `audience` may see the provider of a representation (`license_status` is the effective one)."""
    if audience.staff or row["id"] == audience.own_id:
        return True
    return bool(row["is_active"]) and row["license_status"] == _VERIFIED


def shown_to(audience: Audience, row: dict[str, Any]) -> dict[str, Any]:
    """A representation with the fields `audience` may read of it (a Provider or a ProviderSummary)."""
    if audience.staff or row["id"] == audience.own_id:
        return row
    return {name: value for name, value in row.items() if name not in PRIVATE_FIELDS}
