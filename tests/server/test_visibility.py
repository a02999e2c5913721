"""Least privilege over HTTP: every directory read x every audience, exact rows and exact fields.

A server of its own holds one provider of each kind (tests/helpers/visibility_world.py); what each
audience should see is computed from the database by the rule of docs/api.md ("What each role
sees"), and every endpoint must answer exactly that.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.factories import create_provider, screened
from tests.helpers.live_server import running_server
from tests.helpers.visibility_world import AUDIENCES, FUTURE, STAFF, TAG, World, make_world

pytestmark = pytest.mark.shared_sign_in  # the module's World keeps its SignIns for every test

PUBLIC_FIELDS = {
    "id", "professional_title", "first_name", "last_name", "full_name", "email", "phone_number",
    "organization_facility", "professional_role", "specialization", "license_number", "license_status",
    "license_verified", "license_expiry_date", "hospitals", "bio", "years_of_experience", "consultation_fee",
    "is_active", "created_at", "updated_at", "npi",
}
PRIVATE_FIELDS = {"license_note", "additional_information", "license_document", "has_license_document",
                  "hospital_clinic", "address"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A server of its own: the expected sets are exact, so nothing else may add providers to it."""
    with running_server(tmp_path_factory.mktemp("visibility"), demo_providers=1) as server:
        yield make_world(server)


def _expected_fields(world: World, audience: str, provider_id: str) -> set[str]:
    if audience in STAFF or provider_id == world.own.get(audience):
        return PUBLIC_FIELDS | PRIVATE_FIELDS
    return PUBLIC_FIELDS


