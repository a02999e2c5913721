"""The focus comes back to the button a task took it from.

A button disabled while its task runs loses the focus, and Qt hands it to the next field in the
tab order: after an upload the focus sat on the professional title, where the next key or wheel
meant for the page went (issue 22, item 2). `FocusReturn` gives it back when the task ends, unless
the user has put it somewhere else meanwhile.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget


class FocusReturn:
    """Make it before disabling the widgets of a task, call `disabled()` after, and `restore()` once
    they are enabled again."""

    def __init__(self) -> None:
        self.owner: QWidget | None = QApplication.focusWidget()
        self.moved_to: QWidget | None = None

    def disabled(self) -> None:
        """Note where disabling put the focus (if it moved)."""
        now = QApplication.focusWidget()
        self.moved_to = now if now is not self.owner else None

    def restore(self) -> None:
        """Give the focus back, when disabling moved it and it has stayed where it was put."""
        owner, moved_to = self.owner, self.moved_to
        if owner is None or moved_to is None or not shiboken6.isValid(owner) \
                or QApplication.focusWidget() is not moved_to:
            return
        if owner.isEnabled() and owner.isVisible():
            owner.setFocus(Qt.FocusReason.OtherFocusReason)


class SendingButton:
    """A dialog's OK button, disabled while its request is on its way and given back after a refusal
    still the default, with the focus where it was: disabled, it passed the focus (and, as an
    auto-default button, its place as the default) to Cancel, and Enter then cancelled the corrected
    try, the form with it (seen in a real window, in the booking dialog)."""

    def __init__(self, button: QPushButton) -> None:
        self.button = button
        self._focus: FocusReturn | None = None

    def sending(self) -> None:
        self._focus = FocusReturn()
        self.button.setEnabled(False)
        self._focus.disabled()

    def refused(self) -> None:
        self.button.setEnabled(True)
        self.button.setDefault(True)
        if self._focus is not None:
            self._focus.restore()
            self._focus = None
