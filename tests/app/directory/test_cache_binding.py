"""A cache written by the old SQLCipher binding (sqlcipher3-binary, schema version 5) is rebuilt,
never read: the binding changed for wheels on Windows and macOS (docs/platforms.md)."""
from __future__ import annotations

from pathlib import Path

from app.directory.cache import DirectoryCache
from app.directory.database import CURRENT, SCHEMA_VERSION, stored_schema

KEY = bytes(range(32))


def test_a_cache_of_the_old_binding_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    cache = DirectoryCache.open(path, KEY)
    writer = cache.write_connection()
    writer.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")  # what sqlcipher3-binary's wrote
    writer.execute("INSERT INTO meta VALUES ('written_by', 'sqlcipher3-binary')")
    cache.close()

    reopened = DirectoryCache.open(path, KEY)
    conn = reopened.write_connection()
    assert SCHEMA_VERSION > 5
    assert stored_schema(conn) == CURRENT
    assert conn.execute("SELECT value FROM meta WHERE key = 'written_by'").fetchone() is None, "rebuilt, not read"
    reopened.close()