def _list_ids(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/providers/", params={"page_size": 500, **params})
    answer.raise_for_status()
    body = answer.json()
    assert body["next"] is None
    return body["results"]


def _walk(client: httpx.Client, since: str | None = None) -> tuple[list[dict[str, Any]], list[str], str]:
    results: list[dict[str, Any]] = []
    deleted: list[str] = []
    while True:
        answer = client.get("/providers/changes/", params={"limit": 3, **({"since": since} if since else {})})
        answer.raise_for_status()
        body = answer.json()
        results += body["results"]
        deleted += body["deleted"]
        since = body["cursor"]
        if not body["has_more"]:
            return results, deleted, since


def test_the_world_has_every_kind(world: World) -> None:
    rows = {row["id"]: row for row in world.database()}
    assert rows[world.kinds["verified_past"]]["status"] == "verified"
    assert rows[world.kinds["deactivated"]]["is_active"] is False
    staff, demo = world.visible("facility_admin", active=None), world.visible("verified_provider", active=None)
    assert set(world.kinds.values()) <= staff
    assert demo == {world.kinds["credentialed"], world.own["verified_provider"]}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_list(world: World, audience: str) -> None:
    with world.client(audience) as client:
        if audience == "anonymous":
            assert client.get("/providers/").status_code == 401
            return
        assert {row["id"] for row in _list_ids(client)} == world.visible(audience)
        assert {row["id"] for row in _list_ids(client, is_active="false")} == world.visible(audience, active=False)
        pending = _list_ids(client, license_status="pending_verification")
        assert {row["id"] for row in pending} == world.visible(audience, status="pending_verification")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_detail_of_every_provider(world: World, audience: str) -> None:
    every = world.visible("facility_admin", active=None)
    allowed = world.visible(audience, active=None)
    with world.client(audience) as client:
        for provider_id in every:
            answer = client.get(f"/providers/{provider_id}/")
            if audience == "anonymous":
                assert answer.status_code == 401
                continue
            if provider_id not in allowed:
                assert answer.status_code == 404, (audience, provider_id, answer.text)
                assert set(answer.json()) == {"detail"}, "a 404 that says nothing of the provider"
                continue
            assert answer.status_code == 200
            assert set(answer.json()) == _expected_fields(world, audience, provider_id), provider_id


@pytest.mark.parametrize("audience", AUDIENCES)
def test_search(world: World, audience: str) -> None:
    with world.client(audience) as client:
        answer = client.get("/providers/search/", params={"q": TAG.lower(), "limit": 100})
        if audience == "anonymous":
            assert answer.status_code == 401
            return
        assert answer.status_code == 200
        assert {row["id"] for row in answer.json()} == world.visible(audience, tagged=True)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_dropdown(world: World, audience: str) -> None:
    with world.client(audience) as client:
        answer = client.get("/providers/dropdown/")
        if audience == "anonymous":
            assert answer.status_code == 401
            return
        assert answer.status_code == 200
        assert {row["id"] for row in answer.json()} == world.visible(audience)
        again = client.get("/providers/dropdown/", headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304


def test_dropdown_etags_differ_by_audience(world: World) -> None:
    etags = set()
    for audience in ("pending_provider", "verified_provider", "facility_admin"):
        with world.client(audience) as client:
            etags.add(client.get("/providers/dropdown/").headers["ETag"])
    assert len(etags) == 3, "a cached answer for one audience must never be served to another"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_by_hospital_and_hospital_counts(world: World, audience: str) -> None:
    with world.client(audience) as client:
        by_hospital = client.get(f"/providers/hospital/{world.hospital}/")
        hospitals = client.get("/hospitals/", params={"page_size": 500})
        hospital = client.get(f"/hospitals/{world.hospital}/")
        if audience == "anonymous":
            assert {by_hospital.status_code, hospitals.status_code, hospital.status_code} == {401}
            return
        expected = world.visible(audience, hospital=world.hospital)
        assert {row["id"] for row in by_hospital.json()} == expected
        counts = {row["id"]: row["provider_count"] for row in hospitals.json()["results"]}
        assert counts[world.hospital] == len(expected)
        assert hospital.json()["provider_count"] == len(expected)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_change_feed_walk(world: World, audience: str) -> None:
    with world.client(audience) as client:
        if audience == "anonymous":
            assert client.get("/providers/changes/").status_code == 401
            return
        results, deleted, _ = _walk(client)
    assert {row["id"] for row in results} == world.visible(audience, active=None)
    assert deleted == [], "a first walk has nothing to take back"
    for row in results:
        assert set(row) == _expected_fields(world, audience, row["id"]), row["id"]
    if audience not in STAFF:
        leaked = [row for row in results if row["id"] != world.own[audience]
                  and "private words" in json.dumps(row)]
        assert leaked == []


def _snapshot(client: httpx.Client) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A snapshot's header and its rows as objects (its fields zipped with each row's values)."""
    answer = client.get("/providers/snapshot/")
    answer.raise_for_status()
    header, *rows, trailer = [json.loads(line) for line in answer.content.splitlines()]
    assert trailer == {"end": True, "count": len(rows)}
    assert header["count"] == len(rows)
    return header, [dict(zip(header["fields"], row, strict=True)) for row in rows]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_snapshot_holds_what_a_first_walk_of_the_feed_gives(world: World, audience: str) -> None:
    with world.client(audience) as client:
        if audience == "anonymous":
            assert client.get("/providers/snapshot/").status_code == 401
            return
        header, rows = _snapshot(client)
        walked, _, _ = _walk(client)
    assert {row["id"] for row in rows} == world.visible(audience, active=None)
    feed = {row["id"]: row for row in walked}
    own = world.own.get(audience)
    for row in rows:
        if row["id"] == own:  # its row has the public fields; the header carries the whole record
            assert set(row) == PUBLIC_FIELDS
            assert header["own"] == feed[own]
            assert {name: feed[own][name] for name in PUBLIC_FIELDS} == row
        else:
            assert row == feed[row["id"]], "the snapshot and the feed must encode every value alike"
    if audience in STAFF:
        assert "own" not in header
    else:
        assert "private words" not in json.dumps(rows)


def test_a_provider_who_leaves_the_directory_reaches_providers_in_deleted(world: World) -> None:
    with world.client("facility_admin") as admin, \
            world.client("credentialing_officer") as officer:
        joiner = create_provider(admin, last_name=f"{TAG}Leaver", hospitals=[world.hospital])["id"]
        screened(officer)
        officer.post(f"/providers/{joiner}/license/decision/",
                     json={"decision": "verified", "license_expiry_date": FUTURE}).raise_for_status()
        with world.client("pending_provider") as viewer, world.client("facility_admin") as staff:
            _, _, viewer_cursor = _walk(viewer)
            _, _, staff_cursor = _walk(staff)
            officer.post(f"/providers/{joiner}/license/decision/",
                         json={"decision": "rejected", "note": "Not a real license"}).raise_for_status()
            results, deleted, viewer_cursor = _walk(viewer, viewer_cursor)
            assert (results, deleted) == ([], [joiner])
            staff_results, staff_deleted, staff_cursor = _walk(staff, staff_cursor)
            assert [row["id"] for row in staff_results] == [joiner]
            assert staff_results[0]["license_note"] == "Not a real license"
            assert staff_deleted == []
            # verified again, then deactivated: back in results, then gone again
            officer.post(f"/providers/{joiner}/license/decision/",
                         json={"decision": "verified", "license_expiry_date": FUTURE}).raise_for_status()
            results, deleted, viewer_cursor = _walk(viewer, viewer_cursor)
            assert [row["id"] for row in results] == [joiner]
            assert deleted == []
            assert set(results[0]) == PUBLIC_FIELDS
            assert admin.delete(f"/providers/{joiner}/").status_code == 204
            results, deleted, _ = _walk(viewer, viewer_cursor)
            assert (results, deleted) == ([], [joiner])


def test_own_record_is_whole_whatever_its_status(world: World) -> None:
    with world.client("pending_provider") as client:
        own = client.get(f"/providers/{world.own['pending_provider']}/")
        assert own.status_code == 200
        assert set(own.json()) == PUBLIC_FIELDS | PRIVATE_FIELDS
        assert own.json()["license_status"] == "pending_verification"
