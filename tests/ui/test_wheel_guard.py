"""The wheel never changes a value: over any field of any form or dialog, focused or not, it scrolls.

Every widget with a value (Qt's user property: a combo's choice, a spin box's number, a date, a
line's text, a box's check) in every dialog of the catalogue (tests/helpers/dialogs.py) and on the
pages with forms (My Profile, the directory's filters) gets wheel turns both ways, first with no
focus and then focused: its value stays, and a combo, spin box or date edit leaves the event
unaccepted, which is what lets Qt hand a real wheel on to the scroll area. Values change by
keyboard or click only (issue 22, item 2: the focused title went from NP to RT, a focused expiry
date from 2027 to 2024).
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QScrollBar, QWidget

from app.api.client import ApiClient
from tests.helpers.dialogs import Make, dialogs_before_sign_in, staff_dialogs
from tests.helpers.factories import create_provider
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import run_ui, signed_in, signed_out, wait_until
from ui.common.tasks import TaskRunner
from ui.common.wheel_guard import GUARDED, guard_wheel
from ui.credentialing.page import CredentialingPage
from ui.directory.page import DirectoryPage
from ui.profile.page import ProfilePage

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
    """What the field holds, by Qt's own word for it (its user property)."""
    return field.metaObject().userProperty().read(field)


def value_fields(form: QWidget) -> list[QWidget]:
    """The widgets of `form` that hold a value; a scroll bar's is where the view is, which the wheel moves."""
    return [w for w in form.findChildren(QWidget)
            if w.metaObject().userProperty().isValid() and not isinstance(w, QScrollBar)]


def _turn_all(field: QWidget, name: str, how: str) -> str | None:
    before = value(field)
    taken = [turned(field, delta) for delta in NOTCHES]
    if value(field) != before:
        return f"{name} ({how}): {before!r} -> {value(field)!r}"
    if isinstance(field, GUARDED) and any(taken):
        return f"{name} ({how}): took the wheel (the scroll area never gets it)"
    return None


def wheel_changes(form: QWidget) -> list[str]:
    """Turn the wheel over every value field of `form`, unfocused then focused; what it changed."""
    fields = value_fields(form)
    assert fields, "the form has value fields"
    changed, focused = [], 0
    for field in fields:
        field.ensurePolished()
        name = field.accessibleName() or field.objectName() or type(field).__name__
        if isinstance(field, GUARDED) and field.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            changed.append(f"{name}: the wheel would focus it")
        field.clearFocus()
        changed.append(_turn_all(field, name, "unfocused"))
        if field.isVisible() and field.isEnabled() and field.focusPolicy() != Qt.FocusPolicy.NoFocus:
            field.setFocus()
            if field.hasFocus() or QApplication.focusWidget() is field:
                focused += 1
                changed.append(_turn_all(field, name, "focused"))
    assert focused, "at least one field of the form was turned while focused"
    return [change for change in changed if change is not None]


async def _changes_in_dialogs(dialogs: dict[str, Make], runner: TaskRunner) -> list[str]:
    found = []
    for name, make in dialogs.items():
        dialog = make()
        dialog.open()
        dialog.activateWindow()
        await wait_until(lambda: runner.running == 0, what=f"{name} loaded")
        await asyncio.sleep(0.05)
        if value_fields(dialog):
            found += [f"{name}: {change}" for change in wheel_changes(dialog)]
        for child in dialog.findChildren(QDialog):
            child.reject()
        dialog.done(QDialog.DialogCode.Rejected)
        dialog.deleteLater()
    return found


def test_the_wheel_changes_nothing_in_any_staff_dialog(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, admin: httpx.Client, tmp_path: Path
) -> None:
    made = create_provider(admin)

    async def body() -> list[str]:
        parts = await signed_in(live_server, tmp_path, "facility_admin")
        found = await _changes_in_dialogs(staff_dialogs(parts, made, tmp_path / "drafts"), parts.runner)
        page = DirectoryPage(parts.own_directory(), parts.client, parts.runner, parts.user)
        page.resize(1000, 700)
        page.show()
        page.activateWindow()
        page.activate()
        await wait_until(lambda: parts.runner.running == 0 and page.isActiveWindow(), what="directory shown")
        found += [f"Directory: {change}" for change in wheel_changes(page.filters)]
        page.deleteLater()
        await signed_out(parts)
        return found

    found = run_ui(loop, body)
    assert not found, "the wheel changed values:\n" + "\n".join(found)


def test_the_wheel_changes_nothing_before_sign_in(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> list[str]:
        client, runner = ApiClient(live_server.api), TaskRunner()
        found = await _changes_in_dialogs(dialogs_before_sign_in(client, runner, live_server.api, tmp_path), runner)
        runner.cancel_all()
        await client.aclose()
        return found

    found = run_ui(loop, body)
    assert not found, "the wheel changed values:\n" + "\n".join(found)


def test_the_wheel_changes_nothing_in_my_profile(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "provider", directory=False)
        page = ProfilePage(parts.client, parts.runner)
        page.resize(1000, 700)
        page.show()
        page.activateWindow()
        page.activate()
        await wait_until(lambda: page.state.state == "content", what="profile loaded")
        assert wheel_changes(page) == []
        assert not page.save_button.isEnabled(), "nothing to save"
        page.shutdown()
        page.deleteLater()
        await signed_out(parts)

    run_ui(loop, body)


def test_the_wheel_changes_nothing_on_the_worklist(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    """The queue picker (a combo) and the screening flag's reason keep their values under the wheel."""
    async def body() -> list[str]:
        parts = await signed_in(live_server, tmp_path, "credentialing_officer")
        page = CredentialingPage(parts.own_directory(), parts.client, parts.runner, parts.user)
        page.resize(1000, 700)
        page.show()
        page.activateWindow()
        page.activate()
        await wait_until(lambda: parts.runner.running == 0 and page.isActiveWindow(), what="worklist shown")
        found = [change for change in (_turn_all(page.queues, "Queues", "unfocused"),) if change]
        page.queues.setFocus()
        found += [change for change in (_turn_all(page.queues, "Queues", "focused"),) if change]
        page.queues.set_queue(next(i for i, q in enumerate(page.queues.queues) if q.query.screening))
        await wait_until(lambda: parts.runner.running == 0, what="the screening queue")
        page.flag_pane.decision_reason.setEnabled(True)  # whether or not the queue holds a flag now
        found += [f"Worklist: {change}" for change in wheel_changes(page.flag_pane)]
        page.shutdown()
        page.deleteLater()
        await signed_out(parts)
        return found

    found = run_ui(loop, body)
    assert not found, "the wheel changed values:\n" + "\n".join(found)


def test_the_guard_sees_a_field_the_wheel_changes(loop: asyncio.AbstractEventLoop) -> None:
    """With the application's filter taken away, the wheel turns a focused combo, and the guard says so."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    filter_ = guard_wheel(app)
    form = QWidget()
    combo = QComboBox(form)
    combo.addItems(["NP", "RT", "PT"])
    combo.setAccessibleName("Title")
    form.show()
    form.activateWindow()
    loop.run_until_complete(wait_until(form.isActiveWindow, what="the form active"))
    app.removeEventFilter(filter_)
    try:
        changes = wheel_changes(form)
    finally:
        app.installEventFilter(filter_)
        form.deleteLater()
    assert any(change.startswith("Title (focused): ") for change in changes), changes
