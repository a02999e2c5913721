"""The appointment dialogs: book (administrators), a new time, and a cancellation with its reason.

Each checks the times with the rules the server applies (contract/appointments.py) as the user types,
and shows the server's own field message when it refuses anyway (an overlap found there). A dialog only
collects the answer: it emits `confirmed`, the page sends, then calls `accept()` or `show_server_error`.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QStringListModel, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Appointment
from app.directory.query import ProviderRow
from app.validation import character_error
from contract import appointments as rules
from contract.appointments import AppointmentType
from ui.common.labels import plain_label
from ui.common.sending_dialog import SendingDialog

DURATIONS = (15, 20, 30, 45, 60, 90, 120)
DATE_FORMAT = "yyyy-MM-dd"
TIME_FORMAT = "HH:mm"
PROVIDER_REQUIRED = "Choose a provider from the list (type to search by name or specialization)."
NO_BOOKABLE = "No provider can be booked: none in the directory is active with a current, verified license."


def local_moment(day: QDate, at: QTime) -> datetime:
    """The local date and time the fields show, with the computer's time zone."""
    return datetime.combine(date(day.year(), day.month(), day.day()), time(at.hour(), at.minute())).astimezone()


def next_slot(now: datetime | None = None) -> datetime:
    """The next quarter hour at least an hour ahead: where a new booking starts."""
    now = (now or datetime.now().astimezone()) + timedelta(hours=1)
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0) + timedelta(minutes=15)


class _Sending(SendingDialog):
    """What the three dialogs share beyond a sending dialog: a problem goes once the fields change."""

    def _finish(self, layout: QVBoxLayout, ok_text: str) -> None:
        for widget in self.make_buttons(ok_text):
            layout.addWidget(widget)
        # a problem said of what the fields held goes once they change: it stayed beside a corrected time
        for edit in self.findChildren(QLineEdit):
            edit.textEdited.connect(self.error.hide)
        for combo in self.findChildren(QComboBox):
            combo.currentIndexChanged.connect(self.error.hide)
        for moment in self.findChildren(QDateTimeEdit):
            moment.dateTimeChanged.connect(self.error.hide)


