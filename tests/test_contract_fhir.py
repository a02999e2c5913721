"""contract/fhir.py alone: what the server and the desktop both map a provider to (the NPI included, which
the reference server on main does not keep yet)."""
from __future__ import annotations

from typing import Any

import pytest

from contract import fhir
from tests.helpers.fhir import validate

ID = "0b1e7f2a-1111-4222-8333-944445555666"
HOSPITAL = {"id": "0b1e7f2a-1111-4222-8333-944445555600", "name": "Harbour Infirmary", "city": "Bergen"}


def provider(**fields: Any) -> dict[str, Any]:
    return {"id": ID, "first_name": "Ana", "last_name": "Núñez", "professional_title": "Dr.",
            "full_name": "Dr. Ana Núñez", "email": "ana@example.org", "phone_number": "+1 555 0100",
            "organization_facility": "Harbour  Clinic", "professional_role": "Physician",
            "specialization": "Nephrology", "license_number": "NY-1", "license_status": "verified",
            "license_expiry_date": "2030-06-30", "is_active": True, "updated_at": "2026-12-01T10:00:00Z",
            "hospitals": [HOSPITAL], **fields}


def test_the_npi_comes_first_with_its_system() -> None:
    practitioner = validate(fhir.practitioner(provider(npi="1234567893")))
    assert practitioner["identifier"] == [
        {"use": "official", "system": fhir.NPI_SYSTEM, "value": "1234567893"},
        {"use": "secondary", "system": fhir.URI_SYSTEM, "value": f"urn:uuid:{ID}"}]
    assert [i["system"] for i in validate(fhir.practitioner(provider()))["identifier"]] == [fhir.URI_SYSTEM]


@pytest.mark.parametrize(("title", "full", "part"), [("Dr.", "Dr. Ana Núñez", "prefix"),
                                                    ("RN", "Ana Núñez, RN", "suffix")])
def test_the_title_is_a_prefix_or_a_suffix_as_the_full_name_places_it(title: str, full: str, part: str) -> None:
    name = validate(fhir.practitioner(provider(professional_title=title, full_name=full)))["name"][0]
    assert name[part] == [title]
    assert name["text"] == full


@pytest.mark.parametrize(("status", "extension"), [("verified", True), ("pending_verification", False),
                                                   ("rejected", False), ("expired", False)])
def test_only_a_verified_license_carries_plan_nets_active_status(status: str, extension: bool) -> None:
    qualification = validate(fhir.practitioner(provider(license_status=status)))["qualification"][0]
    assert qualification["identifier"] == [{"value": "NY-1"}]
    assert qualification["period"] == {"end": "2030-06-30"}
    assert ("extension" in qualification) is extension
    if extension:
        assert qualification["extension"][0]["extension"] == [{"url": "status", "valueCode": "active"}]


def test_an_organization_is_known_by_its_name_whatever_its_case_and_spacing() -> None:
    assert fhir.facility_id("Harbour  Clinic") == fhir.facility_id("harbour clinic ")
    assert fhir.facility_id("Harbour Clinic") != fhir.facility_id("Harbor Clinic")
    role = validate(fhir.practitioner_role(provider()))
    assert role["organization"]["reference"] == f"Organization/{fhir.facility_id('Harbour Clinic')}"
    validate(fhir.facility_organization("Harbour  Clinic"))
    validate(fhir.hospital_organization(HOSPITAL))
    assert validate(fhir.location(HOSPITAL))["managingOrganization"] == {"reference": f"Organization/{HOSPITAL['id']}"}


def test_a_record_with_nothing_but_its_id_still_validates() -> None:
    bare = {"id": ID}
    assert set(validate(fhir.practitioner(bare))) == {"resourceType", "id", "identifier", "active"}
    assert set(validate(fhir.practitioner_role(bare))) == {"resourceType", "id", "active", "practitioner"}
