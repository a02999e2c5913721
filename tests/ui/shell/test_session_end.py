"""When the server ends the session (a new password on another computer, say), the window says why
and the unsaved edits wait for the same account's next sign-in (issue 22, item 1: a provider pressed
Ctrl+S after the password changed elsewhere, read only "You are signed out." and lost the edit)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from tests.helpers.factories import register_provider, unique
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, started_desktop, wait_until
from ui.directory.page import DirectoryPage
from ui.profile.page import ProfilePage
from ui.providers.edit_dialog import ProviderEditDialog
from ui.shell.desktop import Desktop
from ui.shell.main_window import MainWindow
from ui.widgets.page import PageKey

NEW_PASSWORD = "Quiet-Meadow-5193"


async def change_password_elsewhere(server: LiveServer, email: str, password: str) -> None:
    """Another computer signs in as `email` and changes its password to NEW_PASSWORD."""
    async with httpx.AsyncClient(base_url=server.api, timeout=30) as elsewhere:
        signed = await elsewhere.post("/auth/login/", json={"email": email, "password": password})
        headers = {"Authorization": f"Bearer {signed.json()['access']}"}
        changed = await elsewhere.post("/auth/password/change/", headers=headers, json={
            "old_password": password, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
        assert changed.status_code == 200, changed.text


async def signed_in_again(desktop: Desktop, email: str) -> MainWindow:
    """Back at sign-in, told why and that the edits are kept; then signed in with the new password."""
    await wait_until(lambda: desktop.main_window is None and desktop.login_window is not None
                     and desktop.login_window.isVisible(), what="back to sign-in")
    login = desktop.login_window
    assert login is not None
    await asyncio.sleep(0.3)  # the refused save's own report arrives too: it must not replace the reason
    words = login.message.text()
    assert words.startswith("Your password was changed on another computer"), words
    assert "unsaved changes are kept" in words
    await desktop.sign_in(email, NEW_PASSWORD, remember=False)
    await wait_until(lambda: desktop.main_window is not None, what="main window again")
    main = desktop.main_window
    assert main is not None
    return main


def test_an_edit_survives_a_password_changed_elsewhere(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    with live_server.client() as anon:
        account = register_provider(anon)
    email = account["user"]["email"]

    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        await desktop.sign_in(email, account["password"], remember=False)
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main = desktop.main_window
        assert main is not None
        main.show_page(PageKey.PROFILE)
        page = main.pages.page(PageKey.PROFILE)
        assert isinstance(page, ProfilePage)
        await wait_until(lambda: page.form.base is not None and desktop.runner.running == 0, what="profile")
        last_name = page.form.fields.inputs["last_name"]
        assert isinstance(last_name, QLineEdit)
        last_name.selectAll()
        QTest.keyClicks(last_name, "Okonkwo-Reyes")
        assert page.save_button.isEnabled()

        await change_password_elsewhere(live_server, email, account["password"])
        QTest.keyClick(page.save_button, Qt.Key.Key_Space)  # Save, pressed as a user does
        main = await signed_in_again(desktop, email)
        page = main.pages.page(PageKey.PROFILE)
        assert isinstance(page, ProfilePage)
        assert main.current_page() is page, "the page with the kept edits comes up"
        await wait_until(lambda: page.form.base is not None and desktop.runner.running == 0, what="profile again")
        assert page.form.fields.value("last_name") == "Okonkwo-Reyes"
        assert page.save_button.isEnabled(), "the change is there to save"
        page.save_button.click()
        await wait_until(lambda: page.form.base is not None and page.form.base.last_name == "Okonkwo-Reyes"
                         and not page.save_button.isEnabled(), what="saved")
        await closed(desktop)

    run_ui(loop, body)


def test_an_administrators_edit_survives_a_password_changed_elsewhere(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    """Issue 22, item 1, the editor too: an administrator's unsaved edit in the provider editor was
    lost when the session ended; it comes back in the editor after signing in again, to save."""
    email, password = f"admin.{unique()}@example.org", "Amber-Harbor-4821"
    live_server.manage("shell", "-c", "from server.accounts.models import User\n"
                                      f"User.objects.create_user({email!r}, {password!r}, role='facility_admin')")
    with live_server.client() as anon:
        provider = register_provider(anon)
    provider_id = provider["profile"]["id"]

    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        await desktop.sign_in(email, password, remember=False)
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main = desktop.main_window
        assert main is not None
        main.show_page(PageKey.DIRECTORY)
        page = main.pages.page(PageKey.DIRECTORY)
        assert isinstance(page, DirectoryPage)
        await wait_until(lambda: page.model.count > 0 and desktop.runner.running == 0, what="the directory")
        page.search.setText(provider["user"]["email"])
        page.apply_query()  # what the debounce timer does after typing stops
        await wait_until(lambda: page.model.count == 1, what="the provider found")
        page.table.selectRow(0)
        page.actions_.edit_button.click()
        editor = page.actions_.dialog
        assert isinstance(editor, ProviderEditDialog)
        await wait_until(lambda: editor.base is not None and desktop.runner.running == 0, what="the editor")
        last_name = editor.fields.inputs["last_name"]
        assert isinstance(last_name, QLineEdit)
        last_name.selectAll()
        QTest.keyClicks(last_name, "Abernathy-Quist")
        assert editor.save_button.isEnabled()

        await change_password_elsewhere(live_server, email, password)
        editor.save_button.click()
        main = await signed_in_again(desktop, email)
        page = main.pages.page(PageKey.DIRECTORY)
        assert isinstance(page, DirectoryPage)
        assert main.current_page() is page
        editor = page.actions_.dialog
        assert isinstance(editor, ProviderEditDialog), "the editor is open again"
        assert editor.provider_id == provider_id
        await wait_until(lambda: editor.base is not None and desktop.runner.running == 0, what="the editor again")
        assert editor.fields.value("last_name") == "Abernathy-Quist"
        assert editor.save_button.isEnabled(), "the change is there to save"
        saved: list[object] = []
        editor.saved.connect(saved.append)
        editor.save_button.click()
        await wait_until(lambda: bool(saved), what="saved")
        assert saved[0].last_name == "Abernathy-Quist"
        await closed(desktop)

    run_ui(loop, body)
