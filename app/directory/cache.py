"""The directory's offline cache: one encrypted SQLite file (SQLCipher, WAL, FTS5) per server and account.

Rows are stored so that their rowid (`rid`) follows the name order (last name, first name, id):
the FTS index then yields matches already sorted by name, so a first screen of a million-row
search is a short walk of the index, and a count never touches the providers table. The write side
(writer.py) keeps that order. The SQL of searches and queues is written by `query.py`; reads run it
here, indexed, on the event loop (long counts: `counts_in_worker`); writes use their own connection
in one `transaction` at a time, from a worker thread. What a provider's row holds is schema.py's.

A cache knows its `Viewer`. A provider's cache holds nothing its user may not see: every read
leaves out other providers outside the credentialed set, and `forget_hidden` (at open and after
each sync) erases them, since no server write announces a license passing its expiry date.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlcipher3.dbapi2 as sqlcipher
from sqlcipher3.dbapi2 import Connection

from app.api.models import DocumentFile, HospitalRef, Provider, parse_model
from app.directory import schema
from app.directory.database import CacheError, connect, open_current, remove
from app.directory.query import (
    FACETS,
    STAFF,
    DirectoryQuery,
    ProviderRow,
    Viewer,
    count_sql,
    hidden_sql,
    row_of,
    rows_sql,
    visible_sql,
    visible_where,
)

DOCUMENT_BUDGET = 256 * 1024 * 1024  # documents kept for offline review; the least recently stored go first
# what a provider never sees of another provider (docs/api.md), blanked should an older server have sent it
PRIVATE_FIELDS = {"license_note": "", "additional_information": "", "has_license_document": False,
                  "license_document": None}
log = logging.getLogger(__name__)


# the columns a server without our extensions may not send (the seed guide's backend): `provider`
# leaves them unset when no provider has a value in them
UNSENT_COLUMNS = ("professional_title", "professional_role", "organization_facility", "license_status",
                  "license_expiry_date")

class CacheClosedError(CacheError):
    """The cache was closed before a write could begin."""


def forget_rows(conn: Connection, rids: list[int], ids: list[str]) -> None:
    """Delete providers (by rowid, and their ids) with their records, search terms, links and documents,
    inside the caller's transaction on `conn`."""
    conn.executemany("DELETE FROM provider_json WHERE body_id = (SELECT body_id FROM providers WHERE rid = ?)",
                     [(rid,) for rid in rids])
    conn.executemany("DELETE FROM providers WHERE rid = ?", [(rid,) for rid in rids])
    conn.executemany("DELETE FROM providers_fts WHERE rowid = ?", [(rid,) for rid in rids])
    conn.executemany("DELETE FROM provider_hospitals WHERE rid = ?", [(rid,) for rid in rids])
    conn.executemany("DELETE FROM documents WHERE provider_id = ?", [(pid,) for pid in ids])


