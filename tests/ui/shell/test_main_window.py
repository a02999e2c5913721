"""The main window as the shell builds it: pages from the signed-in account, what the pages ask of
it (navigation, registering a provider), its menus, and what it shows over every page."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWizard

from app.api.connectivity import ConnectionState
from tests.helpers.factories import register_provider, registration_fields
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, signed_in_desktop, started_desktop, wait_until
from tests.ui.profile.test_page import type_into
from tests.ui.profile.test_wizard import fill_all
from ui.common.dialogs import is_open
from ui.dashboards.provider_dashboard import ProviderDashboardPage
from ui.directory.page import DirectoryPage
from ui.profile.page import ProfilePage
from ui.profile.wizard import RegistrationWizard
from ui.shell.desktop import Desktop
from ui.widgets.page import PageKey

FINISH = QWizard.WizardButton.FinishButton


@pytest.fixture
def account(anon: httpx.Client) -> dict[str, Any]:
    """A provider registered for the test (its profile is edited)."""
    return register_provider(anon)


def test_leaving_with_unsaved_changes_asks_first(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, account: dict[str, Any],
) -> None:
    """The main window's guard (the shell's test, to move there): it builds the whole Desktop."""

    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        await desktop.sign_in(account["user"]["email"], account["password"], remember=False)
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main = desktop.main_window
        main.show_page(PageKey.PROFILE)
        page = main.current_page()
        assert isinstance(page, ProfilePage)
        await wait_until(lambda: page.state.state == "content", what="profile loaded")
        type_into(page, "first_name", "Changed")
        assert page.has_unsaved_changes()
        main.show_page(PageKey.DASHBOARD)
        await wait_until(lambda: is_open(main.dialog), what="discard dialog")
        assert main.current_page() is page, "still here until the user decides"
        box = main.dialog
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Discard).click()
        await wait_until(lambda: main.current_page() is not page, what="navigation")
        assert not page.has_unsaved_changes()
        assert page.form.fields.value("first_name") == account["profile"]["first_name"]
        await closed(desktop)

    run_ui(loop, body)


def test_the_sign_in_window_opens_the_wizard_and_takes_the_new_email(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    form = registration_fields()

    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        login = desktop.login_window
        login.register_button.click()  # the way a user does: the sign-in window's "Register as a provider…"
        wizards = [w for w in login.findChildren(RegistrationWizard) if w.isVisible()]
        assert len(wizards) == 1
        wizard = wizards[0]
        emails: list[str] = []
        wizard.registered.connect(emails.append)
        fill_all(wizard, form)
        wizard.button(FINISH).click()
        await wait_until(lambda: emails, what="registered")
        assert desktop.login_window.email.text() == form["email"]
        assert "registration was received" in desktop.login_window.message.text()
        await closed(desktop)

    run_ui(loop, body)


def _register_action(desktop: Desktop) -> QAction:
    found = [a for a in desktop.main_window.findChildren(QAction) if a.text() == "&Register a provider…"]
    assert len(found) == 1
    return found[0]


def test_the_register_action_opens_the_wizard_on_behalf_over_the_main_window(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "facility_admin")
        action = _register_action(desktop)
        assert action.isVisible()
        assert action.shortcut().toString() == "Ctrl+N"
        action.trigger()
        wizard = desktop.main_window.findChild(RegistrationWizard)
        assert wizard.on_behalf
        wizard.reject()
        await closed(desktop)

    run_ui(loop, body)


def test_only_administrators_see_the_register_action(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "provider")
        assert not _register_action(desktop).isVisible()
        await closed(desktop)

    run_ui(loop, body)


@pytest.mark.parametrize("role", ["facility_admin", "credentialing_officer", "provider"])
def test_the_navigation_shows_every_title_whole(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, role: str,
) -> None:
    """Its icons and titles fit its width: no sideways scroll bar, no item wider than the list."""
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, role)
        main = desktop.main_window
        assert main is not None
        navigation = main.pages.navigation
        await asyncio.sleep(0.05)
        assert navigation.horizontalScrollBar().maximum() == 0, "the items are wider than the list"
        for row in range(navigation.count()):
            needed = navigation.sizeHintForIndex(navigation.model().index(row, 0)).width()
            assert needed <= navigation.viewport().width(), navigation.item(row).text()
        await closed(desktop)

    run_ui(loop, body)


def test_a_page_asks_for_another_and_the_window_shows_it(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "provider")
        main = desktop.main_window
        dashboard = main.current_page()
        assert isinstance(dashboard, ProviderDashboardPage)
        dashboard.navigate_requested.emit(PageKey.PROFILE)
        assert isinstance(main.current_page(), ProfilePage)
        dashboard.navigate_requested.emit(PageKey.DIRECTORY)
        assert isinstance(main.current_page(), DirectoryPage)
        dashboard.navigate_requested.emit(PageKey.CREDENTIALING)  # not a provider's page: nothing happens
        assert isinstance(main.current_page(), DirectoryPage)
        await closed(desktop)

    run_ui(loop, body)


def test_offline_is_said_over_every_page_and_writes_are_disabled(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "facility_admin")
        main = desktop.main_window
        register = next(a for a in main.findChildren(QAction) if a.text() == "&Register a provider…")
        await wait_until(lambda: desktop.runner.running == 0, what="the first sync")
        desktop.connectivity.set(ConnectionState.OFFLINE)
        for key in (PageKey.DIRECTORY, PageKey.DASHBOARD, PageKey.CREDENTIALING):
            main.show_page(key)
            assert main.current_page().key is key
            assert main.offline_bar.isVisible(), f"the offline bar over {main.current_page().title}"
        assert not register.isEnabled()
        assert "offline" in register.toolTip().lower()
        assert not main.change_password_action.isEnabled()
        await closed(desktop)

    run_ui(loop, body)


def test_find_goes_to_the_directory_search_and_sync_reloads_the_page(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "credentialing_officer")
        main = desktop.main_window
        main.activateWindow()
        await wait_until(lambda: desktop.runner.running == 0, what="the first sync")
        main._on_search_triggered()
        page = main.current_page()
        assert isinstance(page, DirectoryPage)
        await wait_until(page.search.hasFocus, what="focus in the search field")
        runs: list[bool] = []
        desktop.directory.sync_running.connect(runs.append)
        main.sync_action.trigger()
        await wait_until(lambda: runs and not runs[-1], what="the sync F5 started")
        assert runs[0] is True
        await closed(desktop)

    run_ui(loop, body)
