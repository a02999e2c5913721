"""The directory page against the real server: sync, search and filters like the server's, detail,
editing with conflicts, deactivation, and working offline from the cache."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import keyring
import pytest
import shiboken6
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from app.api.connectivity import ConnectionState
from app.directory.query import DirectoryQuery
from tests.helpers.factories import all_ids, create_provider
from tests.helpers.live_server import LiveServer, start_server
from tests.helpers.memory_keyring import MemoryKeyring
from tests.helpers.qt import SignedIn, run_ui, signed_in, signed_out, wait_until
from tests.helpers.text_fit import widget_misfits
from ui.common.directory_state import DirectoryState
from ui.common.notify import MessageBar
from ui.directory.page import DirectoryPage
from ui.providers.detail import ProviderDetailDialog
from ui.providers.edit_dialog import ProviderEditDialog
from ui.providers.table_model import ID_ROLE, ProviderTableModel
from ui.shell.offline_bar import OfflineBar


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous: KeyringBackend = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


class Host(QWidget):
    """The window around the page, standing in for the main window: the offline bar and the message bar
    (where the directory's notices go) above the page. Open hosts are kept in `Host.open` (a window
    without a parent lives as long as its Python object)."""

    open: ClassVar[set[Host]] = set()

    def __init__(self, page: DirectoryPage, directory: DirectoryState) -> None:
        super().__init__()
        Host.open.add(self)
        self.page = page
        self.offline_bar = OfflineBar(directory)
        self.message_bar = MessageBar()
        directory.notice.connect(self.message_bar.show_message)
        layout = QVBoxLayout(self)
        layout.addWidget(self.offline_bar)
        layout.addWidget(self.message_bar)
        layout.addWidget(page, 1)
        self.resize(1200, 760)
        self.show()


def shown_page(parts: SignedIn, directory: DirectoryState | None = None) -> DirectoryPage:
    """The directory page of `parts` (or of `directory`), shown in a window."""
    directory = directory or parts.own_directory()
    page = DirectoryPage(directory, parts.client, parts.runner, parts.user)
    Host(page, directory)
    page.activate()
    return page


async def directory_page(server: LiveServer, data_dir: Path, role: str) -> tuple[SignedIn, DirectoryPage]:
    """Signed in as `role`, the directory page, shown, once the first sync has filled the cache."""
    parts = await signed_in(server, data_dir, role)
    page = shown_page(parts)
    directory = parts.own_directory()
    await wait_until(lambda: directory.last_sync is not None and not directory.syncing, 30, "first sync")
    await wait_until(lambda: parts.runner.running == 0, what="quiet")
    return parts, page


def host(page: DirectoryPage) -> Host:
    window = page.window()
    assert isinstance(window, Host)
    return window


async def closed(parts: SignedIn, page: DirectoryPage, directory: DirectoryState | None = None) -> None:
    """Close the page's window, then what `signed_in` opened (and `directory`, opened beside it)."""
    window = host(page)
    page.shutdown()
    window.close()
    Host.open.discard(window)
    window.deleteLater()
    if directory is not None:
        await directory.aclose()
    await signed_out(parts)


def shown_ids(page: DirectoryPage) -> list[str]:
    model = page.model
    return [model.index(row, 0).data(ID_ROLE) for row in range(model.rowCount())]


def server_ids(admin: httpx.Client, **params: str) -> list[str]:
    return all_ids(admin, "/providers/", **params)


def same_providers(shown: list[str], server: list[str]) -> bool:
    """The same providers, each once. Not the same order: the server's database orders names by its
    collation (binary on SQLite: 'de la Cruz' after every capital), the cache as a reader expects
    ('de la Cruz' among the D's); the cache's own order is tested in tests/app/directory."""
    return len(shown) == len(set(shown)) and sorted(shown) == sorted(server)


async def settle(page: DirectoryPage) -> None:
    page.apply_query()  # what the debounce timer does after typing stops
    await asyncio.sleep(0)


