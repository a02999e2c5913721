"""The first fill of an empty directory cache: the change feed's pages staged, then made visible at once.

Writing 100,000 providers page by page into the indexed, name-ordered tables took 20 s (every
commit rewrote pages all over eleven indexes and the search index). A first fill instead stages
each page in the table `first_fill`, in one transaction with its cursor as always, and after the
last page gives every row its name-ordered rowid, builds the indexes and the search index, and
drops the staging table, in one transaction. Pages are parsed by SQLite's JSON functions, so the
worker thread holds the GIL only for moments and the event loop never waits for a parse. A staged
row carries its hospitals, so a provider's later version replaces its links with its row.

While `first_fill` exists the providers table stays empty: readers see "no providers yet", never
a half-indexed directory. A fill cut anywhere (cancelled, offline, crashed) resumes from its
cursor on the next sync, and the staging table only disappears in the transaction that makes
its rows visible.
"""
from __future__ import annotations

import gc
import operator
import queue
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlcipher3.dbapi2 as sqlcipher

from app.api.errors import BadResponseError
from app.directory.cache import INDEXES, REST_FIELDS, DirectoryCache, create_index
from app.directory.query import TEXT_COLUMNS

STAGING = "first_fill"
_FIELDS = ("first_name", "last_name", "full_name", "professional_title", "professional_role", "specialization",
           "organization_facility", "license_number", "license_status", "license_expiry_date", "email")
# what sync._record requires of an item's fields (checked on the staged rows: typeof() is cheaper than JSON)
_MESSAGES = {
    **{f: "a string is required" for f in ("id", *_FIELDS)},
    "license_expiry_date": "a date or null is required",
    "created_at": "a date and time is required",
}
# columns without a declared type keep a number a number, so that the check below sees it; `hospitals`:
# the item's hospitals as binary JSON (NULL unless an array or object), linked when published
_CREATE = (f"CREATE TABLE IF NOT EXISTS {STAGING}(id PRIMARY KEY NOT NULL, name_key TEXT, "
           + ", ".join(f if f == "license_expiry_date" else f"{f} NOT NULL" for f in _FIELDS)
           + ", is_active INTEGER NOT NULL, created_at NOT NULL, body_id INTEGER NOT NULL, hospitals BLOB)")
_NEXT_BODY = "SELECT coalesce(max(body_id), 0) + 1 FROM provider_json"
_BAD_ROW = ("SELECT CASE " + " ".join(
    f"WHEN typeof({f}) NOT IN ('text'{', ' + repr('null') if f == 'license_expiry_date' else ''}) THEN '{f}'"
    for f in _MESSAGES) + f" END AS bad FROM {STAGING} WHERE rowid > :top AND bad IS NOT NULL LIMIT 1")
# the page being written, parsed once into SQLite's binary JSON, and its providers' latest entries
_TEMP = ("CREATE TEMP TABLE IF NOT EXISTS fill_page(body BLOB NOT NULL)",
         "CREATE TEMP TABLE IF NOT EXISTS fill_keys(id TEXT PRIMARY KEY, k INTEGER NOT NULL)",
         "CREATE TEMP TABLE IF NOT EXISTS fill_gone(id TEXT PRIMARY KEY)")
_BAD_ITEM = ("SELECT iif(r.type != 'object', '', 'id') FROM temp.fill_page p, jsonb_each(p.body, '$.results') r "
             "WHERE r.type != 'object' OR typeof(r.value ->> 'id') != 'text' LIMIT 1")
_ITEMS = ("temp.fill_page p, jsonb_each(p.body, '$.results') r "
          "JOIN temp.fill_keys k ON k.id = r.value ->> 'id' AND k.k = r.key")
