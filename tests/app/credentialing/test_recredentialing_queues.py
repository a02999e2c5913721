"""The worklist's recredentialing queues (due within 90 days, overdue) read the server's clocks from the cache,
offline too: staff's caches hold every verified provider's due date after each sync; a provider's holds none."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx

from app.credentialing.worklist import RECREDENTIAL_QUEUES, queue_counts
from app.directory.query import DirectoryQuery
from contract.clocks import months_after
from tests.app.directory.test_service import closed, opened
from tests.helpers.aio import run
from tests.helpers.factories import create_provider, screened
from tests.helpers.live_server import LiveServer

DUE, OVERDUE = RECREDENTIAL_QUEUES


def verified_days_ago(server: LiveServer, officer: httpx.Client, provider_id: str, days: int) -> None:
    """Verify the provider's license, then move that decision `days` days back in the database."""
    screened(officer)
    officer.post(f"/providers/{provider_id}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": "2099-01-01"}).raise_for_status()
    server.manage("shell", "-c", (
        "import datetime\n"
        "from django.db.models import F\n"
        "from server.credentialing.models import AuditEvent\n"
        f"AuditEvent.objects.filter(provider_id={provider_id!r}, action='verified').update("
        f"at=F('at') - datetime.timedelta(days={days}))\n"))


def test_staff_work_the_recredentialing_queues_from_the_cache(live_server: LiveServer, tmp_path: Path,
                                                              admin: httpx.Client, officer: httpx.Client) -> None:
    today = date.today()
    soon, late, fresh = (create_provider(admin) for _ in range(3))
    # due in about 30 days: verified 36 months less 30 days ago; overdue: 36 months and 10 days ago
    verified_days_ago(live_server, officer, soon["id"], (months_after(today, 36) - today).days - 30)
    verified_days_ago(live_server, officer, late["id"], (months_after(today, 36) - today).days + 10)
    verified_days_ago(live_server, officer, fresh["id"], 0)

    async def body() -> None:
        parts = await opened(live_server, tmp_path, "credentialing_officer")
        cache = parts.service.cache
        assert cache is not None
        due = [row.id for row in cache.rows(DUE.query, 0, 100_000)]
        overdue = [row.id for row in cache.rows(OVERDUE.query, 0, 100_000)]
        assert soon["id"] in due
        assert late["id"] in overdue
        assert fresh["id"] not in due + overdue
        assert not set(due) & set(overdue)
        counts = queue_counts(cache, RECREDENTIAL_QUEUES)
        assert counts == {"recredential_due": len(due), "recredential_overdue": len(overdue)}
        await closed(parts)

    run(body)


def test_a_providers_cache_holds_no_clocks(live_server: LiveServer, tmp_path: Path) -> None:
    async def body() -> None:
        parts = await opened(live_server, tmp_path, "provider")
        cache = parts.service.cache
        assert cache is not None
        assert cache.count(DirectoryQuery(recredential="overdue", is_active=None)) == 0
        assert cache.count(DirectoryQuery(recredential="due", is_active=None)) == 0
        assert "/api/v1/credentialing/recredentialing/" not in parts.transport.paths, "not even asked"
        await closed(parts)

    run(body)
