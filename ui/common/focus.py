"""The focus comes back to the button a task took it from.

A button disabled while its task runs loses the focus, and Qt hands it to the next field in the
tab order: after an upload the focus sat on the professional title, where the next key or wheel
meant for the page went (issue 22, item 2). `FocusReturn` gives it back when the task ends, unless
the user has put it somewhere else meanwhile.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget


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

