"""The guard of issue 12: with the server killed and restarted, the connection is one clean sequence.

A server of the test's own is killed while the directory is idle and online, stays down for at
least five probes, and comes back on the same port. The states form online → offline → online
(no flapping: a failed probe never reads as online), offline is noticed by the first probe after
the kill, and "Back online" is said once. Probes are counted; no wall-clock time is asserted.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from app.api.client import ApiClient
from app.api.connectivity import ConnectionState, Connectivity
from app.directory.service import BACK_ONLINE, DirectoryService
from app.session.session import Session
from app.session.token_store import MemoryTokenStore
from app.tasks import TaskKeeper
from tests.helpers.aio import run, wait_until
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, start_server

PROBE_EVERY = 0.2  # the test's patience, not the user's 15 s
DOWN_FOR_PROBES = 5


class Timeline(Connectivity):
    """A connectivity that writes its states and probes, and what the test did, on one timeline."""

    def __init__(self, client: ApiClient) -> None:
        super().__init__(client)
        self.events: list[tuple[str, str]] = []
        self.on_change(lambda state: self.events.append(("state", state.value)))

    async def probe(self) -> ConnectionState:
        self.events.append(("probe", "started"))
        state = await super().probe()
        self.events.append(("probe", f"ended {state.value}"))
        return state

    def mark(self, what: str) -> None:
        self.events.append(("test", what))

    def since(self, what: str) -> list[tuple[str, str]]:
        return self.events[self.events.index(("test", what)) + 1:]

    def probes_since(self, what: str) -> int:
        return sum(1 for kind, text in self.since(what) if kind == "probe" and text.startswith("ended"))

    def states_since(self, what: str) -> list[str]:
        return [text for kind, text in self.since(what) if kind == "state"]


def test_killed_and_restarted_the_state_goes_offline_once_and_back_once(tmp_path: Path) -> None:
    server = start_server(tmp_path / "server", demo_providers=5)
    port = int(server.url.rsplit(":", 1)[1])

    async def body() -> None:
        nonlocal server
        client = ApiClient(server.api)
        session = Session(client, MemoryTokenStore("No secure keyring in tests."))
        user = await session.login(DEMO_ACCOUNTS["facility_admin"], DEMO_PASSWORD)
        connectivity = Timeline(client)
        keeper = TaskKeeper(connectivity)
        online_changed: list[bool] = []
        notices: list[str] = []
        service = DirectoryService(
            client, connectivity, user=user, server_key=session.server, data_dir=tmp_path / "desk", start=keeper,
            probe_every=PROBE_EVERY, on_online_changed=online_changed.append,
            on_notice=lambda text, _level: notices.append(text))
        service.open()
        await wait_until(lambda: service.last_sync is not None and not service.syncing, what="the first sync")

        connectivity.mark("killed")
        server.stop()  # idle and online: only the probes can notice
        await wait_until(lambda: connectivity.probes_since("killed") >= DOWN_FOR_PROBES, what="probes while down")
        down = connectivity.since("killed")
        assert connectivity.states_since("killed") == ["offline"], f"steady while down: {down}"
        offline_at = down.index(("state", "offline"))
        second_probe = [i for i, event in enumerate(down) if event == ("probe", "started")][1]
        assert offline_at < second_probe, f"noticed by the first probe after the kill: {down}"
        assert online_changed == [False]
        assert not service.online

        connectivity.mark("restarted")
        server = await asyncio.to_thread(start_server, tmp_path / "server", demo_providers=None, port=port)
        await wait_until(lambda: connectivity.state is ConnectionState.ONLINE and not service.syncing,
                         what="back online and synced")
        connectivity.mark("back")
        await wait_until(lambda: connectivity.probes_since("back") >= 2, what="probes after")
        assert connectivity.states_since("restarted") == ["online", "syncing", "online"], connectivity.events
        assert connectivity.states_since("back") == [], "answered probes change nothing"
        assert online_changed == [False, True]
        assert notices.count(BACK_ONLINE) == 1
        await service.aclose()
        await client.aclose()
        assert not keeper.unhandled_errors

    try:
        run(body)
    finally:
        server.stop()
