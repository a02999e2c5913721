"""Providers and feed pages for tests, written into a cache the way a sync writes them; what a fill left."""
from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import orjson

from app.directory.cache import DirectoryCache
from app.directory.database import INDEXES
from app.directory.schema import STAGING
from app.directory.sync import parse_page
from app.directory.writer import CacheWriter


def feed_page(results: list[dict[str, Any]], deleted: Sequence[str], cursor: str, more: bool) -> bytes:
    """A change feed page's body."""
    return orjson.dumps({"results": results, "deleted": list(deleted), "cursor": cursor, "has_more": more})


def write_page(cache: DirectoryCache, results: list[dict[str, Any]], deleted: Sequence[str] = (),
               cursor: str = "r1", *, more: bool = False) -> int:
    """Write a feed page into `cache` as an incremental sync does (the last page of a walk unless `more`)."""
    return CacheWriter(cache).write(parse_page(feed_page(results, deleted, cursor, more)))


def record(first: str, last: str, **fields: Any) -> dict[str, Any]:
    pid = fields.pop("id", None) or f"{first}-{last}-{random.random()}"
    base = {"id": pid, "first_name": first, "last_name": last, "full_name": f"{first} {last}",
            "professional_title": "Dr.", "professional_role": "Physician", "specialization": "Cardiology",
            "organization_facility": "City Clinic", "license_number": f"L-{abs(hash(pid)) % 10**8}",
            "license_status": "verified", "license_expiry_date": "2099-01-01", "email": f"{pid}@example.org",
            "is_active": True, "hospitals": [], "updated_at": "2026-01-01T00:00:00Z",
            "created_at": "2026-01-01T00:00:00Z"}
    return {**base, **fields}


def staged(cache: DirectoryCache) -> int:
    """Providers staged by an unpublished first fill (0 when none is pending)."""
    conn = cache.write_connection()
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (STAGING,)).fetchone() is None:
        return 0
    return int(conn.execute(f"SELECT count(*) FROM {STAGING}").fetchone()[0])


def assert_published(cache: DirectoryCache) -> None:
    """No staging table left, and every index of the schema there."""
    names = {row[0] for row in cache.write_connection().execute("SELECT name FROM sqlite_master")}
    assert STAGING not in names
    assert set(INDEXES) <= names
