"""The credentialing worklist against the real server: queues like the server's, decisions from the
keyboard, refusals and conflicts, documents in place (a real PDF and PNG), expiry, offline, audit CSV."""
from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QSettings, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.credentialing.worklist import QUEUES
from server.common.pdf import license_pdf
from tests.helpers.factories import all_ids, register_provider, screened
from tests.helpers.live_server import DEMO_ACCOUNTS, LiveServer, running_server
from tests.helpers.qt import SignedIn, run_ui, signed_in, signed_out, wait_until
from ui.common.dialogs import is_open
from ui.common.directory_state import DirectoryState
from ui.common.notify import MessageBar
from ui.credentialing.alerts import LicenseAlerts
from ui.credentialing.decision_dialog import DecisionDialog
from ui.credentialing.page import CredentialingPage
from ui.providers.table_model import ID_ROLE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of our own: these tests change the queues."""
    with running_server(tmp_path_factory.mktemp("credentialing"), demo_providers=60) as live:
        yield live


def client_for(server: LiveServer, role: str) -> httpx.Client:
    return server.client(server.login(DEMO_ACCOUNTS[role])["access"])


def server_queue(client: httpx.Client, **params: str | int) -> list[str]:
    return all_ids(client, "/credentialing/queue/", **params)


def queue_params(index: int) -> dict[str, str | int]:
    query = QUEUES[index].query
    if query.expiring_within is not None:
        return {"expiring_within": query.expiring_within}
    assert query.license_status is not None
    return {"license_status": query.license_status}


def shown_ids(page: CredentialingPage) -> list[str]:
    return [page.model.index(row, 0).data(ID_ROLE) for row in range(page.model.rowCount())]


async def worklist(parts: SignedIn) -> CredentialingPage:
    """The credentialing page built from what the shell hands it after sign-in, shown, after the first sync."""
    page = CredentialingPage(parts.own_directory(), parts.client, parts.runner, parts.user)
    page.resize(1180, 760)
    page.show()
    page.activate()
    await synced(parts)
    return page


async def synced(parts: SignedIn) -> None:
    directory = parts.own_directory()  # signed_in waited for the first sync; sync_now starts one at once
    await wait_until(lambda: not directory.syncing, 30, "sync")
    await wait_until(lambda: parts.runner.running == 0, what="quiet")


async def closed(parts: SignedIn, page: CredentialingPage | None = None) -> None:
    """Close the page as the window does (shut down, then gone) and what sign-in opened."""
    if page is not None and shiboken6.isValid(page):
        page.close()
        page.shutdown()
        shiboken6.delete(page)
    await signed_out(parts)


def upload(server: LiveServer, registered: dict, name: str, content: bytes, content_type: str) -> dict:
    with server.client(registered["access"]) as mine:
        answer = mine.patch("/auth/provider/profile/", files={"license_document": (name, content, content_type)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def png_bytes() -> bytes:
    image = QImage(640, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a6fdb"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def test_queues_and_counts_match_the_server(loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path,
                                            qtbot: object, qtmodeltester: object) -> None:
    async def body() -> None:
        parts = await signed_in(server, tmp_path, "credentialing_officer")
        page = await worklist(parts)
        with client_for(server, "credentialing_officer") as officer:
            for index, queue in enumerate(QUEUES):
                page.queues.set_queue(index)
                expected = await asyncio.to_thread(server_queue, officer, **queue_params(index))
                assert shown_ids(page) == expected, queue.label
                assert page.queues.queue_text(index) == f"{queue.label} ({len(expected):,})"
            dashboard = (await asyncio.to_thread(officer.get, "/dashboard/")).json()
        counts = {q.key: int(page.queues.queue_text(i).rsplit("(", 1)[1].rstrip(")")) for i, q in enumerate(QUEUES)}
        assert counts["pending"] == dashboard["pending_queue"]
        assert [counts[f"expiring_{d}"] for d in (30, 60, 90)] == [dashboard["expiring"][f"within_{d}"]
                                                                    for d in (30, 60, 90)]
        assert counts["pending"] > 0
        qtmodeltester.check(page.model)  # type: ignore[attr-defined]
        await closed(parts, page)

    run_ui(loop, body)


def test_keyboard_flow_through_five_items(loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path,
                                          qtbot: object) -> None:
    async def body() -> None:
        parts = await signed_in(server, tmp_path, "credentialing_officer")
        page = await worklist(parts)
        page.queues.set_queue(0)
        page.table.setFocus()
        start = shown_ids(page)
        assert len(start) >= 5
        assert page.pane.provider is not None
        assert page.pane.provider.id == start[0]
        decided: dict[str, str] = {}

        async def decide(key: Qt.Key, note: str = "") -> None:
            reviewed = page.pane.provider
            assert reviewed is not None
            await wait_until(lambda: page.review.version is not None, what="the server's record")
            QTest.keyClick(page.table, key)
            dialog = page.actions_.dialog
            assert isinstance(dialog, DecisionDialog)
            await wait_until(dialog.isVisible, what="dialog")
            if note:
                assert dialog.note_edit is not None
                QTest.keyClicks(dialog.note_edit, note)
                QTest.keyClick(dialog.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            else:
                assert dialog.expiry_edit is not None
                QTest.keyClick(dialog.expiry_edit, Qt.Key.Key_Return)
            await wait_until(lambda: not is_open(dialog), what="decision sent")
            decided[reviewed.id] = "rejected" if note else "verified"
            await wait_until(lambda: reviewed.id not in shown_ids(page), what="the queue without it")
            await wait_until(lambda: parts.runner.running == 0, what="quiet")

        await decide(Qt.Key.Key_V)                                    # item 1: verified
        assert page.pane.provider is not None
        assert page.pane.provider.id == start[1], "the next license comes up"
        await decide(Qt.Key.Key_R, "The scan is illegible; upload a clear copy.")  # item 2: rejected
        QTest.keyClick(page.table, Qt.Key.Key_J)                      # item 3: skipped
        assert page.pane.provider is not None
        assert page.pane.provider.id == start[3]
        QTest.keyClick(page.table, Qt.Key.Key_K)                      # back to item 3
        assert page.pane.provider.id == start[2]
        QTest.keyClick(page.table, Qt.Key.Key_J)
        await decide(Qt.Key.Key_V)                                    # item 4: verified
        await decide(Qt.Key.Key_R, "License number does not match the document.")  # item 5: rejected
        assert set(decided) == {start[0], start[1], start[3], start[4]}
        QTest.keyClick(page.table, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        assert page.queue.key == "expiring_30", "the next queue, from the keyboard"
        QTest.keyClick(page.table, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
        assert page.queue.key == "pending"
        assert shown_ids(page)[0] == start[2], "the skipped one stays at the head of the queue"
        await wait_until(lambda: page.queues.queue_text(0) == f"Pending verification ({len(start) - 4:,})",
                         what="the count follows")
        with client_for(server, "credentialing_officer") as officer:
            for provider_id, decision in decided.items():
                detail = (await asyncio.to_thread(officer.get, f"/providers/{provider_id}/")).json()
                assert detail["license_status"] == decision
                trail = (await asyncio.to_thread(officer.get, f"/providers/{provider_id}/audit/")).json()
                assert trail[0]["action"] == decision
                assert trail[0]["actor"] == DEMO_ACCOUNTS["credentialing_officer"]
            assert (await asyncio.to_thread(server_queue, officer)) == shown_ids(page)
        await closed(parts, page)

    run_ui(loop, body)


def test_documents_show_in_place_and_stay_readable_offline(
    loop: asyncio.AbstractEventLoop, tmp_path: Path, qtbot: object,
) -> None:
    with running_server(tmp_path / "server", demo_providers=20) as own:
        with own.client() as anon:
            pdf_owner = register_provider(anon, first_name="Pdfina", last_name="Aardvark")
            png_owner = register_provider(anon, first_name="Pngela", last_name="Aardvark")
        pdf = license_pdf([(20, 700, "Board of Medicine - License PDF-1")])
        upload(own, pdf_owner, "license.pdf", pdf, "application/pdf")
        upload(own, png_owner, "license.png", png_bytes(), "image/png")

        async def body() -> None:
            parts = await signed_in(own, tmp_path / "desk", "credentialing_officer")
            page = await worklist(parts)
            ids = shown_ids(page)
            pdf_id, png_id = pdf_owner["profile"]["id"], png_owner["profile"]["id"]
            viewer = page.pane.viewer
            page.select_row(ids.index(pdf_id))
            review = page.review
            await wait_until(lambda: review.document is not None and review.document.content == pdf, what="pdf")
            assert viewer.state == "pdf"
            assert viewer.pdf.status() == QPdfDocument.Status.Ready
            assert viewer.pdf.pageCount() == 1
            assert viewer.facts.text().startswith("PDF · ")
            page.select_row(ids.index(png_id))
            await wait_until(lambda: review.document is not None and review.document.content_type == "image/png",
                             what="png")
            assert viewer.state == "image"
            assert viewer.facts.text().startswith("PNG image · ")
            page.window().activateWindow()
            await wait_until(page.isActiveWindow, what="the window active")
            page.table.setFocus()  # the list, not the document: zoom keys work from it too (issue 22, item 10)
            assert page.table.hasFocus()
            fitted = viewer.zoom.label.text()
            QTest.keyClick(page.table, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
            assert viewer.zoom.label.text() != fitted, "Ctrl+plus zoomed in"
            QTest.keyClick(page.table, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
            assert viewer.zoom.label.text() == fitted, "Ctrl+0 fits the width again"
            assert page.table.hasFocus()
            page.actions_.open_document()
            window = viewer.full_size_window
            assert window is not None
            assert window.isVisible()
            page.actions_.open_document()
            assert viewer.full_size_window is window, "O again raises the same window"
            page.select_row(ids.index(pdf_id))
            await wait_until(lambda: viewer.full_size_window is None, what="the window of the one before closes")
            own.stop()
            parts.own_directory().sync_now()
            await wait_until(lambda: not parts.own_directory().online, 20, "offline noticed")
            assert shown_ids(page) == ids, "the worklist reads the cache"
            assert not page.pane.verify_button.isEnabled()
            assert "offline" in page.pane.verify_button.toolTip().lower()
            page.select_row(ids.index(pdf_id))
            await wait_until(lambda: review.document is not None and review.document.content == pdf,
                             what="the document opened before, kept in the cache")
            assert viewer.state == "pdf"
            unseen = next(i for i in ids if i not in (pdf_id, png_id) and page.model.cache.provider(i)
                          and page.model.cache.provider(i).has_license_document)
            page.select_row(ids.index(unseen))
            await wait_until(lambda: "not been opened on this computer" in viewer.message.text(), what="unseen")
            await closed(parts, page)

        run_ui(loop, body)


def test_a_decision_on_a_record_changed_meanwhile_is_refused_with_the_difference(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    with server.client() as anon:
        registered = register_provider(anon, first_name="Conflicta", last_name="Zzyzx", specialization="Cardiology")
    provider_id = registered["profile"]["id"]

    async def body() -> None:
        parts = await signed_in(server, tmp_path, "credentialing_officer")
        page = await worklist(parts)
        page.select_row(shown_ids(page).index(provider_id))
        review = page.review
        await wait_until(lambda: review.version is not None and review.version.value.id == provider_id, what="loaded")
        with client_for(server, "facility_admin") as admin:
            changed = await asyncio.to_thread(admin.patch, f"/providers/{provider_id}/",
                                              json={"specialization": "Neurology"})
            assert changed.status_code == 200
        page.actions_.verify()
        dialog = page.actions_.dialog
        assert dialog is not None
        dialog.ok_button.click()
        await wait_until(lambda: isinstance(page.actions_.dialog, QMessageBox) and is_open(page.actions_.dialog),
                         what="conflict shown")
        message = page.actions_.dialog
        assert isinstance(message, QMessageBox)
        text = message.text()
        assert "your decision was not taken" in text
        assert "Specialization: now “Neurology” (was “Cardiology”)" in text
        assert page.pane.provider is not None
        assert page.pane.provider.specialization == "Neurology", "the pane shows the current record"
        message.done(QMessageBox.StandardButton.Ok)
        with client_for(server, "credentialing_officer") as officer:
            detail = (await asyncio.to_thread(officer.get, f"/providers/{provider_id}/")).json()
        assert detail["license_status"] == "pending_verification"
        await closed(parts, page)

    run_ui(loop, body)


def test_a_decision_confirmed_on_the_cached_copy_is_refused_when_the_server_has_another(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    """The dialog opened on the cache's copy; the server's newer copy arrives while it is open."""
    with server.client() as anon:
        registered = register_provider(anon, first_name="Racer", last_name="Zzyzx", organization_facility="Old Clinic")
    provider_id = registered["profile"]["id"]

    async def body() -> None:
        parts = await signed_in(server, tmp_path, "credentialing_officer")
        page = await worklist(parts)
        with client_for(server, "facility_admin") as admin:  # changed on the server after the last sync
            changed = await asyncio.to_thread(admin.patch, f"/providers/{provider_id}/",
                                              json={"organization_facility": "New Clinic"})
            assert changed.status_code == 200
        page.select_row(shown_ids(page).index(provider_id))
        assert page.pane.provider is not None
        assert page.pane.provider.organization_facility == "Old Clinic", "the cache's copy, at once"
        page.actions_.verify()
        dialog = page.actions_.dialog
        assert dialog is not None
        review = page.review
        await wait_until(lambda: review.version is not None, what="the server's copy, while the dialog is open")
        assert page.pane.provider.organization_facility == "New Clinic"
        dialog.ok_button.click()
        await wait_until(lambda: isinstance(page.actions_.dialog, QMessageBox) and is_open(page.actions_.dialog),
                         what="refused")
        message = page.actions_.dialog
        assert isinstance(message, QMessageBox)
        assert "Organization/Facility: now “New Clinic” (was “Old Clinic”)" in message.text()
        with client_for(server, "credentialing_officer") as officer:
            detail = (await asyncio.to_thread(officer.get, f"/providers/{provider_id}/")).json()
        assert detail["license_status"] == "pending_verification"
        message.done(QMessageBox.StandardButton.Ok)
        await closed(parts, page)

    run_ui(loop, body)


def test_dialogs_ask_for_what_the_server_requires_and_show_its_refusals(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    with server.client() as anon:
        registered = register_provider(anon, first_name="Refusa", last_name="Zzyzx")
    provider_id = registered["profile"]["id"]

    async def body() -> None:
        parts = await signed_in(server, tmp_path, "credentialing_officer")
        page = await worklist(parts)
        page.select_row(shown_ids(page).index(provider_id))
        await wait_until(lambda: page.review.version is not None, what="loaded")
        page.actions_.reject()
        dialog = page.actions_.dialog
        assert dialog is not None
        assert dialog.note_edit is not None
        assert not dialog.ok_button.isEnabled()
        assert dialog.ok_button.toolTip() == "A note is required when rejecting a license; the provider will see it."
        dialog.note_edit.setPlainText("   ")
        assert not dialog.ok_button.isEnabled(), "blank is no note"
        dialog.note_edit.setPlainText("x" * 2001)
        assert "too long" in dialog.problem()
        dialog.note_edit.setPlainText("Expired scan; upload the renewed license.")
        assert dialog.ok_button.isEnabled()
        dialog.reject()
        page.actions_.verify()
        dialog = page.actions_.dialog
        assert dialog.expiry_edit is not None
        for past in (dialog.expiry_edit.date().addYears(-3), QDate.currentDate()):
            dialog.expiry_edit.setDate(past)
            assert dialog.problem() == "The expiry date must be in the future."
            assert not dialog.ok_button.isEnabled(), "no past or present date can be confirmed"
        dialog.reject()
        # the server's own refusals, as the dialog shows them: a role that may not decide
        with client_for(server, "facility_admin") as admin:
            refused = await asyncio.to_thread(admin.post, f"/providers/{provider_id}/license/decision/",
                                              json={"decision": "verified", "license_expiry_date": "2030-01-01"})
        assert refused.status_code == 403
        await closed(parts, page)

    run_ui(loop, body)


def test_facility_administrators_see_the_worklist_read_only(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    async def body() -> None:
        parts = await signed_in(server, tmp_path, "facility_admin")
        page = await worklist(parts)
        assert page.pane.provider is not None
        for button in (page.pane.verify_button, page.pane.reject_button):
            assert not button.isEnabled()
            assert button.toolTip() == "Read-only: only credentialing officers verify or reject licenses."
        QTest.keyClick(page.table, Qt.Key.Key_V)
        assert page.actions_.dialog is None, "V opens nothing for an administrator"
        assert "read-only" in page.count_label.text()
        await closed(parts, page)

    run_ui(loop, body)


def test_a_verified_license_past_its_expiry_reads_expired_in_server_and_ui(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    with server.client() as anon:
        registered = register_provider(anon, first_name="Expira", last_name="Zzyzx")
    provider_id = registered["profile"]["id"]
    with client_for(server, "credentialing_officer") as officer:
        screened(officer)
        done = officer.post(f"/providers/{provider_id}/license/decision/",
                            json={"decision": "verified", "license_expiry_date": str(date.today() + timedelta(10))})
        assert done.status_code == 200

    async def body() -> None:
        parts = await signed_in(server, tmp_path, "credentialing_officer")
        page = await worklist(parts)
        page.queues.set_queue(1)  # expiring within 30 days
        assert provider_id in shown_ids(page)
        # the days pass: the expiry date is now behind (saved through the model, so it syncs)
        await asyncio.to_thread(server.manage, "shell", "-c", (
            "from datetime import date, timedelta\n"
            "from server.directory.models import Provider\n"
            f"p = Provider.objects.get(pk='{provider_id}')\n"
            "p.license_expiry_date = date.today() - timedelta(days=1)\n"
            "p.save()\n"))
        with client_for(server, "credentialing_officer") as officer:
            detail = (await asyncio.to_thread(officer.get, f"/providers/{provider_id}/")).json()
            expired = await asyncio.to_thread(server_queue, officer, license_status="expired")
        assert detail["license_status"] == "expired"
        assert detail["license_verified"] is False
        assert provider_id in expired
        parts.own_directory().sync_now()
        await wait_until(lambda: provider_id not in shown_ids(page), 20, "gone from the expiring queue")
        page.queues.set_queue(4)  # expired
        assert shown_ids(page) == expired
        page.select_row(shown_ids(page).index(provider_id))
        assert page.pane.badge.text() == "Expired"
        assert page.pane.expiry.text().startswith("Expired ")
        await closed(parts, page)

    run_ui(loop, body)


def test_audit_trail_and_decisions_export_as_csv(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    with server.client() as anon:
        registered = register_provider(anon, first_name="Auditia", last_name="Zzyzx")
    provider_id = registered["profile"]["id"]
    with client_for(server, "credentialing_officer") as officer:
        screened(officer)
        done = officer.post(f"/providers/{provider_id}/license/decision/",
                            json={"decision": "rejected", "note": "=HYPERLINK(\"x\") is not a license"})
        assert done.status_code == 200
        trail = officer.get(f"/providers/{provider_id}/audit/").json()
        today = date.today().isoformat()
        decisions = officer.get("/credentialing/audit/", params={"since": today, "until": today,
                                                                 "page_size": 1000}).json()

    async def body() -> None:
        parts = await signed_in(server, tmp_path / "desk", "credentialing_officer")
        page = await worklist(parts)
        page.queues.set_queue(5)  # rejected
        page.select_row(shown_ids(page).index(provider_id))
        one = tmp_path / "trail.csv"
        page.actions_.export_trail_to(one)
        await wait_until(lambda: one.exists() and parts.runner.running == 0, what="trail written")
        rows = list(csv.DictReader(one.open(encoding="utf-8-sig")))
        assert [r["action"] for r in rows] == [e["action"] for e in reversed(trail)], "oldest first"
        assert {r["provider_id"] for r in rows} == {provider_id}
        rejected = rows[-1]
        assert rejected["actor"] == DEMO_ACCOUNTS["credentialing_officer"]
        assert rejected["detail"] == "'=HYPERLINK(\"x\") is not a license", "a formula is never run"
        many = tmp_path / "decisions.csv"
        page.actions_.export_decisions_to(many, date.today(), date.today())
        await wait_until(lambda: many.exists() and parts.runner.running == 0, what="decisions written")
        rows = list(csv.DictReader(many.open(encoding="utf-8-sig")))
        assert len(rows) == decisions["count"]
        assert {r["action"] for r in rows} <= {"verified", "rejected"}
        assert any(r["provider_id"] == provider_id and r["action"] == "rejected" for r in rows)
        await closed(parts, page)

    run_ui(loop, body)


async def alerted(server: LiveServer, data_dir: Path, role: str) -> tuple[SignedIn, LicenseAlerts, MessageBar]:
    """Signed in as `role` with license alerts, built as the shell builds them: before the directory
    opens, keeping their state in the data folder's window.ini, their notices in a message bar."""
    parts = await signed_in(server, data_dir, role, directory=False)
    directory = DirectoryState(parts.client, parts.connectivity, parts.runner, user=parts.user,
                               server_key=parts.session.server, data_dir=data_dir)
    parts.directory = directory
    state = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
    alerts = LicenseAlerts(directory, parts.user, state, server_key=parts.session.server)
    bar = MessageBar()
    alerts.notice.connect(bar.show_message)
    alerts.changed.connect(bar.replace_message)
    directory.open()
    await wait_until(lambda: directory.cache is not None and not directory.syncing and parts.runner.running == 0,
                     60, "the directory's first sync")
    return parts, alerts, bar