class _TimeFields:
    """A date, a start time and a length, read as local times."""

    def __init__(self, start: datetime, minutes: int) -> None:
        self.date_edit = QDateEdit(QDate(start.year, start.month, start.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setAccessibleName("Date")
        self.time_edit = QTimeEdit(QTime(start.hour, start.minute))
        self.time_edit.setDisplayFormat(TIME_FORMAT)
        self.time_edit.setAccessibleName("Start time")
        self.length = QComboBox()
        self.length.setAccessibleName("Length")
        for each in sorted({*DURATIONS, minutes}):
            self.length.addItem(f"{each} minutes", each)
        self.length.setCurrentIndex(self.length.findData(minutes))

    def add_to(self, form: QFormLayout) -> None:
        form.addRow("Date", self.date_edit)
        form.addRow("Start", self.time_edit)
        form.addRow("Length", self.length)

    def start(self) -> datetime:
        return local_moment(self.date_edit.date(), self.time_edit.time())

    def end(self) -> datetime:
        return self.start() + timedelta(minutes=int(self.length.currentData()))

    def problem(self) -> str:
        found = rules.time_errors(self.start(), self.end(), datetime.now().astimezone(), new=True)
        return next(iter(found.values()), "")


def taken_text(appointments: Sequence[Appointment]) -> str:
    """The times a provider is taken on a day, as the booking dialog lists them."""
    held = sorted((a for a in appointments if a.status != "cancelled"), key=lambda a: a.appointment_date)
    if not held:
        return "Free all day."
    times = ", ".join(f"{a.appointment_date.astimezone():%H:%M}-{a.end.astimezone():%H:%M}" for a in held)
    return f"Taken that day: {times}."


class BookingDialog(_Sending):
    """Book an appointment: the provider from a searchable list of the bookable ones in the cached directory.

    Signals:
        day_chosen(str, object): a provider id and a date were chosen; the page answers `show_taken`.
    """

    day_chosen = Signal(str, object)

    def __init__(self, providers: Sequence[ProviderRow], parent: QWidget | None = None, *,
                 provider_id: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Book an appointment — ProviderDesk")
        self.setMinimumWidth(480)
        self.providers = list(providers)
        self.provider = QComboBox()
        self.provider.setEditable(True)
        self.provider.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.provider.setAccessibleName("Provider")
        typed = self.provider.lineEdit()
        if typed is not None:
            typed.setPlaceholderText("Type a name or a specialization")
        names = [self._label(row) for row in self.providers]
        self.provider.addItems(names)
        self._names = QStringListModel(names, self)
        completer = QCompleter(self)
        completer.setModel(self._names)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.provider.setCompleter(completer)
        chosen = next((i for i, row in enumerate(self.providers) if row.id == provider_id), -1)
        self.provider.setCurrentIndex(chosen)
        if chosen < 0:
            self.provider.setEditText("")
        self.times = _TimeFields(next_slot(), rules.DEFAULT_MINUTES)
        self.patient_name = QLineEdit()
        self.patient_name.setAccessibleName("Patient name")
        self.patient_name.setMaxLength(rules.PATIENT_NAME_MAX)
        self.patient_contact = QLineEdit()
        self.patient_contact.setAccessibleName("Patient contact")
        self.patient_contact.setPlaceholderText("A phone number or an email address")
        self.patient_contact.setMaxLength(rules.CONTACT_MAX)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Type")
        for member in AppointmentType:
            self.kind.addItem(member.label, member.value)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Short, and no clinical details")
        self.reason.setMaxLength(rules.REASON_MAX)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        form = QFormLayout()
        form.addRow("Provider", self.provider)
        self.times.add_to(form)
        self.taken = plain_label(role="muted", wrap=True, name="Taken times")
        form.addRow("", self.taken)
        form.addRow("Patient", self.patient_name)
        form.addRow("Contact", self.patient_contact)
        form.addRow("Type", self.kind)
        form.addRow("Reason", self.reason)
        layout.addLayout(form)
        if not self.providers:
            layout.addWidget(plain_label(NO_BOOKABLE, "muted", wrap=True, name="reason"))
        self._finish(layout, "Book")
        self.provider.currentIndexChanged.connect(self._on_day_or_provider_changed)
        self.times.date_edit.dateChanged.connect(self._on_day_or_provider_changed)
        if not self.providers:
            self.ok_button.setEnabled(False)
            self.ok_button.setToolTip(NO_BOOKABLE)

    def _on_day_or_provider_changed(self) -> None:
        provider_id = self.provider_id()
        self.taken.setText("")
        if provider_id is not None:
            self.day_chosen.emit(provider_id, self.times.start().date())

    def show_taken(self, provider_id: str, day: date, appointments: Sequence[Appointment]) -> None:
        """The provider's appointments of the day, if they are still the ones chosen."""
        if provider_id == self.provider_id() and day == self.times.start().date():
            self.taken.setText(taken_text(appointments))

    @staticmethod
    def _label(row: ProviderRow) -> str:
        return f"{row.full_name} · {row.specialization}" if row.specialization else row.full_name

    def provider_id(self) -> str | None:
        text = self.provider.currentText().strip()
        for row in self.providers:
            if self._label(row) == text:
                return row.id
        return None

    def values(self) -> dict[str, str]:
        return {"patient_name": self.patient_name.text().strip(),
                "patient_contact": self.patient_contact.text().strip(),
                "appointment_type": str(self.kind.currentData()), "reason": self.reason.text().strip()}

    def problem(self) -> str:
        if self.provider_id() is None:
            return PROVIDER_REQUIRED
        if found := self.times.problem():
            return found
        values = self.values()
        if not values["patient_name"]:
            return rules.PATIENT_NAME_REQUIRED
        if not values["patient_contact"]:
            return rules.PATIENT_CONTACT_REQUIRED
        for name, field in (("patient_name", "patient_name"), ("patient_contact", "patient_contact"),
                            ("chief_complaint", "reason")):
            if message := character_error(name, values[field]):
                return message
        return ""


class RescheduleDialog(_Sending):
    """A new time for an appointment; its length is kept unless changed."""

    def __init__(self, appointment: Appointment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.appointment = appointment
        self.setWindowTitle("New time — ProviderDesk")
        self.setMinimumWidth(420)
        start = appointment.appointment_date.astimezone()
        self.times = _TimeFields(max(start, next_slot()), appointment.duration_minutes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        layout.addWidget(plain_label(f"{appointment.patient_name} with {appointment.healthcare_provider_name}, "
                                     f"now {start:%a %d %b %Y %H:%M}", "heading", wrap=True))
        form = QFormLayout()
        self.times.add_to(form)
        layout.addLayout(form)
        self._finish(layout, "Move")

    def problem(self) -> str:
        return self.times.problem()


class CancelDialog(_Sending):
    """Cancel an appointment, saying why (kept in the audit)."""

    def __init__(self, appointment: Appointment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.appointment = appointment
        self.setWindowTitle("Cancel appointment — ProviderDesk")
        self.setMinimumWidth(420)
        start = appointment.appointment_date.astimezone()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        layout.addWidget(plain_label(f"{appointment.patient_name} with {appointment.healthcare_provider_name}, "
                                     f"{start:%a %d %b %Y %H:%M}", "heading", wrap=True))
        layout.addWidget(plain_label("Why is it cancelled? The reason is kept in the audit.", wrap=True))
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for cancelling")
        self.reason.setMaxLength(rules.REASON_MAX)
        layout.addWidget(self.reason)
        self._finish(layout, "Cancel appointment")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Keep it")

    def reason_text(self) -> str:
        return self.reason.text().strip()

    def problem(self) -> str:
        if not self.reason_text():
            return rules.CANCEL_REASON_REQUIRED
        return character_error("reason", self.reason_text()) or ""
