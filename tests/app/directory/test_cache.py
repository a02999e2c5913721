"""DirectoryCache: encryption, schema rebuild, search and filters (checked against the server), keys."""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring.backends.fail
import pytest

from app.directory.cache import DirectoryCache
from app.directory.database import CacheUnreadableError
from app.directory.keys import cache_for, key_entry
from app.directory.query import DirectoryQuery
from app.directory.sync import DirectorySync
from app.session.token_store import SERVICE
from contract.names import sort_name
from tests.app.directory.feed import record, write_page
from tests.app.directory.test_sync import admin_client, server_providers
from tests.helpers.aio import run
from tests.helpers.factories import create_provider
from tests.helpers.live_server import LiveServer
from tests.helpers.memory_keyring import MemoryKeyring

KEY = bytes(range(32))
PEOPLE = [record("John", "Smith", id="1"), record("Joanna", "Smithers", id="2"), record("John", "Doe", id="3"),
          record("Jo", "Smit", id="4", is_active=False), record("Björn", "Ødegaard", id="5", email="bo@x.org"),
          record("Mary", "Jones", id="6", license_status="verified", license_expiry_date="2001-01-01",
                 specialization="Neurology", professional_role="Specialist",
                 hospitals=[{"id": "h1", "name": "North", "city": "Oslo"}])]


@pytest.fixture
def people(tmp_path: Path) -> Iterator[DirectoryCache]:
    cache = DirectoryCache.open(tmp_path / "p.db", KEY)
    write_page(cache, PEOPLE, cursor="r6")
    yield cache
    cache.close()


def ids(cache: DirectoryCache, **query: Any) -> list[str]:
    return [row.id for row in cache.rows(DirectoryQuery(**query), 0, 1000)]


def test_every_word_is_a_prefix(people: DirectoryCache) -> None:
    assert ids(people, text="jo smi") == ["1", "2"]
    assert ids(people, text="jo smi", is_active=None) == ["4", "1", "2"]
    assert ids(people, text="SMITH jo") == ["1", "2"]
    assert ids(people, text="ØDEG bjo") == ["5"], "case and diacritics (ö) do not matter"
    assert ids(people, text="bo@x") == ["5"], "an email prefix"
    assert ids(people, text="jo smi", descending=True) == ["2", "1"]
    assert people.count(DirectoryQuery(text="jo smi")) == 2
    assert people.count(DirectoryQuery(text="jo smi", is_active=None)) == 3
    assert ids(people, text="jo smi", is_active=False) == ["4"]
    assert people.count(DirectoryQuery(text="s", is_active=False)) == 1


def test_a_word_like_the_active_flag_finds_only_what_people_wrote(people: DirectoryCache) -> None:
    for text in ("a", "a1", "a0", "a smi"):  # the search index keeps "a1" / "a0" for active / inactive
        assert people.count(DirectoryQuery(text=text, is_active=None)) == 0, text
        assert ids(people, text=text) == [], text
    assert ids(people, text="jo", is_active=True) == ["3", "6", "1", "2"], "Jones too"


def test_filters_facets_hospitals_and_effective_status(people: DirectoryCache) -> None:
    mary = people.rows(DirectoryQuery(text="mary"), 0, 1)[0]
    assert mary.license_status == "expired", "verified with a past expiry reads as expired"
    assert ids(people, license_status="expired") == ["6"]
    assert ids(people, license_status="verified") == ["3", "1", "2", "5"]
    assert ids(people, hospital_id="h1") == ["6"]
    assert ids(people, professional_role="Specialist", text="jon") == ["6"]
    assert ids(people, is_active=False) == ["4"]
    assert ids(people, order_by="specialization") == ["3", "1", "2", "5", "6"]
    assert ids(people, order_by="license_status", descending=True)[-1] == "6"
    facets = people.facets()
    assert facets["specialization"] == ["Cardiology", "Neurology"]
    assert facets["professional_role"] == ["Physician", "Specialist"]
    assert [h.name for h in people.hospitals()] == ["North"]
    detail = people.provider("6")
    assert detail is not None
    assert detail.hospitals[0].city == "Oslo"
    assert people.provider("nope") is None
    assert people.size() == 6
    assert people.count(DirectoryQuery()) == 5


HOSTILE = ['"', "'", "*", "jo*", "NEAR(jo smi)", "(", ")", "a AND", "OR", "NOT x", "^jo", "first_name:jo",
           "{first_name}: jo", "\x00", "💥", "é", "ß", "-", "+", "   ", 'a"b', "x" * 10_000, "ǅ", "مرحبا",
           "z̷̢͕", "\u200b", "a_b", "jo-smi", "o'brien", "%", "\\", "a;DROP TABLE providers", "\uff4a\uff4f", "İ"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(people: DirectoryCache, text: str) -> None:
    for active in (True, None):
        query = DirectoryQuery(text=text, is_active=active, professional_role="Physician" if active else None)
        assert people.count(query) == len(people.rows(query, 0, 100))


def test_the_file_is_unreadable_without_the_key(people: DirectoryCache) -> None:
    path = people.path
    people.close()
    raw = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))
    for secret in (b"Smithers", b"Joanna", "Ødegaard".encode(), b"bo@x.org"):
        assert secret not in raw
    with pytest.raises(CacheUnreadableError):
        DirectoryCache.open(path, bytes(32))
    again = DirectoryCache.open(path, KEY)
    assert again.size() == 6
    again.close()


