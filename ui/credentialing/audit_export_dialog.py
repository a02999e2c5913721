"""Choose what goes into an audit export: a date range (both days included) and which events."""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from ui.common.labels import plain_label

ACTIONS = (("License decisions (verified and rejected)", None), ("Every audit event", "all"),
           ("Verifications only", "verified"), ("Rejections only", "rejected"))


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class AuditExportDialog(QDialog):
    """Signals: chosen(date, date, object): since, until and the action filter (None: decisions)."""

    chosen = Signal(object, object, object)

    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export decisions — ProviderDesk")
        today = today or date.today()
        self.since = self._date_edit(today - timedelta(days=30), "From")
        self.until = self._date_edit(today, "To")
        self.action = QComboBox()
        self.action.setAccessibleName("Events")
        for text, value in ACTIONS:
            self.action.addItem(text, value)
        self.problem = plain_label(role="error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export…")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel("The audit trail of every provider for an accreditation review, as CSV."))
        form.addRow("From", self.since)
        form.addRow("To (included)", self.until)
        form.addRow("Events", self.action)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self._check()

    def _date_edit(self, day: date, name: str) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMMM yyyy")
        edit.setAccessibleName(name)
        edit.dateChanged.connect(self._check)
        return edit

    def _check(self) -> None:
        wrong = self.since.date() > self.until.date()
        self.problem.setText("The start date must be on or before the end date." if wrong else "")
        self.ok_button.setEnabled(not wrong)

    def _on_buttons_accepted(self) -> None:
        if self.ok_button.isEnabled():
            self.chosen.emit(_day(self.since.date()), _day(self.until.date()), self.action.currentData())
            self.accept()
