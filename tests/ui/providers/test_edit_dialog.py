"""The administrator's provider editor against the real server: one column of inputs, the phone rule.

The dialog is built alone from a facility administrator's client and a task runner, on a provider
created through the administrators' API for each test.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from app.validation import PHONE_FORMAT
from tests.helpers.factories import create_provider
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import SignedIn, run_ui, signed_in, signed_out, wait_until
from ui.common.dialogs import open_dialog
from ui.providers.edit_dialog import ProviderEditDialog


@pytest.fixture
def made(admin: httpx.Client) -> dict[str, Any]:
    return create_provider(admin, phone_number="(281) 481-4300")


async def open_editor(server: LiveServer, data_dir: Path, provider_id: str) -> tuple[SignedIn, ProviderEditDialog]:
    parts = await signed_in(server, data_dir, "facility_admin", directory=False)
    dialog = ProviderEditDialog(parts.client, parts.runner, provider_id)
    open_dialog(dialog)  # as the application opens it
    await wait_until(lambda: dialog.base is not None and parts.runner.running == 0, what="provider loaded")
    return parts, dialog


async def closed_editor(parts: SignedIn, dialog: ProviderEditDialog) -> None:
    dialog.reject()
    await signed_out(parts)


def test_every_input_starts_at_one_x(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, made: dict[str, Any],
) -> None:
    async def body() -> None:
        parts, dialog = await open_editor(live_server, tmp_path, made["id"])
        for size in ((640, 720), (900, 800)):
            dialog.resize(*size)
            await asyncio.sleep(0.05)
            starts = {name: widget.mapTo(dialog, QPoint(0, 0)).x() for name, widget in dialog.fields.inputs.items()}
            assert len(starts) == 14
            assert len(set(starts.values())) == 1, f"inputs start at several x positions: {starts}"
        await closed_editor(parts, dialog)

    run_ui(loop, body)


def test_a_partial_phone_is_refused_beside_the_field_and_nothing_is_sent(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, made: dict[str, Any],
    admin: httpx.Client,
) -> None:
    before = admin.get(f"/providers/{made['id']}/").json()

    async def body() -> None:
        parts, dialog = await open_editor(live_server, tmp_path, made["id"])
        phone = dialog.fields.inputs["phone_number"]
        assert isinstance(phone, QLineEdit)
        phone.selectAll()
        QTest.keyClicks(phone, "(281) 481-43")
        error = dialog.fields.errors["phone_number"]
        assert error.text() == PHONE_FORMAT
        assert error.isVisible()
        assert phone.property("invalid")
        assert phone.accessibleDescription() == PHONE_FORMAT
        # beside the field: right under the input, in the same column
        assert error.mapTo(dialog, QPoint(0, 0)).x() == phone.mapTo(dialog, QPoint(0, 0)).x()
        dialog.save_button.click()
        QTest.keyClick(dialog, Qt.Key.Key_Return)
        await asyncio.sleep(0.3)
        assert parts.runner.running == 0, "nothing was sent"
        assert dialog.isVisible(), "the dialog stays open with the edit"
        assert dialog.status.text() == "Not saved: some fields need attention."
        assert phone.text() == "(281) 481-43"
        after = (await asyncio.to_thread(admin.get, f"/providers/{made['id']}/")).json()
        assert after == before, "the server's record is unchanged"

        phone.selectAll()
        QTest.keyClicks(phone, "(281) 481-4399")
        assert error.isHidden()
        dialog.save_button.click()
        await wait_until(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), what="saved")
        saved = (await asyncio.to_thread(admin.get, f"/providers/{made['id']}/")).json()
        assert saved["phone_number"] == "(281) 481-4399"
        await signed_out(parts)

    run_ui(loop, body)
