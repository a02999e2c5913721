"""Sync of the directory cache with the server's change feed (`GET /providers/changes/`).

An empty cache is filled first: from the snapshot (snapshot.py) where the server has one, else
from the feed, staged (staging.py); later runs apply the feed's changes page by page. Each page is
parsed (`parse_page`, the feed's one reading) and written off the event loop, in one transaction
with its cursor, so a sync cut anywhere leaves a consistent cache and the next run resumes after
the last written page; the next page is fetched while this one is written (walk.py).
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

import orjson

from app.api.client import ApiClient
from app.api.errors import BadResponseError, NotFoundError
from app.directory.cache import DirectoryCache
from app.directory.schema import read_item
from app.directory.snapshot import SnapshotWalk
from app.directory.staging import Staging
from app.directory.walk import Progress, SyncResult, Walk
from app.directory.writer import CacheWriter, Page

# a page's orjson.loads holds the GIL (a 5,000-row page ~70 ms: the loop stalled), so pages stay small
PAGE_LIMIT = 2000


def parse_page(body: bytes) -> Page:
    """One page of the change feed, checked: its providers' rows, the ids erased, its cursor, and
    whether it is the last (no more follow); a malformed page raises BadResponseError."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadResponseError("(the whole answer)", "not JSON") from None
    if not isinstance(data, dict):
        raise BadResponseError("(the whole answer)", "not an object")
    results, deleted, cursor = data.get("results"), data.get("deleted"), data.get("cursor")
    if not isinstance(results, list) or not isinstance(deleted, list) or not isinstance(cursor, str):
        raise BadResponseError("results, deleted or cursor", "missing or of the wrong type")
    rows = [read_item(item) for item in results]
    return Page(rows, [str(pid) for pid in deleted], cursor, last=not data.get("has_more"))


class FeedWalk(Walk):
    """The change feed from the cache's cursor, each page written in place, or staged in a first fill."""

    def __init__(self, client: ApiClient, cache: DirectoryCache, limit: int, staging: Staging | None = None) -> None:
        super().__init__(cache)
        self._client = client
        self._limit = limit
        self._write = staging.write if staging is not None else CacheWriter(cache).write

    async def pages(self) -> AsyncGenerator[Page, None]:
        cursor = self.cache.cursor
        while True:
            body = await self._client.changes_raw(cursor, self._limit)
            page = await self.off_loop(parse_page, body)
            del body
            yield page
            if page.last:
                return
            cursor = page.cursor

    def write(self, page: Page) -> int:
        return self._write(page)


class DirectorySync:
    """Brings `cache` up to date with the server behind `client`; one run at a time. Each run ends by
    erasing the rows the cache's viewer may no longer see (`DirectoryCache.forget_hidden`)."""

    def __init__(self, client: ApiClient, cache: DirectoryCache, *, limit: int = PAGE_LIMIT,
                 snapshot: bool = True) -> None:
        self._client = client
        self._snapshot = snapshot  # False: a first fill walks the change feed even where a snapshot is served
        self._cache = cache
        self._limit = limit
        self._staging = Staging(cache)
        self._running = asyncio.Lock()

    async def run(self, progress: Progress | None = None, cancel: asyncio.Event | None = None) -> SyncResult:
        """Fill or update the cache; stop early (complete False) when `cancel` is set.

        Raises app.api.errors as the client does; every page written before the error stays written.
        """
        async with self._running:
            staging = None
            if await asyncio.to_thread(self._staging.wanted):
                staging = self._staging
                if self._snapshot and not await asyncio.to_thread(self._staging.started):
                    with contextlib.suppress(NotFoundError):  # a server without the snapshot: the feed fills
                        return await self._ended(await SnapshotWalk(self._client, self._cache).run(progress, cancel))
            walk = FeedWalk(self._client, self._cache, self._limit, staging)
            return await self._ended(await walk.run(progress, cancel))

    async def _ended(self, result: SyncResult) -> SyncResult:
        # a provider's cache: the server never announces a license passing its expiry date
        await asyncio.to_thread(self._cache.forget_hidden)
        return result
