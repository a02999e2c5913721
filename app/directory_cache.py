"""The directory's offline cache: one encrypted SQLite file (SQLCipher, WAL, FTS5) per server and account.

Rows are stored so that their rowid (`rid`) follows the name order (last name, first name, id):
the FTS index then yields matches already sorted by name, so a first screen of a million-row
search is a short walk of the index, and a count never touches the providers table. `sync.py`
keeps that order when it writes. Reads here are indexed and run on the event loop; writes use
their own connection (`write_connection`) from a worker thread.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from app.models import DocumentFile, HospitalRef, Provider, parse_model

SCHEMA_VERSION = 5  # 4: the worklist's queue indexes; 5: 16 KiB pages
PAGE_SIZE = 16384
TEXT_COLUMNS = ("first_name", "last_name", "email", "license_number", "specialization", "organization_facility")
SORT_KEYS = ("name", "professional_role", "specialization", "organization_facility", "license_number",
             "license_status", "license_expiry_date", "email")
# the credentialing worklist's orders (the server's queue): registration, or expiry then registration
# ties broken by id, as the server's queue does (never by name: that would differ from the server)
WORKLIST_KEYS = {"created_at": ("created_at", "id"), "expiry_created": ("license_expiry_date", "created_at", "id")}
DOCUMENT_BUDGET = 256 * 1024 * 1024  # documents kept for offline review; the least recently stored go first
FACETS = ("professional_role", "professional_title", "specialization", "organization_facility")
MAX_WORDS = 8
ROW_COLUMNS = ("id", "full_name", "professional_title", "professional_role", "specialization",
               "organization_facility", "license_number", "license_status", "license_expiry_date", "email",
               "is_active", "created_at")
_WORD = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer keeps as one token
_EFFECTIVE_STATUS = ("CASE WHEN p.license_status = 'verified' AND p.license_expiry_date < :today "
                     "THEN 'expired' ELSE p.license_status END")

# the effective status as conditions the indexes on status and expiry serve (not one CASE per row)
_STATUS_CONDITIONS = {
    "expired": "(p.license_status = 'expired' OR (p.license_status = 'verified' AND p.license_expiry_date < :today))",
    "verified": "p.license_status = 'verified' AND (p.license_expiry_date IS NULL OR p.license_expiry_date >= :today)",
}

# the secondary indexes (a first fill builds them once, after its last row: first_fill.py)
INDEXES = {
    "providers_name": "providers(name_key)",
    "providers_active": "providers(is_active)",
    # the worklist's queues (credentialing.py): ordered reads and index-only counts at a million rows
    "providers_queue_created": "providers(license_status, is_active, created_at, id)",
    "providers_queue_expiry": "providers(license_status, is_active, license_expiry_date, created_at, id)",
    **{f"providers_{c}": f"providers({c})" for c in (*SORT_KEYS[1:], "professional_title")},
    "provider_hospitals_provider": "provider_hospitals(provider_id)",
}

SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE providers(
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name_key TEXT NOT NULL,
    first_name TEXT NOT NULL, last_name TEXT NOT NULL, full_name TEXT NOT NULL,
    professional_title TEXT NOT NULL, professional_role TEXT NOT NULL, specialization TEXT NOT NULL,
    organization_facility TEXT NOT NULL, license_number TEXT NOT NULL, license_status TEXT NOT NULL,
    license_expiry_date TEXT, email TEXT NOT NULL, is_active INTEGER NOT NULL, body_id INTEGER NOT NULL,
    created_at TEXT NOT NULL);
-- full records, appended in arrival order (a random-order key made sync writes 5 times slower)
CREATE TABLE provider_json(body_id INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE hospitals(id TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE provider_hospitals(hospital_id TEXT NOT NULL, provider_id TEXT NOT NULL,
    PRIMARY KEY (hospital_id, provider_id)) WITHOUT ROWID;
-- license documents opened for review, kept for offline reading (encrypted with the rest of the file)
CREATE TABLE documents(provider_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, content_type TEXT NOT NULL,
    body BLOB NOT NULL, stored_at TEXT NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE providers_fts USING fts5({", ".join(TEXT_COLUMNS)}, flags, content='',
    contentless_delete=1, detail=column, prefix='1 2', tokenize='unicode61 remove_diacritics 2');
{"".join(f"CREATE INDEX {name} ON {target};" for name, target in INDEXES.items())}
INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');
"""


log = logging.getLogger(__name__)


class CacheError(Exception):
    """The cache file cannot be used."""


class CacheUnreadableError(CacheError):
    """The file is not a cache this key opens (a wrong key, or not a database at all)."""


