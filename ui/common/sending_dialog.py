"""A dialog that stays open while its answer is sent, and says the server's refusal in it.

The license decision and the appointments' dialogs share it: a problem line that moves no button when
it appears, OK and Cancel, one send at a time (`confirmed` once; the opener sends, then calls
`accept()` or `show_server_error(text)`), and after a refusal the confirm button the default again
with the focus where it was.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton

from ui.common.focus import FocusReturn
from ui.common.labels import plain_label


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


class SendingDialog(QDialog):
    """Subclasses lay out their fields, add `problem_line` and `buttons` (made by `make_buttons`)
    under them, and say what is wrong with the fields in `problem()`.

    Signals:
        confirmed(): confirmed with nothing wrong; send, then `accept()` or `show_server_error(text)`.
    """

    confirmed = Signal()
    sending = False

    def make_buttons(self, ok_text: str) -> tuple[QLabel, QDialogButtonBox]:
        self.error = plain_label(role="error", wrap=True, name="Problem")
        keep_room = self.error.sizePolicy()
        keep_room.setRetainSizeWhenHidden(True)  # a message appearing moves no button
        self.error.setSizePolicy(keep_room)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok_button is not None
        self.ok_button = ok_button
        self.ok_button.setText(ok_text)
        self.ok_button.setDefault(True)
        self.sending_button = SendingButton(self.ok_button)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        return self.error, self.buttons

    def problem(self) -> str:
        """What keeps the fields from being sent, in words ("" when nothing does)."""
        return ""

    def _on_buttons_accepted(self) -> None:
        if self.sending:  # Enter again while the answer is on its way: it is sent once
            return
        if found := self.problem():
            self._show_problem(found)
            return
        self.error.hide()
        self.sending = True
        self.sending_button.sending()
        self.confirmed.emit()

    def show_server_error(self, text: str) -> None:
        """Not done, for this reason; the user may correct it and confirm again."""
        self.sending = False
        self._show_problem(text)
        self.sending_button.refused()

    def _show_problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        layout = self.layout()
        if layout is not None:
            layout.activate()
        if self.height() < self.sizeHint().height():  # a longer message (the server's) wraps: make room
            self.resize(self.width(), self.sizeHint().height())
