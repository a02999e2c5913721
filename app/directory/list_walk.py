"""Sync of the directory cache by walking the list endpoint, for a server without the change feed.

`GET /providers/` is read page by page at whatever page size the server honours (following `next`;
a page past the end may be a 404). Where the list lacks what the cache keeps (names, email,
license number, times), each provider's detail is fetched, at most `concurrency` at a time; a
provider whose list item carries the same `updated_at` as its cached record is not fetched again.
A full walk that reached the end removes the providers no longer listed.

A list without `updated_at` (the seed's backend) cannot say a provider is unchanged, and reading every
detail at every sync would cost one request per provider every five minutes: a provider is read again
only when its list item differs from its cached record in what both show (name, specialization,
active), and every detail is read again at the first walk of a session and then every
`REREAD_EVERY` seconds, so a change to fields the list does not show (email, phone, biography) arrives
within that time.

Incremental where the server allows it: when the list's items carry `updated_at` and the server
honours `ordering=-updated_at` (the first page comes newest first), a walk of a filled cache reads
only the pages newer than its newest record; when the list's `count` then differs from the
cache's, providers were removed and a full walk follows. A server that ignores the ordering (the
seed's backend) gets a full walk every time. Each batch is written off the event loop in one
transaction, so a walk cut anywhere leaves a consistent cache.
"""
from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import orjson

from app.api.client import ApiClient
from app.api.errors import NotFoundError
from app.api.models import Page as ListPage
from app.api.models import Provider, ProviderSummary
from app.directory import schema
from app.directory.cache import DirectoryCache
from app.directory.walk import Progress, SyncResult, Walk
from app.directory.writer import CacheWriter, Page

UPDATED_AT = schema.RECORD.index("updated_at")  # where a cached record keeps it
SHOWN = ("full_name", "specialization", "is_active")  # what a list item and a cached record both show (columns)
REREAD_EVERY = 6 * 3600.0  # seconds between reading every detail again, for a list without `updated_at`

CURSOR = "list-walk"  # the cache's cursor after a walk: it has no change feed to resume
PAGE_SIZE = 100  # asked for; the server may give fewer (the seed's backend: 20)
CONCURRENCY = 6
MAX_PAGES = 10_000  # a server whose `next` never ends
ORDERED = {"ordering": "-updated_at"}
NEEDED = ("first_name", "last_name", "created_at")  # what a list item must carry to skip the detail


def cache_record(provider: Provider | ProviderSummary) -> dict[str, Any]:
    """A provider as the cache stores it: a field the server did not send is None (a kept one is
    then read back unset: app/directory/schema.py, `as_item`), an unknown text (title, role, status)
    or time "" (read back as None: the cache then says which no provider has, `unfilled`)."""
    record = provider.model_dump(mode="json")
    for name in record.keys() - provider.model_fields_set - {"hospitals"}:
        record[name] = None
    for name in schema.REQUIRED:
        if record.get(name) is None:
            record[name] = ""
    return record


def _complete(item: ProviderSummary) -> bool:
    return all(name in item.model_fields_set for name in NEEDED)


class _FullWalkNeeded(Exception):
    """A walk of the newest pages cannot tell what changed: the server ignores the ordering, or someone left."""


class ListWalkSync:
    """Brings `cache` up to date by walking the list; one run at a time (the same `run` as DirectorySync)."""

    def __init__(self, client: ApiClient, cache: DirectoryCache, *, concurrency: int = CONCURRENCY,
                 page_size: int = PAGE_SIZE) -> None:
        self.client = client
        self.cache = cache
        self.page_size = page_size
        self.slots = asyncio.Semaphore(concurrency)
        self._running = asyncio.Lock()
        self.ordered: bool | None = None  # whether the server honours ORDERED (None: not known yet)
        self.marks: dict[str, tuple[Any, ...]] = {}  # what each cached provider shows in a list (SHOWN)
        self.read_all_at: float | None = None  # monotonic time of the last walk that read every detail

    async def run(self, progress: Progress | None = None, cancel: asyncio.Event | None = None) -> SyncResult:
        """Walk the pages; stop early (complete False, nothing removed) when `cancel` is set."""
        async with self._running:
            known = await asyncio.to_thread(self._known)
            newest = max((stamp for stamp in known.values() if stamp is not None), default=None)
            if newest is not None and self.ordered is not False:
                with contextlib.suppress(_FullWalkNeeded):
                    return await _Newer(self, known, newest).run(progress, cancel)
            now = time.monotonic()
            reread = self.read_all_at is None or now - self.read_all_at >= REREAD_EVERY
            result = await _Full(self, known, reread=reread).run(progress, cancel)
            if reread and result.complete:
                self.read_all_at = now
            return result

    def _known(self) -> dict[str, str | None]:
        """The cached providers and their `updated_at` (None when the list cannot say a row is unchanged)."""
        conn = self.cache.write_connection()
        with self.cache.write_lock:
            rows = conn.execute(f"SELECT p.id, j.body, {', '.join(f'p.{c}' for c in SHOWN)} "
                                "FROM providers p JOIN provider_json j USING (body_id)").fetchall()
        stamps: dict[str, str | None] = {}
        marks: dict[str, tuple[Any, ...]] = {}
        for pid, body, *shown in rows:  # a record is the array of schema.RECORD
            updated = orjson.loads(bytes(body))[UPDATED_AT]
            stamps[pid] = datetime.fromisoformat(updated).isoformat() if updated else None
            marks[pid] = tuple(shown)
        self.marks = marks
        return stamps


