"""Reactivation from the directory against the real server: from the row and from the detail, with
a confirmation, If-Match and the audit trail; offline it is disabled with the reason; officers never
see it."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import shiboken6
from PySide6.QtWidgets import QMessageBox

from app.api.connectivity import ConnectionState
from tests.helpers.factories import create_provider
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import SignedIn, run_ui, wait_until
from tests.ui.directory.test_page import closed, directory_page, host, settle, shown_ids
from ui.directory.page import DirectoryPage
from ui.providers.detail import ProviderDetailDialog


def deactivated(admin: httpx.Client, **fields: Any) -> dict[str, Any]:
    made = create_provider(admin, **fields)
    assert admin.delete(f"/providers/{made['id']}/").status_code == 204
    return made


async def inactive_shown(page: DirectoryPage, parts: SignedIn, made: dict[str, Any]) -> None:
    """The page lists deactivated providers, searched down to `made` (synced from the server)."""
    directory = parts.own_directory()
    directory.sync_now()
    await wait_until(lambda: not directory.syncing and parts.runner.running == 0, 30, "sync")
    assert page.filters.choose("is_active", False)
    page.search.setText(made["first_name"])
    await settle(page)
    await wait_until(lambda: made["id"] in shown_ids(page), what="the deactivated row")


async def confirmed(page: DirectoryPage) -> QMessageBox:
    """The confirmation, once shown; its Reactivate button is clicked by the caller."""
    await wait_until(lambda: isinstance(page.actions_.dialog, QMessageBox) and page.actions_.dialog.isVisible(),
                     what="confirmation")
    box = page.actions_.dialog
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == "Reactivate provider"
    assert "Reactivate" in box.text()
    assert "sign in again" in box.text()
    return box


def reactivate_button(box: QMessageBox) -> Any:
    return next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)


def audit_actions(admin: httpx.Client, provider_id: str) -> list[str]:
    return [event["action"] for event in admin.get(f"/providers/{provider_id}/audit/").json()]


def test_admin_reactivates_from_the_row(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client, qtbot: object,
) -> None:
    made = deactivated(admin, first_name="Rowena", last_name="Backagain")

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "facility_admin")
        actions = page.actions_
        await inactive_shown(page, parts, made)
        page.table.selectRow(shown_ids(page).index(made["id"]))
        assert actions.reactivate_button.isVisibleTo(page)
        assert not actions.deactivate_button.isVisibleTo(page), "one of the two, for the chosen row"
        assert actions.reactivate_button.isEnabled()
        actions.reactivate_button.click()
        box = await confirmed(page)
        cancel = box.button(QMessageBox.StandardButton.Cancel)
        cancel.click()  # a first thought better of: nothing is sent
        await wait_until(lambda: parts.runner.running == 0, what="quiet")
        assert (await asyncio.to_thread(admin.get, f"/providers/{made['id']}/")).json()["is_active"] is False
        actions.reactivate_button.click()
        reactivate_button(await confirmed(page)).click()
        cache = parts.own_directory().cache
        await wait_until(lambda: cache.provider(made["id"]).is_active, what="the row updated in the cache")
        server = (await asyncio.to_thread(admin.get, f"/providers/{made['id']}/")).json()
        assert server["is_active"] is True
        await wait_until(lambda: made["id"] not in shown_ids(page), what="out of the inactive list")
        assert "reactivated" in host(page).message_bar.text
        assert (await asyncio.to_thread(audit_actions, admin, made["id"]))[0] == "reactivated"
        page.filters.clear()
        await settle(page)
        assert made["id"] in shown_ids(page), "back among the active providers"
        page.table.selectRow(shown_ids(page).index(made["id"]))
        assert actions.deactivate_button.isVisibleTo(page)
        assert not actions.reactivate_button.isVisibleTo(page)
        await closed(parts, page)

    run_ui(loop, body)


def test_admin_reactivates_from_the_detail_and_offline_it_is_disabled(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client, qtbot: object,
) -> None:
    made = deactivated(admin, first_name="Detailia", last_name="Returner")

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "facility_admin")
        await inactive_shown(page, parts, made)
        page.open_detail(made["id"])
        dialog = page.dialog
        assert isinstance(dialog, ProviderDetailDialog)
        await wait_until(dialog.isVisible, what="detail")
        button = dialog.reactivate_button
        assert button is not None
        assert button.isEnabled()
        assert "Deactivated" in dialog.subtitle.text()
        parts.connectivity.set(ConnectionState.OFFLINE)
        assert not button.isEnabled()
        assert "offline" in button.toolTip().lower()
        parts.connectivity.set(ConnectionState.ONLINE)
        await wait_until(button.isEnabled, what="online again")
        await wait_until(lambda: not parts.own_directory().syncing and parts.runner.running == 0, 30, "sync")
        dialog.grab().save(str(tmp_path / "detail-inactive.png"))
        button.click()
        box = await confirmed(page)
        assert box.parent() is dialog, "asked over the detail it came from"
        reactivate_button(box).click()
        await wait_until(lambda: button.isHidden(), what="the detail shows the result")
        assert "Deactivated" not in dialog.subtitle.text()
        assert (await asyncio.to_thread(admin.get, f"/providers/{made['id']}/")).json()["is_active"] is True
        await wait_until(lambda: parts.own_directory().cache.provider(made["id"]).is_active, what="cache")
        assert (await asyncio.to_thread(audit_actions, admin, made["id"]))[0] == "reactivated"
        dialog.close()
        await wait_until(lambda: parts.runner.running == 0, what="quiet")
        await closed(parts, page)

    run_ui(loop, body)


def test_officers_never_see_reactivate(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client, qtbot: object,
) -> None:
    made = deactivated(admin, first_name="Officia", last_name="Unseen")

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "credentialing_officer")
        await inactive_shown(page, parts, made)
        page.table.selectRow(shown_ids(page).index(made["id"]))
        assert not any(b.isVisibleTo(page) for b in page.actions_.buttons)
        page.open_detail(made["id"])
        dialog = page.dialog
        assert dialog is not None
        assert dialog.reactivate_button is None
        assert "Reactivate…" not in [b.text() for b in dialog.buttons.buttons()]
        dialog.close()
        await wait_until(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), what="closed")
        await wait_until(lambda: parts.runner.running == 0, what="quiet")
        await closed(parts, page)

    run_ui(loop, body)
