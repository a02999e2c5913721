"""Sync of the directory cache by walking the list endpoint, for a server without the change feed.

`GET /providers/` is read page by page at whatever page size the server honours (following `next`;
a page past the end may be a 404). Where the list lacks what the cache keeps (names, email,
license number, times), each provider's detail is fetched, at most `concurrency` at a time; a
provider whose list item carries the same `updated_at` as its cached record is not fetched again.
A full walk that reached the end removes the providers no longer listed.

Incremental where the server allows it: when the list's items carry `updated_at` and the server
honours `ordering=-updated_at` (the first page comes newest first), a walk of a filled cache reads
only the pages newer than its newest record; when the list's `count` then differs from the
cache's, providers were removed and a full walk follows. A server that ignores the ordering (the
seed's backend) gets a full walk every time. Each batch is written off the event loop in one
transaction, so a walk cut anywhere leaves a consistent cache.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

from app.api.client import ApiClient
from app.api.errors import NotFoundError
from app.api.models import Provider, ProviderSummary
from app.directory.cache import REST_FIELDS, DirectoryCache
from app.directory.sync import CacheWriter, FeedPage, Progress, SyncResult

UPDATED_AT = REST_FIELDS.index("updated_at")  # where a cached record keeps it

CURSOR = "list-walk"  # the cache's cursor after a walk: it has no change feed to resume
PAGE_SIZE = 100  # asked for; the server may give fewer (the seed's backend: 20)
CONCURRENCY = 6
MAX_PAGES = 10_000  # a server whose `next` never ends
ORDERED = {"ordering": "-updated_at"}
NEEDED = ("first_name", "last_name", "created_at")  # what a list item must carry to skip the detail
_TEXT = ("professional_title", "professional_role", "license_status", "organization_facility", "email",
         "license_number", "specialization", "first_name", "last_name", "full_name")


def cache_record(provider: Provider | ProviderSummary) -> dict[str, Any]:
    """A provider as the cache stores it: an unknown text (title, role, status) is "" (read back as
    None: unknown, shown as "—"), an unknown time "" as well."""
    record = provider.model_dump(mode="json")
    for name in _TEXT:
        if record.get(name) is None:
            record[name] = ""
    for name in ("created_at", "updated_at"):
        if record.get(name) is None:
            record[name] = ""
    return record


def _complete(item: ProviderSummary) -> bool:
    return all(name in item.model_fields_set for name in NEEDED)


class ListWalkSync:
    """Brings `cache` up to date by walking the list; one run at a time (the same `run` as DirectorySync)."""

    def __init__(self, client: ApiClient, cache: DirectoryCache, *, concurrency: int = CONCURRENCY,
                 page_size: int = PAGE_SIZE) -> None:
        self._client = client
        self._cache = self.cache = cache
        self._page_size = page_size
        self._slots = asyncio.Semaphore(concurrency)
        self._writer = CacheWriter(cache)
        self._running = asyncio.Lock()
        self.ordered: bool | None = None  # whether the server honours ORDERED (None: not known yet)

    async def run(self, progress: Progress | None = None, cancel: asyncio.Event | None = None) -> SyncResult:
        """Walk the pages; stop early (complete False, nothing removed) when `cancel` is set."""
        async with self._running:
            known = await asyncio.to_thread(self._known)
            newest = max((stamp for stamp in known.values() if stamp is not None), default=None)
            if newest is not None and self.ordered is not False:
                result = await self._newer(newest, known, progress, cancel)
                if result is not None:
                    return result
            return await self._full(known, progress, cancel)

    async def _newer(self, newest: str, known: dict[str, str | None], progress: Progress | None,
                     cancel: asyncio.Event | None) -> SyncResult | None:
        """The pages newer than `newest`, newest first; None when a full walk is needed instead (the
        ordering not honoured, or providers removed)."""
        start = time.perf_counter()
        changed = pages = 0
        page = 1
        while page <= MAX_PAGES and not (cancel is not None and cancel.is_set()):
            try:
                answer = await self._client.providers(ORDERED, page=page, page_size=self._page_size)
            except NotFoundError:
                return None  # a page past the end (the list shrank meanwhile): walk it all
            stamps = [self._stamp(item) for item in answer.results]
            if None in stamps or stamps != sorted(stamps, reverse=True):  # type: ignore[type-var]
                self.ordered = False  # ignored (or no updated_at in the list): full walks from now on
                return None
            self.ordered = True
            pages += 1
            fresh = [item for item, stamp in zip(answer.results, stamps, strict=True)
                     if item.id not in known or known[item.id] != stamp]
            records = await self._records(fresh)
            if records:
                await asyncio.to_thread(self._writer.put, records)
            changed += len(records)
            if progress is not None:
                progress(changed, None)
            older = any(stamp is not None and stamp <= newest for stamp in stamps)
            if older or answer.next is None or not answer.results:
                if answer.count != await asyncio.to_thread(self._cache.size):
                    return None  # someone left the list: only a full walk finds whom
                await asyncio.to_thread(self._writer.apply, FeedPage([], [], CURSOR, False), complete=True)
                return SyncResult(changed, 0, pages, True, time.perf_counter() - start)
            page += 1
        return SyncResult(changed, 0, pages, False, time.perf_counter() - start)

    async def _full(self, known: dict[str, str | None], progress: Progress | None,
                    cancel: asyncio.Event | None) -> SyncResult:
        """Every page; then the providers no longer listed are removed."""
        start = time.perf_counter()
        listed: set[str] = set()
        changed = pages = 0
        total: int | None = None
        page = 1
        while page <= MAX_PAGES:
            if cancel is not None and cancel.is_set():
                return SyncResult(changed, 0, pages, False, time.perf_counter() - start)
            try:
                answer = await self._client.providers(page=page, page_size=self._page_size)
            except NotFoundError:
                if page == 1:
                    raise
                break  # a page past the end
            pages, total = pages + 1, answer.count
            listed.update(item.id for item in answer.results)
            fresh = [item for item in answer.results
                     if (stamp := self._stamp(item)) is None or known.get(item.id) != stamp]
            records = await self._records(fresh)
            if records:
                await asyncio.to_thread(self._writer.put, records)
            changed += len(records)
            if progress is not None:
                progress(len(listed), total)
            if answer.next is None or not answer.results:
                break
            page += 1
        gone = sorted(set(known) - listed)
        await asyncio.to_thread(self._writer.apply, FeedPage([], gone, CURSOR, False), complete=True)
        if progress is not None:
            progress(len(listed), len(listed))
        return SyncResult(changed, len(gone), pages, True, time.perf_counter() - start)

    @staticmethod
    def _stamp(item: ProviderSummary) -> str | None:
        """What says a listed provider is unchanged: its `updated_at`, when the list gives it."""
        return item.updated_at.isoformat() if item.updated_at is not None else None

    def _known(self) -> dict[str, str | None]:
        """The cached providers and their `updated_at` (None when the list cannot say a row is unchanged)."""
        conn = self._cache.write_connection()
        with self._cache.write_lock:
            rows = conn.execute("SELECT p.id, j.body FROM providers p JOIN provider_json j USING (body_id)").fetchall()
        stamps: dict[str, str | None] = {}
        for pid, body in rows:  # a record is the array of REST_FIELDS (cache.record_body)
            updated = orjson.loads(bytes(body))[UPDATED_AT]
            stamps[pid] = datetime.fromisoformat(updated).isoformat() if updated else None
        return stamps

    async def _records(self, items: Iterable[ProviderSummary]) -> list[dict[str, Any]]:
        """The cache's records of `items`: the list item when it is complete, else the detail."""
        async def one(item: ProviderSummary) -> dict[str, Any] | None:
            if _complete(item):
                return cache_record(item)
            async with self._slots:
                try:
                    detail = await self._client.provider(item.id)
                except NotFoundError:
                    return None  # removed between the list and the detail: the next walk drops it
            return cache_record(detail.value)

        found = await asyncio.gather(*(one(item) for item in items))
        return [record for record in found if record is not None]