def test_search_filters_and_sorting_match_the_server(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client, qtbot: object,
    qtmodeltester: object,
) -> None:
    made = [create_provider(admin, first_name=first, last_name=last, organization_facility="Quillfeather Clinic",
                            specialization="Dermatology")
            for first, last in (("Jonah", "Smithson"), ("Joanna", "Smirnova"), ("Jolie", "Quimby"))]

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "facility_admin")
        assert page.state.state == "content"
        assert same_providers(shown_ids(page), server_ids(admin))
        assert "active providers" in page.count_label.text()
        model = ProviderTableModel(page.model.query)  # the page's model is deleted with the window
        model.set_cache(parts.own_directory().cache)
        qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
        model.set_cache(None)
        page.search.setText("jo smi")
        await wait_until(lambda: page.model.query.text == "jo smi", 2, "debounced search")
        ids = shown_ids(page)
        assert {made[0]["id"], made[1]["id"]} <= set(ids)
        assert made[2]["id"] not in ids
        assert same_providers(ids, server_ids(admin, search="jo smi"))
        assert page.count_label.text() == f"{len(ids)} providers match"
        page.search.setText("")
        for name, value, param in (("organization_facility", "Quillfeather Clinic", "organization_facility"),
                                   ("professional_role", "Physician", "professional_role"),
                                   ("license_status", "pending_verification", "license_status")):
            assert page.filters.choose(name, value)
            await settle(page)
            assert same_providers(shown_ids(page), server_ids(admin, **{param: value}))
            page.filters.clear()
        assert page.filters.choose("is_active", False)
        await settle(page)
        assert same_providers(shown_ids(page), server_ids(admin, is_active="false"))
        page.filters.clear()
        await settle(page)
        header = page.table.horizontalHeader()
        header.sectionClicked.emit(7)  # Email
        page.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)
        emails = [page.model.index(row, 7).data() for row in range(page.model.rowCount())]
        assert page.model.query.order_by == "email"
        assert page.model.query.descending
        assert emails == sorted(emails, reverse=True)
        page.search.setText("zzqx nothing like this")
        await settle(page)
        assert page.state.state == "empty"
        assert "No provider matches" in page.state._empty.text()
        await closed(parts, page)

    run_ui(loop, body)


def test_enter_opens_the_detail_with_the_audit_trail(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client, qtbot: object,
) -> None:
    made = create_provider(admin, first_name="Enterina", last_name="Detailford")

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "facility_admin")
        page.focus_search()  # what Ctrl+F does, after showing the page
        assert page.search.hasFocus() or page.search.selectedText() == page.search.text()
        page.search.setText("enterina")
        await settle(page)
        page._on_search_return_pressed()
        assert page.table.currentIndex().row() == 0
        qtbot.keyClick(page.table, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        await wait_until(lambda: isinstance(page.dialog, ProviderDetailDialog) and page.dialog.isVisible(),
                         what="detail")
        dialog = page.dialog
        assert dialog.provider.id == made["id"]
        await wait_until(lambda: dialog.audit is not None and "Loading" not in dialog.audit.text(), what="audit")
        assert dialog.audit.text() != ""
        dialog.close()
        await closed(parts, page)

    run_ui(loop, body)


def test_search_down_enter_opens_the_detail_and_home_end_go_to_the_ends(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client,
) -> None:
    """Issue 22, item 10: Down in the search did nothing (Enter took two presses), and End in the list
    scrolled sideways instead of going to the last provider."""
    made = create_provider(admin, first_name="Downarrow", last_name="Keyworth")

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "facility_admin")
        host(page).activateWindow()
        await wait_until(page.isActiveWindow, what="the window active")
        page.focus_search()
        QTest.keyClicks(page.search, "downarrow")
        await settle(page)
        QTest.keyClick(page.search, Qt.Key.Key_Down)
        assert page.table.hasFocus(), "Down goes to the matches"
        assert page.table.currentIndex().row() == 0
        QTest.keyClick(page.table, Qt.Key.Key_Return)
        await wait_until(lambda: isinstance(page.dialog, ProviderDetailDialog) and page.dialog.isVisible(),
                         what="detail after one Enter")
        assert page.dialog.provider.id == made["id"]
        page.dialog.close()
        page.search.clear()
        await settle(page)
        host(page).activateWindow()
        await wait_until(page.isActiveWindow, what="the window active again")
        page.table.setFocus()
        assert page.table.hasFocus()
        assert page.model.count > 1
        QTest.keyClick(page.table, Qt.Key.Key_End)
        assert page.table.currentIndex().row() == page.model.count - 1, "End: the last provider"
        assert page.table.horizontalScrollBar().value() == 0, "not sideways"
        QTest.keyClick(page.table, Qt.Key.Key_Home)
        assert page.table.currentIndex().row() == 0, "Home: the first"
        await closed(parts, page)

    run_ui(loop, body)


