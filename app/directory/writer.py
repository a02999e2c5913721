"""The cache's one write side: every provider row, record, link and cursor reaches the file through here.

A write is one `Page` in one transaction (`DirectoryCache.transaction`): its erasures, its rows in
name order (order.py), its cursor and, when it ends a walk, the time the cache last matched the
server. A fill (`Fill`: a snapshot; the first fill from the feed is staging.py's) writes rows into
an empty cache with the indexes dropped and builds them, and the search index, once after its last
row. Run every method from a worker thread.
"""
from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlcipher3.dbapi2 import Connection

from app.directory import order, schema
from app.directory.cache import DirectoryCache, Transaction, forget_rows
from app.directory.database import INDEXES, create_index
from app.directory.schema import Hospital, Row

CHUNK = 900  # ids per `IN (...)`
_INSERT_ROW = (f"INSERT OR REPLACE INTO providers(rid, {', '.join(schema.ROW)}) "
               f"VALUES ({', '.join('?' * (len(schema.ROW) + 1))})")
# a hospital keeps its number (`hid`) when its name changes: its links stay
_UPSERT_HOSPITAL = ("INSERT INTO hospitals(id, name, city) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, city = excluded.city")
# FTS5 writes its pending terms out as a new segment whenever they pass `hashsize` (1 MB by default)
# and merges segments as they pile up: 100,000 rows in one segment take 0.5 s less (64 MB holds
# their terms; more rows are merged as usual). Later writes are small: back to 1 MB. (Setting it back
# is the statement that writes the pending terms out as that segment, 0.1-0.5 s: without it the commit
# takes as much longer, measured, so the time is the segment's, not the setting's.)
SET_FTS_HASHSIZE = "INSERT INTO providers_fts(providers_fts, rank) VALUES ('hashsize', ?)"
FTS_BUILD_HASHSIZE = 64 << 20
FTS_HASHSIZE = 1 << 20


@dataclass(frozen=True)
class Page:
    """What one write holds: providers' rows, the ids the server erased, the cursor reached (None: kept),
    and whether it ends a walk (the cache then matched the server). The rest is for the walk's counts:
    the ids of the providers the page went through when not its rows (a list page: unchanged ones
    too), the walk's total when known, and the server's answers it completes."""

    rows: Sequence[Row] = ()
    deleted: Sequence[str] = ()
    cursor: str | None = None
    last: bool = False
    listed: Sequence[str] | None = None
    total: int | None = None
    answers: int = 1
    raw: bytes = b""  # what a source's `write` parses itself (a block of a snapshot's lines)


class CacheWriter:
    """Writes pages into `cache`, one transaction each (one writer at a time: the cache's write lock)."""

    def __init__(self, cache: DirectoryCache) -> None:
        self._cache = cache

    def write(self, page: Page) -> int:
        """Write `page` in one transaction; how many providers it wrote."""
        with self._cache.transaction() as conn:
            written = place_rows(conn, Hospitals(conn), page.rows, page.deleted)
            end_page(conn, page)
        return written

    def put(self, items: list[dict[str, Any]]) -> int:
        """Write records the server has just answered (a decision, an edit) now, the cursor unchanged: the
        next sync brings them again and changes nothing."""
        return self.write(Page([schema.read_item(item) for item in items]))


class Fill:
    """Rows written straight into an empty cache, in one transaction from here to `finish` (or `abort`):
    the indexes are dropped, rows take rowids in arrival order, and after the last the indexes are
    built, the few rows that came out of name order are moved among their neighbours, and the search
    index is built. Readers (WAL) see the empty cache until the commit."""

    def __init__(self, cache: DirectoryCache) -> None:
        self._transaction = Transaction(cache)
        self._conn = self._transaction.conn
        if self._conn.execute("SELECT EXISTS (SELECT 1 FROM providers)").fetchone()[0]:
            self._transaction.rollback()
            raise RuntimeError("a fill writes only into an empty cache")
        drop_indexes(self._conn)
        self._hospitals = Hospitals(self._conn)
        self.written = 0
        self._last = ""
        self._moved: list[tuple[int, str]] = []  # rows (rowid, name key) that came after a greater name

    def append(self, rows: Sequence[Row]) -> None:
        """Write `rows` after those appended before (rowids in arrival order)."""
        placed = []
        last = self._last
        for n, row in enumerate(rows, start=self.written + 1):
            rid = n * order.FILL_STEP
            placed.append((rid, row))
            if row.key >= last:
                last = row.key
            else:
                self._moved.append((rid, row.key))
        self._last = last
        insert_rows(self._conn, self._hospitals, placed, fresh=True)
        self.written += len(placed)

    def finish(self, page: Page) -> int:
        """Index what was appended, then write `page` (rows in their place, cursor) and commit; how many
        rows were appended."""
        conn = self._conn
        try:
            build_indexes(conn)
            if self._moved:
                order.move_into_order(conn, self._moved)
            build_search(conn)
            place_rows(conn, self._hospitals, page.rows, page.deleted)
            end_page(conn, page)
        except BaseException:
            self._transaction.rollback()  # the dropped indexes too come back
            raise
        self._transaction.commit()
        return self.written

    def abort(self) -> None:
        self._transaction.rollback()


