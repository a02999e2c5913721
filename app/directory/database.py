"""The cache's file: its tables and their shape, the check that a file has them, keyed SQLCipher connections."""
from __future__ import annotations

import hashlib
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlcipher3.dbapi2 import Connection

from app.directory import schema
from app.directory.query import SORT_KEYS
from app.private_files import private_dir, private_file

# 4: the worklist's queue indexes; 5: 16 KiB pages; 6: compact records, fewer indexes, and written by
# sqlcipher3 (SQLCipher 4.19): a file of sqlcipher3-binary (4.12, version 5) is rebuilt, not trusted;
# 7: the shape (SHAPE, below) stored beside it. A change of the tables' shape needs no new number;
# 8: the name order folds accents (contract/names.py), so the stored name keys of 7 are stale.
SCHEMA_VERSION = 8
PAGE_SIZE = 16384
# the secondary indexes (a first fill builds them once, after its last row: writer.py). Not here:
# license_status alone (the queue indexes begin with it; its sort order is the effective status, a CASE)
INDEXES = {
    "providers_id": "providers(id)",  # unique (create_index): built after a fill's rows like the others
    "providers_name": "providers(name_key)",
    "providers_active": "providers(is_active)",
    # the worklist's queues (app/credentialing/worklist.py): ordered reads and index-only counts at a million rows
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


TABLES = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE {schema.PROVIDERS_TABLE};
-- the rest of each record (schema.Row.body: the fields that are not columns, hospitals by id),
-- appended in arrival order (a random-order key made sync writes 5 times slower)
CREATE TABLE provider_json(body_id INTEGER PRIMARY KEY, body BLOB NOT NULL);
-- links by number (a hospital's `hid`, a provider's `rid`): two ids as text took 160 bytes a provider
CREATE TABLE hospitals(hid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, city TEXT NOT NULL);
CREATE TABLE provider_hospitals(hid INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (hid, rid)) WITHOUT ROWID;
-- license documents opened for review, kept for offline reading (encrypted with the rest of the file)
CREATE TABLE documents(provider_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, content_type TEXT NOT NULL,
    body BLOB NOT NULL, stored_at TEXT NOT NULL) WITHOUT ROWID;
-- staff only: the server's open and decided screening flags, replaced whole after each sync (flags.py)
-- with each flag's answer as the server gave it (`body`: its evidence and decision, read offline)
CREATE TABLE screening_flags(id TEXT PRIMARY KEY, provider_id TEXT NOT NULL, kind TEXT NOT NULL, decision TEXT,
    body BLOB NOT NULL) WITHOUT ROWID;
CREATE INDEX screening_flags_kind ON screening_flags(kind, decision, provider_id);
-- staff only: each verified provider's recredentialing due date, replaced whole after each sync (clocks.py)
CREATE TABLE recredentialing(provider_id TEXT PRIMARY KEY, due TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX recredentialing_due ON recredentialing(due, provider_id);
CREATE VIRTUAL TABLE providers_fts USING {schema.SEARCH_INDEX};
{"".join(f"{create_index(name)};" for name in INDEXES)}
"""
# what the file's tables look like (and a record's array, and the first fill's staging table): a file
# of another shape is rebuilt, as one of another SCHEMA_VERSION is
SHAPE = hashlib.sha256("\n".join((TABLES, schema.STAGING_TABLE, *schema.RECORD)).encode()).hexdigest()[:16]
SCHEMA = f"""{TABLES}
INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'), ('shape', '{SHAPE}');
"""


class CacheError(Exception):
    """The cache file cannot be used."""


class CacheUnreadableError(CacheError):
    """The file is not a cache this key opens (a wrong key, or not a database at all)."""


def connect(path: Path, key: bytes, *, cache_mb: int = 32) -> Connection:
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


def _keyed(path: Path, key: bytes, page_size: int) -> Connection | None:
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


def remove(path: Path) -> None:
    """Delete the cache file at `path` with its write-ahead log and shared memory files."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)


def stored_schema(conn: Connection) -> tuple[str, str] | None:
    """The schema version and shape a file says it has (None: an empty file; "" where it says nothing)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if "meta" not in tables:
        return ("", "")
    found = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('schema_version', 'shape')").fetchall())
    return (str(found.get("schema_version", "")), str(found.get("shape", "")))


CURRENT = (str(SCHEMA_VERSION), SHAPE)




def open_current(path: Path, key: bytes) -> Connection:
    """A connection to the cache at `path` with this version's tables: a new file gets them, a file of
    another version or shape is deleted and made again; a wrong key raises CacheUnreadableError."""
    private_dir(path.parent)
    conn = connect(path, key)
    try:
        stored = stored_schema(conn)
    except sqlcipher.DatabaseError:
        conn.close()
        raise CacheUnreadableError(f"{path.name} cannot be read with this key") from None
    if stored not in (None, CURRENT):
        conn.close()
        remove(path)
        conn = connect(path, key)
        stored = None
    if stored is None:
        conn.executescript(SCHEMA)
    return conn
