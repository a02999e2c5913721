"""The directory's offline cache: one encrypted SQLite file (SQLCipher, WAL, FTS5) per server and account.

Rows are stored so that their rowid (`rid`) follows the name order (last name, first name, id):
the FTS index then yields matches already sorted by name, so a first screen of a million-row
search is a short walk of the index, and a count never touches the providers table. `sync.py`
keeps that order when it writes. The SQL of searches and queues is written by `directory_query`;
reads run it here, indexed, on the event loop (long counts: `counts_in_worker`); writes use their
own connection (`write_connection`) from a worker thread.

A cache knows its `Viewer`. A provider's cache holds nothing its user may not see: every read
leaves out other providers outside the credentialed set, and `forget_hidden` (at open and after
each sync) erases them, since no server write announces a license passing its expiry date.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlcipher3.dbapi2 as sqlcipher

from app.api.models import DocumentFile, HospitalRef, Provider, parse_model
from app.directory.query import (
    SORT_KEYS,
    STAFF,
    TEXT_COLUMNS,
    DirectoryQuery,
    ProviderRow,
    Viewer,
    count_sql,
    hidden_sql,
    row_of,
    rows_sql,
    visible_sql,
)
from app.private_files import private_dir, private_file

SCHEMA_VERSION = 6  # 4: the worklist's queue indexes; 5: 16 KiB pages; 6: compact records, fewer indexes,
# and written by sqlcipher3 (SQLCipher 4.19): a file of sqlcipher3-binary (4.12, version 5) is rebuilt, not trusted
PAGE_SIZE = 16384
DOCUMENT_BUDGET = 256 * 1024 * 1024  # documents kept for offline review; the least recently stored go first
# what a provider never sees of another provider (docs/api.md), blanked should an older server have sent it
PRIVATE_FIELDS = {"license_note": "", "additional_information": "", "has_license_document": False,
                  "license_document": None}
FACETS = ("professional_role", "professional_title", "specialization", "organization_facility")
# the fields a provider's row holds as columns; its record (provider_json) keeps only the others
COLUMN_FIELDS = ("id", "first_name", "last_name", "full_name", "professional_title", "professional_role",
                 "specialization", "organization_facility", "license_number", "license_status",
                 "license_expiry_date", "email", "is_active", "created_at")
# the others of app.api.models.Provider, in the order of a record's array (hospitals last)
REST_FIELDS = ("phone_number", "updated_at", "license_verified", "has_license_document", "license_document",
               "license_note", "additional_information", "years_of_experience", "consultation_fee", "bio", "hospitals")
# the secondary indexes (a first fill builds them once, after its last row: first_fill.py). Not here:
# license_status alone (the queue indexes begin with it; its sort order is the effective status, a CASE)
INDEXES = {
    "providers_id": "providers(id)",  # unique (create_index): built after a fill's rows like the others
    "providers_name": "providers(name_key)",
    "providers_active": "providers(is_active)",
    # the worklist's queues (credentialing.py): ordered reads and index-only counts at a million rows
    "providers_queue_created": "providers(license_status, is_active, created_at, id)",
    # (ties of a date are sorted as read: a few hundred rows a date at a million). Without created_at
    # and id it is a quarter of the size, so that the Expired queue's two counts (390,000 entries at a
    # million) stay in the page cache: 88 ms became ~20
    "providers_queue_expiry": "providers(license_status, is_active, license_expiry_date)",
    **{f"providers_{c}": f"providers({c})" for c in (*SORT_KEYS[1:], "professional_title") if c != "license_status"},
    "provider_hospitals_provider": "provider_hospitals(rid)",
}


def create_index(name: str) -> str:
    """The statement that builds the index `name` of INDEXES."""
    return f"CREATE {'UNIQUE ' * (name == 'providers_id')}INDEX IF NOT EXISTS {name} ON {INDEXES[name]}"


SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE providers(
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL, name_key TEXT NOT NULL,
    first_name TEXT NOT NULL, last_name TEXT NOT NULL, full_name TEXT NOT NULL,
    professional_title TEXT NOT NULL, professional_role TEXT NOT NULL, specialization TEXT NOT NULL,
    organization_facility TEXT NOT NULL, license_number TEXT NOT NULL, license_status TEXT NOT NULL,
    license_expiry_date TEXT, email TEXT NOT NULL, is_active INTEGER NOT NULL, body_id INTEGER NOT NULL,
    created_at TEXT NOT NULL);
-- the rest of each record (record_body: the fields that are not columns, hospitals by id),
-- appended in arrival order (a random-order key made sync writes 5 times slower)
CREATE TABLE provider_json(body_id INTEGER PRIMARY KEY, body BLOB NOT NULL);
-- links by number (a hospital's `hid`, a provider's `rid`): two ids as text took 160 bytes a provider
CREATE TABLE hospitals(hid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, city TEXT NOT NULL);
CREATE TABLE provider_hospitals(hid INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (hid, rid)) WITHOUT ROWID;
-- license documents opened for review, kept for offline reading (encrypted with the rest of the file)
CREATE TABLE documents(provider_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, content_type TEXT NOT NULL,
    body BLOB NOT NULL, stored_at TEXT NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE providers_fts USING fts5({", ".join(TEXT_COLUMNS)}, flags, content='',
    contentless_delete=1, detail=column, prefix='1 2', tokenize='unicode61 remove_diacritics 2');
{"".join(f"{create_index(name)};" for name in INDEXES)}
INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');
"""


