"""Change password from the account menu, end to end against the real server."""
from __future__ import annotations

import asyncio
from pathlib import Path

import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from app.api.connectivity import ConnectionState
from app.validation import PASSWORD_MATCH
from tests.helpers.factories import register_provider
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, started_desktop, wait_until
from ui.shell.desktop import Desktop
from ui.shell.main_window import PASSWORD_CHANGED
from ui.shell.password_dialog import OFFLINE, PasswordDialog

NEW_PASSWORD = "Bright-Lantern-4821"


def type_into(line: QLineEdit, text: str) -> None:
    line.setFocus()
    line.selectAll()
    QTest.keyClicks(line, text) if text else line.clear()


async def provider_desktop(server: LiveServer, data_dir: Path) -> tuple[Desktop, dict]:
    """A desktop signed in as a provider registered for this test (the demo accounts keep their passwords)."""
    with server.client() as anon:
        account = register_provider(anon)
    desktop = await started_desktop(server, data_dir)
    await desktop.sign_in(account["user"]["email"], account["password"], remember=False)
    await wait_until(lambda: desktop.main_window is not None, what="main window")
    return desktop, account


def open_dialog(desktop: Desktop) -> PasswordDialog:
    main = desktop.main_window
    assert main is not None
    assert main.change_password_action in main.account_menu.actions()
    assert main.change_password_action.isEnabled()
    main.change_password_action.trigger()
    dialog = main.dialog
    assert isinstance(dialog, PasswordDialog)
    assert dialog.isVisible()
    assert dialog.isModal()
    return dialog


def shown(dialog: PasswordDialog, name: str) -> str:
    label = dialog.errors[name]
    return label.text().strip() if label.isVisible() else ""  # an empty message keeps its line (a no-break space)


def test_change_password_from_the_account_menu(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot: object
) -> None:
    async def body() -> None:
        desktop, account = await provider_desktop(live_server, tmp_path)
        email, password = account["user"]["email"], account["password"]
        dialog = open_dialog(desktop)
        assert dialog.ok_button.isDefault()
        assert dialog.meter.bar.value() == 0
        inputs = dialog.inputs
        confirm_at = inputs["new_password_confirm"].mapTo(dialog, QPoint(0, 0))
        type_into(inputs["old_password"], password)
        type_into(inputs["new_password"], "short")
        inputs["new_password"].editingFinished.emit()
        assert "at least 8 characters" in shown(dialog, "new_password"), "length checked as the user types"
        assert inputs["new_password_confirm"].mapTo(dialog, QPoint(0, 0)) == confirm_at, \
            "a message moves no field below it (the next click would land in another)"
        assert dialog.meter.bar.value() == 1, "Very weak: one step"
        type_into(inputs["new_password"], NEW_PASSWORD)
        assert shown(dialog, "new_password") == ""
        assert dialog.meter.bar.value() >= 4, "the strength meter follows the typing"
        assert "Good" in dialog.meter.reason.text() or "Strong" in dialog.meter.reason.text()
        type_into(inputs["new_password_confirm"], "Bright-Lamp")
        assert shown(dialog, "new_password_confirm") == PASSWORD_MATCH, "a confirmation that cannot match"
        type_into(inputs["new_password_confirm"], "Bright-Lan")
        assert shown(dialog, "new_password_confirm") == "", "not while it still may"

        # the server's validators: an entirely numeric password
        type_into(inputs["new_password"], "8675309123457")
        type_into(inputs["new_password_confirm"], "8675309123457")
        dialog.ok_button.click()
        await wait_until(lambda: shown(dialog, "new_password") != "", what="the server's refusal")
        assert "numeric" in shown(dialog, "new_password")
        assert dialog.isVisible()
        assert dialog.focusWidget() is inputs["new_password"]

        # a wrong current password
        type_into(inputs["new_password"], NEW_PASSWORD)
        assert shown(dialog, "new_password") == "", "typing clears the server's message"
        type_into(inputs["new_password_confirm"], NEW_PASSWORD)
        type_into(inputs["old_password"], "not-my-password")
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # the button itself, as a user clicks it
        await wait_until(lambda: shown(dialog, "old_password") != "", what="the wrong current password")
        assert "incorrectly" in shown(dialog, "old_password")

        QTest.mouseClick(inputs["old_password"], Qt.MouseButton.LeftButton)
        type_into(inputs["old_password"], password)
        main, directory = desktop.main_window, desktop.directory
        assert main is not None
        assert directory is not None
        # after a refusal Enter still changes the password (it pressed Cancel once: nothing sent, nothing said)
        assert dialog.ok_button.isDefault()
        assert not dialog.cancel_button.isDefault()
        QTest.keyClick(inputs["old_password"], Qt.Key.Key_Return)
        await wait_until(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), what="the dialog to close")
        assert main.message_bar.isVisible()
        assert main.message_bar.text == PASSWORD_CHANGED
        assert "signed in again with the new session" in main.message_bar.text
        assert desktop.main_window is main, "the same window and pages go on"
        assert desktop.directory is directory, "and the same directory cache"
        assert desktop.session is not None
        assert desktop.session.client is not None
        profile = await desktop.session.client.profile()
        assert profile.value.email == email, "a following request works with the new session"
        desktop.sign_out()
        await wait_until(lambda: desktop.runner.running == 0, what="signing out")
        login = desktop.login_window
        assert login is not None
        login.email.setText(email)
        login.password.setText(NEW_PASSWORD)
        login.sign_in_button.click()
        await wait_until(lambda: desktop.main_window is not None, what="signing in with the new password")
        await closed(desktop)

    run_ui(loop, body)


def test_escape_cancels_and_nothing_changes(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot: object
) -> None:
    async def body() -> None:
        desktop, account = await provider_desktop(live_server, tmp_path)
        dialog = open_dialog(desktop)
        type_into(dialog.inputs["old_password"], account["password"])
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        assert not shiboken6.isValid(dialog) or not dialog.isVisible()
        await closed(desktop)
        live_server.login(account["user"]["email"], account["password"])

    run_ui(loop, body)


def test_ok_with_empty_fields_says_what_is_missing(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot: object
) -> None:
    async def body() -> None:
        desktop, _account = await provider_desktop(live_server, tmp_path)
        dialog = open_dialog(desktop)
        running = desktop.runner.running  # the pages' own loads
        dialog.ok_button.click()
        assert desktop.runner.running == running, "nothing is sent"
        assert all(shown(dialog, name) for name in dialog.inputs)
        assert dialog.focusWidget() is dialog.inputs["old_password"]
        dialog.reject()
        await closed(desktop)

    run_ui(loop, body)


def test_offline_the_action_is_disabled_with_the_reason(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot: object
) -> None:
    async def body() -> None:
        desktop, _account = await provider_desktop(live_server, tmp_path)
        main = desktop.main_window
        assert main is not None
        assert desktop.connectivity is not None
        desktop.connectivity.set(ConnectionState.OFFLINE)
        assert not main.change_password_action.isEnabled()
        assert "offline" in main.change_password_action.toolTip().lower()
        main._on_change_password_triggered()  # a shortcut that still arrives is refused with the reason
        assert main.message_bar.text == OFFLINE
        desktop.connectivity.set(ConnectionState.ONLINE)
        assert main.change_password_action.isEnabled()
        await closed(desktop)

    run_ui(loop, body)
