"""Sync of the directory cache with the server's change feed (`GET /providers/changes/`).

Each page is parsed and applied off the event loop, in one transaction with its cursor, so a sync
cut anywhere leaves a consistent cache and the next run resumes after the last applied page. The
next page is fetched while the current one is written. Writes keep the cache's rowids in name
order (see directory_cache): a new row takes a rowid between its neighbours by name.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from app.api.client import ApiClient
from app.api.errors import BadResponseError, NotFoundError
from app.directory.cache import INDEXES, DirectoryCache, create_index, forget_rows, record_body
from app.directory.first_fill import (
    FILL_STEP,
    FTS_BUILD_HASHSIZE,
    FTS_HASHSIZE,
    SET_FTS_HASHSIZE,
    FirstFill,
    SnapshotFill,
)
from app.directory.query import TEXT_COLUMNS

RID_SPACE = 1 << 62  # rowids live in [1, RID_SPACE]
END_GAP = 1 << 32  # room left after the last (or before the first) name for later ones
PAGE_LIMIT = 2000  # a 5,000-row page held the GIL ~70 ms in orjson.loads (the loop stalled)
FILL_LIMIT = 5000  # the feed's largest page: a first fill's pages are parsed by SQLite, off the GIL
CHUNK = 900  # ids per `IN (...)`
_STRINGS = ("id", "first_name", "last_name", "full_name", "professional_title", "professional_role",
            "specialization", "organization_facility", "license_number", "license_status", "email")
_COLUMNS = ("rid", "id", "name_key", "first_name", "last_name", "full_name", "professional_title",
            "professional_role", "specialization", "organization_facility", "license_number", "license_status",
            "license_expiry_date", "email", "is_active", "created_at", "body_id")
_INSERT_PROVIDER = f"INSERT OR REPLACE INTO providers({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * 17)})"
_INSERT_FTS = f"INSERT INTO providers_fts(rowid, {', '.join(TEXT_COLUMNS)}, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_FTS_FROM_PROVIDERS = (f"INSERT INTO providers_fts(rowid, {', '.join(TEXT_COLUMNS)}, flags) "
                       f"SELECT rid, {', '.join(TEXT_COLUMNS)}, 'a' || is_active FROM providers")

# a hospital keeps its number (`hid`) when its name changes: its links stay
_UPSERT_HOSPITAL = ("INSERT INTO hospitals(id, name, city) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, city = excluded.city")
_LINK = "INSERT OR IGNORE INTO provider_hospitals SELECT hid, ? FROM hospitals WHERE id = ?"

SNAPSHOT_QUEUE = 64  # chunks of a snapshot waiting for the writer (httpx's are 64 KiB at most)

Progress = Callable[[int, int | None], None]


def name_key(first: str, last: str, provider_id: str) -> str:
    """The sort key of the name order: last name, first name (case-insensitive), then id."""
    return f"{last.casefold()}\x1f{first.casefold()}\x1f{provider_id}"


def _record(item: Any) -> tuple[Any, ...]:
    """A provider's row without its rowid; a malformed item raises BadResponseError naming the field."""
    if not isinstance(item, dict):
        raise BadResponseError("results", "not an object")
    for field in _STRINGS:
        if not isinstance(item.get(field), str):
            raise BadResponseError(f"results.{field}", "a string is required")
    expiry = item.get("license_expiry_date")
    if expiry is not None and not isinstance(expiry, str):
        raise BadResponseError("results.license_expiry_date", "a date or null is required")
    created = item.get("created_at")
    if not isinstance(created, str):
        raise BadResponseError("results.created_at", "a date and time is required")
    first, last, pid = item["first_name"], item["last_name"], item["id"]
    return (pid, name_key(first, last, pid), first, last, item["full_name"], item["professional_title"],
            item["professional_role"], item["specialization"], item["organization_facility"],
            item["license_number"], item["license_status"], expiry, item["email"], int(bool(item.get("is_active"))),
            sortable_time(created))