@dataclass(frozen=True)
class DirectoryQuery:
    """What the directory shows: search text, filters and order."""

    text: str = ""
    professional_role: str | None = None
    professional_title: str | None = None
    specialization: str | None = None
    organization_facility: str | None = None
    hospital_id: str | None = None
    license_status: str | None = None  # effective: "expired" includes verified-with-past-expiry
    expiring_within: int | None = None  # effective verified licenses expiring within this many days
    registered_after: str | None = None  # an ISO UTC time ("...T10:42:00.000000Z")
    is_active: bool | None = True  # None: all
    order_by: str = "name"  # "name" (last, first, id), one of SORT_KEYS or of WORKLIST_KEYS
    descending: bool = False


@dataclass(frozen=True, slots=True)
class ProviderRow:
    """One table row, with the effective license status."""

    id: str
    full_name: str
    professional_title: str
    professional_role: str
    specialization: str
    organization_facility: str
    license_number: str
    license_status: str
    license_expiry_date: str | None
    email: str
    is_active: bool
    created_at: str = ""  # as stored: sortable ISO UTC text


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


def _schema_version(conn: Any) -> int | None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if "meta" not in tables:
        return -1
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else -1


def match_expression(text: str, is_active: bool | None) -> str | None:
    """The FTS5 query for `text` (every word a prefix) and the active flag; None when neither applies.

    Words are taken as the tokenizer would split them and quoted, so no user text is FTS syntax.
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())[:MAX_WORDS]
    parts = []
    if words:
        terms = " AND ".join(f'"{word}"*' for word in words)
        parts.append(f"{{{' '.join(TEXT_COLUMNS)}}} : ({terms})")
    if is_active is not None and parts:
        parts.append(f'flags : "a{int(is_active)}"')
    return " AND ".join(parts) or None


def _row(values: tuple[Any, ...], today: str) -> ProviderRow:
    status, expiry = values[7], values[8]
    if status == "verified" and expiry is not None and expiry < today:
        status = "expired"
    return ProviderRow(values[0], values[1], values[2], values[3], values[4], values[5], values[6], status,
                       expiry, values[9], bool(values[10]), values[11])


class DirectoryCache:
    """The cache file, opened for reading on the event loop; see the module's docstring."""

    def __init__(self, path: Path, key: bytes, conn: Any, persistent: bool) -> None:
        self.path = path
        self.persistent = persistent
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
    def open(cls, path: Path | None, key: bytes) -> DirectoryCache:
        """Open (or create) the cache at `path`; None: a temporary file for this run, deleted on close.

        A file of another schema version is deleted and rebuilt; a wrong key raises CacheUnreadableError.
        """
        persistent = path is not None
        if path is None:
            handle, name = tempfile.mkstemp(prefix="providerdesk-directory-", suffix=".db")
            os.close(handle)
            path = Path(name)
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
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
        return cls(path, key, conn, persistent)

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

    def _where(self, query: DirectoryQuery, match: str | None) -> tuple[list[str], dict[str, Any]]:
        where: list[str] = []
        params: dict[str, Any] = {"today": date.today().isoformat()}
        for name in ("professional_role", "professional_title", "specialization", "organization_facility"):
            if (value := getattr(query, name)) is not None:
                where.append(f"p.{name} = :{name}")
                params[name] = value
        if query.license_status is not None:
            where.append(_STATUS_CONDITIONS.get(query.license_status, "p.license_status = :status"))
            params["status"] = query.license_status
        if query.expiring_within is not None:
            where.append("p.license_status = 'verified' AND p.license_expiry_date >= :today "
                         "AND p.license_expiry_date <= :horizon")
            params["horizon"] = (date.today() + timedelta(days=query.expiring_within)).isoformat()
        if query.registered_after is not None:
            where.append("p.created_at > :registered_after")
            params["registered_after"] = query.registered_after
        if query.hospital_id is not None:
            where.append("p.id IN (SELECT provider_id FROM provider_hospitals WHERE hospital_id = :hospital)")
            params["hospital"] = query.hospital_id
        if query.is_active is not None and match is None:
            # two values: the index helps the name order and counts, never another sort key's order (the
            # worklist's indexes hold it, after the status)
            plain = query.order_by == "name" or query.order_by in WORKLIST_KEYS
            where.append(("p" if plain else "+p") + ".is_active = :active")
            params["active"] = int(query.is_active)
        return where, params

    def _order(self, query: DirectoryQuery) -> str:
        way = " DESC" if query.descending else ""
        if query.order_by in WORKLIST_KEYS:
            return ", ".join(f"p.{column}{way}" for column in WORKLIST_KEYS[query.order_by])
        if query.order_by not in SORT_KEYS:
            raise ValueError(f"unknown sort key {query.order_by!r}")
        if query.order_by == "name":
            return f"p.rid{way}"
        column = _EFFECTIVE_STATUS if query.order_by == "license_status" else f"p.{query.order_by}"
        return f"{column}{way}, p.rid{way}"

    def _execute(self, sql: str, params: dict[str, Any], conn: Any = None) -> list[Any]:
        try:
            return list((conn or self._conn).execute(sql, params).fetchall())
        except sqlcipher.OperationalError as error:
            if "fts5" in str(error).lower():  # a query the tokenizer splits unlike our word pattern
                return []
            raise

    def count(self, query: DirectoryQuery, conn: Any = None) -> int:
        """How many providers `query` matches."""
        match = match_expression(query.text, query.is_active)
        where, params = self._where(query, match)
        if match is None and query.license_status == "expired":
            stored, past = self._expired_arms(query, "count(*)", ordered=False)
            sql = f"SELECT ({stored}) + ({past})"
        elif match is not None and not where:
            sql = "SELECT count(*) FROM providers_fts WHERE providers_fts MATCH :match"
        else:
            if match is not None:
                where.insert(0, "p.rid IN (SELECT rowid FROM providers_fts WHERE providers_fts MATCH :match)")
            sql = "SELECT count(*) FROM providers p" + (" WHERE " + " AND ".join(where) if where else "")
        rows = self._execute(sql, {**params, "match": match}, conn)
        return int(rows[0][0]) if rows else 0

    def counts_in_worker(self, queries: list[DirectoryQuery]) -> list[int] | None:
        """How many each query matches, on a connection of its own: for a worker thread, so that counts
        of a hundred thousand rows never hold the event loop. None once the cache is closed."""
        with self._side_lock:
            if self.closed:
                return None
            if self._side is None:
                self._side = connect(self.path, self._key)
            return [self.count(query, self._side) for query in queries]

    def rows(self, query: DirectoryQuery, offset: int, limit: int) -> list[ProviderRow]:
        """The rows `offset` to `offset + limit` of `query`'s result, in its order."""
        match = match_expression(query.text, query.is_active)
        where, params = self._where(query, match)
        order = self._order(query)
        columns = ", ".join(f"p.{c}" for c in ROW_COLUMNS)
        params.update(match=match, offset=max(0, offset), limit=max(0, limit))
        if match is None and query.license_status == "expired" and query.order_by in WORKLIST_KEYS:
            sql = self._expired_rows(query, columns)
        elif match is not None and not where and query.order_by == "name":
            way = " DESC" if query.descending else ""
            sql = (f"SELECT {columns} FROM (SELECT rowid AS r FROM providers_fts WHERE providers_fts MATCH :match "
                   f"ORDER BY rowid{way} LIMIT :limit OFFSET :offset) m JOIN providers p ON p.rid = m.r "
                   f"ORDER BY {order}")
        else:
            if match is not None:
                where.insert(0, "p.rid IN (SELECT rowid FROM providers_fts WHERE providers_fts MATCH :match)")
            condition = " WHERE " + " AND ".join(where) if where else ""
            sql = f"SELECT {columns} FROM providers p{condition} ORDER BY {order} LIMIT :limit OFFSET :offset"
        today = params["today"]
        return [_row(values, today) for values in self._execute(sql, params)]

    def _expired_arms(self, query: DirectoryQuery, columns: str, *, ordered: bool) -> tuple[str, str]:
        """The two kinds of expired license as two queries: stored expired, and verified past the date.

        Read apart, each uses the worklist's indexes; as one OR, SQLite walks every active row. When
        `ordered`, the date test is kept off the index (`+`), so the second arm too reads in queue order.
        """
        where, _ = self._where(replace(query, license_status=None), None)
        rest = "".join(f" AND {condition}" for condition in where)
        past = "+p.license_expiry_date < :today" if ordered else "p.license_expiry_date < :today"
        return (f"SELECT {columns} FROM providers p WHERE p.license_status = 'expired'{rest}",
                f"SELECT {columns} FROM providers p WHERE p.license_status = 'verified' AND {past}{rest}")

    def _expired_rows(self, query: DirectoryQuery, columns: str) -> str:
        """Expired in a worklist order: both arms read in index order and merged (SQLite merges the
        ordered arms of a UNION ALL with ORDER BY; one OR would read and sort them all)."""
        keys = ", ".join(f"{ROW_COLUMNS.index(c) + 1}{' DESC' if query.descending else ''}"
                         for c in WORKLIST_KEYS[query.order_by])
        stored, past = self._expired_arms(query, columns, ordered=True)
        return f"{stored} UNION ALL {past} ORDER BY {keys} LIMIT :limit OFFSET :offset"

    def version(self) -> int:
        """A number that changes whenever any connection wrote to the file (SQLite's data_version)."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def provider(self, provider_id: str) -> Provider | None:
        """The full record of one provider, as the server last sent it."""
        row = self._conn.execute("SELECT j.body FROM providers p JOIN provider_json j ON j.body_id = p.body_id "
                                 "WHERE p.id = ?", (provider_id,)).fetchone()
        return None if row is None else parse_model(Provider, bytes(row[0]))

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
