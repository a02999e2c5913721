"""The confirmation of a license decision: Verify asks for a future expiry date, Reject for a note.

The dialog checks what the server would refuse (a past date, a blank note) before it lets the
officer confirm, and shows the server's own field messages if it refuses anyway. It only
collects the answer; the page sends it.
"""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Decision, Provider
from app.validation import character_error
from ui.common.labels import plain_label
from ui.common.sending_dialog import SendingDialog

NOTE_LIMIT = 2000
NOTE_REQUIRED = "A note is required when rejecting a license; the provider will see it."
EXPIRY_PAST = "The expiry date must be in the future."
EXPIRY_FORMAT = "yyyy-MM-dd"  # digits only, four for the year: typed digit by digit, never cut short
EXPIRY_UNFINISHED = "Finish typing the expiry date as year-month-day, for example 2027-12-01."


def suggested_expiry(provider: Provider, today: date | None = None) -> date:
    """The license's own expiry date when it is still ahead, else a year from today."""
    today = today or date.today()
    current = provider.license_expiry_date
    return current if current is not None and current > today else today + timedelta(days=365)


class DecisionDialog(SendingDialog):
    """Confirm one decision on `provider`'s license; it stays open while the decision is sent.

    Signals:
        confirmed(): the officer confirmed; read `expiry()` and `note()`, send, then call `accept()`
            or `show_server_error(text)`.
    """

    def __init__(self, decision: Decision, provider: Provider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.decision = decision
        self.provider = provider  # the record the officer reviewed: the decision applies to it only
        verify = decision is Decision.VERIFIED
        self.setWindowTitle(("Verify license" if verify else "Reject license") + " — ProviderDesk")
        self.setMinimumWidth(460)
        who = f"{provider.full_name}, license {provider.license_number}"
        self.make_buttons("Verify license" if verify else "Reject license")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        layout.addWidget(plain_label(who, "heading", wrap=True))
        self.expiry_edit: QDateEdit | None = None
        self.note_edit: QPlainTextEdit | None = None
        if verify:
            layout.addWidget(plain_label("The license is valid until (the provider and every user will see it):",
                                         wrap=True))
            self.expiry_edit = self._expiry_edit()
            layout.addWidget(self.expiry_edit)
        else:
            layout.addWidget(plain_label("Why is the license rejected? The provider will see this note and can "
                                         "correct the license and upload a new document.", wrap=True))
            self.note_edit = QPlainTextEdit()
            self.note_edit.setAccessibleName("Note to the provider")
            self.note_edit.setPlaceholderText("For example: the document is illegible; please upload a clear scan.")
            self.note_edit.setTabChangesFocus(True)
            self.note_edit.textChanged.connect(self._on_note_text_changed)
            layout.addWidget(self.note_edit)
            layout.addWidget(plain_label("Ctrl+Enter confirms.", "muted", wrap=True))
            self.note_edit.installEventFilter(self)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._check()

    def _expiry_edit(self) -> QDateEdit:
        """No minimum date: Qt would drop a typed digit that makes the date early (2025 read "202") and
        quietly put back another; a past date is shown as typed and refused in words instead."""
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(EXPIRY_FORMAT)
        edit.setAccessibleName("License expiry date")
        edit.setAccessibleDescription("Year-month-day; it must be in the future.")
        edit.setKeyboardTracking(True)  # the date follows each digit typed, so what is shown is what is read
        edit.setCorrectionMode(QDateEdit.CorrectionMode.CorrectToPreviousValue)
        chosen = suggested_expiry(self.provider)
        edit.setDate(QDate(chosen.year, chosen.month, chosen.day))
        edit.dateChanged.connect(self._on_expiry_edit_changed)
        edit.lineEdit().textChanged.connect(self._on_expiry_edit_changed)
        edit.installEventFilter(self)
        return edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the note confirms (plain Enter starts a new line); Enter on a date still being
        typed says so, instead of letting Qt swap the unfinished text for the previous date."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) \
                or event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return super().eventFilter(watched, event)
        if watched is self.note_edit and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._on_buttons_accepted()
            return True
        if watched is self.expiry_edit and not self.expiry_finished():
            self._show_problem(EXPIRY_UNFINISHED)
            return True
        return super().eventFilter(watched, event)

    def expiry_finished(self) -> bool:
        """Whether the expiry text is a whole date (the one `expiry()` answers), not digits on the way."""
        return self.expiry_edit is None or self.expiry_edit.lineEdit().hasAcceptableInput()

    def expiry(self) -> date | None:
        if self.expiry_edit is None:
            return None
        value = self.expiry_edit.date()
        return date(value.year(), value.month(), value.day())

    def note(self) -> str:
        return self.note_edit.toPlainText().strip() if self.note_edit is not None else ""

    def problem(self) -> str:
        """What the server would refuse in the answer as it stands, or ""."""
        if self.decision is Decision.VERIFIED:
            expiry = self.expiry()
            if not self.expiry_finished():
                return EXPIRY_UNFINISHED
            return EXPIRY_PAST if expiry is None or expiry <= date.today() else ""
        if not self.note():
            return NOTE_REQUIRED
        if message := character_error("note", self.note()):
            return message
        if len(self.note()) > NOTE_LIMIT:
            return f"The note is too long ({len(self.note())} characters, at most {NOTE_LIMIT})."
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.ok_button.setEnabled(not problem)
        self.ok_button.setToolTip(problem)

    def _on_expiry_edit_changed(self) -> None:
        """A past date is refused here and now, in words; an unfinished one only once Enter is pressed."""
        self._check()
        problem = self.problem()
        if not problem:
            self.error.hide()
        elif problem != EXPIRY_UNFINISHED:
            self._show_problem(problem)

    def _on_note_text_changed(self) -> None:
        self.error.hide()
        self._check()
