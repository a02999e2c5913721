"""Windows are never shorter than their wrapped text: the minimum height follows the width.

Qt gives a window the minimum size of its layout, which counts a word-wrapped label as one line,
so a dialog made narrow (or one whose message grew) cut its sentences off at the bottom. One
application-wide filter keeps the minimum height of every dialog and every other plain top-level
window (the sign-in window: a four-line refusal cut the keyring's note above it) at what its layout
needs for the width it has (`heightForWidth`), so narrowing it or a longer message makes it taller
instead. Not the main window (its pages scroll), nor popups, menus and tooltips.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox, QWidget

WATCHED = (QEvent.Type.Resize, QEvent.Type.LayoutRequest, QEvent.Type.Show)
OWN_SIZING = (QMessageBox, QFileDialog, QMainWindow)  # they size themselves (may be native), or scroll
FITTED_TYPES = (Qt.WindowType.Window, Qt.WindowType.Dialog)


class WindowFit(QObject):
    """Sets each window's minimum height from its layout's height for its width."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # the widget first and the event's type last: every event of the application passes here, and
        # reading the type (a Python enum made each time) cost more than the rest (bench typing)
        if (isinstance(watched, QWidget) and watched.isWindow() and event.type() in WATCHED
                and watched.windowType() in FITTED_TYPES and not isinstance(watched, OWN_SIZING)):
            fit_height(watched)
        return False


def fit_height(window: QWidget) -> None:
    """`window`'s minimum height: its layout's minimum, or more where wrapped text needs it."""
    layout = window.layout()
    if layout is None or not layout.hasHeightForWidth():
        return
    need = max(layout.totalMinimumSize().height(), layout.totalHeightForWidth(window.width()))
    if need != window.minimumHeight():
        window.setMinimumHeight(need)


def fit_windows(app: QApplication) -> WindowFit:
    """Install the application's one WindowFit (again: the same one)."""
    fit = app.findChild(WindowFit)
    if fit is None:
        fit = WindowFit(app)
        app.installEventFilter(fit)
    return fit