log = logging.getLogger(__name__)


class CacheError(Exception):
    """The cache file cannot be used."""


class CacheUnreadableError(CacheError):
    """The file is not a cache this key opens (a wrong key, or not a database at all)."""


def connect(path: Path, key: bytes, *, cache_mb: int = 32) -> Any:
    """An SQLCipher connection to `path` with the raw 32-byte `key` (no key derivation), in WAL mode."""
    if len(key) != 32:
        raise ValueError("the cache key must be 32 bytes")
    conn = _keyed(path, key, PAGE_SIZE)
    if conn is None:  # a file of schema version 3 or older (4 KiB pages): open() sees its version and rebuilds it
        conn = _keyed(path, key, 4096)
    if conn is None:
        raise CacheUnreadableError(f"{path.name} cannot be read with this key")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = {-1024 * cache_mb}")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def _keyed(path: Path, key: bytes, page_size: int) -> Any:
    """A connection in WAL mode if `key` and `page_size` read the file at `path` (a new file: always)."""
    private_file(path)  # before SQLite creates it: its -wal and -shm files take the same mode
    conn = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    # each page is encrypted and authenticated (HMAC-SHA512) on its own: larger pages mean fewer of
    # those, less space lost to their 80 reserved bytes, and a first fill 1 s faster at 100,000 rows
    conn.execute(f"PRAGMA cipher_page_size = {page_size}")
    conn.execute("PRAGMA cipher_memory_security = OFF")
    try:
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
    except sqlcipher.DatabaseError:
        conn.close()
        return None
    return conn


