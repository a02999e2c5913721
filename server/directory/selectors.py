"""Reads of providers and hospitals; provider representations built as plain dicts (fast at 100,000 rows).

Every provider representation of the API comes from `provider_rows`, so a list, a detail and
the change feed always agree on a field's form; their fields are those outputs.py declares.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, tzinfo
from typing import Any

import orjson
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from contract.choices import LicenseStatus
from server.common.rows import iso_date, money_text, raw_rows, stored_time, uuid_text
from server.credentialing.models import LicenseDocument
from server.directory import outputs
from server.directory.choices import full_name
from server.directory.models import Hospital, Provider, effective_license_status

_STORED = {field.name for field in Provider._meta.concrete_fields}
# the columns read for a ProviderSummary and a Provider: their declared fields that are stored as they are
SUMMARY_COLUMNS = tuple(name for name in outputs.SUMMARY_FIELDS if name in _STORED)
PROVIDER_COLUMNS = tuple(name for name in outputs.PROVIDER_FIELDS if name in _STORED)
_VERIFIED = str(LicenseStatus.VERIFIED.value)


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


def _summary(row: dict[str, Any], on: date, tz: tzinfo) -> dict[str, Any]:
    status, expiry = row["license_status"], row["license_expiry_date"]
    if status == _VERIFIED and expiry is not None:  # a plain str: comparing with the enum costs 2 µs
        status = effective_license_status(status, expiry, on)
    return {
        "id": uuid_text(row["id"]),
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
        "license_expiry_date": iso_date(row["license_expiry_date"]),
        "is_active": bool(row["is_active"]),
        "updated_at": stored_time(row["updated_at"], tz),
    }


def _hospitals_of(providers: QuerySet[Any, Any]) -> dict[Any, list[dict[str, str]]]:
    """Each provider's hospitals, sorted by name, by the provider's raw id; `providers` is a subquery."""
    links, _ = raw_rows(Provider.hospitals.through.objects.filter(provider__in=providers),
                        ("provider_id", "hospital_id", "hospital__name", "hospital__city"))
    hospitals: dict[Any, dict[str, str]] = {}  # one dict per hospital, shared by its providers
    found: dict[Any, list[dict[str, str]]] = defaultdict(list)
    for provider_id, hospital_id, name, city in links:
        hospital = hospitals.get(hospital_id)
        if hospital is None:
            hospital = hospitals[hospital_id] = {"id": uuid_text(hospital_id), "name": name, "city": city}
        found[provider_id].append(hospital)
    for linked in found.values():
        if len(linked) > 1:
            linked.sort(key=lambda hospital: hospital["name"])
    return found


def _documents_of(providers: QuerySet[Any, Any]) -> dict[Any, dict[str, Any]]:
    """Each provider's newest license document's facts, by the provider's raw id; `providers` is a subquery."""
    fields = ("provider_id", "content_type", "size", "sha256", "uploaded_at")
    rows, tz = raw_rows(LicenseDocument.objects.filter(provider__in=providers).order_by("provider_id",
                                                                                         "-uploaded_at"), fields)
    found: dict[Any, dict[str, Any]] = {}
    for provider_id, content_type, size, sha256, uploaded_at in rows:
        if provider_id not in found:
            found[provider_id] = {"content_type": content_type, "size": size, "sha256": sha256,
                                  "uploaded_at": stored_time(uploaded_at, tz)}
    return found


def provider_rows(
    queryset: QuerySet[Provider], *, detail: bool, limit: int | None = None, with_revision: bool = False,
    with_hospitals: bool = False,
) -> list[dict[str, Any]]:
    """Representations (Provider when `detail`, else ProviderSummary) of the rows of `queryset`.

    `with_revision` adds each row's revision as `_revision` (for the change feed; not sent);
    `with_hospitals` adds a summary's `hospitals` (FHIR's rows: the public fields it maps, a third
    of a Provider's cost).
    """
    on = today()
    fields = PROVIDER_COLUMNS if detail else SUMMARY_COLUMNS
    if with_revision:
        fields = (*fields, "revision")
    window = queryset[:limit] if limit is not None else queryset
    raw, tz = raw_rows(window, fields)
    rows = [dict(zip(fields, values, strict=True)) for values in raw]
    if not detail:
        summaries = [_summary(row, on, tz) for row in rows]
        if with_hospitals and rows:
            hospitals = _hospitals_of(window.values("pk"))
            for summary, row in zip(summaries, rows, strict=True):
                summary["hospitals"] = hospitals.get(row["id"], [])
        return summaries
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
            consultation_fee=money_text(row["consultation_fee"]),
            bio=row["bio"],
            hospitals=hospitals.get(row["id"], []),
            created_at=stored_time(row["created_at"], tz),
            hospital_clinic=row["hospital_clinic"],
            address=row["address"],
            npi=row["npi"],
        )
        if with_revision:
            item["_revision"] = row["revision"]
        result.append(item)
    return result


def summaries_of(ids: list[Any]) -> list[dict[str, Any]]:
    """The ProviderSummary of each provider of `ids`, in that order (one deleted meanwhile is left out)."""
    by_id = {row["id"]: row for row in provider_rows(Provider.objects.filter(pk__in=ids), detail=False)}
    return [by_id[key] for key in map(str, ids) if key in by_id]


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

