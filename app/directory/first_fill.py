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

import queue
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlcipher3.dbapi2 as sqlcipher

from app.api.errors import BadResponseError
from app.directory.cache import COLUMN_FIELDS, INDEXES, DirectoryCache
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
# cache.record_body in SQL: the fields that are not columns, without default values, hospitals by id
_REST = ("(SELECT json_group_object(e.key, CASE WHEN e.key = 'hospitals' THEN (SELECT json_group_array("
         "h.value ->> 'id') FROM json_each(e.value) h) WHEN e.type IN ('object', 'array') THEN json(e.value) "
         "WHEN e.type = 'true' THEN json('true') ELSE e.value END) FROM json_each(r.value) e "
         f"WHERE e.key NOT IN ({', '.join(repr(f) for f in COLUMN_FIELDS)}) AND NOT (e.type IN ('null', 'false') "
         "OR (e.type = 'text' AND e.value = '') OR (e.type = 'integer' AND e.value = 0) "
         "OR (e.type = 'array' AND json_array_length(e.value) = 0)))")
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
_FTS_HASHSIZE = "INSERT INTO providers_fts(providers_fts, rank) VALUES ('hashsize', ?)"
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
        conn.execute(_PUBLISH_LINKS)
        for name, target in INDEXES.items():
            conn.execute(f"CREATE INDEX {name} ON {target}")
        conn.execute(_FTS_HASHSIZE, (FTS_BUILD_HASHSIZE,))
        conn.execute(_INDEX_FTS)
        conn.execute(_FTS_HASHSIZE, (FTS_HASHSIZE,))
        # the staged rows are copies of what was just published: zeroing their pages as they are freed
        # (SQLCipher's default secure_delete) only cost time: 0.6 s at 100,000 rows
        conn.execute("PRAGMA secure_delete = OFF")
        try:
            conn.execute(f"DROP TABLE {STAGING}")
        finally:
            conn.execute("PRAGMA secure_delete = ON")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('last_full_sync', ?)", (datetime.now(UTC).isoformat(),))



class SnapshotFill:
    """A first fill from `GET /providers/snapshot/` (docs/api.md), written once into the final tables.

    `write` runs in one worker thread for the whole answer, in one transaction: the indexes are
    dropped, each batch of lines is parsed (orjson, one call a batch) and inserted straight into
    `providers`, their records and links, with rowids in arrival order, the server's name order;
    after the trailer the rows are renumbered only if some came out of our order (another
    collation), then the indexes and the search index are built and the cursor stored, and the
    transaction commits. Readers (WAL) see the empty cache until that commit, never a half-built
    one; a cut answer (no trailer, a wrong count, cancelled, offline) rolls it all back, and the
    next sync starts it again. The event loop only hands the answer's chunks to the queue.
    """

    BATCH = 2000  # lines a parse and an insert: ~3 ms of GIL in orjson.loads

    def __init__(self, cache: DirectoryCache, name_key: Callable[[str, str, str], str], step: int) -> None:
        self._conn = cache.write_connection()
        self._lock = cache.write_lock
        self._cache = cache
        self._name_key = name_key
        self._step = step
        self.written = 0  # rows written so far (read by the loop for progress)

    def write(self, chunks: queue.Queue[bytes | None], writer: Any) -> int:
        """Consume `chunks` (None: the answer ended; an exception put there: stop) with `writer`
        (sync.CacheWriter: its _insert writes a batch); how many providers were published."""
        with self._lock:
            if self._cache.closed:
                return 0
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                count = self._write(chunks, writer)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")  # the dropped indexes too come back
                raise
        return count

    def _write(self, chunks: queue.Queue[bytes | None], writer: Any) -> int:
        conn = self._conn
        if conn.execute("SELECT EXISTS (SELECT 1 FROM providers)").fetchone()[0]:
            raise RuntimeError("a snapshot is written only into an empty cache")
        for name in INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        head: dict[str, Any] | None = None
        fields: list[str] = []
        own: dict[str, Any] | None = None
        tail: dict[str, Any] | None = None
        pending = b""
        lines: list[bytes] = []
        written, ordered, last = 0, True, ""

        def flush() -> None:
            nonlocal written, ordered, last
            if not lines:
                return
            try:
                values = orjson.loads(b"[" + b",".join(lines) + b"]")
            except orjson.JSONDecodeError:
                raise BadResponseError("(a provider's line)", "not JSON") from None
            lines.clear()
            items = []
            for row in values:
                if not isinstance(row, list) or len(row) != len(fields):
                    raise BadResponseError("(a provider's line)", "not an array of the header's fields")
                item = dict(zip(fields, row, strict=True))
                if own is not None and item.get("id") == own.get("id"):
                    item = own
                items.append(item)
            rows = writer.records(items, start=written, step=self._step)
            for row in rows:
                ordered = ordered and row[2] >= last
                last = row[2]
            writer.insert(rows, items)
            written += len(items)
            self.written = written

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
                    fields = head["fields"]
                    own = head.get("own") if isinstance(head.get("own"), dict) else None
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
        if head is None or not isinstance(tail, dict) or tail.get("end") is not True:
            raise BadResponseError("(the snapshot)", "cut short: no trailer")
        if tail.get("count") != written:
            raise BadResponseError("(the snapshot)", f"{written} rows, the trailer says {tail.get('count')}")
        if not ordered:  # some names sort otherwise here than in the server's collation
            writer.renumber_rows()
        for name, target in INDEXES.items():
            conn.execute(f"CREATE INDEX {name} ON {target}")
        conn.execute(_FTS_HASHSIZE, (FTS_BUILD_HASHSIZE,))
        conn.execute(_INDEX_FTS)
        conn.execute(_FTS_HASHSIZE, (FTS_HASHSIZE,))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('cursor', ?)", (head["cursor"],))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('last_full_sync', ?)", (datetime.now(UTC).isoformat(),))
        return written


def _header(line: bytes) -> dict[str, Any]:
    try:
        head = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise BadResponseError("(the snapshot's header)", "not JSON") from None
    if not isinstance(head, dict) or head.get("format") != 1:
        raise BadResponseError("(the snapshot's header)", "not format 1")
    if not isinstance(head.get("fields"), list) or not isinstance(head.get("cursor"), str):
        raise BadResponseError("fields or cursor", "missing or of the wrong type")
    return head
