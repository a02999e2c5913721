"""The guard of issue 22, item 3: what you just wrote shows in every view of it, at once, online.

Each write path of the desktop is taken once, as a user takes it, and then the directory's cache,
which the directory, the worklist and their counts all read, must hold the change without a
"Sync now" (the periodic sync is minutes away): a provider's saved profile, an imported roster, a
decision refused because the record changed meanwhile (the current record comes with the refusal).
The other write paths (the administrator's editor, deactivate and reactivate, a decision, a screening
flag's decision, a registration on behalf) are checked where they are tested (tests/ui/directory,
tests/ui/credentialing: test_screening_queues.py for the flags).
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QMessageBox

from app.directory.query import DirectoryQuery
from tests.app.transfer.test_roster_csv import roster_text
from tests.helpers.factories import create_provider, register_provider, unique
from tests.helpers.live_server import DEMO_ACCOUNTS, LiveServer
from tests.helpers.qt import closed, run_ui, signed_in, signed_out, started_desktop, wait_until
from ui.common.dialogs import is_open
from ui.credentialing.page import CredentialingPage
from ui.directory.page import DirectoryPage
from ui.directory.roster_import_dialog import ImportDialog
from ui.profile.page import ProfilePage
from ui.providers.table_model import ID_ROLE
from ui.widgets.page import PageKey

SHOWN_WITHIN = 15  # seconds: a bound against a hang; the periodic sync would come after 300


def test_a_saved_profile_shows_in_the_directory_at_once(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    with live_server.client() as anon:
        account = register_provider(anon)
    new_name = f"Renamed{unique()}"

    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        await desktop.sign_in(account["user"]["email"], account["password"], remember=False)
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main, directory = desktop.main_window, desktop.directory
        assert main is not None
        assert directory is not None
        await wait_until(lambda: directory.cache is not None and not directory.syncing
                         and desktop.runner.running == 0, what="first sync")
        main.show_page(PageKey.DIRECTORY)
        listing = main.pages.page(PageKey.DIRECTORY)
        assert isinstance(listing, DirectoryPage)
        main.show_page(PageKey.PROFILE)
        page = main.pages.page(PageKey.PROFILE)
        assert isinstance(page, ProfilePage)
        await wait_until(lambda: page.form.base is not None and desktop.runner.running == 0, what="profile")
        last_name = page.form.fields.inputs["last_name"]
        assert isinstance(last_name, QLineEdit)
        last_name.selectAll()
        QTest.keyClicks(last_name, new_name)
        QTest.keyClick(page.save_button, Qt.Key.Key_Space)
        cache = directory.cache
        assert cache is not None
        await wait_until(lambda: cache.count(DirectoryQuery(text=new_name)) == 1, SHOWN_WITHIN,
                         "the new name in the directory's cache")
        await wait_until(lambda: listing.model.cache is not None
                         and listing.model.count == cache.count(DirectoryQuery()), SHOWN_WITHIN, "the list")
        provider = cache.provider(account["profile"]["id"])
        assert provider is not None
        assert provider.last_name == new_name
        await closed(desktop)

    run_ui(loop, body)


def test_an_imported_roster_shows_in_the_directory_at_once(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, admin: httpx.Client, tmp_path: Path, qtbot: object
) -> None:
    existing = create_provider(admin)
    tag = unique()
    path = tmp_path / "roster.csv"
    path.write_text(roster_text(existing["license_number"], tag), encoding="utf-8")

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path / "data", "facility_admin")
        directory = parts.own_directory()
        cache = directory.cache
        assert cache is not None
        before = cache.count(DirectoryQuery())
        dialog = ImportDialog(parts.client, directory, parts.runner)
        dialog.open()
        dialog.choose_button.click()
        assert dialog.dialog is not None
        dialog.dialog.selectFile(str(path))
        dialog.dialog.accept()
        await wait_until(lambda: dialog.table.isVisible() and parts.runner.running == 0, what="preview")
        dialog.create_button.click()
        await wait_until(lambda: dialog.report is not None, what="report")
        await wait_until(lambda: cache.count(DirectoryQuery(text=f"okafor{tag}")) == 1
                         and cache.count(DirectoryQuery(text=f"berg{tag}")) == 1, SHOWN_WITHIN,
                         "the imported providers in the directory's cache")
        assert cache.count(DirectoryQuery()) >= before + 2
        dialog.close()
        await wait_until(lambda: not directory.syncing and parts.runner.running == 0, what="quiet")
        await signed_out(parts)

    run_ui(loop, body)


def test_a_refused_decision_shows_the_current_record_in_the_worklist(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    with live_server.client() as anon:
        registered = register_provider(anon)
    provider_id = registered["profile"]["id"]
    new_number = f"LIC-{unique()}"

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "credentialing_officer")
        directory = parts.own_directory()
        cache = directory.cache
        assert cache is not None
        page = CredentialingPage(directory, parts.client, parts.runner, parts.user)
        page.resize(1180, 760)
        page.show()
        page.activate()
        await wait_until(lambda: parts.runner.running == 0 and page.model.count > 0, what="worklist")
        rows = [page.model.index(row, 0).data(ID_ROLE) for row in range(page.model.rowCount())]
        page.select_row(rows.index(provider_id))
        review = page.review
        await wait_until(lambda: review.version is not None and review.version.value.id == provider_id, what="loaded")
        with live_server.client(live_server.login(DEMO_ACCOUNTS["facility_admin"])["access"]) as admin:
            changed = await asyncio.to_thread(admin.patch, f"/providers/{provider_id}/",
                                              json={"license_number": new_number})
            assert changed.status_code == 200, changed.text
        page.actions_.verify()
        dialog = page.actions_.dialog
        assert dialog is not None
        dialog.ok_button.click()  # type: ignore[attr-defined]
        await wait_until(lambda: isinstance(page.actions_.dialog, QMessageBox) and is_open(page.actions_.dialog),
                         what="conflict shown")
        await wait_until(lambda: (found := cache.provider(provider_id)) is not None
                         and found.license_number == new_number, SHOWN_WITHIN,
                         "the current license number in the worklist's cache")
        page.actions_.dialog.done(QMessageBox.StandardButton.Ok)  # type: ignore[union-attr]
        await wait_until(lambda: not directory.syncing and parts.runner.running == 0, what="quiet")
        page.close()
        page.shutdown()
        page.deleteLater()
        await signed_out(parts)

    run_ui(loop, body)
