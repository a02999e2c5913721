"""The write side on its own: a first fill from the feed staged and published, rows kept in name order
when the gaps between rowids run out, a malformed page refused whole."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from app.api import errors
from app.directory import order, sync, writer
from app.directory.cache import DirectoryCache
from app.directory.query import DirectoryQuery
from app.directory.schema import name_key
from app.directory.staging import Staging
from app.directory.sync import parse_page
from tests.app.directory.feed import assert_published, feed_page, record, staged, write_page

KEY = bytes(range(32))
ALL = DirectoryQuery(is_active=None)


def test_first_fill_keeps_the_latest_version_and_forgets_erased_providers(tmp_path: Path) -> None:
    cache = DirectoryCache.open(tmp_path / "c.db", KEY)
    fill = Staging(cache)
    north, south = {"id": "h1", "name": "North", "city": "Oslo"}, {"id": "h2", "name": "South", "city": "Rome"}
    try:
        assert fill.wanted()
        pages = [
            ([record("Ann", "Lee", id="a", hospitals=[north]), record("Bob", "Ray", id="b"),
              record("Cy", "Ox", id="c", hospitals=[south])], [], True),
            ([record("Ann", "Lee", id="a"), record("Bo", "Ray", id="b", hospitals=[south]),
              record("Bob", "Aho", id="b", hospitals=[north]), record("Di", "Ek", id="d", hospitals=None)],
             ["c"], False),
        ]
        for n, (results, deleted, more) in enumerate(pages):
            page = parse_page(feed_page(results, deleted, f"r{n}", more))
            assert (page.cursor, not page.last, len(page.rows), len(page.deleted)) == (f"r{n}", more, len(results),
                                                                                        len(deleted))
            fill.write(page)
        assert not fill.wanted()
        assert [(r.id, r.full_name) for r in cache.rows(ALL, 0, 10)] == [("b", "Bob Aho"), ("d", "Di Ek"),
                                                                        ("a", "Ann Lee")]
        assert [r.id for r in cache.rows(DirectoryQuery(hospital_id="h1"), 0, 10)] == ["b"]
        assert cache.rows(DirectoryQuery(hospital_id="h2"), 0, 10) == []
        assert cache.count(DirectoryQuery(text="ox", is_active=None)) == 0
        assert cache.count(DirectoryQuery(text="aho")) == 1
        assert cache.cursor == "r1"
        assert cache.write_connection().execute("SELECT count(*) FROM provider_json").fetchone()[0] == 3
        assert_published(cache)
        hashsize = cache.write_connection().execute("SELECT v FROM providers_fts_config WHERE k = 'hashsize'")
        assert hashsize.fetchone()[0] == writer.FTS_HASHSIZE, "the search index's build setting is undone"
        assert not fill.wanted(), "a published cache is synced page by page from then on"
    finally:
        cache.close()


def test_a_malformed_page_in_a_first_fill_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    cache = DirectoryCache.open(tmp_path / "c.db", KEY)
    fill = Staging(cache)
    try:
        fill.write(parse_page(feed_page([record("Ann", "Lee", id="a")], [], "r1", True)))
        bad = {"results.email": record("Cy", "Ox", email=None), "results.last_name": record("Cy", "Ox", last_name=3),
               "results.id": {"first_name": "x"}, "results": "not an item",
               "results.hospitals": record("Cy", "Ox", hospitals=[{"id": "h"}])}
        for where, item in bad.items():
            with pytest.raises(errors.BadResponseError) as refused:
                fill.write(parse_page(feed_page([record("Bob", "Ray"), item], ["a"], "r2", False)))
            assert refused.value.where == where
        assert staged(cache) == 1
        assert cache.cursor == "r1"
        for body in (b'{"results": 3}', b"not json", b"[]"):
            with pytest.raises(errors.BadResponseError):
                fill.write(parse_page(body))
    finally:
        cache.close()


def test_writer_keeps_name_order_when_gaps_run_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(order, "RID_SPACE", 1 << 12)
    monkeypatch.setattr(order, "END_GAP", 1)
    rng = random.Random(5)
    cache = DirectoryCache.open(tmp_path / "c.db", KEY)
    try:
        made: dict[str, dict[str, Any]] = {}
        for n in range(30):
            page = [record(rng.choice("ABCDE") + str(rng.randint(0, 99)), rng.choice("VWXYZ")) for _ in range(20)]
            moved = [dict(made[pid], last_name="Moved" + str(n)) for pid in rng.sample(sorted(made), min(5, len(made)))]
            gone = rng.sample(sorted(made), min(3, len(made)))
            for item in page + moved:
                made[item["id"]] = item
            for pid in gone:
                made.pop(pid)
            write_page(cache, page + moved, gone, f"r{n}", more=n != 29)
            rows = cache.rows(ALL, 0, 10_000)
            keys = [name_key(made[r.id]["first_name"], made[r.id]["last_name"], r.id) for r in rows]
            assert keys == sorted(name_key(i["first_name"], i["last_name"], i["id"]) for i in made.values())
            assert cache.count(DirectoryQuery(text="moved", is_active=None)) == sum(
                i["last_name"].startswith("Moved") for i in made.values())
    finally:
        cache.close()


def test_a_malformed_page_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    cache = DirectoryCache.open(tmp_path / "c.db", KEY)
    try:
        write_page(cache, [record("Ann", "Lee", id="a")])
        with pytest.raises(errors.BadResponseError) as refused:
            write_page(cache, [record("Bob", "Ray"), record("Cy", "Ox", email=None)], ["a"], "r2")
        assert refused.value.where == "results.email"
        assert cache.size() == 1
        assert cache.cursor == "r1"
        with pytest.raises(errors.BadResponseError):
            sync.parse_page(b'{"results": 3}')
    finally:
        cache.close()
