"""The profile editor against the real server, signed in as a provider registered for each test.

The page is built alone from a signed-in client and a task runner, in a window that stands in for
the main window's message bar; leaving the page with unsaved changes is the main window's test.
"""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from app.api.connectivity import ConnectionState
from tests.helpers.factories import register_provider, screened
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer
from tests.helpers.qt import SignedIn, run_ui, signed_in, signed_out, wait_until
from ui.common.notify import MessageBar
from ui.profile.page import OFFLINE_SAVE, ProfilePage

PDF = b"%PDF-1.4\n" + b"% a line of a small test document\n" * 6000 + b"%%EOF\n"  # ~200 KB: several chunks


@pytest.fixture
def account(anon: httpx.Client) -> dict[str, Any]:
    """A provider registered for this test only (the demo provider is shared with other tests)."""
    return register_provider(anon)


async def api(server: LiveServer, token: str | None, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request from "elsewhere" without blocking the running loop."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.api, headers=headers, timeout=30) as client:
        return await client.request(method, path, **kwargs)


async def fresh_token(server: LiveServer, role: str) -> str:
    """An access token of a demo account signed in just now (the session-wide `tokens` may have
    been ended by another test: the schema fuzz in tests/server ends the administrator's session)."""
    answer = await api(server, None, "POST", "/auth/login/",
                       json={"email": DEMO_ACCOUNTS[role], "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access"])


async def audit(server: LiveServer, provider_id: str) -> list[dict[str, Any]]:
    token = await fresh_token(server, "facility_admin")
    answer = await api(server, token, "GET", f"/providers/{provider_id}/audit/")
    assert answer.status_code == 200, answer.text
    return list(answer.json())


class Host(QWidget):
    """The window around a page, standing in for the main window: a message bar above the page.
    Open hosts are kept in `Host.open` (a window without a parent lives as long as its Python object)."""

    open: ClassVar[set[Host]] = set()

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        Host.open.add(self)
        self.message_bar = MessageBar()
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_bar)
        layout.addWidget(page, 1)
        self.resize(1000, 700)
        self.show()


async def open_profile(server: LiveServer, data_dir: Path, account: dict[str, Any]) -> tuple[SignedIn, ProfilePage]:
    """The profile page of `account`, shown in a window and loaded."""
    parts = await signed_in(server, data_dir, "provider", directory=False, email=account["user"]["email"],
                            password=account["password"])
    page = ProfilePage(parts.client, parts.runner)
    Host(page)
    page.activate()
    await wait_until(lambda: page.state.state == "content", what="profile loaded")
    return parts, page


async def closed_profile(parts: SignedIn, page: ProfilePage) -> None:
    """Close what `open_profile` opened: the page's window, its tasks, the client."""
    page.shutdown()
    host = page.window()
    Host.open.discard(host)
    host.deleteLater()
    await signed_out(parts)


def type_into(page: ProfilePage, name: str, text: str) -> None:
    """Replace a line edit's text as a user does: select all, then type (or erase)."""
    widget = page.form.fields.inputs[name]
    assert isinstance(widget, QLineEdit)
    widget.selectAll()
    if text:
        QTest.keyClicks(widget, text)
    else:
        QTest.keyClick(widget, Qt.Key.Key_Backspace)


def idle(page: ProfilePage) -> bool:
    """Nothing of the runner's is running (the page starts its work through the runner it was given)."""
    return page.runner.running == 0