class Transaction:
    """One write transaction: the write lock held and BEGIN IMMEDIATE from here to `commit` or `rollback`.

    `DirectoryCache.transaction()` is the usual way; a snapshot fill's spans several worker-thread calls.
    """

    def __init__(self, cache: DirectoryCache) -> None:
        self._lock = cache.write_lock
        self._lock.acquire()
        try:
            if cache.closed:
                raise CacheClosedError(f"{cache.path.name} is closed")
            self.conn = cache.write_connection()
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise

    def commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self._lock.release()

    def rollback(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        finally:
            self._lock.release()


class DirectoryCache:
    """The cache file, opened for reading on the event loop; see the module's docstring."""

    def __init__(self, path: Path, key: bytes, conn: Connection, persistent: bool, viewer: Viewer = STAFF) -> None:
        self.path = path
        self.persistent = persistent
        self.viewer = viewer
        self.reason: str | None = None
        self._key = key
        self._conn = conn
        self._writer: Connection | None = None
        # held by a writer for a whole transaction; close() waits for it, so a sync still
        # writing in its worker thread never sees its connection closed under it
        self.write_lock = threading.Lock()
        self.closed = False
        self._side: Connection | None = None  # the worker threads' reading connection (counts_in_worker)
        self._side_lock = threading.Lock()
        self._facets: tuple[int, dict[str, list[str]]] | None = None
        self._size: tuple[int, int] | None = None  # (version, providers): counted again only after a write

    @classmethod
    def open(cls, path: Path, key: bytes, viewer: Viewer = STAFF, *, persistent: bool = True) -> DirectoryCache:
        """Open (or create) the cache at `path` for `viewer`; not `persistent`: a file for this run
        only, deleted on close. A provider's cache forgets at once the rows it may no longer see.

        A file of another schema version or shape is deleted and rebuilt; a wrong key raises
        CacheUnreadableError.
        """
        cache = cls(path, key, open_current(path, key), persistent, viewer)
        cache.write_connection()  # here, off the loop: opening an SQLCipher connection takes ~10-30 ms
        cache.forget_hidden()
        return cache

    @property
    def key(self) -> bytes:
        """The file's key, for a writer in another process (fill_process.py); never logged."""
        return self._key

    def write_connection(self) -> Connection:
        """The writers' own connection (opened once; use it from one thread at a time)."""
        if self._writer is None:
            self._writer = connect(self.path, self._key, cache_mb=128)
        return self._writer

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """The write connection in one transaction, committed at the end of the block, rolled back on
        any error; one writer at a time. Raises CacheClosedError once the cache is closed."""
        transaction = Transaction(self)
        try:
            yield transaction.conn
        except BaseException:
            transaction.rollback()
            raise
        transaction.commit()

    def close(self) -> None:
        locked = self.write_lock.acquire(timeout=30)
        if not locked:
            log.warning("closing the directory cache while a sync is still writing")
        self.closed = True
        with self._side_lock:  # a count in a worker thread ends first (it takes a fraction of a second)
            if self._side is not None:
                self._side.close()
                self._side = None
        for conn in (self._writer, self._conn):
            if conn is not None:
                conn.close()
        self._writer = None
        if not self.persistent:
            remove(self.path)
        if locked:
            self.write_lock.release()  # a writer that waited finds the cache closed and stops

    # ---- meta ----

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def cursor(self) -> str | None:
        return self._meta("cursor")

    @property
    def last_full_sync(self) -> datetime | None:
        value = self._meta("last_full_sync")
        return datetime.fromisoformat(value) if value else None

    # ---- the signed-in provider's own profile, for My Profile offline ----

    def keep_profile(self, provider: Provider) -> None:
        """Keep the profile as the server last answered it (run off the event loop)."""
        with contextlib.suppress(CacheClosedError), self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('own_profile', ?), ('own_profile_at', ?)",
                         (provider.model_dump_json(exclude_unset=True), datetime.now(UTC).isoformat()))

    def kept_profile(self, own_id: str | None) -> tuple[Provider, datetime] | None:
        """The profile kept by `keep_profile` with its time, else the own record of the last sync."""
        body, at = self._meta("own_profile"), self._meta("own_profile_at")
        if body and at:
            return parse_model(Provider, body.encode()), datetime.fromisoformat(at)
        record = self.provider(own_id) if own_id else None
        synced = self.last_full_sync
        return (record, synced) if record is not None and synced is not None else None

    # ---- queries ----

    def count(self, query: DirectoryQuery, conn: Connection | None = None, cap: int | None = None) -> int:
        """How many providers `query` matches (on `conn`, by default the event loop's connection);
        with `cap`, at most `cap` (counting stops there)."""
        rows = self._execute(*count_sql(query, self.viewer, cap), conn)
        return int(rows[0][0]) if rows else 0

    def rows(self, query: DirectoryQuery, offset: int, limit: int) -> list[ProviderRow]:
        """The rows `offset` to `offset + limit` of `query`'s result, in its order."""
        sql, params = rows_sql(query, offset, limit, self.viewer)
        today = params["today"]
        return [row_of(values, today) for values in self._execute(sql, params)]

    def _execute(self, sql: str, params: dict[str, Any], conn: Connection | None = None) -> list[Any]:
        try:
            return list((conn or self._conn).execute(sql, params).fetchall())
        except sqlcipher.OperationalError as error:
            if "fts5" in str(error).lower():  # a query the tokenizer splits unlike our word pattern
                return []
            raise

    def counts_in_worker(self, queries: list[DirectoryQuery]) -> list[int] | None:
        """How many each query matches, on a connection of its own: for a worker thread, so that counts
        of a hundred thousand rows never hold the event loop. None once the cache is closed."""
        with self._side_lock:
            if self.closed:
                return None
            if self._side is None:
                self._side = connect(self.path, self._key)
            return [self.count(query, self._side) for query in queries]

    def read(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """The rows of a quick indexed read on the event loop's connection (the flags of one provider)."""
        return list(self._conn.execute(sql, params).fetchall())

    def version(self) -> int:
        """A number that changes whenever any connection wrote to the file (SQLite's data_version)."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def provider(self, provider_id: str) -> Provider | None:
        """The record of one provider as the server last sent it (None when the viewer may not see it;
        of another provider, a provider sees no private field)."""
        columns = ", ".join(f"p.{c}" for c in schema.COLUMNS)
        row = self._conn.execute(f"SELECT {columns}, j.body FROM providers p JOIN provider_json j "
                                 "ON j.body_id = p.body_id WHERE p.id = ?", (provider_id,)).fetchone()
        if row is None or not (self.viewer.staff or self.may_see(provider_id)):
            return None
        record = schema.as_item(row[:-1], bytes(row[-1]))
        if record.get("hospitals"):
            found = {h[0]: {"id": h[0], "name": h[1], "city": h[2]} for h in self._conn.execute(
                f"SELECT id, name, city FROM hospitals WHERE id IN ({', '.join('?' * len(record['hospitals']))})",
                record["hospitals"])}
            record["hospitals"] = [found[h] for h in record["hospitals"] if h in found]
        provider = parse_model(Provider, orjson.dumps(record))
        unsent = provider.model_fields_set & self.unfilled(UNSENT_COLUMNS)
        if unsent:  # fields no provider has: the server does not send them (a detail leaves them out)
            provider = Provider.model_construct(provider.model_fields_set - unsent, **dict(provider))
        if self.viewer.staff or provider_id == self.viewer.own_id:
            return provider
        return provider.model_copy(update=PRIVATE_FIELDS)

    def records_in_worker(self, block: int = 2000) -> tuple[int, Iterator[list[dict[str, Any]]]]:
        """How many providers the viewer may see, and all of them as the server sent them (hospitals whole),
        `block` at a time: for a worker thread (a connection of its own), never the event loop's."""
        conn = connect(self.path, self._key)
        where, params = visible_where(self.viewer)
        total = int(conn.execute(f"SELECT count(*) FROM providers p WHERE {where}", params).fetchone()[0])
        hospitals = {row[0]: {"id": row[0], "name": row[1], "city": row[2]}
                     for row in conn.execute("SELECT id, name, city FROM hospitals")}
        columns = ", ".join(f"p.{c}" for c in schema.COLUMNS)
        sql = (f"SELECT {columns}, j.body FROM providers p JOIN provider_json j ON j.body_id = p.body_id "
               f"WHERE {where} ORDER BY p.rid")

        def blocks() -> Iterator[list[dict[str, Any]]]:
            try:
                rows = conn.execute(sql, params)
                while chunk := rows.fetchmany(block):
                    items = [schema.as_item(row[:-1], bytes(row[-1])) for row in chunk]
                    for item in items:
                        item["hospitals"] = [hospitals[h] for h in item.get("hospitals") or () if h in hospitals]
                    yield items
            finally:
                conn.close()

        return total, blocks()

    def may_see(self, provider_id: str) -> bool:
        """Whether the viewer may see the provider `provider_id` now (False when it is not cached)."""
        sql, params = visible_sql(self.viewer)
        return self._conn.execute(sql, {**params, "id": provider_id}).fetchone() is not None

    def forget_hidden(self) -> int:
        """Erase the rows the viewer may not see (none for staff) and hospitals no row links any more;
        how many providers. Run it off the event loop; after close() it does nothing."""
        if self.viewer.staff:
            return 0
        try:
            with self.transaction() as conn:
                hidden = conn.execute(*hidden_sql(self.viewer)).fetchall()
                if hidden:
                    forget_rows(conn, [row[0] for row in hidden], [row[1] for row in hidden])
                    conn.execute("DELETE FROM hospitals WHERE hid NOT IN (SELECT hid FROM provider_hospitals)")
        except CacheClosedError:
            return 0
        if hidden:
            log.info("directory cache: %d providers left the directory this account sees", len(hidden))
        return len(hidden)

    def _distinct(self, column: str) -> list[str]:
        # a skip scan over the column's index: one seek per distinct value, not one step per row
        sql = (f"WITH RECURSIVE d(v) AS (SELECT min({column}) FROM providers UNION ALL "
               f"SELECT (SELECT min({column}) FROM providers WHERE {column} > d.v) FROM d WHERE d.v IS NOT NULL) "
               "SELECT v FROM d WHERE v IS NOT NULL AND v != ''")
        return [str(row[0]) for row in self._conn.execute(sql)]

    def facets(self) -> dict[str, list[str]]:
        """The distinct values of each filterable column, sorted (recomputed only after a write)."""
        version = self.version()
        if self._facets is None or self._facets[0] != version:
            self._facets = (version, {column: self._distinct(column) for column in FACETS})
        return {column: list(values) for column, values in self._facets[1].items()}

    def hospitals(self) -> list[HospitalRef]:
        rows = self._conn.execute("SELECT id, name, city FROM hospitals ORDER BY name, city, id").fetchall()
        return [HospitalRef(id=row[0], name=row[1], city=row[2]) for row in rows]

    # ---- license documents (kept for offline review) ----

    def document(self, provider_id: str, sha256: str | None = None) -> DocumentFile | None:
        """The stored document of `provider_id` (only if its checksum is `sha256`, when given)."""
        row = self._conn.execute("SELECT body, content_type, sha256 FROM documents WHERE provider_id = ?",
                                 (provider_id,)).fetchone()
        if row is None or (sha256 is not None and row[2] != sha256):
            return None
        return DocumentFile(bytes(row[0]), str(row[1]), str(row[2]))

    def store_document(self, provider_id: str, document: DocumentFile, *, budget: int = DOCUMENT_BUDGET) -> None:
        """Keep `document` for offline reading (replacing an older one), then forget the least recently
        stored ones beyond `budget` bytes. Run it off the event loop; after close() it does nothing."""
        if document.sha256 is None:
            return
        with contextlib.suppress(CacheClosedError), self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?)",
                         (provider_id, document.sha256, document.content_type, document.content,
                          datetime.now(UTC).isoformat()))
            conn.execute("DELETE FROM documents WHERE provider_id IN (SELECT provider_id FROM (SELECT "
                         "provider_id, sum(length(body)) OVER (ORDER BY stored_at DESC, provider_id) AS used "
                         "FROM documents) WHERE used > ?)", (budget,))

    def unfilled(self, columns: Iterable[str]) -> set[str]:
        """Those of `columns` (of `providers`) that no provider has a value in, while the cache holds
        providers (none while it holds nothing): a server that does not send the field. One index
        seek each (`> ''` skips nulls and blanks), or a scan that stops at the first value."""
        if self._conn.execute("SELECT NOT EXISTS (SELECT 1 FROM providers)").fetchone()[0]:
            return set()
        return {c for c in columns if c in schema.COLUMNS and not self._conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM providers WHERE {c} > '')").fetchone()[0]}

    def size(self) -> int:
        """How many providers the cache holds (counted again only after a write: a million take ~20 ms)."""
        version = self.version()
        if self._size is None or self._size[0] != version:
            self._size = (version, int(self._conn.execute("SELECT count(*) FROM providers").fetchone()[0]))
        return self._size[1]