def _remove(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()


def forget_rows(conn: Any, rids: list[int], ids: list[str]) -> None:
    """Delete providers (by rowid, and their ids) with their records, search terms, links and documents,
    inside the caller's transaction on `conn`."""
    conn.executemany("DELETE FROM provider_json WHERE body_id = (SELECT body_id FROM providers WHERE rid = ?)",
                     [(rid,) for rid in rids])
    conn.executemany("DELETE FROM providers WHERE rid = ?", [(rid,) for rid in rids])
    conn.executemany("DELETE FROM providers_fts WHERE rowid = ?", [(rid,) for rid in rids])
    conn.executemany("DELETE FROM provider_hospitals WHERE rid = ?", [(rid,) for rid in rids])
    conn.executemany("DELETE FROM documents WHERE provider_id = ?", [(pid,) for pid in ids])


def record_body(item: dict[str, Any]) -> bytes:
    """What provider_json keeps of a feed item: a JSON array of its REST_FIELDS (null when absent),
    hospitals as their ids (their names are in `hospitals`). The whole item took 0.9 KB a provider;
    this takes 0.15."""
    hospitals = item.get("hospitals")
    return orjson.dumps([*(item.get(f) for f in REST_FIELDS[:-1]), [h["id"] for h in hospitals] if hospitals else None])


def _schema_version(conn: Any) -> int | None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if "meta" not in tables:
        return -1
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else -1


class DirectoryCache:
    """The cache file, opened for reading on the event loop; see the module's docstring."""

    def __init__(self, path: Path, key: bytes, conn: Any, persistent: bool, viewer: Viewer = STAFF) -> None:
        self.path = path
        self.persistent = persistent
        self.viewer = viewer
        self.reason: str | None = None
        self._key = key
        self._conn = conn
        self._writer: Any = None
        # held by a writer for a whole transaction; close() waits for it, so a sync still
        # writing in its worker thread never sees its connection closed under it
        self.write_lock = threading.Lock()
        self.closed = False
        self._side: Any = None  # the worker threads' reading connection (counts_in_worker)
        self._side_lock = threading.Lock()
        self._facets: tuple[int, dict[str, list[str]]] | None = None

    @classmethod
    def open(cls, path: Path, key: bytes, viewer: Viewer = STAFF, *, persistent: bool = True) -> DirectoryCache:
        """Open (or create) the cache at `path` for `viewer`; not `persistent`: a file for this run
        only, deleted on close. A provider's cache forgets at once the rows it may no longer see.

        A file of another schema version is deleted and rebuilt; a wrong key raises CacheUnreadableError.
        """
        private_dir(path.parent)
        conn = connect(path, key)
        try:
            version = _schema_version(conn)
        except sqlcipher.DatabaseError:
            conn.close()
            raise CacheUnreadableError(f"{path.name} cannot be read with this key") from None
        if version not in (None, SCHEMA_VERSION):
            conn.close()
            _remove(path)
            conn = connect(path, key)
            version = None
        if version is None:
            conn.executescript(SCHEMA)
        cache = cls(path, key, conn, persistent, viewer)
        cache.write_connection()  # here, off the loop: opening an SQLCipher connection takes ~10-30 ms
        cache.forget_hidden()
        return cache

    def write_connection(self) -> Any:
        """The writers' own connection (opened once; use it from one thread at a time)."""
        if self._writer is None:
            self._writer = connect(self.path, self._key, cache_mb=128)
        return self._writer

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
            _remove(self.path)
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

    # ---- queries ----

    def count(self, query: DirectoryQuery, conn: Any = None) -> int:
        """How many providers `query` matches (on `conn`, by default the event loop's connection)."""
        rows = self._execute(*count_sql(query, self.viewer), conn)
        return int(rows[0][0]) if rows else 0

    def rows(self, query: DirectoryQuery, offset: int, limit: int) -> list[ProviderRow]:
        """The rows `offset` to `offset + limit` of `query`'s result, in its order."""
        sql, params = rows_sql(query, offset, limit, self.viewer)
        today = params["today"]
        return [row_of(values, today) for values in self._execute(sql, params)]

    def _execute(self, sql: str, params: dict[str, Any], conn: Any = None) -> list[Any]:
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

    def version(self) -> int:
        """A number that changes whenever any connection wrote to the file (SQLite's data_version)."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def provider(self, provider_id: str) -> Provider | None:
        """The record of one provider as the server last sent it (None when the viewer may not see it;
        of another provider, a provider sees no private field)."""
        columns = ", ".join(f"p.{c}" for c in COLUMN_FIELDS)
        row = self._conn.execute(f"SELECT {columns}, j.body FROM providers p JOIN provider_json j "
                                 "ON j.body_id = p.body_id WHERE p.id = ?", (provider_id,)).fetchone()
        if row is None or not (self.viewer.staff or self.may_see(provider_id)):
            return None
        record = {f: v for f, v in zip(REST_FIELDS, orjson.loads(bytes(row[-1])), strict=False) if v is not None}
        record.update(zip(COLUMN_FIELDS, row[:-1], strict=False))
        record["is_active"] = bool(record["is_active"])
        if record.get("hospitals"):
            found = {h[0]: {"id": h[0], "name": h[1], "city": h[2]} for h in self._conn.execute(
                f"SELECT id, name, city FROM hospitals WHERE id IN ({', '.join('?' * len(record['hospitals']))})",
                record["hospitals"])}
            record["hospitals"] = [found[h] for h in record["hospitals"] if h in found]
        provider = parse_model(Provider, orjson.dumps(record))
        if self.viewer.staff or provider_id == self.viewer.own_id:
            return provider
        return provider.model_copy(update=PRIVATE_FIELDS)

    def may_see(self, provider_id: str) -> bool:
        """Whether the viewer may see the provider `provider_id` now (False when it is not cached)."""
        sql, params = visible_sql(self.viewer)
        return self._conn.execute(sql, {**params, "id": provider_id}).fetchone() is not None

    def forget_hidden(self) -> int:
        """Erase the rows the viewer may not see (none for staff) and hospitals no row links any more;
        how many providers. Run it off the event loop; after close() it does nothing."""
        if self.viewer.staff:
            return 0
        with self.write_lock:
            if self.closed:
                return 0
            conn = self.write_connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                hidden = conn.execute(*hidden_sql(self.viewer)).fetchall()
                if hidden:
                    forget_rows(conn, [row[0] for row in hidden], [row[1] for row in hidden])
                    conn.execute("DELETE FROM hospitals WHERE hid NOT IN (SELECT hid FROM provider_hospitals)")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
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
        with self.write_lock:
            if self.closed:
                return
            conn = self.write_connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?)",
                             (provider_id, document.sha256, document.content_type, document.content,
                              datetime.now(UTC).isoformat()))
                conn.execute("DELETE FROM documents WHERE provider_id IN (SELECT provider_id FROM (SELECT "
                             "provider_id, sum(length(body)) OVER (ORDER BY stored_at DESC, provider_id) AS used "
                             "FROM documents) WHERE used > ?)", (budget,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def size(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM providers").fetchone()[0])
