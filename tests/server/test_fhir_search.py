"""FHIR searches on the shared demo server: what each parameter finds, paging, and bad searches answered
with OperationOutcomes (never a 500)."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.factories import create_provider, unique
from tests.helpers.fhir import matches, outcome_of, validate
from tests.helpers.live_server import LiveServer, SignIns


@pytest.fixture
def fhir(live_server: LiveServer, tokens: SignIns) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, auth=tokens.auth("facility_admin"), timeout=60) as client:
        yield client


@pytest.fixture
def named(admin: httpx.Client) -> dict[str, str]:
    """A provider with rare names of its own: `family`, `given` and its `id`."""
    tag = unique()
    family, given = f"Qorvath{tag}", f"Ysolde{tag}"
    made = create_provider(admin, last_name=family, first_name=given, specialization="Nephrology",
                           professional_role="Specialist", organization_facility=f"Qorvath Clinic {tag}")
    return {"family": family, "given": given, "id": made["id"], "organization": made["organization_facility"]}


@pytest.mark.parametrize(("parameter", "value", "found"), [
    ("name", lambda f, g: f.upper(), True), ("name", lambda f, g: g.lower(), True),
    ("family", lambda f, g: f[:-1].lower(), True), ("family", lambda f, g: g, False),
    ("given", lambda f, g: g[:-1].upper(), True), ("given", lambda f, g: f, False),
    ("name", lambda f, g: f[1:], False), ("name:contains", lambda f, g: f[1:].lower(), True),
    ("name:exact", lambda f, g: f, True), ("name:exact", lambda f, g: f.lower(), False),
])
def test_name_parameters_find_by_the_start_of_a_name_in_any_case(
        fhir: httpx.Client, named: dict[str, str], parameter: str, value: Callable[[str, str], str],
        found: bool) -> None:
    ids = [r["id"] for r in matches(fhir, "Practitioner", **{parameter: value(named["family"], named["given"])})]
    assert ids == ([named["id"]] if found else [])


def test_identifier_id_and_role_parameters(fhir: httpx.Client, named: dict[str, str]) -> None:
    urn = f"urn:uuid:{named['id']}"
    for params in ({"identifier": urn}, {"identifier": f"urn:ietf:rfc:3986|{urn}"}, {"_id": named["id"]}):
        assert [r["id"] for r in matches(fhir, "Practitioner", **params)] == [named["id"]]
    roles = matches(fhir, "PractitionerRole", specialty="nephrology", role="Specialist",
                    practitioner=f"Practitioner/{named['id']}")
    assert [r["id"] for r in roles] == [named["id"]]
    organization = roles[0]["organization"]["reference"]
    assert [r["id"] for r in matches(fhir, "PractitionerRole", organization=organization)] == [named["id"]]
    assert [r["name"] for r in matches(fhir, "Organization", _id=organization.split("/")[1])] == [
        named["organization"]]


def test_last_updated_and_count_only(fhir: httpx.Client, named: dict[str, str]) -> None:
    updated = fhir.get(f"/fhir/Practitioner/{named['id']}").json()["meta"]["lastUpdated"]
    for prefix, found in (("eq", True), ("ge", True), ("le", True), ("gt", False), ("lt", False)):
        ids = [r["id"] for r in matches(fhir, "Practitioner", _id=named["id"], _lastUpdated=prefix + updated)]
        assert ids == ([named["id"]] if found else []), prefix
    total = fhir.get("/fhir/Practitioner", params={"_summary": "count"}).json()
    assert "entry" not in total
    every = matches(fhir, "Practitioner", _count=500)
    assert total["total"] == len(every)
    assert fhir.get("/fhir/Practitioner", params={"_total": "accurate", "_count": 1}).json()["total"] == len(every)
    assert "total" not in fhir.get("/fhir/Practitioner", params={"_count": 1}).json(), "a count only when asked"


def test_pages_link_next_and_previous(fhir: httpx.Client) -> None:
    first = validate(fhir.get("/fhir/Practitioner", params={"_count": 5}).json())
    following = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = validate(fhir.get(following).json())
    back = next(link["url"] for link in second["link"] if link["relation"] == "previous")
    assert validate(fhir.get(back).json())["entry"] == first["entry"]
    assert {e["resource"]["id"] for e in first["entry"]}.isdisjoint(e["resource"]["id"] for e in second["entry"])


def test_unknown_parameters_are_ignored_and_said_unless_strict(fhir: httpx.Client) -> None:
    lenient = validate(fhir.get("/fhir/Practitioner", params={"colour": "blue", "_count": 1}).json())
    said = [e["resource"] for e in lenient["entry"] if e["search"]["mode"] == "outcome"]
    assert "colour" in said[0]["issue"][0]["diagnostics"]
    strict = fhir.get("/fhir/Practitioner", params={"colour": "blue"}, headers={"Prefer": "handling=strict"})
    assert "colour" in outcome_of(strict, 400)


@pytest.mark.parametrize(("path", "params", "status", "words"), [
    ("/fhir/Practitioner", {"_count": "0"}, 400, "_count"),
    ("/fhir/Practitioner", {"_count": "100000"}, 400, "_count"),
    ("/fhir/Practitioner", {"_count": "ten"}, 400, "_count"),
    ("/fhir/Practitioner", {"_offset": "-1"}, 400, "_offset"),
    ("/fhir/Practitioner", {"identifier": "http://hl7.org/fhir/sid/us-npi|12345"}, 400, "NPI"),
    ("/fhir/Practitioner", {"identifier": "urn:ietf:rfc:3986|not-a-urn"}, 400, "urn:uuid"),
    ("/fhir/Practitioner", {"identifier": "urn:ietf:rfc:3986|"}, 400, "value"),
    ("/fhir/Practitioner", {"_id": "1; DROP TABLE"}, 400, "UUID"),
    ("/fhir/Practitioner", {"_lastUpdated": "ge2026-02-30"}, 400, "_lastUpdated"),
    ("/fhir/Practitioner", {"_lastUpdated": "2026-02-03T10:00:00"}, 400, "time zone"),
    ("/fhir/Practitioner", {"_lastUpdated": "le9999-12-31"}, 400, "9999"),
    ("/fhir/Practitioner", {"_lastUpdated": "0001-01-01T00:00:00+14:00"}, 400, "9999"),
    ("/fhir/Practitioner", {"_offset": "²"}, 400, "_offset"),
    ("/fhir/Practitioner", {"name": "smi\x00th"}, 400, "control character"),
    ("/fhir/Practitioner", {"name:above": "x"}, 400, "modifier"),
    ("/fhir/Practitioner", {"name": ""}, 400, "value"),
    ("/fhir/Practitioner", {"_include": "Practitioner:organization"}, 400, "include"),
    ("/fhir/Practitioner", {"_summary": "text"}, 400, "_summary"),
    ("/fhir/Practitioner", {"_total": "exact"}, 400, "_total"),
    ("/fhir/Practitioner", {"_format": "xml"}, 406, "JSON"),
    ("/fhir/PractitionerRole", {"practitioner": "Practitioner/x"}, 400, "UUID"),
    ("/fhir/Patient", {}, 404, "Patient"),
    ("/fhir/Practitioner/0b1e7f2a-1111-4222-8333-944445555666", {}, 404, "No such"),
    ("/fhir/Practitioner/a/b", {}, 404, "metadata"),
])
def test_bad_searches_are_operation_outcomes(
        fhir: httpx.Client, path: str, params: dict[str, str], status: int, words: str) -> None:
    assert words.lower() in outcome_of(fhir.get(path, params=params), status).lower()


SEARCHED = {"Practitioner": ("_id", "identifier", "name", "family:exact", "given:contains", "_lastUpdated", "_count",
                             "_offset", "_summary", "_total", "_include", "colour"),
            "PractitionerRole": ("practitioner", "organization", "location", "specialty", "role", "_include"),
            "Location": ("name", "address-city", "organization", "_count")}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(resource_type=st.sampled_from(sorted(SEARCHED)), data=st.data(),
       value=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
       | st.from_regex(r"(eq|ge|lt)?[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2}))?",
                       fullmatch=True))
def test_any_search_is_an_answer_or_an_outcome_never_a_500(
        fhir: httpx.Client, resource_type: str, data: st.DataObject, value: str) -> None:
    name = data.draw(st.sampled_from(SEARCHED[resource_type]))
    answer = fhir.get(f"/fhir/{resource_type}", params={name: value}, headers={"Prefer": "handling=strict"})
    assert answer.status_code in (200, 400), answer.text
    assert validate(answer.json())["resourceType"] == ("Bundle" if answer.status_code == 200 else "OperationOutcome")


def test_an_expired_token_is_a_401_outcome(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, headers={"Authorization": "Bearer not.a.token"}) as client:
        outcome_of(client.get("/fhir/Practitioner"), 401)


def test_places_by_name_city_and_organization(fhir: httpx.Client, admin: httpx.Client) -> None:
    hospital = admin.get("/hospitals/").json()["results"][0]
    by_city = matches(fhir, "Location", **{"address-city": hospital["city"][:3].lower()})
    assert hospital["id"] in [r["id"] for r in by_city]
    assert all(r["address"]["city"].lower().startswith(hospital["city"][:3].lower()) for r in by_city)
    by_organization = matches(fhir, "Location", organization=f"Organization/{hospital['id']}")
    assert [r["id"] for r in by_organization] == [hospital["id"]]
    named = matches(fhir, "Organization", **{"name:exact": hospital["name"]})
    assert hospital["id"] in [r["id"] for r in named]
    assert validate(fhir.get(f"/fhir/Organization/{hospital['id']}").json())["name"] == hospital["name"]
