"""Message bars (each in its place in the window's layout) and the one presenter that puts errors into words.

Info and success go by themselves after a few seconds; warnings and errors stay until the user
dismisses them. Messages stack rather than replace each other, so none is lost behind a later
one. No message ever lies over a control: a bar takes its own place in the layout. Errors that
need a decision open a dialog with `open()`, never `exec()` (qasync #59, #82).
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api import errors
from ui.common.dialogs import open_dialog
from ui.common.labels import plain_label
from ui.common.theme import restyle

log = logging.getLogger(__name__)
# how long a message that goes by itself stays; warnings and errors stay until dismissed unless told otherwise
HIDE_AFTER_MS = {"info": 4000, "success": 4000, "warning": 8000, "error": 10000}
IMPORTANT = frozenset({"warning", "error"})


class _Message(QFrame):
    """One message of the bar: its text, its level's color and a Dismiss button."""

    def __init__(self, text: str, level: str, parent: MessageBar) -> None:
        super().__init__(parent)
        self.setProperty("level", level)
        self.setAccessibleName("Warning" if level in IMPORTANT else "Message")
        self.label = plain_label(text, wrap=True, selectable=True)
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setFlat(True)
        self.dismiss.setAccessibleName("Dismiss message")
        self.dismiss.setToolTip(text)
        self.dismiss.clicked.connect(lambda: parent.remove(self))
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(lambda: parent.remove(self))
        self.stays = False
        restyle(self)

    @property
    def text(self) -> str:
        return self.label.text()

    @property
    def level(self) -> str:
        return str(self.property("level"))


class MessageBar(QWidget):
    """The window's messages, oldest first (see the module's docstring for how long each stays).

    It takes its place in a layout like any widget, never over another one: a message that shows
    a result must not hide the control that gave it (issue 22, item 8). `keep_staying_in(pinned)`
    hands the messages that stay to another bar: the main window keeps those above the page (they
    come once and stay), and the ones that go by themselves below it, where coming and going moves
    nothing at the top of the page, its title, its search field and its buttons.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAccessibleName("Messages")
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(4)
        self._rows: list[_Message] = []
        self._last = ("", "")
        self._pinned: MessageBar | None = None
        self.hide()

    @property
    def text(self) -> str:
        """The text of the latest message (kept after it went)."""
        return self._last[0]

    @property
    def level(self) -> str:
        return self._last[1]

    @property
    def messages(self) -> list[tuple[str, str]]:
        """(text, level) of every message shown now: the pinned ones first, each part oldest first."""
        return [(row.text, row.level) for row in self.rows()]

    def rows(self) -> list[_Message]:
        return (self._pinned.rows() if self._pinned is not None else []) + list(self._rows)

    def show_message(self, text: str, level: str = "info", *, stays: bool | None = None) -> None:
        """Show `text` below the messages already shown; it goes by itself unless `stays` (by
        default: warnings and errors stay). The same message twice is shown once."""
        self._last = (text, level)
        stays = level in IMPORTANT if stays is None else stays
        if stays and self._pinned is not None:
            floating = next((r for r in self._rows if (r.text, r.level) == (text, level)), None)
            if floating is not None:
                self.remove(floating)  # said before as one that goes: now it stays, in its place
            self._pinned.show_message(text, level, stays=True)
            return
        if self._pinned is not None and (text, level) in self._pinned.messages:
            return  # already shown, and staying
        row = next((r for r in self._rows if (r.text, r.level) == (text, level)), None)
        if row is None:
            row = _Message(text, level, self)
            self._rows.append(row)
            self._column.addWidget(row)
        row.stays = row.stays or stays
        if row.stays:
            row.timer.stop()
        else:  # said again: its time starts again
            row.timer.start(HIDE_AFTER_MS.get(level, 4000))
        self._refresh()

    def replace_message(self, old: str, new: str) -> bool:
        """Put `new` in place of the message `old` where it is still shown (counts that changed);
        whether it was."""
        row = next((r for r in self.rows() if r.text == old), None)
        if row is None:
            return False
        row.label.setText(new)
        row.dismiss.setToolTip(new)
        return True

    def remove(self, row: _Message) -> None:
        """Take one message away (its Dismiss button, or its time is up)."""
        if row in self._rows:
            self._rows.remove(row)
            row.timer.stop()
            row.hide()
            row.deleteLater()
            self._refresh()

    def clear(self) -> None:
        for row in list(self._rows):
            self.remove(row)
        if self._pinned is not None:
            self._pinned.clear()

    def keep_staying_in(self, pinned: MessageBar) -> None:
        """Show the messages that stay in `pinned` from now on (see the class's docstring)."""
        self._pinned = pinned

    def _refresh(self) -> None:
        self.setVisible(bool(self._rows))


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
        session_ended(str): the server ended the session, for the reason given; the application
            returns to sign-in.
    """

    session_ended = Signal(str)

    def __init__(self, bar: MessageBar, window: QWidget) -> None:
        super().__init__(window)
        self._bar = bar
        self._window = window
        self.dialog: QMessageBox | None = None

    def show(self, error: object) -> None:
        if isinstance(error, errors.AuthenticationError):
            self._bar.show_message(error.message, "warning")
            self.session_ended.emit(error.message)
            return
        if not isinstance(error, BaseException):
            return
        if not isinstance(error, errors.ApiError):
            log.error("unexpected error", exc_info=error)
            self._dialog("Unexpected problem", words_for(error)[1])
            return
        level, text = words_for(error)
        # offline is said steadily by the offline bar: here only that this action did not go through
        self._bar.show_message(text, level, stays=not isinstance(error, errors.OfflineError))

    def _dialog(self, title: str, text: str) -> None:
        self.dialog = open_dialog(QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                                              self._window))
