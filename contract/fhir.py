"""The directory as HL7 FHIR R4, declared once: how a provider and a hospital become FHIR resources.

The server's `/fhir/` API and its `$export`, and the desktop's export from its offline cache, all
build their resources here from the same input, a provider as the API sends it (the Provider
representation: `id`, names, `license_*`, `hospitals [{id, name, city}]`, `updated_at`, and `npi`
where the server has it). Only public fields of the credentialed directory are read (docs/api.md,
"What each role sees"), so a resource carries nothing more for staff than for anyone who may see
the provider: who sees which providers is decided by the caller, never here.

Each provider is one Practitioner and one PractitionerRole (same id); each hospital one
Organization and one Location (same id); each distinct `organization_facility` one Organization
whose id is derived from its name (`facility_id`), so the server and the desktop give it the same id.
The mapping table is in docs/api.md ("FHIR").
"""
from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

FHIR_VERSION = "4.0.1"
JSON_TYPE = "application/fhir+json"
NDJSON_TYPE = "application/fhir+ndjson"
RESOURCE_TYPES = ("Practitioner", "PractitionerRole", "Organization", "Location")
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
# our ids are UUIDs: as identifiers they are URNs in the IETF URI system (FHIR's own rule for UUIDs)
URI_SYSTEM = "urn:ietf:rfc:3986"
QUALIFICATION_EXTENSION = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/practitioner-qualification"
ORGANIZATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/organization-type"
# Plan-Net's qualification status (fixed to `active` there); other statuses carry no status extension
_QUALIFICATION_STATUS = {"verified": "active"}
_FACILITY_NAMESPACE = uuid.UUID("6f1d7c2e-8a4b-5c3d-9e0f-1a2b3c4d5e6f")

Resource = dict[str, Any]


@functools.lru_cache(maxsize=4096)  # a directory has few organizations and many providers in each
def facility_id(name: str) -> str:
    """The Organization id of an `organization_facility`: the same name (case and spacing aside), the same id."""
    return str(uuid.uuid5(_FACILITY_NAMESPACE, " ".join(name.split()).casefold()))


def provider_identifiers(provider: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The NPI where the provider has one, then our id (always)."""
    found = []
    if provider.get("npi"):
        found.append({"use": "official", "system": NPI_SYSTEM, "value": provider["npi"]})
    found.append({"use": "secondary", "system": URI_SYSTEM, "value": f"urn:uuid:{provider['id']}"})
    return found


def _meta(updated_at: str | None) -> dict[str, Any]:
    return {"meta": {"lastUpdated": updated_at}} if updated_at else {}


def _telecom(provider: Mapping[str, Any]) -> list[dict[str, str]]:
    found = []
    if provider.get("phone_number"):
        found.append({"system": "phone", "value": provider["phone_number"], "use": "work"})
    if provider.get("email"):
        found.append({"system": "email", "value": provider["email"], "use": "work"})
    return found


def _human_name(provider: Mapping[str, Any]) -> dict[str, Any]:
    """The official name; the title is a prefix or a suffix as the full name places it ("Dr. …", "…, RN")."""
    name: dict[str, Any] = {"use": "official"}
    first, last = provider.get("first_name") or "", provider.get("last_name") or ""
    title, full = provider.get("professional_title") or "", provider.get("full_name") or ""
    text = full or f"{first} {last}".strip()
    if text:
        name["text"] = text
    if last:
        name["family"] = last
    if first:
        name["given"] = [first]
    if title:
        name["prefix" if full.startswith(title) else "suffix"] = [title]
    return name


def _qualification(provider: Mapping[str, Any]) -> dict[str, Any] | None:
    """The license: its number, what it licenses, until when, and (verified only) Plan-Net's status."""
    number = provider.get("license_number")
    if not number:
        return None
    role = provider.get("professional_role") or "Practitioner"
    found: dict[str, Any] = {"identifier": [{"value": number}], "code": {"text": f"{role} license"}}
    if provider.get("license_expiry_date"):
        found["period"] = {"end": provider["license_expiry_date"]}
    status = _QUALIFICATION_STATUS.get(str(provider.get("license_status")))
    if status:
        found["extension"] = [{"url": QUALIFICATION_EXTENSION,
                               "extension": [{"url": "status", "valueCode": status}]}]
    return found


def practitioner(provider: Mapping[str, Any]) -> Resource:
    """The Practitioner of a provider: who they are, how to reach them, their license."""
    resource: Resource = {"resourceType": "Practitioner", "id": provider["id"], **_meta(provider.get("updated_at")),
                          "identifier": provider_identifiers(provider), "active": bool(provider.get("is_active"))}
    name = _human_name(provider)
    if len(name) > 1:
        resource["name"] = [name]
    telecom = _telecom(provider)
    if telecom:
        resource["telecom"] = telecom
    qualification = _qualification(provider)
    if qualification:
        resource["qualification"] = [qualification]
    return resource


def _text(value: Any) -> list[dict[str, str]] | None:
    return [{"text": value}] if value else None


def practitioner_role(provider: Mapping[str, Any]) -> Resource:
    """The PractitionerRole of a provider: their role and specialty at their organization and hospitals."""
    resource: Resource = {"resourceType": "PractitionerRole", "id": provider["id"],
                          **_meta(provider.get("updated_at")), "active": bool(provider.get("is_active")),
                          "practitioner": {"reference": f"Practitioner/{provider['id']}"}}
    organization = provider.get("organization_facility")
    if organization:
        resource["organization"] = {"reference": f"Organization/{facility_id(organization)}",
                                    "display": organization}
    for name, value in (("code", _text(provider.get("professional_role"))),
                        ("specialty", _text(provider.get("specialization")))):
        if value:
            resource[name] = value
    hospitals: Sequence[Mapping[str, Any]] = provider.get("hospitals") or ()
    if hospitals:
        resource["location"] = [{"reference": f"Location/{h['id']}", "display": h["name"]} for h in hospitals]
    telecom = _telecom(provider)
    if telecom:
        resource["telecom"] = telecom
    return resource


def hospital_organization(hospital: Mapping[str, Any]) -> Resource:
    """A hospital as an Organization (a healthcare provider organization)."""
    return {"resourceType": "Organization", "id": hospital["id"], "active": True,
            "identifier": [{"system": URI_SYSTEM, "value": f"urn:uuid:{hospital['id']}"}],
            "type": [{"coding": [{"system": ORGANIZATION_TYPE_SYSTEM, "code": "prov",
                                  "display": "Healthcare Provider"}]}],
            "name": hospital["name"], "address": [{"city": hospital["city"]}]}


def facility_organization(name: str) -> Resource:
    """A provider's `organization_facility` as an Organization, known by its name only."""
    return {"resourceType": "Organization", "id": facility_id(name), "active": True, "name": name}


def location(hospital: Mapping[str, Any]) -> Resource:
    """A hospital as the Location where its providers work, run by the hospital's Organization."""
    return {"resourceType": "Location", "id": hospital["id"], "status": "active", "name": hospital["name"],
            "mode": "instance", "address": {"city": hospital["city"]},
            "managingOrganization": {"reference": f"Organization/{hospital['id']}"}}


def organizations_of(providers: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The distinct facility Organizations of `providers`: id -> name (the first spelling met)."""
    found: dict[str, str] = {}
    for provider in providers:
        name = provider.get("organization_facility")
        if name:
            found.setdefault(facility_id(name), name)
    return found