async def closed_alerts(parts: SignedIn, alerts: LicenseAlerts, bar: MessageBar) -> None:
    alerts.stop()
    shiboken6.delete(alerts)
    shiboken6.delete(bar)
    await closed(parts)


def test_alerts_name_expiring_and_new_pending_licenses_from_the_cache(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    async def body() -> None:
        parts, alerts, bar = await alerted(server, tmp_path, "credentialing_officer")
        await wait_until(lambda: alerts.last is not None, what="the first alert")
        with client_for(server, "credentialing_officer") as officer:
            dashboard = (await asyncio.to_thread(officer.get, "/dashboard/")).json()
        assert alerts.last.expiring == dashboard["expiring"]["within_30"]
        assert alerts.last.pending == dashboard["pending_queue"]
        assert alerts.last.newly_pending == alerts.last.pending, "first run: every pending one is new"
        assert f"{alerts.last.expiring} license" in bar.text or not alerts.last.expiring
        assert alerts.check() is None, "once a day"
        with server.client() as anon:
            register_provider(anon, first_name="Newcomer", last_name="Zzyzx")
        parts.own_directory().sync_now()
        await synced(parts)
        again = alerts.check(force=True)
        assert again is not None
        assert again.newly_pending == 1, "only the one registered since the last alert"
        assert "1 new license is waiting for verification" in again.text()
        await closed_alerts(parts, alerts, bar)
        # registered while the application was closed: new at the next start, once the sync brought it
        with server.client() as anon:
            register_provider(anon, first_name="Overnight", last_name="Zzyzx")
        parts, alerts, bar = await alerted(server, tmp_path, "credentialing_officer")
        await wait_until(lambda: alerts.last is not None, what="the alert at start")
        assert alerts.last.newly_pending == 1
        assert "1 new license is waiting for verification" in bar.text
        await closed_alerts(parts, alerts, bar)

    run_ui(loop, body)


def test_the_alert_shown_follows_the_decisions(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    """Its counts changed with every decision, on screen too (issue 22, item 3: they never did)."""
    with server.client() as anon:
        register_provider(anon, first_name="Awaiting", last_name="Zzyzx")

    async def body() -> None:
        parts, alerts, bar = await alerted(server, tmp_path, "credentialing_officer")
        await wait_until(lambda: alerts.last is not None and alerts.last.pending > 0, what="the first alert")
        before = alerts.last
        assert before is not None
        assert [text for text, _level in bar.messages] == [before.text()]
        with client_for(server, "credentialing_officer") as officer:
            pending = server_queue(officer, license_status="pending_verification")
            expiry = (date.today() + timedelta(days=400)).isoformat()
            decided = await asyncio.to_thread(officer.post, f"/providers/{pending[0]}/license/decision/",
                                              json={"decision": "verified", "license_expiry_date": expiry})
            assert decided.status_code == 200, decided.text
        parts.own_directory().sync_now()
        await synced(parts)
        assert alerts.last is not None
        assert alerts.last.pending == before.pending - 1
        assert f"({before.pending - 1} pending in all)" in alerts.last.text()
        assert [text for text, _level in bar.messages] == [alerts.last.text()], "the message on screen follows"
        await closed_alerts(parts, alerts, bar)

    run_ui(loop, body)


def test_holding_j_switching_queues_and_signing_out_midway_raise_nothing(
    loop: asyncio.AbstractEventLoop, server: LiveServer, tmp_path: Path, qtbot: object,
) -> None:
    """Loads answered after the officer moved on, or after sign-out, are dropped (pytest-qt fails on
    any exception raised in a slot, and Qt warnings fail tests)."""
    async def body() -> None:
        parts = await signed_in(server, tmp_path, "credentialing_officer")
        page = await worklist(parts)
        for index in (0, 4, 5, 0):
            page.queues.set_queue(index)
            for _ in range(min(page.model.count, 6)):
                QTest.keyClick(page.table, Qt.Key.Key_J)
                await asyncio.sleep(0.04)  # shorter than the 150 ms settle: most loads never start
            await asyncio.sleep(0.2)  # this one's loads start
        last = page.pane.provider
        assert last is not None
        await wait_until(lambda: page.review.version is not None, what="the last one loads")
        assert page.review.version.value.id == last.id, "only the provider under review is shown"
        page.next_item()
        await asyncio.sleep(0.2)  # its loads are in flight...
        page.close()  # ...when the page goes, as at sign-out: the window closes, its pages shut down and go,
        page.shutdown()  # then the directory closes and the session ends on the server
        shiboken6.delete(page)
        parts.runner.start(parts.own_directory().aclose())
        parts.runner.start(parts.session.logout())
        await wait_until(lambda: parts.runner.running == 0, what="everything settled")
        assert not shiboken6.isValid(page), "the page is gone"
        await closed(parts)

    run_ui(loop, body)
