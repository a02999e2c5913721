"""The directory cache synced by walking the list, against a server without the change feed."""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from app.api.capabilities import Feature
from app.api.client import ApiClient
from app.api.connectivity import Connectivity
from app.directory.cache import DirectoryCache
from app.directory.list_walk import REREAD_EVERY, ListWalkSync
from app.directory.query import DirectoryQuery, Viewer
from app.directory.service import DirectoryService
from app.session.session import Session
from app.session.token_store import MemoryTokenStore
from app.tasks import TaskKeeper
from tests.helpers.aio import CountingTransport, run
from tests.helpers.factories import create_provider
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer
from tests.helpers.seed_server import SeedServer

KEY = bytes(range(32))
ALL = DirectoryQuery(is_active=None)


async def seed_client(server: SeedServer, **kwargs: object) -> ApiClient:
    client = ApiClient(server.api, **kwargs)  # type: ignore[arg-type]
    login = await client.login(server.email, server.password)
    client.auth.start(login.access, login.refresh)
    return client


def test_walk_fills_updates_and_removes(seed_server: SeedServer, tmp_path: Path) -> None:
    ids = seed_server.provider_ids()

    async def body() -> None:
        transport = CountingTransport()
        client = await seed_client(seed_server, transport=transport)
        cache = DirectoryCache.open(tmp_path / "walk.db", KEY, Viewer(staff=True))
        seen: list[tuple[int, int | None]] = []
        try:
            result = await ListWalkSync(client, cache, concurrency=3).run(lambda d, t: seen.append((d, t)))
            assert result.complete
            assert result.pages == 3  # 46 providers at the 20 a page the server keeps to
            assert cache.size() == 46
            assert seen[-1] == (46, 46)
            assert transport.paths["/api/v1/providers/"] == 3
            first = cache.provider(ids[0])
            assert first is not None
            assert first.first_name == "First01"
            assert first.email == "p1@example.org"  # from the detail: the list has no email
            assert first.professional_role is None  # not given by this server: unknown, not invented
            assert first.license_status is None
            rows = cache.rows(DirectoryQuery(text="First02"), 0, 10)
            assert [row.full_name for row in rows] == ["Dr. First02 Last02"]

            seed_server.control("remove", ids[1])
            seed_server.control("rename", ids[2], "Zed")
            again = await ListWalkSync(client, cache).run()
            assert again.deleted == 1
            assert cache.size() == 45
            assert cache.provider(ids[1]) is None
            renamed = cache.provider(ids[2])
            assert renamed is not None
            assert renamed.last_name == "Zed"
            assert [row.id for row in cache.rows(ALL, 44, 1)] == [ids[2]], "Zed sorts last"
        finally:
            cache.close()
            await client.aclose()

    run(body)


def test_a_later_walk_reads_only_what_the_list_shows_changed(seed_server: SeedServer, tmp_path: Path) -> None:
    ids = seed_server.provider_ids()

    def details(transport: CountingTransport) -> int:
        return sum(n for path, n in transport.paths.items() if path.removeprefix("/api/v1/providers/").count("-") == 4)

    async def body() -> None:
        transport = CountingTransport()
        client = await seed_client(seed_server, transport=transport)
        cache = DirectoryCache.open(tmp_path / "walk.db", KEY, Viewer(staff=True))
        walker = ListWalkSync(client, cache)
        try:
            await walker.run()
            assert details(transport) == 46, "the first walk of a session reads every detail"
            again = await walker.run()
            assert again.complete
            assert details(transport) == 46, "nothing the list shows changed: no detail read again"
            assert again.changed == 0
            seed_server.control("rename", ids[3], "Quill")
            await walker.run()
            assert details(transport) == 47, "only the renamed provider is read"
            renamed = cache.provider(ids[3])
            assert renamed is not None
            assert renamed.last_name == "Quill"
            walker.read_all_at = (walker.read_all_at or 0) - REREAD_EVERY  # as if six hours went by
            await walker.run()
            assert details(transport) == 47 + 46, "then every detail again (fields the list does not show)"
        finally:
            cache.close()
            await client.aclose()

    run(body)


def test_the_service_walks_the_list_and_reads_offline(seed_server: SeedServer, tmp_path: Path) -> None:
    async def body() -> None:
        client = ApiClient(seed_server.api)
        session = Session(client, MemoryTokenStore())
        user = await session.login(seed_server.email, seed_server.password)
        assert not session.capabilities.has(Feature.CHANGE_FEED)
        connectivity = Connectivity(client)
        notices: list[str] = []
        service = DirectoryService(client, connectivity, user=user, server_key=session.server, data_dir=tmp_path,
                                   start=TaskKeeper(connectivity), capabilities=session.capabilities,
                                   on_notice=lambda text, _level: notices.append(text))
        try:
            service.open()
            for _ in range(500):
                if service.cache is not None and service.last_sync is not None and not service.syncing:
                    break
                await asyncio.sleep(0.02)
            assert service.cache is not None
            assert service.cache.size() == 46
            assert not [n for n in notices if "could not be synced" in n]
            seed_server.process.terminate()  # offline: the copy on this computer still answers
            seed_server.process.wait()
            await connectivity.probe()
            assert not service.online
            assert service.offline_text().startswith("Offline — directory as of ")
            assert service.cache.count(DirectoryQuery(text="Last0")) == 9
        finally:
            await service.aclose()
            await client.aclose()

    run(body)


def test_incremental_where_the_ordering_is_honoured(live_server: LiveServer, admin: httpx.Client,
                                                    tmp_path: Path) -> None:
    """Our server honours `ordering=-updated_at`: a second walk reads only the newest page, and a
    provider leaving the list (its count drops) brings a full walk that removes it."""
    created = create_provider(admin)

    async def body() -> None:
        transport = CountingTransport()
        client = ApiClient(live_server.api, transport=transport)
        login = await client.login(DEMO_ACCOUNTS["facility_admin"], DEMO_PASSWORD)
        client.auth.start(login.access, login.refresh)
        cache = DirectoryCache.open(tmp_path / "ours.db", KEY, Viewer(staff=True))
        walker = ListWalkSync(client, cache, page_size=20)
        try:
            await walker.run()
            full_pages = transport.paths["/api/v1/providers/"]
            assert full_pages > 2
            assert cache.provider(created["id"]) is not None
            changed = await asyncio.to_thread(admin.patch, f"/providers/{created['id']}/",
                                              json={"specialization": "Neurology"})
            assert changed.status_code == 200, changed.text
            again = await walker.run()
            assert walker.ordered is True
            assert again.pages == 1
            assert again.changed >= 1
            cached = cache.provider(created["id"])
            assert cached is not None
            assert cached.specialization == "Neurology"
            gone = await asyncio.to_thread(admin.delete, f"/providers/{created['id']}/")
            assert gone.status_code == 204, gone.text
            third = await walker.run()
            assert third.deleted == 1
            assert cache.provider(created["id"]) is None
        finally:
            cache.close()
            await client.aclose()

    run(body)
