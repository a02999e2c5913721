"""The directory as a provider sees it, against the real server: the credentialed providers only
(the server's own answer to that provider), said on the page, with no filter offering empty
choices, and a detail without another provider's private fields."""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from PySide6.QtWidgets import QLabel

from tests.helpers.factories import all_ids, create_provider, screened
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import run_ui, wait_until
from tests.ui.directory.test_page import closed, directory_page, settle, shown_ids
from ui.directory.page import DirectoryPage
from ui.providers.detail import ProviderDetailDialog

PRIVATE_ROWS = {"Additional Information", "License document", "Credentialing note"}


def row_labels(dialog: ProviderDetailDialog) -> set[str]:
    """The labels of the detail's rows (each value label is named after its row)."""
    return {label.accessibleName() for label in dialog.area.findChildren(QLabel) if label.accessibleName()}


async def opened_detail(page: DirectoryPage, provider_id: str) -> ProviderDetailDialog:
    page.open_detail(provider_id)
    dialog = page.dialog
    assert isinstance(dialog, ProviderDetailDialog)
    assert dialog.provider.id == provider_id
    await wait_until(dialog.isVisible, what="detail")
    return dialog


def test_a_provider_sees_the_credentialed_directory_as_the_server_answers_it(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client,
    officer: httpx.Client, provider: httpx.Client, qtbot: object,
) -> None:
    pending = create_provider(admin, first_name="Pendora", last_name="Unverified")
    gone = create_provider(admin, first_name="Gonzo", last_name="Deactivated")
    screened(officer)
    officer.post(f"/providers/{gone['id']}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": "2099-01-01"}).raise_for_status()
    assert admin.delete(f"/providers/{gone['id']}/").status_code == 204

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "provider")
        expected = await asyncio.to_thread(all_ids, provider, "/providers/")
        assert shown_ids(page) == expected, "the server's list for this provider"
        own = parts.user.provider_id
        assert own in shown_ids(page)
        rows = [page.model.row_at(n) for n in range(page.model.rowCount())]
        assert all(r.is_active and r.license_status == "verified" for r in rows if r.id != own)
        cache = parts.own_directory().cache
        assert cache.provider(pending["id"]) is None
        assert cache.provider(gone["id"]) is None
        assert page.count_label.text() == f"{len(expected)} credentialed providers"
        assert "Credentialed providers" in page.scope_label.text()
        assert page.scope_label.isVisibleTo(page)
        assert not page.filters.combos["license_status"].isVisibleTo(page), "no empty status choices"
        assert not page.filters.active.isVisibleTo(page), "no inactive providers to choose"
        assert not any(b.isVisibleTo(page) for b in page.actions_.buttons)
        page.search.setText("pendora")
        await settle(page)
        assert page.state.state == "empty"
        await closed(parts, page)

    run_ui(loop, body)


def test_a_providers_detail_shows_no_private_row_of_another_provider(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client,
    officer: httpx.Client, qtbot: object,
) -> None:
    other = create_provider(admin, first_name="Privata", last_name="Otherwise",
                            additional_information="Only staff may read this.")
    screened(officer)
    officer.post(f"/providers/{other['id']}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": "2099-01-01"}).raise_for_status()

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "provider")
        assert other["id"] in shown_ids(page)
        dialog = await opened_detail(page, other["id"])
        labels = row_labels(dialog)
        assert {"License status", "License expiry date", "Professional Biography"} <= labels
        assert not labels & PRIVATE_ROWS, "no row for what a provider may not see"
        texts = [label.text() for label in dialog.area.findChildren(QLabel)]
        assert "Only staff may read this." not in texts
        assert "None uploaded" not in texts
        assert dialog.audit is None, "the audit trail is for staff"
        dialog.close()
        own = await opened_detail(page, parts.user.provider_id)
        assert {"Additional Information", "License document"} <= row_labels(own), "the own record is whole"
        own.close()
        await wait_until(lambda: parts.runner.running == 0, what="quiet")
        await closed(parts, page)

    run_ui(loop, body)


def test_staff_see_every_row_of_the_detail(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client, qtbot: object,
) -> None:
    made = create_provider(admin, first_name="Wholena", last_name="Record")

    async def body() -> None:
        parts, page = await directory_page(live_server, tmp_path, "credentialing_officer")
        dialog = await opened_detail(page, made["id"])
        assert {"Additional Information", "License document"} <= row_labels(dialog)
        assert page.count_label.text().endswith("active providers")
        assert page.filters.combos["license_status"].isVisibleTo(page)
        assert page.filters.active.isVisibleTo(page)
        dialog.close()
        await wait_until(lambda: parts.runner.running == 0, what="quiet")
        await closed(parts, page)

    run_ui(loop, body)
