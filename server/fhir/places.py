"""The directory's places as FHIR sees them: hospitals (an Organization and a Location each) and the
providers' organizations (an Organization each, of the providers the caller may see)."""
from __future__ import annotations

from typing import Any

from contract import fhir
from server.directory.models import Hospital, Provider
from server.directory.visibility import Audience, visible_providers
from server.fhir.params import Criterion, Search, resource_id


def facility_names(audience: Audience | None = None) -> dict[str, str]:
    """Facility Organization id -> name, of the providers `audience` may see (of every provider when None)."""
    providers = Provider.objects.all() if audience is None else visible_providers(audience)
    names = providers.order_by().values_list("organization_facility", flat=True).distinct()
    return fhir.organizations_of([{"organization_facility": name} for name in names])


def hospitals() -> list[dict[str, str]]:
    return [{"id": str(pk), "name": name, "city": city}
            for pk, name, city in Hospital.objects.order_by("name", "city", "id").values_list("id", "name", "city")]


def organizations(audience: Audience) -> list[dict[str, Any]]:
    """Every Organization `audience` may read: the hospitals, then the organizations of its providers, by name."""
    facilities = sorted(facility_names(audience).values(), key=str.casefold)
    return ([fhir.hospital_organization(h) for h in hospitals()]
            + [fhir.facility_organization(name) for name in facilities])


def locations() -> list[dict[str, Any]]:
    return [fhir.location(h) for h in hospitals()]


def _text_matches(criterion: Criterion, text: str) -> bool:
    folded = text.casefold()
    tests = {"exact": lambda value: text == value, "contains": lambda value: value.casefold() in folded,
             "": lambda value: folded.startswith(value.casefold())}[criterion.modifier]
    return any(tests(value) for value in criterion.values)


def _matches(resource: dict[str, Any], criterion: Criterion) -> bool:
    if criterion.name == "_id":
        return resource["id"] in {resource_id(v) for v in criterion.values}
    if criterion.name == "name":
        return _text_matches(criterion, resource["name"])
    if criterion.name == "address-city":
        return _text_matches(criterion, resource["address"]["city"])
    # Location's organization: the hospital that runs it
    return resource["managingOrganization"]["reference"].split("/")[1] in {resource_id(v) for v in criterion.values}


def places_found(audience: Audience, search: Search) -> list[dict[str, Any]]:
    """The Organizations or Locations `search` finds, as resources."""
    every = organizations(audience) if search.resource_type == "Organization" else locations()
    return [r for r in every if all(_matches(r, c) for c in search.criteria)]
