"""The worklist's queries on the cache: the server's queue order (ties by id), counts, the expired merge,
and the documents kept for offline review (a byte budget, nothing after close)."""
from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.api.models import DocumentFile
from app.credentialing.worklist import QUEUES, license_alert
from app.directory.cache import DirectoryCache
from app.directory.query import DirectoryQuery
from app.directory.schema import sortable_time
from app.directory.writer import CacheWriter
from bench.directory_cache import synthetic
from tests.app.directory.feed import write_page

KEY = bytes(range(32))


def worklist_items() -> list[dict[str, Any]]:
    """500 providers: registration times with many ties, every status, expiry dates around today."""
    today = date.today()
    rng = random.Random(7)
    items = synthetic(500)
    for n, item in enumerate(items):
        day = today - timedelta(days=rng.randint(0, 30))
        # a third share one second with others (ties), the rest have microseconds; one offset spelling
        item["created_at"] = (f"{day}T09:00:00Z" if n % 3 == 0 else f"{day}T09:00:00.{rng.randint(0, 999999):06d}Z"
                              if n % 3 == 1 else f"{day}T11:00:00+02:00")
        item["license_status"] = rng.choice(["verified", "verified", "pending_verification", "rejected", "expired"])
        item["license_expiry_date"] = (None if rng.random() < 0.1 else
                                       str(today + timedelta(days=rng.randint(-60, 120))))
    return items


@pytest.fixture(scope="module")
def worklist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DirectoryCache, list[dict[str, Any]]]]:
    items = worklist_items()
    cache = DirectoryCache.open(tmp_path_factory.mktemp("worklist") / "w.db", KEY)
    for start in range(0, len(items), 120):  # the sync's own path, page by page
        write_page(cache, items[start:start + 120], cursor=f"r{start}", more=True)
    yield cache, items
    cache.close()


def effective(item: dict[str, Any]) -> str:  # today as the cache reads it: when asked
    expiry = item["license_expiry_date"]
    if item["license_status"] == "verified" and expiry is not None and expiry < date.today().isoformat():
        return "expired"
    return str(item["license_status"])


def expected(items: list[dict[str, Any]], query: DirectoryQuery) -> list[str]:
    """The server's queue for `query`, computed here: active, the status or expiry window, its order."""
    chosen = [i for i in items if i["is_active"]]
    if query.expiring_within is not None:
        horizon = (date.today() + timedelta(days=query.expiring_within)).isoformat()
        chosen = [i for i in chosen if effective(i) == "verified" and i["license_expiry_date"] is not None
                  and i["license_expiry_date"] <= horizon]
        key = lambda i: (i["license_expiry_date"], sortable_time(i["created_at"]), i["id"])  # noqa: E731
    else:
        chosen = [i for i in chosen if effective(i) == query.license_status]
        key = lambda i: (sortable_time(i["created_at"]), i["id"])  # noqa: E731
    return [i["id"] for i in sorted(chosen, key=key)]


@pytest.mark.parametrize("queue", QUEUES, ids=[q.key for q in QUEUES])
def test_each_queue_is_the_servers_order_with_ties_by_id(
    worklist: tuple[DirectoryCache, list[dict[str, Any]]], queue: Any
) -> None:
    cache, items = worklist
    want = expected(items, queue.query)
    assert len(want) > 10
    assert [r.id for r in cache.rows(queue.query, 0, 1000)] == want
    assert cache.count(queue.query) == len(want)
    pages = [r.id for start in range(0, len(want), 7) for r in cache.rows(queue.query, start, 7)]
    assert pages == want, "block by block (the table model's reads) gives the same rows"
    backwards = [r.id for r in cache.rows(replace(queue.query, descending=True), 0, 1000)]
    assert backwards == want[::-1]


def test_the_alert_counts_new_pending_after_the_last_one_told(
    worklist: tuple[DirectoryCache, list[dict[str, Any]]]
) -> None:
    cache, items = worklist
    first = license_alert(cache, since=None)
    pending = expected(items, DirectoryQuery(license_status="pending_verification"))
    assert first.newly_pending == first.pending == len(pending)
    assert first.latest_pending == max(sortable_time(i["created_at"]) for i in items if i["id"] in pending)
    again = license_alert(cache, since=first.latest_pending)
    assert again.newly_pending == 0
    assert again.latest_pending == first.latest_pending
    assert again.expiring == len(expected(items, DirectoryQuery(expiring_within=30)))


def document(n: int, size: int) -> DocumentFile:
    return DocumentFile(bytes([n]) * size, "application/pdf", f"{n:064x}")


def test_documents_keep_the_newest_within_the_budget(tmp_path: Path) -> None:
    cache = DirectoryCache.open(tmp_path / "d.db", KEY)
    try:
        for n in range(5):
            cache.store_document(f"p{n}", document(n, 1000), budget=3000)
        assert [cache.document(f"p{n}") is not None for n in range(5)] == [False, False, True, True, True]
        assert cache.document("p4", sha256=f"{4:064x}") == document(4, 1000)
        assert cache.document("p4", sha256="another") is None, "a newer upload on the server is not this one"
        cache.store_document("p2", document(9, 1000), budget=3000)  # the same provider's newer document
        assert cache.document("p2") == document(9, 1000)
    finally:
        cache.close()


def test_storing_after_close_does_nothing_and_never_hangs(tmp_path: Path) -> None:
    cache = DirectoryCache.open(tmp_path / "c.db", KEY)
    cache.close()
    done = threading.Event()

    def store() -> None:
        cache.store_document("p1", document(1, 10))
        done.set()

    threading.Thread(target=store, daemon=True).start()
    assert done.wait(5), "a document arriving after close must not wait for the lock forever"
    reopened = DirectoryCache.open(tmp_path / "c.db", KEY)
    try:
        assert reopened.document("p1") is None
    finally:
        reopened.close()


def test_own_changes_show_at_once_and_erasures_take_their_documents(tmp_path: Path) -> None:
    items = synthetic(30)
    cache = DirectoryCache.open(tmp_path / "o.db", KEY)
    try:
        write_page(cache, items, cursor="r30")
        first = items[0]
        decided = {**first, "license_status": "rejected", "license_note": "Illegible scan."}
        CacheWriter(cache).put([decided])
        assert cache.cursor == "r30", "the cursor stays: the next sync brings the change again"
        row = cache.rows(DirectoryQuery(text=first["license_number"]), 0, 5)
        assert [(r.id, r.license_status) for r in row] == [(first["id"], "rejected")]
        provider = cache.provider(first["id"])
        assert provider is not None
        assert provider.license_note == "Illegible scan."
        assert cache.size() == 30
        cache.store_document(first["id"], document(1, 100))
        write_page(cache, [], [first["id"]], "r31")
        assert cache.document(first["id"]) is None, "an erased provider's document is forgotten with it"
        assert cache.size() == 29
    finally:
        cache.close()
