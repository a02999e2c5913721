"""The worklist's screening queues (Excluded, Possible match) read the server's flags from the cache, offline
too: staff's caches hold the open flags after each sync, a decided flag leaves its queue, a provider's holds none."""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from app.credentialing.worklist import SCREENING_QUEUES, queue_counts
from app.directory.query import DirectoryQuery
from tests.app.directory.test_service import opened
from tests.helpers.aio import run, wait_until
from tests.helpers.factories import create_provider, leie_file, leie_line, leie_upload, unique, unique_npi
from tests.helpers.live_server import LiveServer

EXCLUDED, POSSIBLE = SCREENING_QUEUES


def clear(officer: httpx.Client, provider_id: str) -> None:
    """The officer clears the provider's flag as a false positive."""
    flag = officer.get("/screening/flags/", params={"provider": provider_id}).json()["results"][0]
    officer.post(f"/screening/flags/{flag['id']}/decision/",
                 json={"decision": "cleared", "reason": "Not this person"}).raise_for_status()


def test_staff_work_the_screening_queues_from_the_cache(live_server: LiveServer, tmp_path: Path,
                                                        admin: httpx.Client, officer: httpx.Client) -> None:
    tag = unique()
    excluded = create_provider(admin, npi=unique_npi(), last_name=f"Queue{tag}", license_number=f"CA-Q{tag}")
    named = create_provider(admin, first_name="Ines", last_name=f"Match{tag}", license_number=f"TX-M{tag}")
    content = leie_file(leie_line("SOMEONE", "ELSE", npi=excluded["npi"]),
                        leie_line(f"MATCH{tag}".upper(), "INES", state="TX"))
    assert leie_upload(officer, content).status_code == 201

    async def body() -> None:
        parts = await opened(live_server, tmp_path, "credentialing_officer")
        cache = parts.service.cache
        assert cache is not None
        assert excluded["id"] in [row.id for row in cache.rows(EXCLUDED.query, 0, 1000)]
        assert named["id"] in [row.id for row in cache.rows(POSSIBLE.query, 0, 1000)]
        assert excluded["id"] not in [row.id for row in cache.rows(POSSIBLE.query, 0, 1000)]
        counts = queue_counts(cache, SCREENING_QUEUES)
        assert counts is not None
        assert counts["excluded"] == cache.count(EXCLUDED.query) >= 1
        # an officer clears the Excluded flag: after the next sync it leaves the queue
        await asyncio.to_thread(clear, officer, excluded["id"])
        synced = len(parts.heard.named("synced"))
        parts.service.sync_now()
        await wait_until(lambda: len(parts.heard.named("synced")) > synced and not parts.service.syncing,
                         60, "the sync")
        await wait_until(lambda: not parts.keeper.tasks, 60, "the flags")
        assert excluded["id"] not in [row.id for row in cache.rows(EXCLUDED.query, 0, 1000)]
        await parts.service.aclose()
        await parts.client.aclose()

    run(body)


def test_a_providers_cache_holds_no_flags(live_server: LiveServer, tmp_path: Path) -> None:
    async def body() -> None:
        parts = await opened(live_server, tmp_path, "provider")
        cache = parts.service.cache
        assert cache is not None
        assert cache.count(DirectoryQuery(screening="excluded", is_active=None)) == 0
        assert cache.count(DirectoryQuery(screening="possible_match", is_active=None)) == 0
        assert "/api/v1/screening/flags/" not in parts.transport.paths, "not even asked"
        await parts.service.aclose()
        await parts.client.aclose()

    run(body)
