"""The sign-in window against the real server: errors in plain words, success, sign out."""
from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from app.api import errors
from tests.helpers.live_server import DEMO_PASSWORD, LiveServer
from tests.helpers.qt import closed, run_ui, started_desktop, wait_until


def dead_address() -> str:
    """An API address where no server listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/api/v1"


def test_wrong_password_then_success_then_sign_out(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot: object
) -> None:
    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        window = desktop.login_window
        assert window is not None
        window.email.setText("admin@demo.local")
        window.password.setText("not-the-password")
        window.sign_in_button.click()
        assert not window.sign_in_button.isEnabled(), "busy: cannot be submitted twice"
        await wait_until(lambda: window.message.text() != "", what="error message")
        assert "email or password is not right" in window.message.text()
        assert window.sign_in_button.isEnabled()
        window.password.setText(DEMO_PASSWORD)
        window.password.returnPressed.emit()
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main = desktop.main_window
        assert "Facility administrator" in main.status_bar.user_label.text()
        assert [main.pages.page(key).title for key in main.pages.slots] == [
            "Dashboard", "Directory", "Credentialing", "Appointments"]
        desktop.sign_out()
        await wait_until(lambda: desktop.runner.running == 0, what="logout")
        assert desktop.main_window is None
        assert window.isVisible()
        assert desktop.session is not None
        assert desktop.session.user is None
        assert desktop.connectivity is not None
        assert desktop.connectivity._listeners == [], "the closed window and cache stop listening"
        await closed(desktop)

    run_ui(loop, body)


def test_remember_me_explains_a_missing_keyring(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        window = desktop.login_window
        assert not window.remember.isEnabled()
        assert "keyring" in window.remember.toolTip()
        await closed(desktop)

    run_ui(loop, body)


def test_offline_server_is_said_in_plain_words(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    dead = dead_address()

    async def body() -> None:
        desktop = await started_desktop(dead, tmp_path)
        window = desktop.login_window
        window.email.setText("admin@demo.local")
        window.password.setText(DEMO_PASSWORD)
        window.sign_in_button.click()
        await wait_until(lambda: window.message.text() != "", what="offline message")
        assert "cannot be reached" in window.message.text()
        assert desktop.main_window is None
        await closed(desktop)

    run_ui(loop, body)


def test_signing_out_and_in_again_leaves_no_window_of_the_last_account_behind(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    """Each sign-out deletes the main window with its pages and models (they stayed in memory, one set
    per sign-in, until the application quit)."""
    from PySide6.QtWidgets import QApplication

    from ui.shell.desktop import Desktop
    from ui.shell.main_window import MainWindow

    def windows() -> int:
        return sum(isinstance(each, MainWindow) for each in QApplication.topLevelWidgets())

    async def sign_out(desktop: Desktop) -> None:
        """Sign out and wait for the event loop to delete the window, as in use (forcing the deferred
        deletion from inside a coroutine, as this test once did, deletes widgets under running code)."""
        assert desktop.main_window is not None
        deleted: list[bool] = []
        desktop.main_window.destroyed.connect(lambda *_: deleted.append(True))
        desktop.sign_out()
        await wait_until(lambda: deleted and desktop.runner.running == 0, what="the window deleted")

    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        for email in ("admin@demo.local", "credentialing@demo.local", "provider@demo.local"):
            await desktop.sign_in(email, DEMO_PASSWORD, remember=False)
            await wait_until(lambda: desktop.main_window is not None, what="main window")
            assert windows() == 1, "one main window: none of an earlier account's"
            await sign_out(desktop)
            assert desktop.main_window is None
            assert windows() == 0, "the signed-out account's window is gone"
        await closed(desktop)

    run_ui(loop, body)


def test_an_unreachable_server_is_said_during_the_countdown(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    """Issue 22, item 13: after "Too many attempts" a try that finds no server was said for a second,
    then the countdown's next tick put "Too many attempts. Wait …" back alone."""
    dead = dead_address()

    async def body() -> None:
        desktop = await started_desktop(dead, tmp_path)
        window = desktop.login_window
        assert window is not None
        real_sign_in = window.sign_in

        async def throttled(_email: str, _password: str, _remember: bool) -> None:
            raise errors.RateLimitedError(retry_after=30)

        window._set_ready(True)
        window.email.setText("admin@demo.local")
        window.password.setText(DEMO_PASSWORD)
        window.sign_in = throttled
        window.sign_in_button.click()
        await wait_until(lambda: "Too many attempts" in window.message.text(), what="the countdown")
        window.sign_in = real_sign_in  # the server is gone now
        window.password.setText(DEMO_PASSWORD)
        window.sign_in_button.click()
        await wait_until(lambda: "cannot be reached" in window.message.text(), what="the unreachable server said")
        window._on_countdown_timeout()  # the countdown's next second
        assert "cannot be reached" in window.message.text()
        assert "Wait" in window.message.text(), "the countdown goes on beside it"
        window._wait = 1
        window._on_countdown_timeout()  # its last second
        assert "cannot be reached" in window.message.text(), "not 'You can try again now'"
        await closed(desktop)

    run_ui(loop, body)
