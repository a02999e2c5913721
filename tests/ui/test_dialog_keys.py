"""The guard of issue 12: every dialog has a default button that Enter triggers, and Escape cancels.

Each dialog is built alone (as its own tests build it) and opened. It must show exactly one
default button; Enter, pressed where the dialog put the focus, clicks it (when it is enabled:
Import's stays disabled until a file is chosen, and says so); Escape closes the dialog as
rejected. The failure lists every dialog that breaks a rule. Message boxes are Qt's own and
each sets its default button where it is made (a confirmation's is Cancel).
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

from app.api.client import ApiClient
from tests.helpers.dialogs import Make, dialogs_before_sign_in, staff_dialogs
from tests.helpers.factories import create_provider
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import run_ui, signed_in, signed_out
from ui.common.tasks import TaskRunner


def _defaults(dialog: QDialog) -> list[QPushButton]:
    return [b for b in dialog.findChildren(QPushButton) if b.isDefault() and b.isVisibleTo(dialog)]


async def _opened(make: Make) -> QDialog:
    dialog = make()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # read after it closed
    dialog.open()
    dialog.activateWindow()
    await asyncio.sleep(0.05)
    return dialog


def _press(dialog: QDialog, key: Qt.Key) -> None:
    target: QWidget = QApplication.focusWidget() or dialog
    if target.window() is not dialog:
        target = dialog
    QTest.keyClick(target, key)


async def problems_of(name: str, make: Make) -> list[str]:
    """What is wrong with the keys of the dialog `make` builds (empty when nothing is)."""
    found = []
    dialog = await _opened(make)
    defaults = _defaults(dialog)
    if len(defaults) != 1:
        found.append(f"{name}: {len(defaults)} default buttons ({[b.text() for b in defaults]})")
    elif defaults[0].isEnabled():
        clicked: list[bool] = []
        defaults[0].clicked.connect(lambda: clicked.append(True))
        _press(dialog, Qt.Key.Key_Return)
        await asyncio.sleep(0.05)
        if not clicked:
            found.append(f"{name}: Enter did not click {defaults[0].text()!r}")
    elif not defaults[0].toolTip() and not dialog.findChildren(QWidget, "reason"):
        found.append(f"{name}: the default button {defaults[0].text()!r} is disabled and says nothing why")
    _close(dialog)

    dialog = await _opened(make)
    _press(dialog, Qt.Key.Key_Escape)
    await asyncio.sleep(0.05)
    if dialog.isVisible() or dialog.result() != QDialog.DialogCode.Rejected:
        found.append(f"{name}: Escape did not cancel it")
    _close(dialog)
    return found


def _close(dialog: QDialog) -> None:
    for child in dialog.findChildren(QDialog):  # a file dialog the default button opened
        child.reject()
    dialog.done(QDialog.DialogCode.Rejected)
    dialog.deleteLater()


def report(problems: list[str]) -> str:
    return "dialogs whose keys do not work:\n" + "\n".join(f"  {p}" for p in problems)


def test_the_staff_dialogs(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client,
) -> None:
    made = create_provider(admin)

    async def body() -> list[str]:
        parts = await signed_in(live_server, tmp_path, "facility_admin")
        dialogs = staff_dialogs(parts, made, tmp_path / "drafts")
        problems = [problem for name, make in dialogs.items() for problem in await problems_of(name, make)]
        await asyncio.sleep(0.2)
        await signed_out(parts)
        return problems

    problems = run_ui(loop, body)
    assert not problems, report(problems)


def test_the_dialogs_before_sign_in(loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path) -> None:
    async def body() -> list[str]:
        client, runner = ApiClient(live_server.api), TaskRunner()
        dialogs = dialogs_before_sign_in(client, runner, live_server.api, tmp_path)
        problems = [problem for name, make in dialogs.items() for problem in await problems_of(name, make)]
        runner.cancel_all()
        await client.aclose()
        return problems

    problems = run_ui(loop, body)
    assert not problems, report(problems)


def test_the_guard_sees_a_dialog_without_a_default_button(loop: asyncio.AbstractEventLoop) -> None:
    def bare() -> QDialog:
        dialog = QDialog()
        QPushButton("Do it", dialog).setAutoDefault(False)
        return dialog

    async def body() -> list[str]:
        return await problems_of("Bare", bare)

    assert run_ui(loop, body) == ["Bare: 0 default buttons ([])"]
