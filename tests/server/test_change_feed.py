"""The change feed delivers every provider write exactly once, even while writes go on."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.helpers.factories import create_provider
from tests.helpers.live_server import LiveServer, SignIns


def walk(client: httpx.Client, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], list[str], str]:
    """Follow the feed from `cursor` until it says there is no more."""
    results: list[dict[str, Any]] = []
    deleted: list[str] = []
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["since"] = cursor
        page = client.get("/providers/changes/", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        results += body["results"]
        deleted += body["deleted"]
        cursor = body["cursor"]
        if not body["has_more"]:
            return results, deleted, cursor


def test_feed_walks_everything_once(admin: httpx.Client) -> None:
    everything, _, cursor = walk(admin, None, 17)
    ids = [row["id"] for row in everything]
    assert len(ids) == len(set(ids)), "a provider was delivered twice in one walk"
    total = admin.get("/providers/", params={"is_active": "true"}).json()["count"]
    inactive = admin.get("/providers/", params={"is_active": "false"}).json()["count"]
    assert len(ids) == total + inactive
    again, deleted, same_cursor = walk(admin, cursor, 17)
    assert again == []
    assert deleted == []
    assert same_cursor == cursor


def test_feed_sends_a_change_after_the_cursor(admin: httpx.Client) -> None:
    _, _, cursor = walk(admin, None, 5000)
    created = create_provider(admin)
    admin.patch(f"/providers/{created['id']}/", json={"bio": "changed"}).raise_for_status()
    admin.delete(f"/providers/{created['id']}/").raise_for_status()
    results, deleted, _ = walk(admin, cursor, 10)
    assert [row["id"] for row in results] == [created["id"]]
    assert results[0]["bio"] == "changed"
    assert results[0]["is_active"] is False
    assert deleted == []


def test_feed_rejects_a_cursor_it_never_gave(admin: httpx.Client) -> None:
    for cursor in ("nonsense", "r-1", "r12x", "1" * 40):
        answer = admin.get("/providers/changes/", params={"since": cursor})
        assert answer.status_code == 400, cursor
        assert "since" in answer.json()


def writes_beside(tokens: SignIns, pool: list[str],
                  read: Callable[[httpx.Client], None]) -> list[str]:
    """Four writers each edit providers of `pool` 25 times (a unique marker in `bio` each time) and create
    one every fifth edit, while `read` is called again and again with a client of its own; their errors."""
    stop = threading.Event()
    errors: list[str] = []

    def writer(number: int) -> None:
        with tokens.client("facility_admin") as client:
            for i in range(25):
                target = pool[(number * 7 + i) % len(pool)]
                answer = client.patch(f"/providers/{target}/", json={"bio": f"w{number}-{i}"})
                if answer.status_code != 200:
                    errors.append(answer.text)
                if i % 5 == 0:
                    create_provider(client, bio=f"new-w{number}-{i}")

    def reader() -> None:
        with tokens.client("facility_admin") as client:
            while not stop.is_set():
                read(client)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    reading = threading.Thread(target=reader)
    reading.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    stop.set()
    reading.join(timeout=60)
    return errors


def test_feed_exact_under_concurrent_writes(live_server: LiveServer, tokens: SignIns) -> None:
    """Four writers create and edit providers while a reader walks the feed in small pages.

    Each write stores a unique marker in `bio`. A skipped change shows as a final state the reader
    never saw; a repeated one as the same (id, marker) delivered twice.
    """
    with tokens.client("facility_admin") as admin:
        _, _, start = walk(admin, None, 5000)
        pool = [create_provider(admin)["id"] for _ in range(8)]
    seen: list[tuple[str, str]] = []
    cursor = start

    def read(client: httpx.Client) -> None:
        nonlocal cursor
        results, _, cursor = walk(client, cursor, 3)
        seen.extend((row["id"], row["bio"]) for row in results)
        time.sleep(0.005)

    errors = writes_beside(tokens, pool, read)
    assert not errors, errors[:3]
    with tokens.client("facility_admin") as admin:
        rest, _, _ = walk(admin, cursor, 3)
        seen.extend((row["id"], row["bio"]) for row in rest)
        assert len(seen) == len(set(seen)), "a change was delivered twice"
        latest = {pid: bio for pid, bio in seen}
        final, _, _ = walk(admin, start, 5000)
    assert len(final) >= len(pool) + 4 * 5
    for row in final:
        assert latest.get(row["id"]) == row["bio"], f"the reader missed the last change of {row['id']}"
