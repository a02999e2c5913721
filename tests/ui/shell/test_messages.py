"""The main window's messages: over the page (nothing under them moves), important ones stay and
queue, and the missing keyring is said in plain words (issue 12, items 9 and 11)."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QWidget

from app.directory.keys import TEMPORARY_REASON
from app.session.token_store import system_token_store
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, signed_in_desktop, started_desktop, wait_until
from tests.helpers.text_fit import covered
from ui.common import notify
from ui.directory.page import DirectoryPage
from ui.shell.desktop import Desktop
from ui.shell.main_window import MainWindow
from ui.widgets.page import PageKey

TECHNICAL = ("keyring.backends", "fail.Keyring", "backend")


@pytest.fixture
def no_secure_keyring() -> Iterator[None]:
    """keyring's fail backend, as on a computer without a keyring (which backend keyring picks by
    itself depends on what the tests imported: a MemoryKeyring outranks it)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def top_of(widget: QWidget, window: QWidget) -> int:
    return widget.mapTo(window, widget.rect().topLeft()).y()


def directory_of(main: MainWindow) -> DirectoryPage:
    main.show_page(PageKey.DIRECTORY)
    page = main.current_page()
    assert isinstance(page, DirectoryPage)
    return page


async def quiet_directory(server: LiveServer, data_dir: Path) -> tuple[Desktop, MainWindow, DirectoryPage]:
    """An administrator's window on the Directory after the first sync, with no message shown."""
    desktop = await signed_in_desktop(server, data_dir, "facility_admin")
    main = desktop.main_window
    assert main is not None
    main.resize(1180, 760)
    page = directory_of(main)
    await wait_until(lambda: main.account.directory.cache is not None and not main.account.directory.syncing,
                     what="the first sync")
    main.message_bar.clear()
    await asyncio.sleep(0.05)
    return desktop, main, page


def test_a_message_does_not_move_the_page(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(notify, "HIDE_AFTER_MS", {"info": 1000, "success": 1000, "warning": 1000, "error": 1000})

    async def body() -> None:
        desktop, main, page = await quiet_directory(live_server, tmp_path)
        before = top_of(page.search, main)
        main.message_bar.show_message("Ann Smith was deactivated.", "success")
        await asyncio.sleep(0)
        assert main.message_bar.isVisible()
        assert top_of(page.search, main) == before, "while the message shows"
        assert top_of(main.message_bar, main) >= top_of(main.pages.stack, main) + main.pages.stack.height(), \
            "below the page, over nothing of it"
        assert not covered(main, main.message_bar)
        main.grab().save(str(tmp_path / "message.png"))
        await wait_until(lambda: ("Ann Smith was deactivated.", "success") not in main.message_bar.messages,
                         what="the success message going")
        assert top_of(page.search, main) == before, "after it went"
        await closed(desktop)

    run_ui(loop, body)


def test_a_message_that_stays_takes_its_place_and_covers_nothing(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path,
) -> None:
    """A warning stays until dismissed: above the page, in the layout, not over its title and buttons."""
    async def body() -> None:
        desktop, main, page = await quiet_directory(live_server, tmp_path)
        main.message_bar.show_message("The export could not be written: the disk is full.", "error")
        await asyncio.sleep(0.05)
        assert ("The export could not be written: the disk is full.", "error") in main.message_bar.messages
        pinned = main.pinned_messages
        assert ("The export could not be written: the disk is full.", "error") in pinned.messages, "above the page"
        assert pinned.isVisible()
        bottom = top_of(pinned, main) + pinned.height()
        assert top_of(page, main) >= bottom, "the page starts under it: its title and buttons stay uncovered"
        main.grab().save(str(tmp_path / "pinned.png"))
        main.message_bar.rows()[0].dismiss.click()
        await asyncio.sleep(0.05)
        assert main.message_bar.messages == []
        assert not pinned.isVisible()
        await closed(desktop)

    run_ui(loop, body)


@pytest.mark.usefixtures("no_secure_keyring")
def test_the_keyring_warning_stays_beside_the_license_alert(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a secure keyring the directory is kept for this run only, which is said first."""
    monkeypatch.setattr(notify, "HIDE_AFTER_MS", {"info": 100, "success": 100, "warning": 100, "error": 100})

    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "credentialing_officer")
        main = desktop.main_window
        assert main is not None
        alerts = main.alerts
        assert alerts is not None
        await wait_until(lambda: alerts.last is not None, what="the license alert")
        last = alerts.last
        assert last is not None
        assert not last.empty, "the demo has licenses to tell of"
        await asyncio.sleep(0.3)  # longer than any (patched) time a message may go by itself
        texts = [text for text, _level in main.message_bar.messages]
        assert TEMPORARY_REASON in texts, "still there: it goes only when dismissed"
        assert last.text() in texts, "the alert is queued beside it, not in its place"
        assert not any(word in text for text in texts for word in TECHNICAL)
        main.grab().save(str(tmp_path / "two-warnings.png"))
        keyring_row = next(row for row in main.message_bar.rows() if row.text == TEMPORARY_REASON)
        keyring_row.dismiss.click()
        assert [text for text, _level in main.message_bar.messages] == [last.text()]
        await closed(desktop)

    run_ui(loop, body)


@pytest.mark.usefixtures("no_secure_keyring")
def test_the_sign_in_window_says_what_no_keyring_means(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path,
) -> None:
    store = system_token_store()

    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path, store)
        window = desktop.login_window
        assert window is not None
        note = window.remember_note.text()
        assert window.remember_note.isVisible()
        assert "cannot keep you signed in after you quit" in note
        assert not any(word in note for word in TECHNICAL)
        assert not any(word in window.remember.toolTip() for word in TECHNICAL)
        await closed(desktop)

    run_ui(loop, body)
