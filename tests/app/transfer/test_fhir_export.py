"""The desktop's FHIR export from its offline cache: the same resources as the server's $export, valid FHIR."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.client import ApiClient
from app.directory.cache import DirectoryCache
from app.directory.query import STAFF, Viewer
from app.directory.sync import DirectorySync
from app.transfer.csv_format import Cancelled
from app.transfer.fhir_export import FILES, export_fhir
from tests.app.directory.feed import record, write_page
from tests.helpers.aio import run
from tests.helpers.factories import register_provider
from tests.helpers.fhir import validate
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer

KEY = bytes(range(32))


def _by_type(lines: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for line in lines:
        resource = validate(json.loads(line))
        found.setdefault(resource["resourceType"], {})[resource["id"]] = resource
    return found


def _exported(server: LiveServer, folder: Path, email: str, password: str, viewer: Viewer) -> tuple[Any, list[Any]]:
    """Sync a cache as `email`, then export it offline; the counts, the progress calls, the server's $export."""
    steps: list[tuple[int, int]] = []

    async def body() -> tuple[dict[str, int], str]:
        client = ApiClient(server.api)
        login = await client.login(email, password)
        client.auth.start(login.access, login.refresh)
        cache = DirectoryCache.open(folder / "cache.db", KEY, viewer)
        try:
            await DirectorySync(client, cache).run()
            counts = await export_fhir(folder, cache, progress=lambda done, total: steps.append((done, total)))
        finally:
            cache.close()
            await client.aclose()
        return counts, login.access

    counts, access = run(body)
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {access}"}) as fhir:
        return (counts, fhir.get("/fhir/$export").text), steps


@pytest.mark.parametrize("role", ["staff", "provider"])
def test_the_export_holds_what_the_servers_export_holds(
        live_server: LiveServer, anon: httpx.Client, tmp_path: Path, role: str) -> None:
    if role == "staff":
        email, password, viewer = DEMO_ACCOUNTS["facility_admin"], DEMO_PASSWORD, STAFF
    else:
        me = register_provider(anon, first_name="Fhirself")
        email, password = me["user"]["email"], me["password"]
        viewer = Viewer(staff=False, own_id=me["user"]["provider_id"])
    (counts, server_export), steps = _exported(live_server, tmp_path, email, password, viewer)
    ours = _by_type([line for name in FILES.values() for line in (tmp_path / name).read_text().splitlines()])
    theirs = _by_type(server_export.splitlines())
    assert ours["Practitioner"] == theirs["Practitioner"]
    assert ours["PractitionerRole"] == theirs["PractitionerRole"]
    # the cache knows the hospitals its providers work at; the server also lists those where nobody works
    assert ours["Organization"].items() <= theirs["Organization"].items()
    assert ours["Location"].items() <= theirs["Location"].items()
    assert counts == {kind: len(ours.get(kind, {})) for kind in FILES}
    assert steps[-1] == (counts["Practitioner"], counts["Practitioner"])
    if role == "provider":
        assert viewer.own_id in ours["Practitioner"]
        assert all(p["active"] for p in ours["Practitioner"].values())


def test_a_cancelled_export_leaves_no_file(tmp_path: Path) -> None:
    cache = DirectoryCache.open(tmp_path / "cache.db", KEY)
    write_page(cache, [record("Ada", "Stone", id="a")])
    folder = tmp_path / "out"
    folder.mkdir()
    try:
        with pytest.raises(Cancelled):
            run(lambda: export_fhir(folder, cache, cancel=lambda: True))
    finally:
        cache.close()
    assert list(folder.iterdir()) == []


def test_records_with_optional_fields_empty_export_valid_resources(tmp_path: Path) -> None:
    cache = DirectoryCache.open(tmp_path / "cache.db", KEY)
    write_page(cache, [record("Bo", "Empty", id="0b1e7f2a-1111-4222-8333-944445555666", specialization="",
                              organization_facility="", license_expiry_date=None, phone_number="",
                              professional_title="", is_active=False)])
    try:
        counts = run(lambda: export_fhir(tmp_path, cache))
    finally:
        cache.close()
    lines = (tmp_path / FILES["PractitionerRole"]).read_text().splitlines()
    role = validate(json.loads(lines[0]))
    assert set(role) == {"resourceType", "id", "meta", "active", "practitioner", "code", "telecom"}
    assert counts == {"Practitioner": 1, "PractitionerRole": 1, "Organization": 0, "Location": 0}
