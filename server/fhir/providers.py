"""Which providers a Practitioner or PractitionerRole search finds, of those its caller may see."""
from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from contract.fhir import NPI_SYSTEM, URI_SYSTEM
from server.directory.models import Hospital, Provider
from server.directory.visibility import Audience, visible_providers
from server.fhir.params import Criterion, Search, identifier_read, resource_id, updated_range
from server.fhir.places import facility_names


def _prefix_q(column: str, text: str) -> Q:
    """`column` starts with `text`, in any case, by its lower-case index (migration directory 0006).

    SQLite uses an expression index for a range only (not for LIKE): the range finds the rows, the
    exact test keeps them honest. PostgreSQL's collations do not order text by code point: a LIKE alone,
    served by the migration's text_pattern_ops indexes.
    """
    low, lowered = text.lower(), f"lower_{column}"
    q = Q(**{f"{lowered}__startswith": low})
    if connection.vendor == "sqlite":
        q &= Q(**{f"{lowered}__gte": low, f"{lowered}__lt": low + "\U0010ffff"})
    return q


def _string_q(columns: tuple[str, ...], criterion: Criterion) -> Q:
    q = Q()
    for value in criterion.values:
        for column in columns:
            if criterion.modifier == "exact":
                q |= Q(**{column: value})
            elif criterion.modifier == "contains":
                q |= Q(**{f"{column}__icontains": value})
            else:
                q |= _prefix_q(column, value)
    return q


def _identifier_q(values: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for value in values:
        system, code = identifier_read(value)
        if system in (None, URI_SYSTEM) and code.startswith("urn:uuid:"):
            q |= Q(pk=resource_id(code.removeprefix("urn:uuid:")))
        if system in (None, NPI_SYSTEM):
            q |= Q(npi=code)
    return q


def _updated_q(values: tuple[str, ...]) -> Q:
    q = Q()
    for value in values:
        prefix, start, end = updated_range(value)
        q |= {"eq": Q(updated_at__gte=start, updated_at__lt=end), "gt": Q(updated_at__gte=end),
              "ge": Q(updated_at__gte=start), "lt": Q(updated_at__lt=start), "le": Q(updated_at__lt=end)}[prefix]
    return q


def _iexact_q(column: str, values: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for value in values:
        q |= Q(**{f"{column}__iexact": value.rpartition("|")[2]})
    return q


def _organization_q(values: tuple[str, ...]) -> Q:
    names = facility_names()
    return Q(organization_facility__in=[names[i] for i in map(resource_id, values) if i in names])


def _criterion_q(criterion: Criterion) -> Q:
    values, name = criterion.values, criterion.name
    if name in ("_id", "practitioner"):
        return Q(pk__in=[resource_id(v) for v in values])
    if name == "identifier":
        return _identifier_q(values)
    if name == "_lastUpdated":
        return _updated_q(values)
    if name in ("name", "family", "given"):
        columns = {"name": ("last_name", "first_name"), "family": ("last_name",), "given": ("first_name",)}[name]
        return _string_q(columns, criterion)
    if name == "organization":
        return _organization_q(values)
    if name == "location":
        return Q(hospitals__in=Hospital.objects.filter(pk__in=[resource_id(v) for v in values]))
    return _iexact_q({"specialty": "specialization", "role": "professional_role"}[name], values)


def providers_found(audience: Audience, search: Search) -> QuerySet[Provider]:
    """The providers `search` finds of those `audience` may see, in name order (their FHIR order)."""
    found = visible_providers(audience).annotate(lower_last_name=Lower("last_name"),
                                                 lower_first_name=Lower("first_name"))
    for criterion in search.criteria:
        found = found.filter(_criterion_q(criterion))
    if any(c.name == "location" for c in search.criteria):
        found = found.distinct()
    return found.order_by("sort_name", "id")