def test_an_older_schema_version_is_rebuilt(people: DirectoryCache) -> None:
    path = people.path
    people.write_connection().execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    people.close()
    rebuilt = DirectoryCache.open(path, KEY)
    try:
        assert rebuilt.size() == 0
        assert rebuilt.cursor is None
        assert rebuilt.last_full_sync is None
    finally:
        rebuilt.close()


def test_cache_for_keeps_the_key_in_the_keyring(tmp_path: Path) -> None:
    backend = MemoryKeyring()

    async def body() -> None:
        cache = await cache_for(tmp_path, "http://s/api/v1/", "Ann@x.org", backend=backend)
        assert cache.persistent
        assert cache.reason is None
        write_page(cache, PEOPLE[:1])
        cache.close()
        assert len(backend.passwords[(SERVICE, key_entry("http://s/api/v1", "ann@x.org"))]) == 64
        again = await cache_for(tmp_path, "http://s/api/v1", "ann@x.org", backend=backend)
        assert again.size() == 1
        again.close()
        backend.passwords.clear()  # a lost key: the old file cannot be read, so it is started again
        fresh = await cache_for(tmp_path, "http://s/api/v1", "ann@x.org", backend=backend)
        assert fresh.size() == 0
        fresh.close()

    run(body)


def test_an_insecure_keyring_gives_a_temporary_cache(tmp_path: Path) -> None:
    async def body() -> None:
        cache = await cache_for(tmp_path, "http://s", "ann", backend=keyring.backends.fail.Keyring())
        assert not cache.persistent
        assert cache.reason is not None
        assert "system keyring" in cache.reason
        write_page(cache, PEOPLE)
        assert cache.count(DirectoryQuery(text="jo smi")) == 2
        path = cache.path
        # in the private data folder, never in /tmp: a killed run's is deleted at the next start
        assert path.parent == tmp_path / "temporary"
        if os.name != "nt":
            assert path.stat().st_mode & 0o777 == 0o600
        cache.close()
        assert not path.exists()

    run(body)


def _words(row: dict[str, Any]) -> list[str]:
    fields = ("first_name", "last_name", "email", "license_number", "specialization", "organization_facility")
    text = unicodedata.normalize("NFKD", " ".join(row[f] for f in fields).casefold())
    return re.findall(r"[^\W_]+", "".join(c for c in text if not unicodedata.combining(c)))


def _server_rows(admin: httpx.Client, params: dict[str, str]) -> list[dict[str, Any]]:
    body = admin.get("/providers/", params={**params, "page_size": 500}).json()
    assert body["next"] is None, "the test data fits one page"
    return list(body["results"])


QUERIES = [({"text": "smi"}, {"search": "smi"}), ({"text": "a"}, {"search": "a"}),
           ({"text": "jo smi"}, {"search": "jo smi"}), ({"text": "cardio"}, {"search": "cardio"}),
           ({"text": "", "professional_role": "Physician"}, {"professional_role": "Physician"}),
           ({"text": "m", "license_status": "expired"}, {"search": "m", "license_status": "expired"}),
           ({"text": "e", "is_active": False}, {"search": "e", "is_active": "false"}),
           ({"text": "", "specialization": "Cardiology", "is_active": None}, {"specialization": "Cardiology"})]


def test_search_and_filters_match_the_server_list(
    live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    create_provider(admin, first_name="Johnny", last_name="Smithson")
    stale = create_provider(admin, first_name="Gone", last_name="Smithy")
    admin.delete(f"/providers/{stale['id']}/")

    async def body() -> None:
        client = await admin_client(live_server)
        cache = DirectoryCache.open(tmp_path / "c.db", KEY)
        try:
            await DirectorySync(client, cache).run()
            for ours, theirs in QUERIES:
                query = DirectoryQuery(**ours)
                if query.is_active is None:
                    expected = [r for a in ("true", "false") for r in _server_rows(admin, {**theirs, "is_active": a})]
                    expected.sort(key=lambda r: (sort_name(r["first_name"], r["last_name"]), r["id"]))
                else:
                    expected = _server_rows(admin, theirs)
                words = query.text.split()
                expected = [r for r in expected if all(any(w.startswith(q) for w in _words(r)) for q in words)]
                got = cache.rows(query, 0, 10_000)
                assert [r.id for r in got] == [r["id"] for r in expected], ours
                assert cache.count(query) == len(expected), ours
                assert [(r.full_name, r.license_status) for r in got] == [
                    (r["full_name"], r["license_status"]) for r in expected]
            assert cache.size() == len(server_providers(admin))
        finally:
            cache.close()
            await client.aclose()

    run(body)
