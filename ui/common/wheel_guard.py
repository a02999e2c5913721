"""The mouse wheel scrolls the page and never changes a value: no combo box, spin box or date edit
takes it, focused or not.

Without this, a wheel turned over a form changes whichever field is under the pointer (a title, a
date) instead of scrolling, and a field that got the focus without a click (after an upload, say)
changes under a wheel meant for the page. Values change by keyboard or click only; the open list
of a combo box is not the combo itself and still scrolls. One application-wide event filter covers
every such field, wherever it is built.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

GUARDED = (QComboBox, QAbstractSpinBox)  # QDateEdit and QDoubleSpinBox are spin boxes


class WheelGuard(QObject):
    """Passes the wheel over a combo or spin box on to its parent (the scroll area), and gives those
    fields `StrongFocus` when they are polished, so the wheel never focuses them either."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, GUARDED):  # first: every event of the application passes here
            return False
        kind = event.type()
        if kind == QEvent.Type.Wheel:
            event.ignore()  # unaccepted, it goes on to the parent widgets, as over a label
            return True
        if kind == QEvent.Type.Polish and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return False


def guard_wheel(app: QApplication) -> WheelGuard:
    """Install the application's one WheelGuard (again: the same one)."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard
