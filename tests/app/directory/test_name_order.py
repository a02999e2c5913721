"""The desktop's cache sorts names as the server does (contract/names.py): the list, a search, a later edit."""
from __future__ import annotations

from pathlib import Path

import httpx

from app.directory.cache import DirectoryCache
from app.directory.query import DirectoryQuery
from tests.app.directory.test_sync import ALL, KEY, synced
from tests.helpers.factories import all_ids, unique
from tests.helpers.live_server import LiveServer
from tests.server.test_name_order import READER_ORDER, in_order_of, made_in_reverse


def test_the_cache_sorts_names_as_the_server_lists_them(live_server: LiveServer, admin: httpx.Client,
                                                        tmp_path: Path) -> None:
    organization = f"Nameorder Cache {unique()}"
    made = made_in_reverse(admin, organization)
    path = tmp_path / "c.db"
    synced(live_server, path)
    expected = [last for _, last in READER_ORDER]
    cache = DirectoryCache.open(path, KEY)
    try:
        assert in_order_of([row.id for row in cache.rows(ALL, 0, 1_000_000)], made) == expected
        found = cache.rows(DirectoryQuery(text=organization), 0, 100)
        assert in_order_of([row.id for row in found], made) == expected
    finally:
        cache.close()
    # an edit moves the provider to its new place, in the cache as on the server
    assert admin.patch(f"/providers/{made[-1]['id']}/", json={"last_name": "Ángel"}).status_code == 200
    made[-1]["last_name"] = "Ángel"
    synced(live_server, path)
    cache = DirectoryCache.open(path, KEY)
    try:
        listed = [row.id for row in cache.rows(ALL, 0, 1_000_000)]
    finally:
        cache.close()
    assert in_order_of(listed, made) == ["Ángel", *expected[:-1]]
    assert in_order_of(all_ids(admin, "/providers/", is_active="true"), made) == ["Ángel", *expected[:-1]]
