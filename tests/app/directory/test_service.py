"""DirectoryService against the real server, without Qt: the first sync at open, one more sync for any
number of requests during a sync, the user's own change shown at once, cancel, offline and back, close."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.api.client import ApiClient
from app.api.connectivity import ConnectionState, Connectivity
from app.directory.service import BACK_ONLINE, CANCELLED, CANCELLED_PARTLY, DirectoryService
from app.session.session import Session
from app.session.token_store import MemoryTokenStore
from app.tasks import TaskKeeper
from tests.helpers.aio import CountingTransport, run, wait_until
from tests.helpers.factories import create_provider
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer, start_server


@dataclass
class Heard:
    """Everything the service told, in order, and whether it was told on the loop's thread."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    off_thread: int = 0
    on_synced: Callable[[], None] | None = None

    def __call__(self, name: str) -> Callable[..., None]:
        def told(*args: Any) -> None:
            if threading.current_thread() is not threading.main_thread():
                self.off_thread += 1
            self.events.append((name, *args))
            if name == "synced" and self.on_synced is not None:
                self.on_synced()
        return told

    def named(self, name: str) -> list[tuple[Any, ...]]:
        return [event[1:] for event in self.events if event[0] == name]

    def syncs_started(self) -> int:
        return self.named("sync_running").count((True,))

    def notices(self) -> list[str]:
        return [text for text, _level in self.named("notice")]


@dataclass
class Opened:
    service: DirectoryService
    heard: Heard
    keeper: TaskKeeper
    client: ApiClient
    transport: CountingTransport


