"""The snapshot's fill in a process of its own: the window's writers wait for it, and a fill process that
dies mid-fill leaves the cache empty for the next sync to fill."""
from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

import httpx
import pytest

from app.directory import snapshot
from app.directory.cache import DirectoryCache
from app.directory.fill_process import FillProcessError
from app.directory.sync import DirectorySync
from tests.app.directory.test_sync import KEY, admin_client, assert_same_as_server, synced
from tests.helpers.aio import run
from tests.helpers.live_server import LiveServer


def _fill_children() -> list[multiprocessing.process.BaseProcess]:
    return [child for child in multiprocessing.active_children() if child.name == "providerdesk-fill"]


def test_a_fill_process_killed_mid_fill_leaves_nothing_and_the_next_sync_fills(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "BATCH", 5)  # blocks of five lines: the child dies between two of them
    path = tmp_path / "c.db"
    killed: list[int] = []

    def kill_after_first_block(done: int, _total: int | None) -> None:
        if done and not killed:
            for child in _fill_children():
                child.kill()
                killed.append(done)

    async def cut() -> None:
        client = await admin_client(live_server)
        cache = DirectoryCache.open(path, KEY)
        try:
            with pytest.raises(FillProcessError):
                await DirectorySync(client, cache).run(kill_after_first_block)
            assert killed, "the child had written a block when it died"
            assert cache.size() == 0, "nothing of the dead child's transaction is shown"
            assert cache.cursor is None
            with cache.transaction() as conn:  # the window may write again: the lock and the file are free
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('probe', '1')")
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
    assert not _fill_children(), "every fill process has ended"


def test_the_windows_writers_wait_while_the_fill_process_writes(live_server: LiveServer, tmp_path: Path) -> None:
    waited: list[int] = []

    async def fill() -> None:
        client = await admin_client(live_server)
        cache = DirectoryCache.open(tmp_path / "c.db", KEY)
        written: asyncio.Future[None] | None = None
        cache.write_connection().execute("PRAGMA busy_timeout = 0")  # the file's lock would refuse, not wait

        def meanwhile(done: int, _total: int | None) -> None:
            nonlocal written
            if done and written is None:  # the child's transaction is open: a write of the window waits for it
                written = asyncio.ensure_future(asyncio.to_thread(write_after_fill))

        def write_after_fill() -> None:
            with cache.transaction() as conn:
                waited.append(int(conn.execute("SELECT count(*) FROM providers").fetchone()[0]))

        try:
            await DirectorySync(client, cache).run(meanwhile)
            assert written is not None
            await written
            assert waited == [cache.size()], "the window's write ran after the fill's commit, never inside it"
        finally:
            cache.close()
            await client.aclose()

    run(fill)
    assert waited[0] > 0
