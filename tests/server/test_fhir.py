"""FHIR R4 at /fhir/: every audience walks exactly the providers it may see, every resource valid FHIR.

The world (tests/helpers/visibility_world.py) holds a provider of each kind; its server publishes
its directory (FHIR_PUBLIC=1), so anonymous callers read the credentialed directory. A client walks
each search to its end by Bundle.link, as a payer's or an HIE's FHIR client would.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import fhirpy
import httpx
import pytest

from tests.helpers.factories import create_provider, screened
from tests.helpers.fhir import matches, outcome_of, validate
from tests.helpers.live_server import LiveServer, running_server
from tests.helpers.visibility_world import AUDIENCES, FUTURE, STAFF, World, make_world

pytestmark = pytest.mark.shared_sign_in  # the module's World keeps its SignIns for every test

HIDDEN_ORGANIZATION = "Quillfeather Hidden Clinic"  # only a rejected provider works there


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_server(tmp_path_factory.mktemp("fhir"), demo_providers=1, env={"FHIR_PUBLIC": "1"}) as server:
        made = make_world(server)
        with made.tokens.client("facility_admin") as admin, made.tokens.client("credentialing_officer") as officer:
            hidden = create_provider(admin, last_name="ZephyrineHidden", organization_facility=HIDDEN_ORGANIZATION)
            officer.post(f"/providers/{hidden['id']}/license/decision/",
                         json={"decision": "rejected", "note": "Not the right board"}).raise_for_status()
        yield made


def fhir_client(world: World, audience: str) -> httpx.Client:
    auth = None if audience == "anonymous" else world.tokens.auth(audience)
    return httpx.Client(base_url=world.server.url, auth=auth, timeout=60)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_practitioners_walked_by_link_are_exactly_the_visible(world: World, audience: str) -> None:
    with fhir_client(world, audience) as client:
        found = matches(client, "Practitioner", _count=2)
        roles = matches(client, "PractitionerRole", _count=3)
    expected = world.visible(audience, active=None)
    assert sorted(r["id"] for r in found) == sorted(expected)  # no repeat across pages
    assert sorted(r["id"] for r in roles) == sorted(expected)
    assert "private words" not in json.dumps(found + roles)
    hidden = world.kinds["deactivated"]
    assert (hidden in expected) == (audience in STAFF)
    if hidden in expected:
        assert next(r for r in found if r["id"] == hidden)["active"] is False


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_fhir_client_library_walks_exactly_the_visible(world: World, audience: str) -> None:
    """fhirpy, a FHIR client others use, pages by Bundle.link and reads resources as it would from any server."""
    token = None if audience == "anonymous" else f"Bearer {world.tokens[audience]}"
    client = fhirpy.SyncFHIRClient(f"{world.server.url}/fhir", authorization=token)
    practitioners = client.resources("Practitioner").limit(2).fetch_all()
    roles = client.resources("PractitionerRole").limit(3).include("PractitionerRole", "practitioner").fetch_all()
    expected = world.visible(audience, active=None)
    assert sorted(p.id for p in practitioners) == sorted(expected)
    assert sorted(r.id for r in roles if r.resource_type == "PractitionerRole") == sorted(expected)
    one = client.reference("Practitioner", sorted(expected)[0]).to_resource()
    assert f"urn:uuid:{one.id}" in [identifier["value"] for identifier in one["identifier"]]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_read_of_each_provider_follows_the_rule(world: World, audience: str) -> None:
    allowed = world.visible(audience, active=None)
    with fhir_client(world, audience) as client:
        for provider_id in world.visible("facility_admin", active=None):
            for kind in ("Practitioner", "PractitionerRole"):
                answer = client.get(f"/fhir/{kind}/{provider_id}")
                if provider_id in allowed:
                    assert answer.status_code == 200, answer.text
                    assert validate(answer.json())["id"] == provider_id
                else:
                    outcome_of(answer, 404)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_organizations_are_the_hospitals_and_the_visible_providers_organizations(world: World, audience: str) -> None:
    with fhir_client(world, audience) as client:
        names = {r["name"] for r in matches(client, "Organization", _count=7)}
        locations = matches(client, "Location")
        hospitals = {h["name"] for h in world.tokens.client("facility_admin").get("/hospitals/").json()["results"]}
    assert hospitals <= names
    assert {r["name"] for r in locations} == hospitals
    assert (HIDDEN_ORGANIZATION in names) == (audience in STAFF)


def test_include_brings_each_practitioner_organization_and_location_once(world: World) -> None:
    with fhir_client(world, "facility_admin") as client:
        answer = client.get("/fhir/PractitionerRole", params=[
            ("_id", world.kinds["credentialed"]), ("_include", "PractitionerRole:practitioner"),
            ("_include", "PractitionerRole:organization"), ("_include", "PractitionerRole:location")])
    entries = validate(answer.json())["entry"]
    kinds = sorted((e["search"]["mode"], e["resource"]["resourceType"]) for e in entries)
    assert kinds == [("include", "Location"), ("include", "Organization"), ("include", "Practitioner"),
                     ("match", "PractitionerRole")]
    role = entries[0]["resource"]
    included = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in entries[1:]}
    assert {role["practitioner"]["reference"], role["organization"]["reference"],
            role["location"][0]["reference"]} == included


@pytest.mark.parametrize("audience", AUDIENCES)
def test_export_holds_every_type_as_the_searches_do(world: World, audience: str) -> None:
    with fhir_client(world, audience) as client:
        answer = client.get("/fhir/$export")
        searched = {kind: sorted(r["id"] for r in matches(client, kind, _count=500))
                    for kind in ("Practitioner", "PractitionerRole", "Organization", "Location")}
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/fhir+ndjson")
    exported: dict[str, list[str]] = {}
    for line in answer.text.splitlines():
        resource = validate(json.loads(line))
        exported.setdefault(resource["resourceType"], []).append(resource["id"])
    assert {kind: sorted(ids) for kind, ids in exported.items()} == searched


def test_export_of_one_type(world: World) -> None:
    with fhir_client(world, "credentialing_officer") as client:
        lines = client.get("/fhir/$export", params={"_type": "Location"}).text.splitlines()
        bad = client.get("/fhir/$export", params={"_type": "Patient"})
        unknown = client.get("/fhir/$export", params={"_since": "2026-01-01"})
    assert {json.loads(line)["resourceType"] for line in lines} == {"Location"}
    assert "Patient" in outcome_of(bad, 404)
    assert "_since" in outcome_of(unknown, 400)


def _provider(world: World, **fields: Any) -> dict[str, Any]:
    with world.tokens.client("facility_admin") as admin, world.tokens.client("credentialing_officer") as officer:
        made = create_provider(admin, **fields)
        screened(officer)
        officer.post(f"/providers/{made['id']}/license/decision/",
                     json={"decision": "verified", "license_expiry_date": FUTURE}).raise_for_status()
    return made


@pytest.mark.parametrize("audience", AUDIENCES)
def test_records_with_every_optional_field_empty_or_full_validate(world: World, audience: str) -> None:
    hospitals = [h["id"] for h in world.tokens.client("facility_admin").get("/hospitals/").json()["results"][:3]]
    empty = _provider(world, last_name="ZephyrineEmpty", phone_number="", specialization="", bio="",
                      additional_information="", years_of_experience="", consultation_fee="", hospitals=[])
    full = _provider(world, last_name="ZephyrineFull", professional_title="RN", specialization="Oncology",
                     bio="Twenty years of wards.", additional_information="private words of full",
                     hospitals=hospitals)
    with fhir_client(world, audience) as client:
        for made, has in ((empty, False), (full, True)):
            practitioner = validate(client.get(f"/fhir/Practitioner/{made['id']}").json())
            role = validate(client.get(f"/fhir/PractitionerRole/{made['id']}").json())
            assert ("location" in role) is has
            assert ("specialty" in role) is has
            assert len(practitioner["telecom"]) == (2 if has else 1)
    assert practitioner["name"][0]["suffix"] == ["RN"]
    assert practitioner["qualification"][0]["period"] == {"end": FUTURE}
    assert [h["reference"] for h in role["location"]] == [f"Location/{h}" for h in sorted(
        hospitals, key=lambda pk: next(x["name"] for x in full["hospitals"] if x["id"] == pk))]


def test_anonymous_reads_nothing_unless_the_directory_is_published(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url) as anonymous:
        for path in ("/fhir/Practitioner", "/fhir/$export", "/fhir/Organization"):
            outcome_of(anonymous.get(path), 401)
        metadata = anonymous.get("/fhir/metadata")
    statement = validate(metadata.json())
    assert statement["fhirVersion"] == "4.0.1"
    assert [r["type"] for r in statement["rest"][0]["resource"]] == [
        "Practitioner", "PractitionerRole", "Organization", "Location"]


def test_anonymous_readers_are_throttled_with_an_outcome(tmp_path_factory: pytest.TempPathFactory) -> None:
    env = {"FHIR_PUBLIC": "1", "THROTTLE_ANON": "3/minute"}
    with running_server(tmp_path_factory.mktemp("fhir-throttle"), demo_providers=1, env=env) as server, \
            httpx.Client(base_url=server.url) as anonymous:
        answers = [anonymous.get("/fhir/Practitioner") for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert outcome_of(answers[3], 429)
    assert answers[3].json()["issue"][0]["code"] == "throttled"
    assert int(answers[3].headers["Retry-After"]) >= 1
