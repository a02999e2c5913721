"""The one way to open a dialog: window-modal without blocking, deleted once closed, held by its opener."""
from __future__ import annotations

from typing import TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

D = TypeVar("D", bound=QDialog)


def open_dialog(dialog: D, *, delete_on_close: bool = True) -> D:
    """Open `dialog` with `open()` and return it, for its opener to hold in its `dialog` attribute.

    Never `exec()`: inside a coroutine it fails with "Cannot enter into task" (docs/style.md, "Qt
    pitfalls"). The opener holds the dialog so that it knows one is open (`is_open`) and its tests
    can reach it; Qt deletes it once it is closed, unless `delete_on_close` is False (a dialog whose
    work may answer after it closed).
    """
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, delete_on_close)
    dialog.open()
    return dialog


def is_open(dialog: QDialog | None) -> bool:
    """Whether `dialog` is shown now (one closed may be deleted already)."""
    return dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible()