def sortable_time(text: str) -> str:
    """An ISO time as text that sorts like the time: UTC, microseconds, "Z" ("...T10:42:00.000000Z").

    The server's usual spellings take a fast path; any other offset or precision is parsed. Text
    that is not a time is kept as it is (it then sorts by its text).
    """
    if len(text) == 27 and text[19] == "." and text[26] == "Z":
        return text
    if len(text) == 20 and text[19] == "Z":
        return f"{text[:-1]}.000000Z"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class FeedPage:
    results: list[dict[str, Any]]
    deleted: list[str]
    cursor: str
    has_more: bool


def parse_page(body: bytes) -> FeedPage:
    """One page of the change feed, checked for the shape the cache needs."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadResponseError("(the whole answer)", "not JSON") from None
    if not isinstance(data, dict):
        raise BadResponseError("(the whole answer)", "not an object")
    results, deleted, cursor = data.get("results"), data.get("deleted"), data.get("cursor")
    if not isinstance(results, list) or not isinstance(deleted, list) or not isinstance(cursor, str):
        raise BadResponseError("results, deleted or cursor", "missing or of the wrong type")
    return FeedPage(results, [str(pid) for pid in deleted], cursor, bool(data.get("has_more")))


class CacheWriter:
    """Applies pages to the cache through its write connection (one writer at a time)."""

    def __init__(self, cache: DirectoryCache) -> None:
        self._conn = cache.write_connection()
        self._lock = cache.write_lock

    def apply(self, page: FeedPage, *, complete: bool) -> None:
        """Apply `page` and store its cursor (and, when `complete`, the sync time) in one transaction."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._apply(page.results, page.deleted)
                self._meta("cursor", page.cursor)
                if complete:
                    self._meta("last_full_sync", datetime.now(UTC).isoformat())
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def put(self, items: list[dict[str, Any]]) -> None:
        """Write records the server has just answered (a decision, an edit) now, the cursor unchanged: the
        next sync brings them again and changes nothing. Only for a cache that is filled already."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._apply(items, [])
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def bulk_load(self, items: Iterable[dict[str, Any]], cursor: str | None = None) -> int:
        """Load providers into an empty cache at once, as a first fill does (rows, then the indexes and
        the search index in one go); for benchmarks and tests. How many."""
        records = sorted(((_record(item), item) for item in items), key=lambda pair: pair[0][1])
        step = min(RID_SPACE // (len(records) + 1), FILL_STEP)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for name in INDEXES:
                    self._conn.execute(f"DROP INDEX IF EXISTS {name}")
                for start in range(0, len(records), 50_000):
                    chunk = records[start:start + 50_000]
                    self._insert([((start + i + 1) * step, *r) for i, (r, _) in enumerate(chunk)],
                                 [item for _, item in chunk], fresh=True)
                for name in INDEXES:
                    self._conn.execute(create_index(name))
                self._conn.execute(SET_FTS_HASHSIZE, (FTS_BUILD_HASHSIZE,))
                self._conn.execute(_FTS_FROM_PROVIDERS)
                self._conn.execute(SET_FTS_HASHSIZE, (FTS_HASHSIZE,))
                if cursor is not None:
                    self._meta("cursor", cursor)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return len(records)

    def _meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _existing(self, ids: list[str]) -> dict[str, tuple[int, str]]:
        found: dict[str, tuple[int, str]] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            sql = f"SELECT id, rid, name_key FROM providers WHERE id IN ({', '.join('?' * len(chunk))})"
            found.update((pid, (rid, key)) for pid, rid, key in self._conn.execute(sql, chunk))
        return found

    def _apply(self, results: list[dict[str, Any]], deleted: list[str]) -> None:
        # a provider twice in a page: its last version
        latest = {item.get("id") if isinstance(item, dict) else n: item for n, item in enumerate(results)}
        erased = set(deleted)  # an erased provider never comes back, whatever else the page says
        items = [item for pid, item in latest.items() if pid not in erased]
        records = [_record(item) for item in items]
        existing = self._existing([r[0] for r in records] + deleted)
        gone = [existing[pid][0] for pid in deleted if pid in existing]
        kept: dict[str, int] = {}
        for record in records:
            old = existing.get(record[0])
            if old is not None and old[1] == record[1]:
                kept[record[0]] = old[0]
            elif old is not None:
                gone.append(old[0])
        forget_rows(self._conn, gone, deleted)
        self._conn.executemany("DELETE FROM providers_fts WHERE rowid = ?", [(rid,) for rid in kept.values()])
        placed = self._place(sorted(r[1] for r in records if r[0] not in kept))
        renumber = placed is None
        if placed is None:
            top = int(self._conn.execute("SELECT coalesce(max(rid), 0) FROM providers").fetchone()[0])
            placed = {r[1]: top + i + 1 for i, r in enumerate(records)}
        rows = [(kept.get(r[0]) or placed[r[1]], *r) for r in records]
        self._insert(rows, items)
        if renumber:
            self._renumber()

    def write_items(self, items: list[dict[str, Any]]) -> None:
        """Apply feed items inside the caller's transaction (a snapshot's own record)."""
        self._apply(items, [])

    def move_into_order(self, moved: list[tuple[int, str]]) -> None:
        """Give the rows `moved` (rowid, name key), which came out of name order, rowids between their
        neighbours by name among the others (the name index built, the search index not yet)."""
        conn = self._conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS moved(rid INTEGER PRIMARY KEY, k TEXT NOT NULL)")
        conn.execute("DELETE FROM temp.moved")
        conn.executemany("INSERT INTO temp.moved VALUES (?, ?)", moved)
        neighbours = conn.execute(
            "SELECT m.k, (SELECT rid FROM providers WHERE name_key < m.k AND rid NOT IN (SELECT rid FROM temp.moved) "
            "ORDER BY name_key DESC LIMIT 1), (SELECT rid FROM providers WHERE name_key > m.k AND rid NOT IN "
            "(SELECT rid FROM temp.moved) ORDER BY name_key LIMIT 1) FROM temp.moved m ORDER BY m.k").fetchall()
        placed = _spread(neighbours)
        if placed is None:
            self._renumber(search=False)
            return
        for table in ("providers", "provider_hospitals"):  # by way of negative rowids: no collision
            conn.executemany(f"UPDATE {table} SET rid = ? WHERE rid = ?", [(-rid, rid) for rid, _ in moved])
            conn.executemany(f"UPDATE {table} SET rid = ? WHERE rid = ?", [(placed[k], -rid) for rid, k in moved])

    def _insert(self, rows: list[tuple[Any, ...]], items: list[dict[str, Any]], *, fresh: bool = False) -> None:
        """Write providers (rows with their rowids), their search terms, full records and hospitals;
        `fresh`: into an empty cache being loaded (no older version, no index, search terms after)."""
        conn = self._conn
        # in rowid order: FTS5 flushes its pending terms to a new segment whenever a rowid goes down
        order = sorted(range(len(rows)), key=lambda n: rows[n][0])
        rows, items = [rows[n] for n in order], [items[n] for n in order]
        if not fresh:
            conn.executemany("DELETE FROM provider_json WHERE body_id = (SELECT body_id FROM providers WHERE id = ?)",
                             [(item["id"],) for item in items])
        first = int(conn.execute("SELECT coalesce(max(body_id), 0) + 1 FROM provider_json").fetchone()[0])
        conn.executemany("INSERT INTO provider_json VALUES (?, ?)",
                         [(first + n, record_body(item)) for n, item in enumerate(items)])
        conn.executemany(_INSERT_PROVIDER, [(*r, first + n) for n, r in enumerate(rows)])
        if not fresh:
            conn.executemany(_INSERT_FTS, [(r[0], *r[3:5], r[13], r[10], r[8], r[9], f"a{r[14]}") for r in rows])
            conn.executemany("DELETE FROM provider_hospitals WHERE rid = ?", [(row[0],) for row in rows])
        hospitals = [(h["id"], h["name"], h["city"], row[0]) for row, item in zip(rows, items, strict=True)
                     for h in item.get("hospitals") or ()]
        conn.executemany(_UPSERT_HOSPITAL, [h[:3] for h in hospitals])
        conn.executemany(_LINK, [(h[3], h[0]) for h in hospitals])

    def _place(self, keys: list[str]) -> dict[str, int] | None:
        """Rowids for new names between their neighbours' rowids; None when some gap is too narrow."""
        if not keys:
            return {}
        conn = self._conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS pending(k TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.pending")
        conn.executemany("INSERT INTO temp.pending VALUES (?)", [(k,) for k in keys])
        neighbours = conn.execute(
            "SELECT k, (SELECT rid FROM providers WHERE name_key < k ORDER BY name_key DESC LIMIT 1), "
            "(SELECT rid FROM providers WHERE name_key > k ORDER BY name_key LIMIT 1) FROM temp.pending ORDER BY k"
        ).fetchall()
        return _spread(neighbours)

    def _renumber(self, *, search: bool = True) -> None:
        """Spread all rowids evenly again, in name order, and rebuild the search index (rare)."""
        conn = self._conn
        rids = [row[0] for row in conn.execute("SELECT rid FROM providers ORDER BY name_key")]
        step = min(RID_SPACE // (len(rids) + 1), FILL_STEP)
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS renumber(old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
        conn.execute("DELETE FROM temp.renumber")
        conn.executemany("INSERT INTO temp.renumber VALUES (?, ?)",
                         [(rid, -(i + 1) * step) for i, rid in enumerate(rids)])
        conn.execute("UPDATE providers SET rid = (SELECT new FROM temp.renumber WHERE old = providers.rid)")
        conn.execute("UPDATE providers SET rid = -rid")
        conn.execute("UPDATE provider_hospitals SET rid = (SELECT new FROM temp.renumber WHERE old = rid)")
        conn.execute("UPDATE provider_hospitals SET rid = -rid")
        if search:
            conn.execute("INSERT INTO providers_fts(providers_fts) VALUES ('delete-all')")
            conn.execute(_FTS_FROM_PROVIDERS)


def _spread(neighbours: list[tuple[str, int | None, int | None]]) -> dict[str, int] | None:
    """Rowids for names (name key, rowid of the name before, of the name after, in name order), spread
    evenly between their neighbours; None when some gap is too narrow."""
    placed: dict[str, int] = {}
    for (before, after), group in itertools.groupby(neighbours, key=lambda row: (row[1], row[2])):
        names = [row[0] for row in group]
        slots = len(names) + 1
        if before is None and after is None:
            low, step = 0, RID_SPACE // slots
        elif after is None:
            low, step = before, min(END_GAP, (RID_SPACE - before) // slots)
        elif before is None:
            step = min(END_GAP, after // slots)
            low = after - step * slots
        else:
            low, step = before, (after - before) // slots
        if step < 1:
            return None
        placed.update((name, low + step * (i + 1)) for i, name in enumerate(names))
    return placed


class _Cancelled(Exception):
    """Put in a snapshot's queue: the writer stops and rolls back."""


@dataclass(frozen=True)
class SyncResult:
    """What one run did: rows changed and deleted, pages, whether it reached the feed's end."""

    changed: int
    deleted: int
    pages: int
    complete: bool
    seconds: float


class DirectorySync:
    """Brings `cache` up to date with the server behind `client`; one run at a time.

    An empty cache is filled first (first_fill.py: staged, then made visible at once); later runs
    apply the changes page by page. Each run ends by erasing the rows the cache's viewer may no
    longer see (`DirectoryCache.forget_hidden`).
    """

    def __init__(self, client: ApiClient, cache: DirectoryCache, *, limit: int = PAGE_LIMIT,
                 fill_limit: int = FILL_LIMIT, snapshot: bool = True) -> None:
        self._client = client
        self._snapshot = snapshot  # False: a first fill walks the change feed even where a snapshot is served
        self._cache = cache
        self._limit = limit
        self._fill_limit = fill_limit
        self._writer = CacheWriter(cache)
        self._fill = FirstFill(cache, name_key, RID_SPACE)
        self._running = asyncio.Lock()

    async def run(self, progress: Progress | None = None, cancel: asyncio.Event | None = None) -> SyncResult:
        """Walk the feed from the stored cursor; stop early (complete False) when `cancel` is set.

        Raises app.api.errors as the client does; every page applied before the error stays applied.
        """
        async with self._running:
            if await asyncio.to_thread(self._fill.wanted):
                result = None
                if self._snapshot and not await asyncio.to_thread(self._fill.started):
                    result = await self._from_snapshot(progress, cancel)
                if result is None:  # a server without the snapshot, or a feed fill to go on with
                    result = await self._walk(self._fill_page, self._fill_limit, progress, cancel)
            else:
                result = await self._walk(self._apply_page, self._limit, progress, cancel)
            # a provider's cache: the server never announces a license passing its expiry date
            await asyncio.to_thread(self._cache.forget_hidden)
            return result

    async def _from_snapshot(self, progress: Progress | None, cancel: asyncio.Event | None) -> SyncResult | None:
        """A first fill from the snapshot (first_fill.SnapshotFill); None when the server has none (404).

        The loop only passes the answer's chunks to the writing thread (at most SNAPSHOT_QUEUE waiting).
        """
        start = time.perf_counter()
        chunks: queue.Queue[Any] = queue.Queue()
        fill = SnapshotFill(self._cache, name_key, FILL_STEP, sortable_time)
        work: asyncio.Future[int] | None = None
        try:
            async with self._client.snapshot() as body:
                work = asyncio.ensure_future(asyncio.to_thread(fill.write, chunks, self._writer))
                async for chunk in body:
                    if work.done() or (cancel is not None and cancel.is_set()):
                        break
                    chunks.put(chunk)
                    # the writer is a thread: polling its queue is simpler than an Event it would set
                    while chunks.qsize() > SNAPSHOT_QUEUE and not work.done():  # noqa: ASYNC110
                        await asyncio.sleep(0.002)
                    if progress is not None:
                        progress(fill.written, None)
                else:
                    chunks.put(None)
                if not work.done() and cancel is not None and cancel.is_set():
                    chunks.put(_Cancelled())
                count = await work
        except NotFoundError:
            return None
        except _Cancelled:
            return SyncResult(0, 0, 0, False, time.perf_counter() - start)
        except BaseException:
            if work is not None and not work.done():
                chunks.put(_Cancelled())  # the writer rolls back and ends
                with contextlib.suppress(BaseException):
                    await work
            raise
        if progress is not None:
            progress(count, count)
        return SyncResult(count, 0, 1, True, time.perf_counter() - start)

    async def _apply_page(self, body: bytes, fetch_next: Callable[[str], None]) -> tuple[int, int, bool]:
        page = await asyncio.to_thread(parse_page, body)
        if page.has_more:
            fetch_next(page.cursor)
        await asyncio.to_thread(self._writer.apply, page, complete=not page.has_more)
        return len(page.results), len(page.deleted), page.has_more

    async def _fill_page(self, body: bytes, fetch_next: Callable[[str], None]) -> tuple[int, int, bool]:
        cursor, more, results, deleted = await asyncio.to_thread(self._fill.stage, body)
        if more:
            fetch_next(cursor)
        await asyncio.to_thread(self._fill.write, cursor, complete=not more)
        return results, deleted, more

    async def _walk(self, apply: Callable[[bytes, Callable[[str], None]], Any], limit: int,
                    progress: Progress | None, cancel: asyncio.Event | None) -> SyncResult:
        start = time.perf_counter()
        changed = deleted = pages = 0
        fetch: asyncio.Task[bytes] | None = asyncio.create_task(self._client.changes_raw(self._cache.cursor, limit))

        def fetch_next(cursor: str) -> None:  # the next page comes while this one is written
            nonlocal fetch
            if not (cancel and cancel.is_set()):
                fetch = asyncio.create_task(self._client.changes_raw(cursor, limit))

        more = True
        try:
            while fetch is not None:
                body = await fetch
                fetch = None
                results, erased, more = await apply(body, fetch_next)
                del body
                pages, changed, deleted = pages + 1, changed + results, deleted + erased
                if progress is not None:
                    progress(changed + deleted, None if more else changed + deleted)
                if cancel is not None and cancel.is_set():
                    break
            return SyncResult(changed, deleted, pages, fetch is None and not more, time.perf_counter() - start)
        finally:
            if fetch is not None:
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await fetch
