"""Directory filters: unknown values and ordering fields are a 400, never a silent no-op."""
from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from contract.choices import LicenseStatus, ProfessionalRole, ProfessionalTitle, choices
from server.directory.models import Provider
from server.directory.selectors import search_filter, status_q, today

BOOLEAN_CHOICES = [("true", "true"), ("false", "false"), ("1", "1"), ("0", "0"), ("True", "True"),
                   ("False", "False")]
ORDERING_FIELDS = ("last_name", "first_name", "specialization", "organization_facility", "license_status",
                   "years_of_experience", "created_at", "updated_at")


def _truthy(value: str) -> bool:
    return value.lower() in ("true", "1")


class ProviderFilter(django_filters.FilterSet):
    """The contract's filters for list, search, dropdown and by-hospital; `is_active` defaults to true."""

    search = django_filters.CharFilter(method="filter_search", max_length=200)
    professional_role = django_filters.ChoiceFilter(choices=choices(ProfessionalRole))
    professional_title = django_filters.ChoiceFilter(choices=choices(ProfessionalTitle))
    specialization = django_filters.CharFilter(max_length=100)
    organization_facility = django_filters.CharFilter(max_length=200)
    hospital = django_filters.UUIDFilter(field_name="hospitals")
    license_status = django_filters.ChoiceFilter(choices=choices(LicenseStatus), method="filter_license_status")
    license_verified = django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, method="filter_license_verified")
    is_active = django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, method="filter_is_active")
    ordering = django_filters.OrderingFilter(fields=ORDERING_FIELDS)

    class Meta:
        model = Provider
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and "is_active" not in data:
            data = data.copy()
            data["is_active"] = "true"
        super().__init__(data, *args, **kwargs)

    def get_form_class(self) -> Any:
        """The form class of these filters, made once per filter set class: django-filter makes a new one
        for every request (13 % of a list page's CPU), though the filters never change."""
        made = type(self).__dict__.get("_form_class")
        if made is None:
            made = super().get_form_class()
            type(self)._form_class = made
        return made

    def filter_search(self, queryset: QuerySet[Provider], name: str, value: str) -> QuerySet[Provider]:
        return search_filter(queryset, value)

    def filter_license_status(self, queryset: QuerySet[Provider], name: str, value: str) -> QuerySet[Provider]:
        return queryset.filter(status_q(value, today()))

    def filter_license_verified(self, queryset: QuerySet[Provider], name: str, value: str) -> QuerySet[Provider]:
        verified = status_q(LicenseStatus.VERIFIED, today())
        return queryset.filter(verified if _truthy(value) else ~verified)

    def filter_is_active(self, queryset: QuerySet[Provider], name: str, value: str) -> QuerySet[Provider]:
        return queryset.filter(is_active=_truthy(value))


class SearchFilter(ProviderFilter):
    """Search takes its text in `q` (not `search`) and ranks by relevance, not `ordering`."""

    class Meta(ProviderFilter.Meta):
        exclude = ["search", "ordering"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.pop("search", None)
        self.filters.pop("ordering", None)


def name_prefix_q(words: list[str]) -> Q:
    q = Q()
    for word in words:
        q |= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
    return q
