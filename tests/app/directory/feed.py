"""Feed pages for tests: written into a cache the way a sync writes them (parsed, then one transaction)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from app.directory.cache import DirectoryCache
from app.directory.sync import parse_page
from app.directory.writer import CacheWriter


def feed_page(results: list[dict[str, Any]], deleted: Sequence[str], cursor: str, more: bool) -> bytes:
    """A change feed page's body."""
    return orjson.dumps({"results": results, "deleted": list(deleted), "cursor": cursor, "has_more": more})


def write_page(cache: DirectoryCache, results: list[dict[str, Any]], deleted: Sequence[str] = (),
               cursor: str = "r1", *, more: bool = False) -> int:
    """Write a feed page into `cache` as an incremental sync does (the last page of a walk unless `more`)."""
    return CacheWriter(cache).write(parse_page(feed_page(results, deleted, cursor, more)))
