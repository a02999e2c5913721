"""A first fill from `GET /providers/snapshot/` (docs/api.md): every row at one revision, written once.

The answer is NDJSON: a header (format, fields, cursor, count, and a provider's own record), one
array of values a provider in the header's field order, and a trailer (end, count). The event loop
only receives the answer and cuts it into blocks of lines (up to AHEAD waiting, so the server is
not kept waiting); each block is parsed (one orjson call), checked (schema.Reader) and written in
one worker call (writer.Fill: straight into the final tables, rowids in arrival order, which is
the server's name order). After the trailer the indexes and the search index are built, the
viewer's own record is written, and the cursor stored, in the same transaction: readers see the
empty cache until that commit, never a half-built one, and a cut answer (no trailer, a wrong count,
cancelled, offline) rolls it all back for the next sync to start again. (SQLite's JSON functions
doing the rows' work instead, off the GIL, took 1.5 times the CPU: measured; and parsing a block in
another worker call than its writing, 15% more.)
"""
from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import orjson

from app.api.client import ApiClient
from app.api.errors import BadResponseError
from app.directory import schema
from app.directory.cache import DirectoryCache
from app.directory.walk import Walk
from app.directory.writer import Fill, Page

BATCH = 500  # lines a block: one orjson.loads of ~0.4 MB, ~1 ms with the GIL held
AHEAD = 8  # blocks received and waiting to be written (~3 MB): the server is not kept waiting


class SnapshotWalk(Walk):
    """The snapshot, block by block, into an empty cache in one transaction (see the module's docstring)."""

    def __init__(self, client: ApiClient, cache: DirectoryCache) -> None:
        super().__init__(cache)
        self._client = client
        self._lines = _Lines()
        self._fill: Fill | None = None
        self._busy = threading.Lock()  # a block still being written when the walk stops: `abort` waits for it

    async def pages(self) -> AsyncGenerator[Page, None]:
        """The answer's blocks as they come (parsed where they are written), then the end."""
        async with self._client.snapshot() as body:
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
        yield Page(last=True)

    def write(self, page: Page) -> int:
        """Parse and write a block (one worker call: the rows stay in the thread that made them), or, at
        the end, check the trailer and finish the fill with the viewer's own record and the cursor."""
        with self._busy:
            if self._fill is None:
                self._fill = Fill(self.cache)
            if not page.last:
                rows = self._lines.read(page.raw)
                self._fill.append(rows)
                return len(rows)
            end = self._lines.end()  # a snapshot cut short raises here: `abort` then rolls the fill back
            fill, self._fill = self._fill, None
            fill.finish(end)  # rolls back itself on an error
            return 0

    def abort(self) -> bool:
        with self._busy:
            fill, self._fill = self._fill, None
            if fill is not None:
                fill.abort()  # the dropped indexes too come back
            return fill is not None


class _Lines:
    """Reads blocks of the answer's lines in order: the header first, then providers' rows; the trailer."""

    def __init__(self) -> None:
        self.head: dict[str, Any] | None = None
        self.tail: Any = None
        self.count = 0
        self._reader: schema.Reader | None = None

    def end(self) -> Page:
        """What the fill ends with, once the trailer vouches for every row: the viewer's own record (a
        provider's, with its private fields, as a feed page gives it) and the snapshot's cursor."""
        head, tail = self.head, self.tail
        if head is None or not isinstance(tail, dict) or tail.get("end") is not True:
            raise BadResponseError("(the snapshot)", "cut short: no trailer")
        if tail.get("count") != self.count:
            raise BadResponseError("(the snapshot)", f"{self.count} rows, the trailer says {tail.get('count')}")
        own = head.get("own")
        return Page([schema.read_item(own)] if isinstance(own, dict) else [], cursor=head["cursor"], last=True)

    def read(self, block: bytes) -> list[schema.Row]:
        lines = [line for line in block.split(b"\n") if line.strip()]
        if self._reader is None and lines:
            self.head = _header(lines.pop(0))
            self._reader = schema.Reader(self.head["fields"])
        if lines and lines[-1].startswith(b"{"):
            self.tail = orjson.loads(lines.pop())
        if not lines or self._reader is None:
            return []
        try:
            values = orjson.loads(b"[" + b",".join(lines) + b"]")
        except orjson.JSONDecodeError:
            raise BadResponseError("(a provider's line)", "not JSON") from None
        read = self._reader.read
        rows = [read(value) for value in values]
        self.count += len(rows)
        return rows


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


def _header(line: bytes) -> dict[str, Any]:
    try:
        head = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise BadResponseError("(the snapshot's header)", "not JSON") from None
    if not isinstance(head, dict) or head.get("format") != 1:
        raise BadResponseError("(the snapshot's header)", "not format 1")
    if not isinstance(head.get("fields"), list) or not isinstance(head.get("cursor"), str):
        raise BadResponseError("fields or cursor", "missing or of the wrong type")
    if not set(schema.REQUIRED) <= set(head["fields"]):
        raise BadResponseError("fields", f"{', '.join(sorted(set(schema.REQUIRED) - set(head['fields'])))} missing")
    return head
