"""Start-up: a remembered session opens the main window directly; a failed server is explained."""
from __future__ import annotations

import asyncio
from pathlib import Path

from app.session.token_store import KeyringTokenStore, MemoryTokenStore
from app.settings import Settings
from tests.helpers.live_server import DEMO_PASSWORD, LiveServer
from tests.helpers.memory_keyring import MemoryKeyring
from tests.helpers.qt import closed, run_ui, started_desktop, wait_until
from ui.shell.desktop import Desktop
from ui.widgets.page import PageKey


def test_remembered_session_opens_the_main_window(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    keyring = MemoryKeyring()

    async def body() -> None:
        first = await started_desktop(live_server, tmp_path, KeyringTokenStore(keyring))
        window = first.login_window
        assert window.remember.isEnabled()
        window.fill_demo("credentialing@demo.local")
        window.remember.setChecked(True)
        window.sign_in_button.click()
        await wait_until(lambda: first.main_window is not None, what="main window")
        first.main_window.show_page(PageKey.DIRECTORY)
        await closed(first)
        second = await started_desktop(live_server, tmp_path, KeyringTokenStore(keyring))
        await wait_until(lambda: second.main_window is not None, what="restored main window")
        assert second.user is not None
        assert second.user.email == "credentialing@demo.local"
        assert not second.login_window.isVisible()
        assert second.main_window.current_page().key is PageKey.DIRECTORY, "the last page is remembered"
        second.sign_out()
        await wait_until(lambda: second.runner.running == 0, what="sign out")
        assert keyring.passwords == {}, "signing out forgets the stored session"
        await closed(second)

    run_ui(loop, body)


def test_window_geometry_is_remembered(loop: asyncio.AbstractEventLoop, live_server: LiveServer,
                                       tmp_path: Path) -> None:
    async def body() -> None:
        # the offscreen screen is 800 px wide, so the width restored is the minimum (900): the height tells
        for size in ((900, 700), None):
            desktop = await started_desktop(live_server, tmp_path)
            await desktop.sign_in("admin@demo.local", DEMO_PASSWORD, remember=False)
            await wait_until(lambda d=desktop: d.main_window is not None, what="main window")
            if size:
                desktop.main_window.resize(*size)
            else:
                assert (desktop.main_window.width(), desktop.main_window.height()) == (900, 700)
            await closed(desktop)

    run_ui(loop, body)


def test_failed_local_server_is_explained(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    (tmp_path / "server" / "db.sqlite3").mkdir(parents=True)

    async def body() -> None:
        desktop = Desktop(Settings(server_url=None, data_dir=tmp_path), MemoryTokenStore("none"), demo_providers=5)
        desktop.start()
        window = desktop.login_window
        await wait_until(lambda: desktop.startup_error is not None, what="the start to fail")
        assert "stopped while starting" in window.message.text()
        assert window.details.isVisible()
        assert window.details.toPlainText().strip()
        assert not window.sign_in_button.isEnabled()
        await closed(desktop)

    run_ui(loop, body)
