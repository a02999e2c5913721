"""The wheel over a form scrolls it: no combo box, spin box or date edit changes unless it has focus.

Every such field of the forms in a scroll area (My Profile, the registration wizard, the
administrator's provider editor) gets wheel turns both ways while another widget has focus: its
value stays, and the event is left unaccepted, which is what lets Qt hand a real wheel on to the
scroll area. A focused combo still takes the wheel.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

from app.api.client import ApiClient
from tests.helpers.factories import create_provider
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import run_ui, signed_in, signed_out, wait_until
from ui.common.dialogs import open_dialog
from ui.common.tasks import TaskRunner
from ui.profile.page import ProfilePage
from ui.profile.wizard import RegistrationWizard
from ui.providers.edit_dialog import ProviderEditDialog

NOTCHES = (120, 120, -120, -120, -120, -120, 120)  # one notch is 120 eighths of a degree, both ways


def turned(widget: QWidget, delta: int) -> bool:
    """Turn the wheel one notch over the middle of `widget`; whether the event was taken."""
    middle = QPointF(widget.rect().center())
    event = QWheelEvent(middle, QPointF(widget.mapToGlobal(middle)), QPoint(0, 0), QPoint(0, delta),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def value(field: QWidget) -> object:
    return field.currentIndex() if isinstance(field, QComboBox) else field.text()  # type: ignore[attr-defined]


def guarded_fields(form: QWidget) -> list[QWidget]:
    return [*form.findChildren(QComboBox), *form.findChildren(QAbstractSpinBox)]


def wheel_changes(form: QWidget) -> list[str]:
    """Turn the wheel over every combo and spin box of `form` (none focused); what it changed or took."""
    fields = guarded_fields(form)
    assert fields, "the form has fields to guard"
    changed = []
    for field in fields:
        field.ensurePolished()
        name = field.accessibleName() or field.objectName()
        if field.focusPolicy() != Qt.FocusPolicy.StrongFocus:
            changed.append(f"{name}: the wheel would focus it ({field.focusPolicy()})")
        before = value(field)
        assert not field.hasFocus()
        taken = [turned(field, delta) for delta in NOTCHES]
        if value(field) != before:
            changed.append(f"{name}: {before!r} -> {value(field)!r}")
        elif any(taken):
            changed.append(f"{name}: took the wheel (the scroll area never gets it)")
    return changed


def test_the_wheel_changes_nothing_in_my_profile(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "provider", directory=False)
        page = ProfilePage(parts.client, parts.runner)
        page.resize(1000, 700)
        page.show()
        page.activate()
        await wait_until(lambda: page.state.state == "content", what="profile loaded")
        page.save_button.setFocus()
        assert wheel_changes(page) == []
        assert not page.save_button.isEnabled(), "nothing to save"
        title = page.form.fields.inputs["professional_title"]
        assert isinstance(title, QComboBox)
        title.setFocus()
        assert title.hasFocus()
        before = title.currentIndex()
        turned(title, -120 if before < title.count() - 1 else 120)
        assert title.currentIndex() != before, "a focused combo still takes the wheel"
        assert page.save_button.isEnabled()
        page.shutdown()
        page.deleteLater()
        await signed_out(parts)

    run_ui(loop, body)


def test_the_wheel_changes_nothing_in_the_registration_wizard(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        client, runner = ApiClient(live_server.api), TaskRunner()
        wizard = RegistrationWizard(client, runner, tmp_path)
        open_dialog(wizard)  # as the application opens it
        wizard.button(wizard.WizardButton.CancelButton).setFocus()
        assert wheel_changes(wizard) == []
        wizard.close()
        runner.cancel_all()
        await client.aclose()

    run_ui(loop, body)


def test_the_wheel_changes_nothing_in_the_provider_editor(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    provider_id = create_provider(admin)["id"]

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "facility_admin", directory=False)
        dialog = ProviderEditDialog(parts.client, parts.runner, provider_id)
        open_dialog(dialog)  # as the application opens it
        await wait_until(lambda: dialog.base is not None and parts.runner.running == 0, what="provider loaded")
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel).setFocus()
        assert wheel_changes(dialog) == []
        assert dialog.edited_names() == []
        assert not dialog.save_button.isEnabled()
        dialog.reject()
        await signed_out(parts)

    run_ui(loop, body)