def place_rows(conn: Connection, hospitals: Hospitals, rows: Sequence[Row], deleted: Sequence[str]) -> int:
    """Erase `deleted` and write `rows` in name order among the others; how many rows. A provider twice
    in `rows`: its last version; an erased one never comes back, whatever else the page says."""
    latest = list(latest_rows(rows, deleted).values())
    existing = _existing(conn, [row.id for row in latest] + list(deleted))
    gone = [existing[pid][0] for pid in deleted if pid in existing]
    kept: dict[str, int] = {}
    for row in latest:
        old = existing.get(row.id)
        if old is not None and old[1] == row.key:
            kept[row.id] = old[0]
        elif old is not None:
            gone.append(old[0])
    forget_rows(conn, gone, list(deleted))
    conn.executemany("DELETE FROM providers_fts WHERE rowid = ?", [(rid,) for rid in kept.values()])
    placed = order.place(conn, sorted(row.key for row in latest if row.id not in kept))
    renumber = placed is None
    if placed is None:
        top = int(conn.execute("SELECT coalesce(max(rid), 0) FROM providers").fetchone()[0])
        placed = {row.key: top + n + 1 for n, row in enumerate(latest)}
    insert_rows(conn, hospitals, [(kept.get(row.id) or placed[row.key], row) for row in latest], fresh=False)
    if renumber:
        order.renumber(conn)
        build_search(conn, clear=True)
    return len(latest)


def latest_rows(rows: Iterable[Row], deleted: Iterable[str]) -> dict[str, Row]:
    """The last version of each provider in `rows`, by id, leaving out the erased ones."""
    erased = set(deleted)
    return {row.id: row for row in rows if row.id not in erased}


def insert_rows(conn: Connection, hospitals: Hospitals, placed: list[tuple[int, Row]], *, fresh: bool) -> None:
    """Write providers (rowid, row), their records and hospitals, and their search terms unless `fresh`
    (a fill: no older version, no index, the search index built after)."""
    placed.sort(key=_ROWID)  # FTS5 flushes its pending terms whenever a rowid goes down
    if not fresh:
        conn.executemany("DELETE FROM provider_json WHERE body_id = (SELECT body_id FROM providers WHERE id = ?)",
                         [(row.id,) for _, row in placed])
    values: list[tuple[Any, ...]] = []
    bodies: list[tuple[int, bytes]] = []
    places: dict[str, Hospital] = {}  # the last word on each hospital
    links: list[tuple[str, int]] = []
    for body_id, (rid, (key, columns, body, linked)) in enumerate(placed, start=next_body(conn)):  # one pass
        values.append((rid, key, *columns, body_id))
        bodies.append((body_id, body))
        for hospital in linked:
            places[hospital[0]] = hospital
            links.append((hospital[0], rid))
    conn.executemany("INSERT INTO provider_json VALUES (?, ?)", bodies)
    conn.executemany(_INSERT_ROW, values)
    if not fresh:
        conn.executemany(schema.INSERT_SEARCH, [row.search_terms(rid) for rid, row in placed])
        conn.executemany("DELETE FROM provider_hospitals WHERE rid = ?", [(rid,) for rid, _ in placed])
    hospitals.upsert(places)
    hospitals.link(links)


def next_body(conn: Connection) -> int:
    """The number of the next record (provider_json): records are appended in arrival order."""
    return int(conn.execute("SELECT coalesce(max(body_id), 0) + 1 FROM provider_json").fetchone()[0])


def _existing(conn: Connection, ids: list[str]) -> dict[str, tuple[int, str]]:
    """The rowid and name key of each of `ids` in the cache."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        sql = f"SELECT id, rid, name_key FROM providers WHERE id IN ({', '.join('?' * len(chunk))})"
        found.update((pid, (rid, key)) for pid, rid, key in conn.execute(sql, chunk))
    return found


class Hospitals:
    """Hospitals by number within one transaction: each written once, again only when its name or city changes."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._known: dict[str, tuple[Hospital, int]] = {}

    def upsert(self, hospitals: dict[str, Hospital]) -> None:
        """Write `hospitals` (by id) unless written so already, and learn their numbers."""
        known = self._known
        new = {pid: h for pid, h in hospitals.items() if known.get(pid, _UNKNOWN)[0] != h}
        if not new:
            return
        self._conn.executemany(_UPSERT_HOSPITAL, list(new.values()))
        ids = list(new)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            found = self._conn.execute(f"SELECT id, hid FROM hospitals WHERE id IN ({', '.join('?' * len(chunk))})",
                                       chunk)
            known.update((pid, (new[pid], hid)) for pid, hid in found)

    def link(self, links: list[tuple[str, int]]) -> None:
        """Link rows to hospitals written before: `links` holds (a hospital's id, a row's rowid)."""
        known = self._known
        self._conn.executemany("INSERT OR IGNORE INTO provider_hospitals VALUES (?, ?)",
                               [(known[pid][1], rid) for pid, rid in links])


_UNKNOWN: tuple[Hospital | None, int] = (None, 0)
_ROWID = operator.itemgetter(0)


def end_page(conn: Connection, page: Page) -> None:
    """Store the page's cursor and, when it ends a walk, the time the cache matched the server."""
    if page.cursor is not None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('cursor', ?)", (page.cursor,))
    if page.last:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('last_full_sync', ?)", (datetime.now(UTC).isoformat(),))


def drop_indexes(conn: Connection) -> None:
    """Before a fill's rows: building the indexes once after them is cheaper than keeping them up to date."""
    for name in INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def build_indexes(conn: Connection) -> None:
    for name in INDEXES:
        conn.execute(create_index(name))


def build_search(conn: Connection, *, clear: bool = False) -> None:
    """Build the search index from the providers table (emptied first when `clear`)."""
    if clear:
        conn.execute("INSERT INTO providers_fts(providers_fts) VALUES ('delete-all')")
    conn.execute(SET_FTS_HASHSIZE, (FTS_BUILD_HASHSIZE,))
    conn.execute(schema.SEARCH_FROM_PROVIDERS)
    conn.execute(SET_FTS_HASHSIZE, (FTS_HASHSIZE,))