def test_a_hospitals_providers_are_all_of_them_and_its_name_shows_whole(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path,
) -> None:
    """Issue 22, item 12: "all providers" of a hospital kept an Expired filter (15 shown), and the
    hospital's name was cut in its filter box."""
    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "facility_admin")
        cache = page.model.cache
        assert cache is not None
        hospital = max(cache.hospitals(), key=lambda h: len(f"{h.name}, {h.city}"))
        assert page.filters.choose("license_status", "expired")
        await settle(page)
        page.show_hospital(hospital.id)
        await settle(page)
        assert page.filters.values() == {**{name: None for name in page.filters.combos}, "hospital_id": hospital.id,
                                         "is_active": True}
        assert page.model.count == cache.count(DirectoryQuery(hospital_id=hospital.id)) > 0
        combo = page.filters.combos["hospital_id"]
        assert combo.currentText() == f"{hospital.name}, {hospital.city}"
        assert widget_misfits(combo) == [], "the hospital's name whole"
        await closed(parts, page)

    run_ui(loop, body)


def _select(page: DirectoryPage, provider_id: str) -> None:
    row = shown_ids(page).index(provider_id)
    page.table.selectRow(row)


def test_admin_edit_with_a_conflict_then_deactivate(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client, qtbot: object,
) -> None:
    made = create_provider(admin, first_name="Conflicta", last_name="Editwell")

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "facility_admin")
        asked: list[bool] = []
        page.register_requested.connect(lambda: asked.append(True))
        page.actions_.new_button.click()
        assert asked == [True], "New asks the shell for the registration wizard"
        page.show_registered("newcomer@example.org")  # what the shell calls once the wizard registered
        assert host(page).message_bar.text == "newcomer@example.org is registered."
        assert parts.own_directory().syncing, "the new provider comes with a sync"
        page.search.setText("conflicta")
        await settle(page)
        _select(page, made["id"])
        assert page.actions_.edit_button.isEnabled()
        page.actions_.edit_button.click()
        editor = page.actions_.dialog
        assert isinstance(editor, ProviderEditDialog)
        await wait_until(lambda: editor.base is not None, what="provider loaded")
        theirs = await asyncio.to_thread(admin.patch, f"/providers/{made['id']}/", json={"specialization": "Neurology"})
        theirs.raise_for_status()
        editor.fields.set_value("phone_number", "+1 555 999 0000")
        editor._on_fields_edited("phone_number")
        assert editor.save_button.isEnabled()
        editor.save_button.click()
        await wait_until(lambda: editor.banner.isVisible(), what="conflict explained")
        assert "Neurology" in editor.banner.text.text()
        assert "Specialization" in editor.banner.text.text()
        assert editor.fields.value("phone_number") == "+1 555 999 0000", "the edit is kept"
        editor.banner.mine_button.click()
        editor.save_button.click()
        await wait_until(lambda: not shiboken6.isValid(editor) or not editor.isVisible(), what="saved")
        await wait_until(lambda: not parts.own_directory().syncing and parts.runner.running == 0, what="sync")
        server = (await asyncio.to_thread(admin.get, f"/providers/{made['id']}/")).json()
        assert (server["phone_number"], server["specialization"]) == ("+1 555 999 0000", "Neurology")
        assert page.model.row_at(0).specialization == "Neurology", "the table shows the result at once"
        _select(page, made["id"])
        page.actions_.deactivate_button.click()
        await wait_until(lambda: isinstance(page.actions_.dialog, QMessageBox) and page.actions_.dialog.isVisible(),
                         what="confirmation")
        box = page.actions_.dialog
        assert isinstance(box, QMessageBox)
        assert "Deactivate" in box.text()
        deactivate = next(b for b in box.buttons()
                          if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
        deactivate.click()
        await wait_until(lambda: made["id"] not in shown_ids(page), what="row gone")
        gone = await asyncio.to_thread(admin.get, f"/providers/{made['id']}/")
        assert gone.json()["is_active"] is False
        await closed(parts, page)

    run_ui(loop, body)


def test_offline_start_with_a_cache_then_back_online(
    loop: asyncio.AbstractEventLoop, tmp_path: Path, memory_keyring: MemoryKeyring, qtbot: object,
) -> None:
    server = start_server(tmp_path / "server", demo_providers=40)
    port = int(server.url.rsplit(":", 1)[1])

    async def body() -> None:
        nonlocal server
        parts, page = await directory_page(server, tmp_path / "desk", "facility_admin")
        directory = parts.own_directory()
        assert directory.cache.persistent
        count = page.model.count
        assert count > 0
        name = page.model.row_at(0).full_name.split()[-1]
        server.stop()
        page.search.setText(name[:3])
        await settle(page)
        assert page.model.count >= 1, "search works from the cache"
        directory.sync_now()
        await wait_until(lambda: not directory.online, 20, "offline noticed")
        bar = host(page).offline_bar
        assert bar.isVisible()
        assert bar.text.text().startswith("Offline — directory as of ")
        assert "Offline" not in host(page).message_bar.text, "said once, in the bar"
        for button in page.actions_.buttons:
            assert not button.isEnabled()
            assert "offline" in button.toolTip().lower()
        directory.service.probe_timer.interval = 0.3  # the test's patience, not the user's 15 s
        directory.service.probe_timer.start()
        server = start_server(tmp_path / "server", demo_providers=None, port=port)
        await wait_until(lambda: directory.online, 30, "back online by itself")
        await wait_until(lambda: parts.connectivity.state is ConnectionState.ONLINE
                         and not directory.syncing, 30, "synced again")
        assert not bar.isVisible()
        assert page.actions_.new_button.isEnabled()
        await closed(parts, page)

    try:
        run_ui(loop, body)
    finally:
        server.stop()


def test_offline_start_reads_the_cache_of_a_previous_run(
    loop: asyncio.AbstractEventLoop, tmp_path: Path, memory_keyring: MemoryKeyring, qtbot: object,
) -> None:
    server = start_server(tmp_path / "server", demo_providers=30)

    async def body() -> None:
        parts, page = await directory_page(server, tmp_path / "desk", "facility_admin")
        before = shown_ids(page)
        await closed(parts, page)
        parts = await signed_in(server, tmp_path / "desk", "facility_admin", directory=False)
        server.stop()  # signed in; the server goes away before the directory's first sync
        directory = DirectoryState(parts.client, parts.connectivity, parts.runner, user=parts.user,
                                   server_key=parts.session.server, data_dir=tmp_path / "desk")
        directory.open()
        page = shown_page(parts, directory)
        await wait_until(lambda: directory.cache is not None, what="cache open")
        await wait_until(lambda: not directory.online, 20, "offline noticed")
        assert shown_ids(page) == before
        assert page.state.state == "content"
        assert not page.actions_.edit_button.isEnabled()
        await closed(parts, page, directory)

    try:
        run_ui(loop, body)
    finally:
        server.stop()


def state_text(page: DirectoryPage) -> str:
    """The words the page's state view shows now (loading, empty or error)."""
    return " ".join(label.text() for label in page.state.currentWidget().findChildren(QLabel))


def test_the_first_sync_shows_its_progress_not_an_empty_directory(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    async def body() -> None:
        parts = await signed_in(live_server, tmp_path / "desk", "facility_admin", directory=False)
        directory = DirectoryState(parts.client, parts.connectivity, parts.runner, user=parts.user,
                                   server_key=parts.session.server, data_dir=tmp_path / "desk")
        page = shown_page(parts, directory)
        seen: list[tuple[str, str, str, str]] = []

        def snapshot(when: str) -> None:  # connected after the page: what the page shows after it heard
            seen.append((when, page.state.state, state_text(page), page.count_label.text()))

        directory.sync_running.connect(lambda running: snapshot(f"running {running}"))
        directory.progress.connect(lambda _done, _total: snapshot("progress"))
        directory.open()
        await wait_until(lambda: directory.last_sync is not None and not directory.syncing
                         and parts.runner.running == 0, 60, "the first sync")
        during = seen[seen.index(next(s for s in seen if s[0] == "running True")):-1]
        assert during, seen
        assert seen[-1][0] == "running False", seen
        for _when, state, text, count in during:
            assert state == "loading", seen
            assert text.startswith("Syncing the directory from the server…"), seen
            assert "No providers" not in text, seen
            assert count == "Not synced yet", "no “0 active providers” while it fills"
        assert any(s[0] == "progress" and "so far" in s[2] for s in during), f"the progress shows: {seen}"
        assert page.state.state == "content"
        assert page.count_label.text() == f"{page.model.count:,} active providers"
        await closed(parts, page, directory)

    run_ui(loop, body)


def test_never_synced_and_offline_it_says_so_rather_than_empty(
    loop: asyncio.AbstractEventLoop, tmp_path: Path, memory_keyring: MemoryKeyring, qtbot: object,
) -> None:
    server = start_server(tmp_path / "server", demo_providers=5)

    async def body() -> None:
        parts = await signed_in(server, tmp_path / "desk", "facility_admin", directory=False)
        server.stop()  # before the directory's first sync
        directory = DirectoryState(parts.client, parts.connectivity, parts.runner, user=parts.user,
                                   server_key=parts.session.server, data_dir=tmp_path / "desk")
        directory.open()
        page = shown_page(parts, directory)
        await wait_until(lambda: not directory.online and directory.cache is not None and not directory.syncing,
                         20, "offline noticed")
        assert page.state.state == "empty"
        assert "not been synced to this computer yet" in state_text(page)
        assert "when the server answers again" in state_text(page)
        assert "No providers" not in state_text(page)
        assert page.count_label.text() == "Not synced yet"
        await closed(parts, page, directory)

    try:
        run_ui(loop, body)
    finally:
        server.stop()