def test_edit_save_only_the_change_then_revert(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, account: dict[str, Any],
    anon: httpx.Client,
) -> None:
    provider_id = account["profile"]["id"]
    taken = register_provider(anon)["profile"]["license_number"]

    async def body() -> None:
        parts, page = await open_profile(live_server, tmp_path, account)
        assert page.title == "My Profile"
        assert not page.save_button.isEnabled()
        assert not page.revert_button.isEnabled()
        assert page.completion.count.text() == "11 of 15 completed"
        assert page.completion.hint.text() == ("Still missing: National Provider Identifier (NPI), "
                                               "Additional Information, Professional Biography, License document.")
        type_into(page, "specialization", "Neurology")
        assert page.save_button.isEnabled()
        assert page.revert_button.isEnabled()
        assert page.has_unsaved_changes()
        QTest.keySequence(page.save_button, "Ctrl+S")
        await wait_until(lambda: idle(page) and not page.has_unsaved_changes(), what="saved")
        assert not page.save_button.isEnabled()
        assert "saved" in page.window().message_bar.text
        mine = await api(live_server, account["access"], "GET", "/auth/provider/profile/")
        assert mine.json()["specialization"] == "Neurology"
        updates = [e for e in await audit(live_server, provider_id) if e["action"] == "updated"]
        assert updates[0]["fields"] == ["specialization"], "only the changed field was sent"

        type_into(page, "last_name", "")  # validation as the user types, in the seed's words
        error = page.form.fields.errors["last_name"]
        assert not error.isHidden()
        assert error.text() == "Last name is required"
        page.save_button.click()
        assert idle(page), "nothing is sent while a field is invalid"
        page.revert_button.click()
        assert page.form.fields.value("last_name") == account["profile"]["last_name"]
        assert error.isHidden()
        assert not page.save_button.isEnabled()
        assert not page.has_unsaved_changes()

        type_into(page, "license_number", taken)  # another provider's: a 400 mapped to its field
        page.save_button.click()
        license_error = page.form.fields.errors["license_number"]
        await wait_until(lambda: not license_error.isHidden(), what="server's field error")
        assert license_error.text() == "A provider with this license number already exists"
        assert page.has_unsaved_changes(), "the refused edit stays for the user to fix"
        page.discard_changes()
        assert not page.has_unsaved_changes()
        await closed_profile(parts, page)

    run_ui(loop, body)


def test_conflict_keeps_my_edits_and_keep_mine_saves(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, account: dict[str, Any],
) -> None:
    token = account["access"]

    async def body() -> None:
        parts, page = await open_profile(live_server, tmp_path, account)
        type_into(page, "phone_number", "+1 555 777 1234")
        elsewhere = await api(live_server, token, "PATCH", "/auth/provider/profile/",
                              json={"specialization": "Changed elsewhere"})
        assert elsewhere.status_code == 200
        page.save_button.click()
        await wait_until(lambda: page.banner.isVisible(), what="conflict banner")
        assert page.banner.property("level") == "warning"
        assert "Specialization: now “Changed elsewhere”" in page.banner.text.text(), "what changed meanwhile"
        assert "you typed" not in page.banner.text.text(), "the phone I changed is not theirs"
        assert page.form.fields.value("phone_number") == "+1 555 777 1234", "my edit is still there"
        assert not page.save_button.isEnabled(), "first choose what to keep"
        page.banner.mine_button.click()
        assert page.banner.isHidden()
        assert page.form.fields.value("specialization") == "Changed elsewhere", "their change shows"
        assert page.form.fields.value("phone_number") == "+1 555 777 1234"
        assert page.save_button.isEnabled()
        page.save_button.click()
        await wait_until(lambda: idle(page) and not page.has_unsaved_changes(), what="saved")
        assert page.banner.isHidden()
        saved = (await api(live_server, token, "GET", "/auth/provider/profile/")).json()
        assert (saved["phone_number"], saved["specialization"]) == ("+1 555 777 1234", "Changed elsewhere")

        type_into(page, "specialization", "Mine")  # both change the same field; take theirs
        elsewhere = await api(live_server, token, "PATCH", "/auth/provider/profile/",
                              json={"specialization": "Theirs"})
        assert elsewhere.status_code == 200
        page.save_button.click()
        await wait_until(lambda: page.banner.isVisible(), what="second conflict")
        assert "Specialization: now “Theirs”" in page.banner.text.text()
        assert "you typed “Mine”" in page.banner.text.text(), "changed by both of us"
        page.banner.theirs_button.click()
        assert page.form.fields.value("specialization") == "Theirs"
        assert not page.has_unsaved_changes()
        await closed_profile(parts, page)

    run_ui(loop, body)


