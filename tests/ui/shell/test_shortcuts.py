"""The window's shortcuts work wherever the focus is, and F1 lists them all from the window's own actions."""
from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, signed_in_desktop, wait_until
from ui.directory.export_dialog import ExportDialog
from ui.directory.page import DirectoryPage
from ui.shell.shortcuts import ShortcutsDialog
from ui.widgets.page import PageKey

CTRL = Qt.KeyboardModifier.ControlModifier


class X11LineEdit(QObject):
    """What a QLineEdit does with X11's key scheme (xcb; the offscreen platform has Windows' keys):
    it takes Ctrl+E as end-of-line, accepting the ShortcutOverride so that no shortcut sees it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and QKeySequence(event.keyCombination()) == QKeySequence("Ctrl+E"):
            event.accept()
            watched.end(False)  # type: ignore[attr-defined]
        return False  # on to the field itself, as its own event() would come after any filter


def test_ctrl_e_exports_while_the_search_field_has_focus(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot: object
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "credentialing_officer")
        main = desktop.main_window
        assert main is not None
        main.activateWindow()
        await wait_until(lambda: desktop.directory is not None and desktop.directory.cache is not None
                         and desktop.runner.running == 0, what="the first sync")
        main.show_page(PageKey.DIRECTORY)
        page = main.current_page()
        assert isinstance(page, DirectoryPage)
        x11 = X11LineEdit(page.search)
        page.search.installEventFilter(x11)
        main._on_search_triggered()
        await wait_until(page.search.hasFocus, what="focus in the search field")
        qtbot.keyClicks(page.search, "smith")  # type: ignore[attr-defined]
        qtbot.keyClick(page.search, Qt.Key.Key_Home)  # type: ignore[attr-defined]
        qtbot.keyClick(page.search, Qt.Key.Key_E, CTRL)  # type: ignore[attr-defined]
        dialog = main.dialog
        assert isinstance(dialog, ExportDialog), "Ctrl+E opened the export"
        assert dialog.isVisible()
        assert page.search.cursorPosition() == 0, "the field did not take it as end-of-line"
        dialog.close()
        await closed(desktop)

    run_ui(loop, body)


def test_f1_lists_every_shortcut_from_the_actions_and_the_pages(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "facility_admin")
        main = desktop.main_window
        assert main is not None
        help_action = next(a for a in main.actions() if a.shortcut() == QKeySequence("F1"))
        help_action.trigger()
        dialog = main.dialog
        assert isinstance(dialog, ShortcutsDialog)
        assert dialog.isVisible()
        assert dialog.table.columnCount() == 2
        rows = dialog.rows()
        keys = dict(rows)
        for shortcut, words in (("Ctrl+N", "Register a provider"), ("Ctrl+E", "Export directory to CSV"),
                                ("Ctrl+I", "Import roster from CSV"), ("Ctrl+Shift+L", "Sign out"),
                                ("Ctrl+3", "Show Credentialing"), ("Ctrl+F", "Search the directory"),
                                ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous queue"),
                                ("Ctrl++ / Ctrl+-", "Zoom the document in / out"),
                                ("Ctrl+0", "Fit the document to the width")):
            assert keys.get(shortcut) == words, shortcut
        listed = {k for k, _ in rows}
        for action in main.actions():  # nothing typed twice: every visible action with keys is there
            if action.isVisible() and not action.shortcut().isEmpty():
                assert any(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in k for k in listed)
        headings = [k for k, w in rows if not w]
        assert headings == ["Anywhere in the window", "On the Credentialing page"]
        dialog.grab().save(str(tmp_path / "shortcuts.png"))
        dialog.close()
        await closed(desktop)

    run_ui(loop, body)


def test_a_provider_sees_save_and_no_staff_keys(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "provider")
        main = desktop.main_window
        assert main is not None
        main._on_shortcuts_triggered()
        assert isinstance(main.dialog, ShortcutsDialog)
        rows = dict(main.dialog.rows())
        assert rows["Ctrl+S"] == "Save the profile"
        assert "Ctrl+N" not in rows, "registering on behalf is the administrator's"
        assert "V" not in rows
        main.dialog.close()
        await closed(desktop)

    run_ui(loop, body)
