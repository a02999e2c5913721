"""Reads of providers and hospitals, built from `.values()` rows (fast at 100,000 rows).

Every provider representation of the API comes from `provider_rows`, so a list, a detail and
the change feed always agree on a field's form.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from contract.choices import LicenseStatus
from server.credentialing.models import LicenseDocument
from server.directory.choices import full_name
from server.directory.models import Hospital, Provider, effective_license_status

SUMMARY_FIELDS = (
    "id", "professional_title", "first_name", "last_name", "email", "phone_number",
    "organization_facility", "professional_role", "specialization", "license_number",
    "license_status", "license_expiry_date", "is_active", "updated_at",
)
DETAIL_FIELDS = (
    *SUMMARY_FIELDS, "license_note", "additional_information", "years_of_experience",
    "consultation_fee", "bio", "created_at",
)


_VERIFIED = str(LicenseStatus.VERIFIED.value)


def iso_datetime(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def today() -> date:
    return timezone.localdate()


def status_q(status: str, on: date) -> Q:
    """Rows whose effective license status is `status` on the day `on`."""
    verified_expired = Q(license_status=LicenseStatus.VERIFIED, license_expiry_date__lt=on)
    if status == LicenseStatus.EXPIRED:
        return Q(license_status=LicenseStatus.EXPIRED) | verified_expired
    if status == LicenseStatus.VERIFIED:
        return Q(license_status=LicenseStatus.VERIFIED) & ~verified_expired
    return Q(license_status=status)


def _uuid_text(value: Any) -> str:
    """An id as the API writes it: SQLite hands back 32 hex digits, PostgreSQL a UUID."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def _when(value: datetime, tz: tzinfo) -> str:
    """A stored time in ISO form; SQLite's are naive, in the connection's time zone (`tz`)."""
    if value.tzinfo is None:
        if tz is UTC:
            return value.isoformat() + "Z"
        value = value.replace(tzinfo=tz)
    return iso_datetime(value)


def _raw_rows(queryset: QuerySet[Any, Any], fields: tuple[str, ...]) -> tuple[list[tuple[Any, ...]], tzinfo]:
    """`queryset`'s `fields` as the database driver returns them, and the time zone of naive times.

    Django's per-value converters (UUID objects, aware datetimes, decimals) took two thirds of
    the change feed's time; the callers convert the few columns they send instead.
    """
    values = queryset.values_list(*fields)
    connection = connections[values.db]
    tz = connection.timezone or UTC
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:
        return [], tz
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall(), tz


