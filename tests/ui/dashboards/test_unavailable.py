"""A staff dashboard the server cannot give says why instead of loading (capabilities.py)."""
from __future__ import annotations

import asyncio

from app.api.capabilities import REASONS, Feature
from app.api.client import ApiClient
from tests.helpers.aio import CountingTransport
from tests.helpers.qt import run_ui
from ui.common.tasks import TaskRunner
from ui.dashboards.staff_dashboard import StaffDashboardPage


def test_the_reason_is_shown_and_nothing_is_asked(loop: asyncio.AbstractEventLoop) -> None:
    async def body() -> None:
        transport = CountingTransport()
        client = ApiClient("http://127.0.0.1:9/api/v1", transport=transport)
        page = StaffDashboardPage(client, TaskRunner(), unavailable=REASONS[Feature.STAFF_DASHBOARD])
        page.activate()
        await asyncio.sleep(0.05)
        assert page.state.state == "empty"
        assert page.state._empty.text() == "This server has no staff dashboard."
        assert sum(transport.paths.values()) == 0
        page.shutdown()
        page.deleteLater()
        await client.aclose()

    run_ui(loop, body)
