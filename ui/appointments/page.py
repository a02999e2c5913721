"""The Appointments page: a provider's own (its day, its week, upcoming, past) and an administrator's all.

Providers confirm, complete or mark no-show their own; facility administrators book (from the cached
directory's bookable providers), move and cancel with a reason. Offline the last loaded list stays,
marked with its time (LoadedPage), and every write is disabled with the reason.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.api import errors
from app.api.client import ApiClient
from app.api.connectivity import ConnectionState
from app.api.models import Appointment, Role, User
from app.directory.query import ProviderRow
from contract.appointments import OPEN, PROVIDER_MOVES, AppointmentStatus
from ui.appointments.dialogs import BookingDialog, CancelDialog, RescheduleDialog
from ui.appointments.week_grid import WeekGrid
from ui.common.dialogs import is_open, open_dialog
from ui.common.labels import plain_label
from ui.common.notify import words_for
from ui.common.tasks import TaskRunner
from ui.common.unavailable import serve_or_explain
from ui.dashboards.loaded import LoadedPage
from ui.widgets.page import PageKey, page_header

OFFLINE_WRITE = "Not available offline: appointments are booked and changed on the server."
RANGES = {"today": "Today", "week": "This week", "upcoming": "Upcoming", "past": "Past"}
EMPTY = "No appointments here."
PROVIDER_ACTIONS = {AppointmentStatus.CONFIRMED: "Confirm", AppointmentStatus.COMPLETED: "Complete",
                    AppointmentStatus.NO_SHOW: "Mark no-show"}
COLUMNS = ("When", "Patient", "Contact", "Type", "Status", "Reason")


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of `day`'s week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def when_text(appointment: Appointment, today: date) -> str:
    start, end = appointment.appointment_date.astimezone(), appointment.end.astimezone()
    day = "Today" if start.date() == today else f"{start:%a %d %b}"
    if start.year != today.year:
        day += f" {start.year}"
    return f"{day} {start:%H:%M} to {end:%H:%M}"


class AppointmentsPage(LoadedPage):
    """See the module's docstring.

    Signals:
        changed(): an appointment was booked or changed here (the dashboard's numbers are stale).
    """

    key = PageKey.APPOINTMENTS
    changed = Signal()

    def __init__(self, client: ApiClient, runner: TaskRunner, user: User, parent: QWidget | None = None, *,
                 bookable: Callable[[], Sequence[ProviderRow]] = list, unavailable: str | None = None) -> None:
        """`bookable` answers the cached directory's bookable providers (for the booking dialog)."""
        super().__init__(parent)
        self.client, self.runner, self.user = client, runner, user
        self.admin = user.role is Role.FACILITY_ADMIN
        self.bookable = bookable
        self.unavailable = unavailable
        self.appointments: list[Appointment] = []
        self.dialog: BookingDialog | RescheduleDialog | CancelDialog | None = None
        self._offline = False
        if runner.connectivity is not None:
            runner.connectivity.on_change(self._on_connectivity_changed)
            self._offline = runner.connectivity.state is ConnectionState.OFFLINE
        column = self._set_up(runner, loading_text="Loading appointments…",
                              failure="The appointments could not be loaded.")
        self.range = QComboBox()
        self.range.setAccessibleName("Which appointments")
        for value, label in RANGES.items():
            self.range.addItem(label, value)
        self.range.setCurrentIndex(1)
        self.range.currentIndexChanged.connect(self._on_filter_changed)
        self.status = QComboBox()
        self.status.setAccessibleName("Status")
        self.status.addItem("Every status", "")
        for member in AppointmentStatus:
            self.status.addItem(member.label, member.value)
        self.status.currentIndexChanged.connect(self._on_filter_changed)
        self.view = QComboBox()
        self.view.setAccessibleName("View")
        self.view.addItem("List", "list")
        self.view.addItem("Week calendar", "calendar")
        self.view.currentIndexChanged.connect(self._on_view_changed)
        self.book_button = QPushButton("Book appointment…")
        self.book_button.clicked.connect(self._on_book_button_clicked)
        self.book_button.setVisible(self.admin)
        subtitle = "Every provider's appointments" if self.admin else "Your appointments"
        self.subtitle = plain_label(subtitle, "muted", wrap=True)
        column.addLayout(page_header("Appointments", [self.subtitle], [self.book_button]))
        filters = QHBoxLayout()
        filters.addWidget(self.range)
        filters.addWidget(self.status)
        filters.addStretch(1)
        filters.addWidget(self.view)
        column.addLayout(filters)
        self.table = QTableWidget(0, len(COLUMNS) + (1 if self.admin else 0))
        self.table.setAccessibleName("Appointments")
        self.table.setHorizontalHeaderLabels([*COLUMNS[:1], *(["Provider"] if self.admin else []), *COLUMNS[1:]])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(240)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        column.addWidget(self.table, 1)
        self.grid = WeekGrid()
        self.grid.hide()
        column.addWidget(self.grid, 1)
        self.empty = plain_label(EMPTY, "muted", name="No appointments")
        self.empty.hide()
        column.addWidget(self.empty)
        self.action_buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        if self.admin:
            for name, text, slot in (("reschedule", "New time…", self._on_reschedule_clicked),
                                     ("cancel", "Cancel appointment…", self._on_cancel_clicked)):
                button = QPushButton(text)
                button.clicked.connect(slot)
                self.action_buttons[name] = button
                actions.addWidget(button)
        else:
            for status, text in PROVIDER_ACTIONS.items():
                button = QPushButton(text)
                button.clicked.connect(lambda _=False, s=status: self._on_status_clicked(s))
                self.action_buttons[status.value] = button
                actions.addWidget(button)
        actions.addStretch(1)
        self.problem = plain_label(role="error", wrap=True, name="Problem")
        self.problem.hide()
        column.addLayout(actions)
        column.addWidget(self.problem)
        self._update_buttons()

    # ---- loading ----

    def _query(self) -> dict[str, Any]:
        today = date.today()
        kind = self.range.currentData()
        query: dict[str, Any] = {}
        if kind == "today":
            query.update(start=today, end=today)
        elif kind == "week":
            query.update(zip(("start", "end"), week_of(today), strict=True))
        elif kind == "upcoming":
            query["upcoming"] = True
        else:
            query["past"] = True
        if self.status.currentData():
            query["statuses"] = (self.status.currentData(),)
        return query

    async def _fetch(self) -> list[Appointment]:
        found = await self.client.all_appointments(**self._query())
        if self.range.currentData() == "past":
            found.reverse()  # newest first
        return found

    def _show(self, appointments: list[Appointment]) -> None:
        self.appointments = appointments
        today = date.today()
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(appointments))
        for row, appointment in enumerate(appointments):
            cells = [when_text(appointment, today)]
            if self.admin:
                cells.append(appointment.healthcare_provider_name)
            cells += [appointment.patient_name, appointment.patient_contact, appointment.type_label,
                      appointment.status_label, appointment.chief_complaint]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setUpdatesEnabled(True)
        if appointments:
            self.table.resizeColumnsToContents()
        calendar = self.view.currentData() == "calendar"
        if calendar:
            self.grid.show_week(appointments, week_of(today)[0], with_provider=self.admin)
        self.grid.setVisible(calendar)
        self.table.setVisible(not calendar)
        self.empty.setVisible(not appointments)
        self.problem.hide()
        self._update_buttons()
        self.state.show_content()

    def _on_filter_changed(self) -> None:
        if self.range.currentData() != "week" and self.view.currentData() == "calendar":
            self.view.setCurrentIndex(0)  # the calendar is of this week; another range is a list
        self.loader.load()

    def _on_view_changed(self) -> None:
        if self.view.currentData() == "calendar" and self.range.currentData() != "week":
            self.range.setCurrentIndex(self.range.findData("week"))  # reloads, and shows the calendar
            return
        self._show(self.appointments)

    # ---- actions ----

    def selected(self) -> Appointment | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.appointments):
            return None
        return self.appointments[rows[0].row()]

    def _update_buttons(self) -> None:
        chosen = self.selected()
        offline = OFFLINE_WRITE if self._offline else None
        serve_or_explain(self.book_button, self.unavailable or offline, tip="Book an appointment with a provider")
        for name, button in self.action_buttons.items():
            if self.admin:
                able = chosen is not None and chosen.status in OPEN
            else:
                able = chosen is not None and chosen.status in PROVIDER_MOVES[AppointmentStatus(name)]
            serve_or_explain(button, self.unavailable or offline, enabled=able,
                             tip="" if able else "Choose a scheduled or confirmed appointment first.")

    def _on_connectivity_changed(self, state: ConnectionState) -> None:
        if shiboken6.isValid(self):
            self._offline = state is ConnectionState.OFFLINE
            self._update_buttons()

    def _on_book_button_clicked(self) -> None:
        self.book()

    def book(self, provider_id: str | None = None) -> BookingDialog:
        """Open the booking dialog (from the page or a provider's detail)."""
        dialog = BookingDialog(self.bookable(), self, provider_id=provider_id)
        dialog.confirmed.connect(lambda: self._send_booking(dialog))
        dialog.day_chosen.connect(lambda provider_id, day: self._look_up_taken(dialog, provider_id, day))
        self.dialog = open_dialog(dialog)
        if provider_id is not None:
            self._look_up_taken(dialog, provider_id, dialog.times.start().date())
        return dialog

    def _look_up_taken(self, dialog: BookingDialog, provider_id: str, day: date) -> None:
        """The provider's appointments of `day`, shown in the dialog (nothing said when they cannot be read)."""
        def show(found: list[Appointment]) -> None:
            if is_open(dialog):
                dialog.show_taken(provider_id, day, found)

        self.runner.start(self.client.all_appointments(start=day, end=day, provider_id=provider_id),
                          on_done=show, on_error=lambda _error: True)

    def _send_booking(self, dialog: BookingDialog) -> None:
        provider_id = dialog.provider_id()
        assert provider_id is not None  # the dialog checked it
        values = dialog.values()
        self._send(dialog, self.client.book_appointment(
            provider_id=provider_id, start=dialog.times.start(), end=dialog.times.end(), **values))

    def _on_reschedule_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        dialog = RescheduleDialog(chosen, self)
        dialog.confirmed.connect(lambda: self._send(dialog, self.client.reschedule_appointment(
            chosen.id, start=dialog.times.start(), end=dialog.times.end())))
        self.dialog = open_dialog(dialog)

    def _on_cancel_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        dialog = CancelDialog(chosen, self)
        dialog.confirmed.connect(lambda: self._send(dialog, self.client.cancel_appointment(
            chosen.id, dialog.reason_text())))
        self.dialog = open_dialog(dialog)

    def _send(self, dialog: BookingDialog | RescheduleDialog | CancelDialog, call: Any) -> None:
        def done(_: Appointment) -> None:
            if is_open(dialog):
                dialog.accept()
            self.changed.emit()
            self.loader.load()

        def failed(error: Exception) -> bool:
            if is_open(dialog):
                dialog.show_server_error(words_for(error)[1])
                return True
            return False

        self.runner.start(call, on_done=done, on_error=failed)

    def _on_status_clicked(self, status: AppointmentStatus) -> None:
        chosen = self.selected()
        if chosen is None:
            return

        def done(_: Appointment) -> None:
            self.changed.emit()
            self.loader.load()

        def failed(error: Exception) -> bool:
            if isinstance(error, errors.ApiError):
                self.problem.setText(words_for(error)[1])
                self.problem.show()
                return True
            return False

        buttons = list(self.action_buttons.values())
        self.runner.start(self.client.set_appointment_status(chosen.id, status.value), busy=buttons,
                          on_done=done, on_error=failed)

    def shutdown(self) -> None:
        if self.runner.connectivity is not None:
            self.runner.connectivity.off_change(self._on_connectivity_changed)
        super().shutdown()

