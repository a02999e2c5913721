"""A server without the credentialing endpoints: the Credentialing page says why instead of its queues."""
from __future__ import annotations

import asyncio
from pathlib import Path

from app.api.capabilities import Feature
from tests.helpers.qt import run_ui, signed_in, signed_out, wait_until
from tests.helpers.seed_server import SeedServer
from ui.credentialing.page import CredentialingPage


def test_the_reason_replaces_the_queues(loop: asyncio.AbstractEventLoop, seed_server: SeedServer,
                                        tmp_path: Path) -> None:
    async def body() -> None:
        parts = await signed_in(seed_server, tmp_path, "provider", email=seed_server.email,  # type: ignore[arg-type]
                                password=seed_server.password)
        reason = parts.session.capabilities.reason(Feature.WORKLIST)
        assert reason == "This server has no credentialing worklist."
        page = CredentialingPage(parts.own_directory(), parts.client, parts.runner, parts.user, unavailable=reason)
        page.show()
        page.activate()
        await wait_until(lambda: page.state.state == "empty", what="the reason")
        assert page.state._empty.text() == reason
        assert page.model.cache is None, "no queue is read"
        assert not page.export_button.isEnabled()
        assert page.export_button.toolTip() == reason
        page.shutdown()
        page.deleteLater()
        await signed_out(parts)

    run_ui(loop, body)
