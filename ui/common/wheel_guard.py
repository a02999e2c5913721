"""The mouse wheel scrolls the page: a combo box, spin box or date edit takes it only when focused.

Without this, a wheel turned over a form in a scroll area changes whichever field happens to be
under the pointer (a title, a date) instead of scrolling. One application-wide event filter
covers every such field, wherever it is built.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

GUARDED = (QComboBox, QAbstractSpinBox)  # QDateEdit and QDoubleSpinBox are spin boxes


class WheelGuard(QObject):
    """Passes the wheel over an unfocused combo or spin box on to its parent (the scroll area), and
    gives those fields `StrongFocus` when they are polished, so the wheel never focuses them either."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(watched, GUARDED) and not watched.hasFocus():
            event.ignore()  # unaccepted, it goes on to the parent widgets, as over a label
            return True
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED) \
                and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return False


def guard_wheel(app: QApplication) -> WheelGuard:
    """Install the application's one WheelGuard (again: the same one)."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard

