"""Change password: the current one, the new one twice with its strength, checked as the user types.

The rules of `app.validation` answer at once (length, the two new ones the same); the server's
own validators (too common, entirely numeric, too like the email or name, a wrong current
password) come back as field messages and are shown beside their fields. On success the session
goes on with the new tokens the server answered: nothing else has to sign in again here.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.api import errors
from app.validation import PASSWORD_CHANGE_FIELDS, password_change_errors, password_strength
from ui.common.labels import plain_label
from ui.common.theme import restyle
from ui.providers.fields import NO_MESSAGE
from ui.widgets.strength_meter import StrengthMeter

if TYPE_CHECKING:
    from app.session.session import Session
    from ui.common.tasks import TaskRunner

log = logging.getLogger(__name__)
LABELS = {"old_password": "&Current password", "new_password": "&New password",
          "new_password_confirm": "Con&firm new password"}
ACCESSIBLE = {"old_password": "Current password", "new_password": "New password",
              "new_password_confirm": "Confirm new password"}
NOTE = "Other computers signed in as you will have to sign in again; this one stays signed in."
NOTE_KEEPS_SESSIONS = ("This server does not end other sessions: computers signed in as you stay signed in until "
                       "their sessions expire.")
OFFLINE = "The server cannot be reached, so your password was not changed. Try again when you are online."


def _words(error: Exception) -> str:
    """Why the password was not changed, in plain words (for what no field explains)."""
    if isinstance(error, errors.OfflineError):
        return OFFLINE
    if isinstance(error, errors.RateLimitedError):
        return f"Too many attempts. Wait {error.retry_after} seconds, then try again."
    if isinstance(error, errors.ValidationError):
        return " ".join([*error.non_field_errors, *(m for ms in error.field_errors.values() for m in ms)])
    if isinstance(error, errors.ApiError):
        return error.message
    return "Changing the password failed unexpectedly. The details are in the log file."


class PasswordDialog(QDialog):
    """Changes the signed-in user's password; stays open while the change is on its way.

    Signals:
        changed(): the password was changed and the session goes on with the new tokens; the
            dialog then closes.
    """

    changed = Signal()

    def __init__(self, session: Session, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.sending = False
        self.touched: set[str] = set()
        self.server_errors: dict[str, str] = {}
        self.setWindowTitle("Change password — ProviderDesk")
        self.setMinimumWidth(480)
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._build()
        self._refresh()

    # ---- building ----

    def _build(self) -> None:
        user = self.session.user
        heading = plain_label("Change your password", "heading", wrap=True)
        who = plain_label(f"Signed in as {user.email}" if user else "", "muted", wrap=True, name="Account")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(6)
        self.meter = StrengthMeter()
        for name in PASSWORD_CHANGE_FIELDS:
            form.addRow(LABELS[name], self._field(name))
            if name == "new_password":
                form.addRow("", self.meter)
        ends = self.session.capabilities.password_ends_other_sessions
        self.note = plain_label(NOTE if ends else NOTE_KEEPS_SESSIONS, "muted", wrap=True)
        self.problem = plain_label(role="error", wrap=True, name="Problem")
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Change password")
        self.ok_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(who)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _field(self, name: str) -> QWidget:
        """The password input of `name` with its message under it."""
        line = QLineEdit()
        line.setEchoMode(QLineEdit.EchoMode.Password)
        line.setAccessibleName(ACCESSIBLE[name])
        line.textChanged.connect(lambda _text, n=name: self._on_input_text_changed(n))
        line.editingFinished.connect(lambda n=name: self._touch(n))
        # its line kept while empty (as the forms' fields do): a message that comes moves no field below
        # (the Confirm field moved under the pointer as the user typed, and a click landed in another)
        error = plain_label(NO_MESSAGE, role="error", wrap=True, name=f"{ACCESSIBLE[name]} problem")
        self.inputs[name], self.errors[name] = line, error
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(line)
        column.addWidget(error)
        return box

    # ---- validation ----

    def values(self) -> dict[str, str]:
        """What was typed, exactly (a password is never trimmed)."""
        return {name: line.text() for name, line in self.inputs.items()}

    def problems(self) -> dict[str, str]:
        """Each field's first problem: the rules' own, else the server's last answer."""
        return {**self.server_errors, **password_change_errors(self.values(), self._personal())}

    def _shown(self, name: str, problems: dict[str, str]) -> str | None:
        """The message to show now: a touched field's; the confirmation's as soon as it cannot match."""
        if name in self.touched:
            return problems.get(name)
        values = self.values()
        typed = values["new_password_confirm"]
        if name == "new_password_confirm" and typed and not values["new_password"].startswith(typed):
            return problems.get(name)
        return None

    def _refresh(self) -> None:
        problems = self.problems()
        for name, label in self.errors.items():
            message = self._shown(name, problems)
            label.setText(message or NO_MESSAGE)
            line = self.inputs[name]
            line.setAccessibleDescription(message or "")
            if line.property("invalid") != bool(message):
                line.setProperty("invalid", bool(message))
                restyle(line)
        self._update_meter()
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to fit a message that appeared (the form layout would squeeze the meter's words instead)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        wanted = self.sizeHint().height()
        if self.height() < wanted:
            self.resize(self.width(), wanted)

    def _update_meter(self) -> None:
        password = self.inputs["new_password"].text()
        self.meter.show_strength(password_strength(password, user=self._personal()) if password else None)

    def _personal(self) -> dict[str, str]:
        """What the server compares a new password with: the account's username, names and email."""
        user = self.session.user
        return {} if user is None else {"username": user.username, "first_name": user.first_name,
                                        "last_name": user.last_name, "email": user.email}

    def _touch(self, name: str) -> None:
        if self.inputs[name].text() or name in self.server_errors:
            self.touched.add(name)
            self._refresh()

    def _on_input_text_changed(self, name: str) -> None:
        self.server_errors.pop(name, None)
        if name == "new_password":
            self.server_errors.pop("new_password_confirm", None)
        self.problem.hide()
        self._refresh()

    # ---- sending ----

    def _on_buttons_accepted(self) -> None:
        if self.sending:
            return  # Enter pressed again while the change is on its way
        problems = self.problems()
        if problems:
            self.touched.update(problems)
            self._refresh()
            self._focus(next(n for n in PASSWORD_CHANGE_FIELDS if n in problems))
            return
        values = self.values()
        self._set_sending(True)
        self.runner.start(
            self.session.change_password(values["old_password"], values["new_password"],
                                         values["new_password_confirm"]),
            busy=[self.cancel_button, *self.inputs.values()],
            on_done=self._on_change_done, on_error=self._on_change_failed,
        )

    def _set_sending(self, sending: bool) -> None:
        self.sending = sending
        self.ok_button.setEnabled(not sending)
        self.ok_button.setText("Changing…" if sending else "Change password")
        if not sending:
            # disabled, it passed its focus (and, as an auto-default button, its place as the default) to
            # Cancel: seen in a real window, Enter then cancelled the next try without a word
            self.ok_button.setDefault(True)

    def _focus(self, name: str) -> None:
        self.inputs[name].setFocus()
        self.inputs[name].selectAll()

    def _on_change_done(self, _result: object) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_sending(False)
        for line in self.inputs.values():
            line.clear()  # no password stays in a widget longer than needed
        self.changed.emit()
        self.accept()

    def _on_change_failed(self, error: Exception) -> bool:
        if not shiboken6.isValid(self):
            return False
        self._set_sending(False)
        if isinstance(error, errors.ValidationError) and self.show_field_errors(error):
            return True
        self.problem.setText(_words(error))
        self.problem.show()
        if not isinstance(error, errors.ApiError):
            log.error("changing the password failed", exc_info=error)
        # An ended session is the presenter's to handle: it signs out.
        return not isinstance(error, errors.AuthenticationError)

    def show_field_errors(self, error: errors.ValidationError) -> bool:
        """Put the server's messages beside their fields and focus the first; False when none fit."""
        mine = {n: " ".join(ms) for n, ms in error.field_errors.items() if n in self.inputs and ms}
        if not mine:
            return False
        others = [*error.non_field_errors, *(m for n, ms in error.field_errors.items() if n not in mine for m in ms)]
        self.problem.setText(" ".join(others))
        self.problem.setVisible(bool(others))
        self.server_errors.update(mine)
        self.touched.update(mine)
        self._refresh()
        self._focus(next(n for n in PASSWORD_CHANGE_FIELDS if n in mine))
        return True

    def done(self, result: int) -> None:
        if self.sending:
            return  # the change is on its way: its answer decides (Escape waits for it)
        super().done(result)