async def opened(server: LiveServer, data_dir: Path, role: str = "facility_admin", **kwargs: Any) -> Opened:
    """A service of a signed-in demo account, opened and through its first sync."""
    transport = CountingTransport()
    client = ApiClient(server.api, transport=transport)
    session = Session(client, MemoryTokenStore("No secure keyring in tests."))
    user = await session.login(DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    connectivity = Connectivity(client)
    keeper = TaskKeeper(connectivity)
    heard = Heard()
    service = DirectoryService(
        client, connectivity, user=user, server_key=session.server, data_dir=data_dir, start=keeper,
        on_opened=heard("opened"), on_synced=heard("synced"), on_sync_running=heard("sync_running"),
        on_progress=heard("progress"), on_online_changed=heard("online_changed"), on_notice=heard("notice"),
        **kwargs)
    service.open()
    await wait_until(lambda: service.last_sync is not None and not service.syncing and not keeper.tasks,
                   60, "the first sync")
    return Opened(service, heard, keeper, client, transport)


async def closed(parts: Opened) -> None:
    await parts.service.aclose()
    await parts.client.aclose()
    assert not parts.keeper.unhandled_errors


def test_open_syncs_at_once_and_reports_on_the_loop_thread(live_server: LiveServer, admin: httpx.Client,
                                                            tmp_path: Path) -> None:
    async def body() -> None:
        parts = await opened(live_server, tmp_path)
        service, heard = parts.service, parts.heard
        assert heard.events[0] == ("opened",)
        assert heard.syncs_started() == 1
        assert heard.named("sync_running") == [(True,), (False,)]
        assert heard.named("synced") == [()]
        assert heard.named("progress"), "progress reported"
        assert heard.off_thread == 0, "worker threads' progress reaches the loop's thread"
        assert service.cache is not None
        counts = [(await asyncio.to_thread(admin.get, "/providers/", params={"page_size": 1, "is_active": active}))
                  .json()["count"] for active in ("true", "false")]
        assert service.cache.size() == sum(counts), "every provider, active or not"
        assert service.last_sync is not None
        assert service.synced_at is not None
        assert service.synced_at >= service.last_sync
        assert service.offline_text().startswith("Offline — directory as of ")
        assert "just now" in service.offline_text()
        assert service.connectivity.state is ConnectionState.ONLINE
        assert service.sync_timer.active
        assert service.probe_timer.active, "online too, it probes: a server that goes away is noticed"
        await closed(parts)

    run(body)


def test_requests_during_a_sync_run_exactly_one_more(live_server: LiveServer, tmp_path: Path) -> None:
    async def body() -> None:
        parts = await opened(live_server, tmp_path)
        service, heard = parts.service, parts.heard
        feed = parts.transport.paths["/api/v1/providers/changes/"]
        service.sync_now()
        assert service.syncing
        service.sync_now()
        service.sync_now()
        await wait_until(lambda: heard.syncs_started() == 3 and not service.syncing and not parts.keeper.tasks,
                       what="the second sync")
        await asyncio.sleep(0.2)
        assert heard.syncs_started() == 3, "the first at open, the one asked for, one more for both requests"
        assert heard.named("sync_running")[-4:] == [(True,), (False,), (True,), (False,)]
        assert parts.transport.paths["/api/v1/providers/changes/"] == feed + 2
        await closed(parts)

    run(body)


def test_the_users_own_change_shows_before_the_sync_that_confirms_it(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    made = create_provider(admin, first_name="Ownchange", last_name="Shownfirst")

    async def body() -> None:
        parts = await opened(live_server, tmp_path)
        service, heard = parts.service, parts.heard
        assert service.cache is not None
        assert service.cache.provider(made["id"]) is not None
        answer = await parts.client.update_provider(made["id"], {"specialization": "Nephrology"},
                                                    etag=(await parts.client.provider(made["id"])).etag)
        seen: list[tuple[str | None, int, bool]] = []

        def at_synced() -> None:
            row = service.cache.provider(made["id"]) if service.cache is not None else None
            seen.append((row.specialization if row else None, heard.syncs_started(), service.syncing))

        heard.on_synced = at_synced
        service.show_own_change(answer.value)
        await wait_until(lambda: heard.syncs_started() == 2 and not service.syncing and not parts.keeper.tasks,
                       what="the confirming sync")
        assert seen[0] == ("Nephrology", 1, False), "written into the cache before any sync"
        assert seen[-1][:2] == ("Nephrology", 2), "the sync that follows confirms it"
        await closed(parts)

    run(body)


def test_cancel_keeps_what_was_synced_and_says_so(live_server: LiveServer, tmp_path: Path) -> None:
    async def body() -> None:
        parts = await opened(live_server, tmp_path)
        service, heard = parts.service, parts.heard
        before = service.last_sync
        size = service.cache.size() if service.cache is not None else 0
        service.sync_now()
        service.cancel_sync()
        await wait_until(lambda: not service.syncing and not parts.keeper.tasks, what="the cancelled sync")
        assert heard.notices() == [CANCELLED + CANCELLED_PARTLY]
        assert heard.named("notice")[-1][1] == "info"
        assert service.last_sync == before, "a cancelled sync is not a sync"
        assert service.cache is not None
        assert service.cache.size() == size
        assert service.connectivity.state is ConnectionState.ONLINE
        await closed(parts)

    run(body)


def test_offline_it_probes_and_back_online_it_says_so_once_and_syncs(tmp_path: Path) -> None:
    server = start_server(tmp_path / "server", demo_providers=5)
    port = int(server.url.rsplit(":", 1)[1])

    async def body() -> None:
        nonlocal server
        parts = await opened(server, tmp_path / "desk", probe_every=0.2)
        service, heard = parts.service, parts.heard
        server.stop()
        service.sync_now()
        await wait_until(lambda: not service.online, what="offline noticed")
        assert heard.named("online_changed") == [(False,)]
        assert service.probe_timer.active
        assert not any("could not be synced" in text for text in heard.notices()), "offline is said by the bar"
        probes = parts.transport.paths["/api/v1/health/"]
        await wait_until(lambda: parts.transport.paths["/api/v1/health/"] >= probes + 2, what="probes")
        assert service.offline_text().startswith("Offline — directory as of ")
        started = heard.syncs_started()
        service.sync_now()  # offline: a probe, not a sync
        assert heard.syncs_started() == started
        server = await asyncio.to_thread(start_server, tmp_path / "server", demo_providers=None, port=port)
        await wait_until(lambda: service.online and heard.syncs_started() > started and not service.syncing
                       and not parts.keeper.tasks, 30, "back online and synced")
        await asyncio.sleep(0.5)  # a few more probe intervals: nothing more is said
        assert heard.named("online_changed") == [(False,), (True,)]
        assert heard.notices().count(BACK_ONLINE) == 1
        assert heard.syncs_started() == started + 1
        assert service.probe_timer.active
        assert service.connectivity.state is ConnectionState.ONLINE
        await closed(parts)

    try:
        run(body)
    finally:
        server.stop()


def test_close_during_a_sync_waits_for_it_then_closes_the_cache(live_server: LiveServer, tmp_path: Path) -> None:
    async def body() -> None:
        parts = await opened(live_server, tmp_path)
        service, heard = parts.service, parts.heard
        cache = service.cache
        assert cache is not None
        service.sync_now()
        service.sync_now()  # one more was asked for: closing drops it
        task = service._sync_task
        assert task is not None
        await service.aclose()
        assert task.done()
        assert not task.cancelled(), "stopped after its batch, not cut in a write"
        assert service.cache is None
        assert not service.sync_timer.active
        assert not heard.notices(), "closing is not a cancellation to tell"
        assert heard.syncs_started() == 2
        service.sync_now()
        assert heard.syncs_started() == 2, "nothing runs after close"
        assert not service.syncing
        await parts.client.aclose()
        assert not parts.keeper.unhandled_errors

    run(body)
