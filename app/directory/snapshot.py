"""A first fill from `GET /providers/snapshot/` (docs/api.md): every row at one revision, written once.

The answer is NDJSON: a header (format, fields, cursor, count, and a provider's own record), one
array of values a provider in the header's field order, and a trailer (end, count). The event loop
only receives the answer and cuts it into blocks of lines (up to AHEAD waiting, so the server is
not kept waiting); each block is parsed (one orjson call), checked (schema.Reader) and written by
a child process (fill_process.py: writer.Fill, straight into the final tables, rowids in arrival
order, which is the server's name order), so that neither holds the window's GIL. After the
trailer the indexes and the search index are built, the viewer's own record is written, and the
cursor stored, in the same transaction: readers see the empty cache until that commit, never a
half-built one, and a cut answer (no trailer, a wrong count, cancelled, offline) rolls it all back
for the next sync to start again. While the child writes, the window's own writers wait (the
cache's write lock). (SQLite's JSON functions doing the rows' work instead, off the GIL, took 1.5
times the CPU: measured; and parsing a block in another call than its writing, 15% more.)
"""
from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncGenerator, AsyncIterator

from app.api.client import ApiClient
from app.directory.cache import CacheClosedError, DirectoryCache
from app.directory.fill_process import FillProcess
from app.directory.walk import Walk
from app.directory.writer import Page

BATCH = 500  # lines a block: one orjson.loads of ~0.4 MB, ~1 ms with the GIL held
AHEAD = 8  # blocks received and waiting to be written (~3 MB): the server is not kept waiting


class SnapshotWalk(Walk):
    """The snapshot, block by block, into an empty cache in one transaction (see the module's docstring)."""

    def __init__(self, client: ApiClient, cache: DirectoryCache) -> None:
        super().__init__(cache)
        self._client = client
        self._fill: FillProcess | None = None
        self._holding = False  # the cache's write lock, from the first block to the end
        self._busy = threading.Lock()  # a block still being written when the walk stops: `abort` waits for it

    async def pages(self) -> AsyncGenerator[Page, None]:
        """The answer's blocks as they come (parsed where they are written), then the end."""
        # the child starts (~0.3 s of imports) while the server prepares its first byte
        starting = asyncio.ensure_future(asyncio.to_thread(FillProcess, self.cache.path, self.cache.key))
        try:
            async with self._client.snapshot() as body:
                self._fill = await starting
                blocks: asyncio.Queue[bytes | Exception | None] = asyncio.Queue(AHEAD)
                receiving = asyncio.ensure_future(_receive(body, blocks))
                try:
                    while (block := await blocks.get()) is not None:
                        if isinstance(block, Exception):
                            raise block
                        yield Page(raw=block, answers=0)
                finally:
                    receiving.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await receiving
        finally:
            if self._fill is None:  # no answer (a server without the snapshot): the child is not needed
                with contextlib.suppress(Exception):
                    await asyncio.to_thread((await starting).close)
        yield Page(last=True)

    def write(self, page: Page) -> int:
        """Have the child parse and write a block, or, at the end, check the trailer and finish the fill
        with the viewer's own record and the cursor; how many providers the block held."""
        with self._busy:
            fill = self._fill
            if fill is None:
                raise RuntimeError("the snapshot's fill has ended")
            if not self._holding:
                self._hold()
            if not page.last:
                return fill.append(page.raw)
            self._fill = None
            try:
                fill.finish()  # rolled back in the child on an error (a snapshot cut short, say)
            finally:
                self._release()
            return 0

    def abort(self) -> bool:
        with self._busy:
            fill, self._fill = self._fill, None
            if fill is not None:
                fill.abort()  # the dropped indexes too come back
                self._release()
            return fill is not None

    def _hold(self) -> None:
        """Keep the window's own writers waiting while the child writes (one writer at a time)."""
        self.cache.write_lock.acquire()
        if self.cache.closed:
            self.cache.write_lock.release()
            raise CacheClosedError(f"{self.cache.path.name} is closed")
        self._holding = True

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            self.cache.write_lock.release()


async def _receive(body: AsyncIterator[bytes], blocks: asyncio.Queue[bytes | Exception | None]) -> None:
    """Put the answer's blocks in `blocks`, then None (or the error that ended it)."""
    try:
        async for block in _blocks(body):
            await blocks.put(block)
    except Exception as error:  # raised where the blocks are taken
        await blocks.put(error)
    else:
        await blocks.put(None)


async def _blocks(body: AsyncIterator[bytes]) -> AsyncGenerator[bytes, None]:
    """The answer in blocks of about BATCH whole lines (the last block: what is left)."""
    chunks: list[bytes] = []
    lines = 0
    async for chunk in body:
        chunks.append(chunk)
        lines += chunk.count(b"\n")
        if lines >= BATCH:
            joined = b"".join(chunks)
            cut = joined.rfind(b"\n") + 1
            yield joined[:cut]
            chunks, lines = [joined[cut:]], 0
    if any(chunks):
        yield b"".join(chunks)
