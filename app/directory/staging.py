"""The first fill of an empty cache from the change feed: pages staged, then made visible at once.

Writing 100,000 providers page by page into the indexed, name-ordered tables took 20 s (every
commit rewrote pages all over the indexes and the search index). A first fill instead stages each
page in the table `first_fill` (schema.STAGING_TABLE), in one transaction with its cursor as
always, and with the last page gives every row its name-ordered rowid, builds the indexes, the
links and the search index, and drops the staging table. A staged row keeps its hospitals' ids, so
a provider's later version replaces its links with its row. (A server with the snapshot fills
faster still: writer.Fill; this is the way for one without it, and for a fill begun this way.)

While `first_fill` exists the providers table stays empty: readers see "no providers yet", never
a half-indexed directory. A fill cut anywhere (cancelled, offline, crashed) resumes from its
cursor on the next sync, and the staging table only disappears in the transaction that makes
its rows visible.
"""
from __future__ import annotations

import orjson
from sqlcipher3.dbapi2 import Connection

from app.directory import order, schema
from app.directory.cache import DirectoryCache
from app.directory.schema import STAGING
from app.directory.writer import (
    Hospitals,
    Page,
    build_indexes,
    build_search,
    drop_indexes,
    end_page,
    latest_rows,
    next_body,
)

_COLUMNS = ", ".join(schema.ROW)
_STAGE = f"INSERT INTO {STAGING}({_COLUMNS}, hospitals) VALUES ({', '.join('?' * (len(schema.ROW) + 1))})"
_PUBLISH = (f"INSERT INTO providers(rid, {_COLUMNS}) SELECT row_number() OVER (ORDER BY name_key) * :step, "
            f"{_COLUMNS} FROM {STAGING} ORDER BY name_key")
_PUBLISH_LINKS = (f"INSERT OR IGNORE INTO provider_hospitals SELECT s.hid, p.rid FROM {STAGING} f, "
                  "json_each(f.hospitals) h JOIN hospitals s ON s.id = h.value JOIN providers p ON p.id = f.id "
                  "ORDER BY 1, 2")


class Staging:
    """Stages feed pages into an empty cache and publishes them with the last one (one writer at a time)."""

    def __init__(self, cache: DirectoryCache) -> None:
        self._cache = cache

    def wanted(self) -> bool:
        """Whether the next sync fills: one was started and not published, or the cache was never synced."""
        with self._cache.write_lock:
            synced = self._cache.write_connection().execute(
                "SELECT 1 FROM meta WHERE key = 'cursor' UNION ALL SELECT 1 FROM providers LIMIT 1").fetchone()
        return synced is None or self.started()

    def started(self) -> bool:
        """Whether a fill was started and not published (the next sync goes on with it)."""
        with self._cache.write_lock:
            return self._cache.write_connection().execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (STAGING,)).fetchone() is not None

    def write(self, page: Page) -> int:
        """Stage `page` and store its cursor in one transaction, publishing everything with the last page;
        how many providers it staged."""
        with self._cache.transaction() as conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {schema.STAGING_TABLE}")
            latest = latest_rows(page.rows, page.deleted)
            # a provider staged before and changed or erased since: its older version goes
            gone = [(pid,) for pid in [*latest, *page.deleted]]
            conn.executemany(f"DELETE FROM provider_json WHERE body_id = (SELECT body_id FROM {STAGING} "
                             "WHERE id = ?)", gone)
            conn.executemany(f"DELETE FROM {STAGING} WHERE id = ?", gone)
            first = next_body(conn)
            rows = list(latest.values())
            conn.executemany("INSERT INTO provider_json VALUES (?, ?)", [(first + n, row.body)
                                                                         for n, row in enumerate(rows)])
            Hospitals(conn).upsert({h[0]: h for row in rows for h in row.hospitals})  # the page's last word
            conn.executemany(_STAGE, [(row.key, *row.values, first + n, _ids(row)) for n, row in enumerate(rows)])
            if page.last:
                _publish(conn)
            end_page(conn, page)
        return len(rows)


def _ids(row: schema.Row) -> str | None:
    return orjson.dumps([h[0] for h in row.hospitals]).decode() if row.hospitals else None


def _publish(conn: Connection) -> None:
    """Give the staged rows name-ordered rowids, index them, and drop the staging table."""
    if conn.execute("SELECT EXISTS (SELECT 1 FROM providers)").fetchone()[0]:
        raise RuntimeError("a first fill is published only into an empty cache")
    count = int(conn.execute(f"SELECT count(*) FROM {STAGING}").fetchone()[0])
    drop_indexes(conn)
    conn.execute(_PUBLISH, {"step": order.fill_step(count)})
    build_indexes(conn)
    conn.execute(_PUBLISH_LINKS)
    build_search(conn)
    # the staged rows are copies of what was just published: zeroing their pages as they are freed
    # (SQLCipher's default secure_delete) only cost time: 0.6 s at 100,000 rows
    conn.execute("PRAGMA secure_delete = OFF")
    try:
        conn.execute(f"DROP TABLE {STAGING}")
    finally:
        conn.execute("PRAGMA secure_delete = ON")
