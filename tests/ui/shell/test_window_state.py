"""The main window remembers its last page per account, by title: another account opens on its own."""
from __future__ import annotations

import asyncio
from pathlib import Path

from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, signed_in_desktop


def test_the_last_page_is_remembered_per_account(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def opened_on(role: str, then: str | None = None) -> str:
        desktop = await signed_in_desktop(live_server, tmp_path, role)  # one data folder: one window.ini
        main = desktop.main_window
        assert main is not None
        title = main.current_page().title
        if then is not None:
            main.show_page_titled(then)
            assert main.current_page().title == then
        await closed(desktop)
        return title

    async def body() -> None:
        assert await opened_on("credentialing_officer", then="Credentialing") == "Dashboard"
        assert await opened_on("provider") == "Dashboard", "not My Profile, the third page like Credentialing"
        assert await opened_on("credentialing_officer", then="Directory") == "Credentialing"
        assert await opened_on("provider", then="My Profile") == "Dashboard"
        assert await opened_on("credentialing_officer") == "Directory"
        assert await opened_on("provider") == "My Profile"

    run_ui(loop, body)