async def upload_through_dialog(page: ProfilePage, path: Path) -> None:
    panel = page.license_panel
    panel.upload_button.click()
    await wait_until(lambda: isinstance(panel.dialog, QFileDialog) and panel.dialog.isVisible(), what="file dialog")
    dialog = panel.dialog
    assert isinstance(dialog, QFileDialog)
    dialog.selectFile(str(path))
    dialog.accept()


def test_upload_pdf_and_png_with_progress_and_refuse_a_fake_pdf(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, account: dict[str, Any],
) -> None:
    provider_id = account["profile"]["id"]
    decision = {"decision": "rejected", "note": "The scan is unreadable <b>please</b> resend."}
    with live_server.client(live_server.login(DEMO_ACCOUNTS["credentialing_officer"])["access"]) as officer:
        assert officer.post(f"/providers/{provider_id}/license/decision/", json=decision).status_code == 200
    pdf = tmp_path / "license.pdf"
    pdf.write_bytes(PDF)
    png = tmp_path / "license scan.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f6feb"))
    assert image.save(str(png), "PNG")
    fake = tmp_path / "notes.pdf"
    fake.write_text("Just some notes, not a PDF at all.\n")

    async def uploads() -> int:
        return sum(e["action"] == "document_uploaded" for e in await audit(live_server, provider_id))

    async def body() -> None:
        parts, page = await open_profile(live_server, tmp_path / "data", account)
        panel = page.license_panel
        assert panel.badge.property("badge") == "rejected"
        assert panel.badge.text() == "Rejected"
        assert panel.note.text() == decision["note"]
        assert panel.note.textFormat() == Qt.TextFormat.PlainText
        assert not panel.note_box.isHidden()

        progress: list[int] = []
        panel.progress.valueChanged.connect(progress.append)
        await upload_through_dialog(page, fake)
        await wait_until(lambda: not panel.problem.isHidden(), what="refusal")
        assert "not a PDF, PNG or JPEG" in panel.problem.text()
        assert await uploads() == 0, "nothing was sent"

        for path, words in ((pdf, "PDF"), (png, "PNG image")):
            progress.clear()
            await upload_through_dialog(page, path)
            await wait_until(lambda w=words: panel.document.text().startswith(f"Document on file: {w}"),
                             what=f"{words} uploaded")
            assert progress[-1] == 100
            assert progress == sorted(progress)
            if path == pdf:
                assert len(progress) >= 3, f"progress in steps for a file of several chunks: {progress}"
            assert panel.badge.property("badge") == "pending_verification"
            assert panel.badge.text() == "Pending verification"
            assert panel.note_box.isHidden()
            assert panel.problem.isHidden()
        assert await uploads() == 2
        assert "License document" not in page.completion.hint.text()
        await closed_profile(parts, page)

    run_ui(loop, body)


def test_uploading_over_a_verified_license_asks_first_and_cancel_sends_nothing(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, account: dict[str, Any],
    officer: httpx.Client,
) -> None:
    provider_id = account["profile"]["id"]
    verified = {"decision": "verified", "license_expiry_date": str(date.today() + timedelta(days=365))}
    screened(officer)
    officer.post(f"/providers/{provider_id}/license/decision/", json=verified).raise_for_status()
    pdf = tmp_path / "renewed license.pdf"
    pdf.write_bytes(PDF)

    async def uploads() -> int:
        return sum(e["action"] == "document_uploaded" for e in await audit(live_server, provider_id))

    async def asked(page: ProfilePage) -> QMessageBox:
        panel = page.license_panel
        await upload_through_dialog(page, pdf)
        await wait_until(lambda: isinstance(panel.dialog, QMessageBox) and panel.dialog.isVisible(),
                         what="the question")
        box = panel.dialog
        assert isinstance(box, QMessageBox)
        assert box.text() == ("Uploading a new document sends your verified license back to pending verification "
                              "until a credentialing officer reviews it. Upload?")
        assert box.isModal()
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        return box

    async def body() -> None:
        parts, page = await open_profile(live_server, tmp_path / "data", account)
        panel = page.license_panel
        assert panel.badge.text() == "Verified"
        box = await asked(page)
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.3)
        assert panel.dialog is None
        assert page.runner.running == 0, "nothing was sent"
        assert panel.progress.isHidden()
        assert panel.badge.text() == "Verified"
        assert await uploads() == 0
        server = await api(live_server, await fresh_token(live_server, "facility_admin"), "GET",
                           f"/providers/{provider_id}/")
        assert server.json()["license_status"] == "verified"

        box = await asked(page)
        next(b for b in box.buttons() if b.text() == "Upload").click()
        await wait_until(lambda: panel.badge.text() == "Pending verification", what="uploaded")
        assert await uploads() == 1
        await closed_profile(parts, page)

    run_ui(loop, body)