def _summary(row: dict[str, Any], on: date, tz: tzinfo) -> dict[str, Any]:
    status, expiry = row["license_status"], row["license_expiry_date"]
    if status == _VERIFIED and expiry is not None:  # a plain str: comparing with the enum costs 2 µs
        status = effective_license_status(status, expiry, on)
    return {
        "id": _uuid_text(row["id"]),
        "professional_title": row["professional_title"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "full_name": full_name(row["professional_title"], row["first_name"], row["last_name"]),
        "email": row["email"],
        "phone_number": row["phone_number"],
        "organization_facility": row["organization_facility"],
        "professional_role": row["professional_role"],
        "specialization": row["specialization"],
        "license_number": row["license_number"],
        "license_status": status,
        "license_expiry_date": _iso_date(row["license_expiry_date"]),
        "is_active": bool(row["is_active"]),
        "updated_at": _when(row["updated_at"], tz),
    }


def _hospitals_of(providers: QuerySet[Any, Any]) -> dict[Any, list[dict[str, str]]]:
    """Each provider's hospitals, sorted by name, by the provider's raw id; `providers` is a subquery."""
    rows, _ = _raw_rows(Hospital.objects.all(), ("id", "name", "city"))
    hospitals = {pk: {"id": _uuid_text(pk), "name": name, "city": city} for pk, name, city in rows}
    links, _ = _raw_rows(Provider.hospitals.through.objects.filter(provider__in=providers),
                         ("provider_id", "hospital_id"))
    found: dict[Any, list[dict[str, str]]] = defaultdict(list)
    for provider_id, hospital_id in links:
        found[provider_id].append(hospitals[hospital_id])
    for linked in found.values():
        if len(linked) > 1:
            linked.sort(key=lambda hospital: hospital["name"])
    return found


def _documents_of(providers: QuerySet[Any, Any]) -> dict[Any, dict[str, Any]]:
    """Each provider's newest license document's facts, by the provider's raw id; `providers` is a subquery."""
    fields = ("provider_id", "content_type", "size", "sha256", "uploaded_at")
    rows, tz = _raw_rows(LicenseDocument.objects.filter(provider__in=providers).order_by("provider_id",
                                                                                         "-uploaded_at"), fields)
    found: dict[Any, dict[str, Any]] = {}
    for provider_id, content_type, size, sha256, uploaded_at in rows:
        if provider_id not in found:
            found[provider_id] = {"content_type": content_type, "size": size, "sha256": sha256,
                                  "uploaded_at": _when(uploaded_at, tz)}
    return found


def _fee(value: Any) -> str:
    return f"{value if isinstance(value, Decimal | int | float) else Decimal(value):.2f}"


def provider_rows(
    queryset: QuerySet[Provider], *, detail: bool, limit: int | None = None, with_revision: bool = False
) -> list[dict[str, Any]]:
    """Representations (Provider when `detail`, else ProviderSummary) of the rows of `queryset`.

    `with_revision` adds each row's revision as `_revision` (for the change feed; not sent).
    """
    on = today()
    fields = DETAIL_FIELDS if detail else SUMMARY_FIELDS
    if with_revision:
        fields = (*fields, "revision")
    window = queryset[:limit] if limit is not None else queryset
    raw, tz = _raw_rows(window, fields)
    rows = [dict(zip(fields, values, strict=True)) for values in raw]
    if not detail:
        return [_summary(row, on, tz) for row in rows]
    page_ids = window.values("pk")
    hospitals = _hospitals_of(page_ids) if rows else {}
    documents = _documents_of(page_ids) if rows else {}
    result = []
    for row in rows:
        item = _summary(row, on, tz)
        document = documents.get(row["id"])
        item.update(
            license_verified=item["license_status"] == _VERIFIED,
            has_license_document=document is not None,
            license_document=document,
            license_note=row["license_note"],
            additional_information=row["additional_information"],
            years_of_experience=row["years_of_experience"],
            consultation_fee=_fee(row["consultation_fee"]),
            bio=row["bio"],
            hospitals=hospitals.get(row["id"], []),
            created_at=_when(row["created_at"], tz),
        )
        if with_revision:
            item["_revision"] = row["revision"]
        result.append(item)
    return result


def provider_detail(pk: Any) -> dict[str, Any]:
    return provider_rows(Provider.objects.filter(pk=pk), detail=True)[0]


def dropdown_body(queryset: QuerySet[Provider], chunk_rows: int = 2000) -> bytes:
    """The dropdown's JSON body, rendered `chunk_rows` rows at a time from a streaming query.

    Only the rendered bytes grow with the directory (~160 bytes a provider), never a list of
    100,000 row objects beside them.
    """
    rows = queryset.values_list("id", "professional_title", "first_name", "last_name", "specialization",
                                "organization_facility").iterator(chunk_size=chunk_rows)
    pieces, chunk = [], []
    for pk, title, first, last, spec, org in rows:
        chunk.append({"id": str(pk), "full_name": full_name(title, first, last), "specialization": spec,
                      "organization_facility": org})
        if len(chunk) == chunk_rows:
            pieces.append(orjson.dumps(chunk)[1:-1])
            chunk = []
    if chunk:
        pieces.append(orjson.dumps(chunk)[1:-1])
    return b"[" + b",".join(pieces) + b"]"


def search_words(text: str) -> list[str]:
    return [word for word in text.lower().split() if word][:8]


def search_filter(queryset: QuerySet[Provider], text: str) -> QuerySet[Provider]:
    """Every word must occur in the provider's searchable text ("jo smi" finds John Smith)."""
    for word in search_words(text):
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def hospitals_with_counts(visible: Q | None = None) -> QuerySet[Hospital]:
    """Hospitals with their count of active providers, of those `visible` (a filter through `providers__`)."""
    counted = Q(providers__is_active=True) & (visible or Q())
    return Hospital.objects.annotate(provider_count=Count("providers", filter=counted)).order_by("name", "city")


def hospital_rows(hospitals: Iterable[Hospital]) -> list[dict[str, Any]]:
    return [
        {"id": str(h.id), "name": h.name, "city": h.city, "provider_count": getattr(h, "provider_count", 0)}
        for h in hospitals
    ]