_CREATED = "r.value ->> 'created_at'"
_STAGE_ROWS = (
    f"INSERT INTO {STAGING} SELECT k.id, name_key(r.value ->> 'first_name', r.value ->> 'last_name', k.id), "
    + ", ".join(f"r.value ->> '{f}'" for f in _FIELDS)
    + ", iif(r.value ->> 'is_active', 1, 0), "
    # sortable_time() of sync.py: "...:00Z" (no fraction) becomes "...:00.000000Z"
    f"iif(substr({_CREATED}, -1) = 'Z' AND instr({_CREATED}, '.') = 0, "
    f"substr({_CREATED}, 1, length({_CREATED}) - 1) || '.000000Z', {_CREATED}), :first + r.key, "
    f"iif(json_type(r.value, '$.hospitals') IN ('array', 'object'), jsonb_extract(r.value, '$.hospitals'), NULL) "
    f"FROM {_ITEMS}"
)
# cache.record_body in SQL: the fields that are not columns, as an array, hospitals by id
_REST = ("json_array(" + "".join(f"r.value -> '$.{f}', " for f in REST_FIELDS[:-1])
         + "(SELECT iif(count(*), json_group_array(h.value ->> 'id'), NULL) FROM json_each(r.value, '$.hospitals') h))")
_STAGE_BODIES = f"INSERT INTO provider_json SELECT :first + r.key, CAST({_REST} AS BLOB) FROM {_ITEMS}"
_HOSPITALS = f"{STAGING} f, jsonb_each(f.hospitals) h"
# the page's last word on a hospital's name (its number stays, and so do its links)
_STAGE_HOSPITALS = (f"INSERT INTO hospitals(id, name, city) SELECT h.value ->> 'id', h.value ->> 'name', "
                    f"h.value ->> 'city' FROM {_HOSPITALS} WHERE f.rowid > :top ORDER BY f.rowid "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, city = excluded.city")
_COLUMNS = ("id", "name_key", *_FIELDS, "is_active", "created_at", "body_id")
_PUBLISH = (f"INSERT INTO providers(rid, {', '.join(_COLUMNS)}) SELECT row_number() OVER (ORDER BY name_key) * :step, "
            f"{', '.join(_COLUMNS)} FROM {STAGING} ORDER BY name_key")
_PUBLISH_LINKS = (f"INSERT OR IGNORE INTO provider_hospitals SELECT s.hid, p.rid FROM {_HOSPITALS} "
                  "JOIN hospitals s ON s.id = h.value ->> 'id' JOIN providers p ON p.id = f.id ORDER BY 1, 2")
_INDEX_FTS = (f"INSERT INTO providers_fts(rowid, {', '.join(TEXT_COLUMNS)}, flags) "
              f"SELECT rid, {', '.join(TEXT_COLUMNS)}, 'a' || is_active FROM providers")
# FTS5 writes its pending terms out as a new segment whenever they pass `hashsize` (1 MB by default)
# and merges segments as they pile up: 100,000 rows in one segment take 0.5 s less (64 MB holds
# their terms; more rows are merged as usual). Later writes are small: back to 1 MB.
SET_FTS_HASHSIZE = "INSERT INTO providers_fts(providers_fts, rank) VALUES ('hashsize', ?)"
FTS_BUILD_HASHSIZE = 64 << 20
FTS_HASHSIZE = 1 << 20
# a first fill's rowids: close together, so that the search index stores short rowid deltas (2^62 / n
# apart made it 60% larger at 100,000 rows), with room for 20 halvings between two neighbours
FILL_STEP = 1 << 20
_NOT_NULL = re.compile(r"NOT NULL constraint failed: (\w+)\.(\w+)")


class FirstFill:
    """Stages feed pages into an empty cache and publishes them after the last one (one writer at a time).

    Share `connection` and `lock` with the cache's other writer (sync.CacheWriter).
    """

    def __init__(self, cache: DirectoryCache, name_key: Callable[[str, str, str], str], rid_space: int) -> None:
        self._conn = cache.write_connection()
        self._lock = cache.write_lock
        self._name_key = name_key
        self._rid_space = rid_space
        self._prepared = False

    def _prepare(self) -> None:
        if not self._prepared:
            key = self._name_key  # a wrong type stays NULL here, and _BAD_ROW names the field

            def checked(first: object, last: object, pid: object) -> str | None:
                ok = isinstance(first, str) and isinstance(last, str) and isinstance(pid, str)
                return key(first, last, pid) if ok else None  # type: ignore[arg-type]

            self._conn.create_function("name_key", 3, checked, deterministic=True)
            for sql in _TEMP:
                self._conn.execute(sql)
            self._prepared = True

    def wanted(self) -> bool:
        """Whether the next sync fills: one was started and not published, or the cache was never synced."""
        with self._lock:
            started = self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                         (STAGING,)).fetchone()
            synced = self._conn.execute("SELECT 1 FROM meta WHERE key = 'cursor' UNION ALL "
                                        "SELECT 1 FROM providers LIMIT 1").fetchone()
        return started is not None or synced is None

    def started(self) -> bool:
        """Whether a feed fill was started and not published (the next sync goes on with it)."""
        with self._lock:
            return self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                      (STAGING,)).fetchone() is not None

    def stage(self, body: bytes) -> tuple[str, bool, int, int]:
        """Parse a page for `write`, checking its shape: its cursor, whether more follow, results, erasures."""
        with self._lock:
            self._prepare()
            self._conn.execute("DELETE FROM temp.fill_page")
            try:
                self._conn.execute("INSERT INTO temp.fill_page VALUES (jsonb(CAST(? AS TEXT)))", (body,))
            except sqlcipher.OperationalError:
                raise BadResponseError("(the whole answer)", "not JSON") from None
            kinds = self._conn.execute(
                "SELECT json_type(body), json_type(body, '$.results'), json_type(body, '$.deleted'), "
                "json_type(body, '$.cursor'), body ->> '$.cursor', body ->> '$.has_more', "
                "json_array_length(body, '$.results'), json_array_length(body, '$.deleted') FROM temp.fill_page"
            ).fetchone()
        if kinds[0] != "object":
            raise BadResponseError("(the whole answer)", "not an object")
        if kinds[1:4] != ("array", "array", "text"):
            raise BadResponseError("results, deleted or cursor", "missing or of the wrong type")
        return str(kinds[4]), bool(kinds[5]), int(kinds[6]), int(kinds[7])

    def write(self, cursor: str, *, complete: bool) -> int:
        """Write the page `stage` parsed and its `cursor` in one transaction, publishing all when `complete`.

        Returns how many providers the page staged; a malformed item raises BadResponseError naming
        the field, and nothing of the page is written.
        """
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                staged = self._write()
                self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('cursor', ?)", (cursor,))
                if complete:
                    self._publish()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return staged

    def _write(self) -> int:
        conn = self._conn
        conn.execute(_CREATE)
        bad = conn.execute(_BAD_ITEM).fetchone()
        if bad is not None:
            raise BadResponseError(f"results.{bad[0]}" if bad[0] else "results",
                                   _MESSAGES["id"] if bad[0] else "not an object")
        conn.execute("DELETE FROM temp.fill_gone")
        conn.execute("INSERT OR IGNORE INTO temp.fill_gone SELECT CAST(d.value AS TEXT) "
                     "FROM temp.fill_page p, jsonb_each(p.body, '$.deleted') d")
        conn.execute("DELETE FROM temp.fill_keys")
        # a provider twice in a page: its last version; an erased one never comes back
        conn.execute("INSERT INTO temp.fill_keys SELECT r.value ->> 'id', max(r.key) "
                     "FROM temp.fill_page p, jsonb_each(p.body, '$.results') r "
                     "WHERE (r.value ->> 'id') NOT IN temp.fill_gone GROUP BY 1")
        conn.execute("INSERT OR IGNORE INTO temp.fill_gone SELECT id FROM temp.fill_keys")
        self._forget()
        first = int(conn.execute(_NEXT_BODY).fetchone()[0])
        top = int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {STAGING}").fetchone()[0])
        try:
            conn.execute(_STAGE_ROWS, {"first": first})
            conn.execute(_STAGE_BODIES, {"first": first})
            conn.execute(_STAGE_HOSPITALS, {"top": top})
        except sqlcipher.IntegrityError as error:
            found = _NOT_NULL.search(str(error))
            if found is None:
                raise
            field = "hospitals" if found[1] == "hospitals" else found[2]
            raise BadResponseError(f"results.{field}", _MESSAGES.get(field, "id, name and city are required")) from None
        bad = conn.execute(_BAD_ROW, {"top": top}).fetchone()
        if bad is not None:
            raise BadResponseError(f"results.{bad[0]}", _MESSAGES[bad[0]])
        return int(conn.execute("SELECT count(*) FROM temp.fill_keys").fetchone()[0])

    def _forget(self) -> None:
        """Drop the staged versions of the providers in temp.fill_gone (changed again, or erased)."""
        conn = self._conn
        conn.execute(f"DELETE FROM provider_json WHERE body_id IN (SELECT body_id FROM {STAGING} "
                     "WHERE id IN temp.fill_gone)")
        conn.execute(f"DELETE FROM {STAGING} WHERE id IN temp.fill_gone")

    def _publish(self) -> None:
        """Give the staged rows name-ordered rowids, index them, and drop the staging table."""
        conn = self._conn
        if conn.execute("SELECT EXISTS (SELECT 1 FROM providers)").fetchone()[0]:
            raise RuntimeError("a first fill is published only into an empty cache")
        count = int(conn.execute(f"SELECT count(*) FROM {STAGING}").fetchone()[0])
        for name in INDEXES:  # built once below: cheaper than keeping them up to date
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute(_PUBLISH, {"step": min(self._rid_space // (count + 1), FILL_STEP)})
        for name in INDEXES:
            conn.execute(create_index(name))
        conn.execute(_PUBLISH_LINKS)
        conn.execute(SET_FTS_HASHSIZE, (FTS_BUILD_HASHSIZE,))
        conn.execute(_INDEX_FTS)
        conn.execute(SET_FTS_HASHSIZE, (FTS_HASHSIZE,))
        # the staged rows are copies of what was just published: zeroing their pages as they are freed
        # (SQLCipher's default secure_delete) only cost time: 0.6 s at 100,000 rows
        conn.execute("PRAGMA secure_delete = OFF")
        try:
            conn.execute(f"DROP TABLE {STAGING}")
        finally:
            conn.execute("PRAGMA secure_delete = ON")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('last_full_sync', ?)", (datetime.now(UTC).isoformat(),))



# the text columns of a provider's row after its id and name key, in sync._COLUMNS order
_TEXTS = ("first_name", "last_name", "full_name", "professional_title", "professional_role", "specialization",
          "organization_facility", "license_number", "license_status")
_INSERT_ROW = f"INSERT INTO providers(rid, {', '.join(_COLUMNS)}) VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})"


class SnapshotFill:
    """A first fill from `GET /providers/snapshot/` (docs/api.md), written once into the final tables.

    `write` runs in one worker thread for the whole answer, in one transaction: the indexes are
    dropped; each batch of lines is parsed (one orjson call), checked and inserted straight into
    `providers`, their records and links, with rowids in arrival order (the server's name order).
    After the trailer the indexes are built, the few rows that came out of our name order (another
    collation: 'DeShawn' before 'Deborah' in SQLite's) are moved between their neighbours, the
    search index is built and the cursor stored, and the transaction commits. Readers (WAL) see the
    empty cache until that commit, never a half-built one; a cut answer (no trailer, a wrong count,
    cancelled, offline) rolls it all back, and the next sync starts again. The event loop only hands
    the answer's chunks to the queue. (SQLite's JSON functions doing the rows' work instead, off
    the GIL, took 1.5 times the CPU: measured.)
    """

    BATCH = 500  # lines a batch: one orjson.loads of ~0.4 MB, ~1 ms with the GIL held

    def __init__(self, cache: DirectoryCache, name_key: Callable[[str, str, str], str], step: int,
                 sortable_time: Callable[[str], str]) -> None:
        self._conn = cache.write_connection()
        self._lock = cache.write_lock
        self._cache = cache
        self._name_key = name_key
        self._sortable_time = sortable_time
        self._step = step
        self.written = 0  # rows written so far (read by the loop for progress)

    def write(self, chunks: queue.Queue[Any], writer: Any) -> int:
        """Consume `chunks` (bytes; None: the answer ended; an exception: stop with it); `writer`
        (sync.CacheWriter) moves rows into order and writes the viewer's own record. How many
        providers were published."""
        with self._lock:
            if self._cache.closed:
                return 0
            conn = self._conn
            # each batch's objects make Python's collector scan the whole heap now and then (20-40 ms
            # with the GIL held: the loop stalled); the objects already there are left out meanwhile
            gc.freeze()
            # the loop waits for the GIL up to the switch interval whenever this thread runs Python
            switch = sys.getswitchinterval()
            sys.setswitchinterval(min(switch, 0.001))
            conn.execute("BEGIN IMMEDIATE")
            try:
                count = self._write(chunks, writer)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")  # the dropped indexes too come back
                raise
            finally:
                sys.setswitchinterval(switch)
                gc.unfreeze()
        return count

    def _write(self, chunks: queue.Queue[Any], writer: Any) -> int:
        conn = self._conn
        if conn.execute("SELECT EXISTS (SELECT 1 FROM providers)").fetchone()[0]:
            raise RuntimeError("a snapshot is written only into an empty cache")
        for name in INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        head: dict[str, Any] | None = None
        batch: _Batch | None = None
        tail: dict[str, Any] | None = None
        pending = b""
        lines: list[bytes] = []

        def flush() -> None:
            if lines and batch is not None:
                batch.write(lines)
                lines.clear()
                self.written = batch.written

        while True:
            chunk = chunks.get()
            if chunk is None:
                break
            if isinstance(chunk, BaseException):
                raise chunk
            parts = (pending + chunk).split(b"\n")
            pending = parts.pop()
            for line in parts:
                if not line.strip():
                    continue
                if head is None:
                    head = _header(line)
                    batch = _Batch(conn, head["fields"], self._step, self._name_key, self._sortable_time,
                                   int(conn.execute(_NEXT_BODY).fetchone()[0]))
                elif line.startswith(b"{"):
                    tail = orjson.loads(line)
                else:
                    lines.append(line)
                    if len(lines) >= self.BATCH:
                        flush()
        if pending.strip():
            if pending.startswith(b"{") and head is not None:
                tail = orjson.loads(pending)
            else:
                lines.append(pending)
        flush()
        if head is None or batch is None or not isinstance(tail, dict) or tail.get("end") is not True:
            raise BadResponseError("(the snapshot)", "cut short: no trailer")
        if tail.get("count") != batch.written:
            raise BadResponseError("(the snapshot)", f"{batch.written} rows, the trailer says {tail.get('count')}")
        for name in INDEXES:
            conn.execute(create_index(name))
        if batch.moved:
            writer.move_into_order(batch.moved)
        conn.execute(SET_FTS_HASHSIZE, (FTS_BUILD_HASHSIZE,))
        conn.execute(_INDEX_FTS)
        conn.execute(SET_FTS_HASHSIZE, (FTS_HASHSIZE,))
        own = head.get("own")
        if isinstance(own, dict):  # a provider's own record with its private fields, as a feed page gives it
            writer.write_items([own])
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('cursor', ?)", (head["cursor"],))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('last_full_sync', ?)", (datetime.now(UTC).isoformat(),))
        return batch.written


class _Batch:
    """Writes a snapshot's lines for the header's `fields`: checked like sync._record, by position."""

    def __init__(self, conn: Any, fields: list[str], step: int, name_key: Callable[[str, str, str], str],
                 sortable_time: Callable[[str], str], body: int) -> None:
        self._conn, self._fields, self._width = conn, fields, len(fields)
        self._step, self._name_key, self._sortable_time, self._body = step, name_key, sortable_time, body
        missing = len(fields)  # a field the header lacks reads the None appended to each row

        def at(name: str) -> int:
            return fields.index(name) if name in fields else missing

        self._id, self._first, self._last = at("id"), at("first_name"), at("last_name")
        self._email, self._expiry, self._created = at("email"), at("license_expiry_date"), at("created_at")
        self._active, self._hospitals = at("is_active"), at("hospitals")
        self._strings = [at(name) for name in ("id", *_TEXTS, "email")]
        self._texts = operator.itemgetter(*(at(name) for name in _TEXTS))
        self._rest = operator.itemgetter(*(at(name) for name in REST_FIELDS[:-1]))
        self._hids: dict[str, int] = {}
        self.written = 0
        self.last = ""
        self.moved: list[tuple[int, str]] = []  # rows (rowid, name key) that came after a greater name

    def _check(self, values: Any) -> None:
        if type(values) is not list or len(values) != self._width:
            raise BadResponseError("(a provider's line)", "not an array of the header's fields")
        for i in self._strings:
            if i >= self._width or type(values[i]) is not str:
                name = self._fields[i] if i < self._width else "email"
                raise BadResponseError(f"results.{name}", "a string is required")
        expiry = values[self._expiry] if self._expiry < self._width else None
        if expiry is not None and type(expiry) is not str:
            raise BadResponseError("results.license_expiry_date", "a date or null is required")
        if type(values[self._created]) is not str:
            raise BadResponseError("results.created_at", "a date and time is required")

    def write(self, lines: list[bytes]) -> None:
        try:
            batch = orjson.loads(b"[" + b",".join(lines) + b"]")
        except orjson.JSONDecodeError:
            raise BadResponseError("(a provider's line)", "not JSON") from None
        rows: list[tuple[Any, ...]] = []
        bodies: list[tuple[int, bytes]] = []
        links: list[tuple[str, int]] = []
        places: dict[str, dict[str, str]] = {}
        step, body, texts, rest, key, when = (self._step, self._body, self._texts, self._rest, self._name_key,
                                              self._sortable_time)
        pid, first, last, email, expiry, created, active, hospitals = (
            self._id, self._first, self._last, self._email, self._expiry, self._created, self._active,
            self._hospitals)
        check = self._check
        for n, values in enumerate(batch, start=self.written + 1):
            check(values)
            values.append(None)
            rid, name = n * step, key(values[first], values[last], values[pid])
            if name >= self.last:
                self.last = name
            else:
                self.moved.append((rid, name))
            rows.append((rid, values[pid], name, *texts(values), values[expiry], values[email],
                         1 if values[active] else 0, when(values[created]), body + n))
            linked = values[hospitals]
            for hospital in linked or ():
                places.setdefault(hospital["id"], hospital)
                links.append((hospital["id"], rid))
            bodies.append((body + n, orjson.dumps([*rest(values), [h["id"] for h in linked] if linked else None])))
        conn = self._conn
        conn.executemany("INSERT INTO provider_json VALUES (?, ?)", bodies)
        conn.executemany(_INSERT_ROW, rows)
        new = [(h["id"], h["name"], h["city"]) for i, h in places.items() if i not in self._hids]
        if new:
            conn.executemany("INSERT INTO hospitals(id, name, city) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", new)
            for start in range(0, len(new), 500):
                chunk = [h[0] for h in new[start:start + 500]]
                self._hids.update(conn.execute(f"SELECT id, hid FROM hospitals WHERE id IN "
                                               f"({', '.join('?' * len(chunk))})", chunk).fetchall())
        hids = self._hids
        conn.executemany("INSERT OR IGNORE INTO provider_hospitals VALUES (?, ?)", [(hids[h], r) for h, r in links])
        self.written += len(batch)


def _header(line: bytes) -> dict[str, Any]:
    try:
        head = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise BadResponseError("(the snapshot's header)", "not JSON") from None
    if not isinstance(head, dict) or head.get("format") != 1:
        raise BadResponseError("(the snapshot's header)", "not format 1")
    if not isinstance(head.get("fields"), list) or not isinstance(head.get("cursor"), str):
        raise BadResponseError("fields or cursor", "missing or of the wrong type")
    if not {"id", "first_name", "last_name", "created_at"} <= set(head["fields"]):
        raise BadResponseError("fields", "id, names or created_at missing")
    return head