def _mark(item: ProviderSummary) -> tuple[Any, ...]:
    """What a list item shows, as the cache's columns keep it (compared with `ListWalkSync.marks`)."""
    return tuple(int(value) if isinstance(value, bool) else value for value in (getattr(item, n) for n in SHOWN))


def _stamp(item: ProviderSummary) -> str | None:
    """What says a listed provider is unchanged: its `updated_at`, when the list gives it."""
    return item.updated_at.isoformat() if item.updated_at is not None else None


class _Listing(Walk):
    """A walk of the list: each page's new and changed providers written in place."""

    def __init__(self, owner: ListWalkSync, known: dict[str, str | None]) -> None:
        super().__init__(owner.cache)
        self._owner = owner
        self._stamps = known
        self._writer = CacheWriter(owner.cache)

    def write(self, page: Page) -> int:
        return self._writer.write(page)

    async def _page(self, answer: ListPage[ProviderSummary], fresh: list[ProviderSummary], **more: Any) -> Page:
        """A list page: the rows of its `fresh` providers (the list item when complete, else the detail)."""
        records = await asyncio.gather(*(self._record(item) for item in fresh))
        items = [record for record in records if record is not None]
        rows = await self.off_loop(lambda: [schema.read_item(item) for item in items])
        return Page(rows, listed=[item.id for item in answer.results], **more)

    async def _record(self, item: ProviderSummary) -> dict[str, Any] | None:
        if _complete(item):
            return cache_record(item)
        async with self._owner.slots:
            try:
                detail = await self._owner.client.provider(item.id)
            except NotFoundError:
                return None  # removed between the list and the detail: the next walk drops it
        return cache_record(detail.value)

    async def _list(self, page: int, filters: dict[str, str] | None = None) -> ListPage[ProviderSummary]:
        return await self._owner.client.providers(filters, page=page, page_size=self._owner.page_size)


class _Newer(_Listing):
    """The pages newer than the newest cached record, newest first (the server honours the ordering)."""

    def __init__(self, owner: ListWalkSync, known: dict[str, str | None], newest: str) -> None:
        super().__init__(owner, known)
        self._newest = newest
        self._expected: int | None = None  # the list's count: the cache holds as many, or someone left

    async def pages(self) -> AsyncGenerator[Page, None]:
        for number in range(1, MAX_PAGES + 1):
            try:
                answer = await self._list(number, ORDERED)
            except NotFoundError:
                raise _FullWalkNeeded from None  # a page past the end (the list shrank meanwhile)
            stamps = [_stamp(item) for item in answer.results]
            if None in stamps or stamps != sorted(stamps, reverse=True):  # type: ignore[type-var]
                self._owner.ordered = False  # ignored (or no updated_at in the list): full walks from now on
                raise _FullWalkNeeded
            self._owner.ordered = True
            fresh = [item for item, stamp in zip(answer.results, stamps, strict=True)
                     if item.id not in self._stamps or self._stamps[item.id] != stamp]
            yield await self._page(answer, fresh)
            older = any(stamp is not None and stamp <= self._newest for stamp in stamps)
            if older or answer.next is None or not answer.results:
                self._expected = answer.count
                yield Page(cursor=CURSOR, last=True, listed=[], answers=0)
                return

    def write(self, page: Page) -> int:
        # after the pages before it are written: only then does the cache's size say who left
        if page.last and self._expected != self.cache.size():
            raise _FullWalkNeeded
        return super().write(page)


class _Full(_Listing):
    """Every page; with the last, the providers no longer listed are removed."""

    def __init__(self, owner: ListWalkSync, known: dict[str, str | None], *, reread: bool) -> None:
        super().__init__(owner, known)
        self.known = set(known)
        self._reread = reread

    def _fresh(self, item: ProviderSummary) -> bool:
        """Whether `item` must be read (again): new, changed, or (with no `updated_at`) due for reading."""
        stamp = _stamp(item)
        if stamp is not None:
            return self._stamps.get(item.id) != stamp
        return self._reread or item.id not in self._owner.marks or self._owner.marks[item.id] != _mark(item)

    async def pages(self) -> AsyncGenerator[Page, None]:
        for number in range(1, MAX_PAGES + 1):
            try:
                answer = await self._list(number)
            except NotFoundError:
                if number == 1:
                    raise
                break  # a page past the end
            fresh = [item for item in answer.results if self._fresh(item)]
            yield await self._page(answer, fresh, total=answer.count)
            if answer.next is None or not answer.results:
                break
        yield Page(cursor=CURSOR, last=True, listed=[], answers=0)
