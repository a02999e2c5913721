"""Unobtrusive messages (a message bar) and the one presenter that puts errors into words.

Errors that need a decision open a dialog with `open()`, never `exec()` (qasync #59, #82).
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from app.api import errors
from ui.common.theme import restyle

log = logging.getLogger(__name__)
HIDE_AFTER_MS = {"info": 4000, "success": 4000, "warning": 8000, "error": 10000}


class MessageBar(QFrame):
    """A one-line message above the page; hides itself after a while."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAccessibleName("Message")
        self._text = QLabel()
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setWordWrap(True)
        close = QPushButton("Dismiss")
        close.setFlat(True)
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self._text, 1)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    @property
    def text(self) -> str:
        return self._text.text()

    @property
    def level(self) -> str:
        return str(self.property("level") or "")

    def show_message(self, text: str, level: str = "info") -> None:
        self._text.setText(text)
        self.setProperty("level", level)
        restyle(self)
        self.show()
        self._timer.start(HIDE_AFTER_MS.get(level, 5000))


def words_for(error: BaseException) -> tuple[str, str]:
    """(level, text) a user understands for an error of the core."""
    if isinstance(error, errors.OfflineError):
        return "warning", "You are offline: the server cannot be reached. Your work is kept; try again later."
    if isinstance(error, errors.RateLimitedError):
        return "warning", error.message
    if isinstance(error, errors.ValidationError):
        return "error", error.message
    if isinstance(error, errors.ApiError):
        return "error", error.message
    return "error", "Something unexpected went wrong. The details are in the log file."


class ErrorPresenter(QObject):
    """Shows errors nobody else handled.

    Signals:
        session_ended(): the server ended the session; the application returns to sign-in.
    """

    session_ended = Signal()

    def __init__(self, bar: MessageBar, window: QWidget) -> None:
        super().__init__(window)
        self._bar = bar
        self._window = window
        self.dialog: QMessageBox | None = None

    def show(self, error: object) -> None:
        if isinstance(error, errors.AuthenticationError):
            self._bar.show_message(error.message, "warning")
            self.session_ended.emit()
            return
        if not isinstance(error, BaseException):
            return
        if not isinstance(error, errors.ApiError):
            log.error("unexpected error", exc_info=error)
            self._dialog("Unexpected problem", words_for(error)[1])
            return
        level, text = words_for(error)
        self._bar.show_message(text, level)

    def _dialog(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self._window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = box
        box.open()
