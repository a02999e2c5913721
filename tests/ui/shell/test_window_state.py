"""The main window remembers its last page per account, by key: another account opens on its own, and a
page remembered by its title (before the keys) is read once and kept by its key from then on."""
from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QSettings

from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, signed_in_desktop
from ui.widgets.page import PageKey


def test_the_last_page_is_remembered_per_account(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def opened_on(role: str, then: PageKey | None = None) -> PageKey:
        desktop = await signed_in_desktop(live_server, tmp_path, role)  # one data folder: one window.ini
        main = desktop.main_window
        assert main is not None
        key = main.current_page().key
        if then is not None:
            main.show_page(then)
            assert main.current_page().key is then
        await closed(desktop)
        return key

    async def body() -> None:
        assert await opened_on("credentialing_officer", then=PageKey.CREDENTIALING) is PageKey.DASHBOARD
        assert await opened_on("provider") is PageKey.DASHBOARD, "not My Profile, the third page like Credentialing"
        assert await opened_on("credentialing_officer", then=PageKey.DIRECTORY) is PageKey.CREDENTIALING
        assert await opened_on("provider", then=PageKey.PROFILE) is PageKey.DASHBOARD
        assert await opened_on("credentialing_officer") is PageKey.DIRECTORY
        assert await opened_on("provider") is PageKey.PROFILE

    run_ui(loop, body)


def test_a_page_remembered_by_its_title_survives_the_upgrade(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "provider")
        main = desktop.main_window
        assert main is not None
        setting = f"last_page/{main.account.user.id}"
        await closed(desktop)
        state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
        state.setValue(setting, "My Profile")  # what versions before the keys saved
        state.sync()

        desktop = await signed_in_desktop(live_server, tmp_path, "provider")
        assert desktop.main_window is not None
        assert desktop.main_window.current_page().key is PageKey.PROFILE, "the title was read"
        await closed(desktop)
        state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
        assert state.value(setting) == PageKey.PROFILE.value, "and kept by its key from then on"

    run_ui(loop, body)