def test_too_big_a_file_is_refused_before_sending(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, account: dict[str, Any],
) -> None:
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))

    async def body() -> None:
        parts, page = await open_profile(live_server, tmp_path / "data", account)
        page.license_panel.file_chosen.emit(str(big))
        await wait_until(lambda: not page.license_panel.problem.isHidden(), what="refusal")
        assert "at most 10 MB" in page.license_panel.problem.text()
        assert page.license_panel.upload_button.isEnabled()
        await closed_profile(parts, page)

    run_ui(loop, body)

def test_the_focus_stays_on_upload_after_an_upload(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, account: dict[str, Any],
) -> None:
    """Disabled while the document is sent, the button lost the focus to the professional title,
    where a wheel or a key meant for the page went (issue 22, item 2): it comes back."""
    pdf = tmp_path / "license.pdf"
    pdf.write_bytes(PDF)

    async def body() -> None:
        parts, page = await open_profile(live_server, tmp_path / "data", account)
        panel = page.license_panel
        page.window().activateWindow()
        await wait_until(page.isActiveWindow, what="the window active")
        panel.upload_button.setFocus()
        assert panel.upload_button.hasFocus()
        panel.file_chosen.emit(str(pdf))
        await wait_until(lambda: panel.document.text().startswith("Document on file: PDF"), what="uploaded")
        assert QApplication.focusWidget() is panel.upload_button
        await closed_profile(parts, page)

    run_ui(loop, body)


def test_a_profile_that_cannot_load_shows_an_error_with_retry(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path,
) -> None:
    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "facility_admin", directory=False)
        page = ProfilePage(parts.client, parts.runner)  # staff have no profile: the server answers 404
        page.activate()
        assert page.state.state == "loading"
        await wait_until(lambda: page.state.state == "error", what="error state")
        assert page.state.error_text.startswith("Your profile could not be loaded.")
        assert page.state.retry_button.isVisibleTo(page.state)
        assert page.save_button.isHidden()
        assert not page.license_panel.upload_button.isEnabled()
        page.deleteLater()
        await signed_out(parts)

    run_ui(loop, body)


def test_offline_save_and_upload_are_disabled_with_the_reason_and_the_edit_stays(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, account: dict[str, Any],
) -> None:
    """Issue 22, item 13: offline, Save stayed enabled (and failed when pressed)."""
    async def body() -> None:
        parts, page = await open_profile(live_server, tmp_path / "data", account)
        type_into(page, "last_name", "Offlineton")
        assert page.save_button.isEnabled()
        parts.connectivity.set(ConnectionState.OFFLINE)
        assert not page.save_button.isEnabled()
        assert page.save_button.toolTip() == OFFLINE_SAVE
        assert not page.license_panel.upload_button.isEnabled()
        assert page.revert_button.isEnabled(), "the edit is still there, to keep or to revert"
        parts.connectivity.set(ConnectionState.ONLINE)
        assert page.save_button.isEnabled()
        assert page.form.fields.value("last_name") == "Offlineton"
        await closed_profile(parts, page)

    run_ui(loop, body)
