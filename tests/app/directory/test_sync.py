"""DirectorySync against the real server: first fill, incremental, cut and resumed; the writers' name order."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api import errors
from app.api.client import ApiClient
from app.directory.cache import DirectoryCache
from app.directory.query import DirectoryQuery, Viewer
from app.directory.schema import STAGING, name_key
from app.directory.sync import DirectorySync, SyncResult
from tests.app.directory.feed import assert_published, staged
from tests.helpers.aio import run
from tests.helpers.factories import create_provider, register_provider
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer

KEY = bytes(range(32))
ALL = DirectoryQuery(is_active=None)


async def admin_client(server: LiveServer, **kwargs: Any) -> ApiClient:
    client = ApiClient(server.api, **kwargs)
    login = await client.login(DEMO_ACCOUNTS["facility_admin"], DEMO_PASSWORD)
    client.auth.start(login.access, login.refresh)
    return client


def server_providers(admin: httpx.Client) -> dict[str, dict[str, Any]]:
    """Every provider on the server, active or not, by id (from the paginated list)."""
    found: dict[str, dict[str, Any]] = {}
    for active in ("true", "false"):
        page = 1
        while True:
            body = admin.get("/providers/", params={"is_active": active, "page": page, "page_size": 500}).json()
            found.update((row["id"], row) for row in body["results"])
            if not body["next"]:
                break
            page += 1
    return found


def assert_same_as_server(cache: DirectoryCache, admin: httpx.Client) -> None:
    expected = server_providers(admin)
    rows = cache.rows(ALL, 0, 1_000_000)
    assert len(rows) == len({row.id for row in rows}) == cache.size(), "no row doubled"
    assert {row.id for row in rows} == set(expected), "no row missing or extra"
    for row in rows:
        server = expected[row.id]
        got = (row.full_name, row.email, row.license_number, row.license_status, row.is_active, row.specialization)
        assert got == (server["full_name"], server["email"], server["license_number"], server["license_status"],
                       server["is_active"], server["specialization"])
    keys = [name_key(expected[r.id]["first_name"], expected[r.id]["last_name"], r.id) for r in rows]
    assert keys == sorted(keys), "rows come in name order"


def name_position(admin: httpx.Client, provider_id: str) -> int:
    """Where the provider comes in the name order of every provider on the server (other tests' too)."""
    rows = server_providers(admin)
    keys = sorted(name_key(row["first_name"], row["last_name"], row["id"]) for row in rows.values())
    return keys.index(name_key(rows[provider_id]["first_name"], rows[provider_id]["last_name"], provider_id))


def synced(server: LiveServer, path: Path, *, limit: int = 25, snapshot: bool = False, **kwargs: Any) -> Any:
    """A sync of the cache at `path`; a first fill walks the feed unless `snapshot`."""
    async def body() -> Any:
        client = await admin_client(server)
        cache = DirectoryCache.open(path, KEY)
        try:
            return await DirectorySync(client, cache, limit=limit, snapshot=snapshot).run(**kwargs)
        finally:
            cache.close()
            await client.aclose()

    return run(body)


def test_full_sync_from_empty_equals_the_server(live_server: LiveServer, admin: httpx.Client, tmp_path: Path) -> None:
    gone = create_provider(admin, first_name="Inactive")
    assert admin.delete(f"/providers/{gone['id']}/").status_code == 204
    seen: list[tuple[int, int | None]] = []
    result = synced(live_server, tmp_path / "c.db", progress=lambda done, total: seen.append((done, total)))
    assert result.complete
    assert result.pages > 1
    assert seen[-1][0] == seen[-1][1] == result.changed
    cache = DirectoryCache.open(tmp_path / "c.db", KEY)
    try:
        assert_same_as_server(cache, admin)
        assert cache.last_full_sync is not None
        assert cache.cursor
        inactive = cache.rows(DirectoryQuery(text="inactive", is_active=False), 0, 10)
        assert gone["id"] in [row.id for row in inactive]
        detail = cache.provider(gone["id"])
        assert detail is not None
        assert detail.is_active is False
        assert detail.email == gone["email"]
    finally:
        cache.close()


def test_incremental_sync_after_edits_and_deactivations(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "c.db"
    synced(live_server, path)
    made = create_provider(admin, last_name="Aaronson")
    renamed = create_provider(admin)
    assert admin.patch(f"/providers/{renamed['id']}/", json={"last_name": "Zzyzx"}).status_code == 200
    assert admin.delete(f"/providers/{made['id']}/").status_code == 204
    result = synced(live_server, path)
    assert result.complete
    assert result.changed == 2, "each changed provider once, in its latest version"
    cache = DirectoryCache.open(path, KEY)
    try:
        assert_same_as_server(cache, admin)
        assert cache.rows(DirectoryQuery(text="zzyzx"), 0, 5)[0].id == renamed["id"]
        assert cache.rows(ALL, name_position(admin, renamed["id"]), 1)[0].id == renamed["id"], "moved to its new name"
        assert cache.count(DirectoryQuery(text="aaronson")) == 0, "deactivated: not among the active"
        assert cache.count(DirectoryQuery(text="aaronson", is_active=False)) == 1
    finally:
        cache.close()


def test_first_fill_cut_after_the_first_page_resumes_without_gaps_or_doubles(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "c.db"
    cancel = asyncio.Event()
    first = synced(live_server, path, limit=20, progress=lambda done, total: cancel.set(), cancel=cancel)
    assert not first.complete
    assert first.pages == 1
    cache = DirectoryCache.open(path, KEY)
    try:
        assert cache.size() == 0, "a first fill shows no provider before its last page"
        assert staged(cache) == 20
        assert cache.cursor
        assert cache.last_full_sync is None
        early = cache.write_connection().execute(f"SELECT id FROM {STAGING} LIMIT 2").fetchall()
    finally:
        cache.close()
    # while the fill is cut, a staged provider changes (it comes again, renamed) and another goes
    renamed, gone = early[0][0], early[1][0]
    assert admin.patch(f"/providers/{renamed}/", json={"last_name": "Zzzrefilled"}).status_code == 200
    assert admin.delete(f"/providers/{gone}/").status_code == 204
    second = synced(live_server, path, limit=20)
    assert second.complete
    cache = DirectoryCache.open(path, KEY)
    try:
        assert_same_as_server(cache, admin)
        assert_published(cache)
        assert cache.last_full_sync is not None
        assert [row.id for row in cache.rows(DirectoryQuery(text="zzzref"), 0, 5)] == [renamed]
        assert cache.count(DirectoryQuery(text="zzzrefilled", is_active=None)) == 1
        assert cache.rows(ALL, name_position(admin, renamed), 1)[0].id == renamed, "moved to its new name"
        assert gone not in {row.id for row in cache.rows(DirectoryQuery(), 0, 10_000)}
        provider = cache.provider(renamed)
        assert provider is not None
        assert provider.last_name == "Zzzrefilled"
        bodies = cache.write_connection().execute("SELECT count(*) FROM provider_json").fetchone()[0]
        assert bodies == cache.size(), "no full record left over from a replaced version"
    finally:
        cache.close()


def test_incremental_sync_cancelled_after_the_first_page_resumes(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "c.db"
    synced(live_server, path)
    cache = DirectoryCache.open(path, KEY)
    before = cache.size()
    cache.close()
    for _ in range(25):
        create_provider(admin)
    cancel = asyncio.Event()
    first = synced(live_server, path, limit=10, progress=lambda done, total: cancel.set(), cancel=cancel)
    assert not first.complete
    cache = DirectoryCache.open(path, KEY)
    assert cache.size() == before + 10, "an incremental sync shows each page once it is written"
    cache.close()
    assert synced(live_server, path, limit=10).complete
    cache = DirectoryCache.open(path, KEY)
    try:
        assert_same_as_server(cache, admin)
    finally:
        cache.close()


def test_sync_cut_by_a_dropped_connection_resumes(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "c.db"
    real = httpx.AsyncHTTPTransport()
    calls = {"changes": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/providers/changes/"):
            calls["changes"] += 1
            if calls["changes"] == 3:
                raise httpx.ReadError("connection lost mid-body", request=request)
        response = await real.handle_async_request(request)
        await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=response.content)

    async def cut() -> None:
        client = await admin_client(live_server, transport=httpx.MockTransport(handler), retries=0)
        cache = DirectoryCache.open(path, KEY)
        try:
            with pytest.raises(errors.OfflineError):
                await DirectorySync(client, cache, limit=15, snapshot=False).run()
            assert staged(cache) == 30, "the two pages before the cut stay staged"
            assert cache.size() == 0
        finally:
            cache.close()
            await client.aclose()

    run(cut)
    assert synced(live_server, path, limit=15).complete
    cache = DirectoryCache.open(path, KEY)
    try:
        assert_same_as_server(cache, admin)
        assert_published(cache)
    finally:
        cache.close()


def test_first_fill_from_the_snapshot_equals_the_server(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    gone = create_provider(admin, first_name="Inactive", last_name="de la Cruz")  # lower case: another collation
    assert admin.delete(f"/providers/{gone['id']}/").status_code == 204
    path = tmp_path / "c.db"
    seen: list[tuple[int, int | None]] = []
    result = synced(live_server, path, snapshot=True, progress=lambda done, total: seen.append((done, total)))
    assert result.complete
    assert result.pages == 1
    assert seen[-1][0] == seen[-1][1] == result.changed
    cache = DirectoryCache.open(path, KEY)
    try:
        assert_same_as_server(cache, admin)
        assert_published(cache)
        assert cache.last_full_sync is not None
        assert cache.count(DirectoryQuery(text="inactive", is_active=False)) >= 1
        detail = cache.provider(gone["id"])
        assert detail is not None
        assert (detail.is_active, detail.email, detail.last_name) == (False, gone["email"], "de la Cruz")
        server = admin.get(f"/providers/{gone['id']}/").json()
        assert [(h.id, h.name) for h in detail.hospitals] == [(h["id"], h["name"]) for h in server["hospitals"]]
        assert detail.bio == server["bio"]
        assert detail.phone_number == server["phone_number"]
    finally:
        cache.close()
    renamed = create_provider(admin, last_name="Zzafter")
    after = synced(live_server, path)
    assert after.complete
    assert after.changed == 1, "the feed goes on from the snapshot's cursor: nothing lost, nothing repeated"
    cache = DirectoryCache.open(path, KEY)
    try:
        assert_same_as_server(cache, admin)
        assert [row.id for row in cache.rows(DirectoryQuery(text="zzafter"), 0, 5)] == [renamed["id"]]
    finally:
        cache.close()


def test_a_snapshot_cut_short_shows_nothing_and_the_next_sync_fills(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    path = tmp_path / "c.db"
    real = httpx.AsyncHTTPTransport()

    async def handler(request: httpx.Request) -> httpx.Response:
        response = await real.handle_async_request(request)
        body = await response.aread()
        if request.url.path.endswith("/providers/snapshot/"):
            body = body[: len(body) // 2]  # the answer ends before its trailer
            headers = {"Content-Type": "application/x-ndjson"}
            return httpx.Response(200, headers=headers, content=body)
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    async def cut() -> None:
        client = await admin_client(live_server, transport=httpx.MockTransport(handler), retries=0)
        cache = DirectoryCache.open(path, KEY)
        try:
            with pytest.raises(errors.BadResponseError):
                await DirectorySync(client, cache).run()
            assert cache.size() == 0, "nothing of a cut snapshot is shown"
            assert cache.cursor is None
            assert_published(cache)
        finally:
            cache.close()
            await client.aclose()

    run(cut)
    assert synced(live_server, path, snapshot=True).complete
    cache = DirectoryCache.open(path, KEY)
    try:
        assert_same_as_server(cache, admin)
    finally:
        cache.close()


def test_a_server_without_the_snapshot_fills_from_the_feed(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    real = httpx.AsyncHTTPTransport()
    asked: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path.endswith("/providers/snapshot/"):
            return httpx.Response(404, json={"detail": "Not found."})
        response = await real.handle_async_request(request)
        body = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    async def fill() -> Any:
        client = await admin_client(live_server, transport=httpx.MockTransport(handler))
        cache = DirectoryCache.open(tmp_path / "c.db", KEY)
        try:
            result = await DirectorySync(client, cache, limit=20).run()
            assert_same_as_server(cache, admin)
            return result
        finally:
            cache.close()
            await client.aclose()

    result = run(fill)
    assert result.complete
    assert result.pages > 1
    assert any(path.endswith("/providers/snapshot/") for path in asked)
    assert any(path.endswith("/providers/changes/") for path in asked)


def test_a_providers_snapshot_fill_keeps_its_own_private_fields(
    live_server: LiveServer, anon: httpx.Client, tmp_path: Path
) -> None:
    me = register_provider(anon, first_name="Selfsnap", additional_information="Only I and staff read this")
    own_id = me["user"]["provider_id"]
    viewer = Viewer(staff=False, own_id=own_id)

    async def body() -> tuple[Any, SyncResult, list[str]]:
        client = ApiClient(live_server.api)
        login = await client.login(me["user"]["email"], me["password"])
        client.auth.start(login.access, login.refresh)
        cache = DirectoryCache.open(tmp_path / "c.db", KEY, viewer)
        try:
            result = await DirectorySync(client, cache).run()
            return cache.provider(own_id), result, [row.id for row in cache.rows(DirectoryQuery(text="selfsnap"), 0, 5)]
        finally:
            cache.close()
            await client.aclose()

    own, result, found = run(body)
    assert result.pages == 1, "filled from the snapshot"
    assert found == [own_id]
    assert own is not None
    assert own.additional_information == "Only I and staff read this"
