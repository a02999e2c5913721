"""Dialogs are never shorter than their wrapped text: the minimum height follows the width.

Qt gives a window the minimum size of its layout, which counts a word-wrapped label as one line,
so a dialog made narrow (or one whose message grew) cut its sentences off at the bottom. One
application-wide filter keeps every dialog's minimum height at what its layout needs for the
width it has (`heightForWidth`), so narrowing it makes it taller instead.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

WATCHED = (QEvent.Type.Resize, QEvent.Type.LayoutRequest, QEvent.Type.Show)
OWN_SIZING = (QMessageBox, QFileDialog)  # they size themselves (and may be native)


class WindowFit(QObject):
    """Sets each dialog's minimum height from its layout's height for its width."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # the type test last: every event of the application passes here, and reading it costs more
        if isinstance(watched, QDialog) and not isinstance(watched, OWN_SIZING) and event.type() in WATCHED:
            fit_height(watched)
        return False


def fit_height(window: QDialog) -> None:
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
