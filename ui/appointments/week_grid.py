"""A week of appointments as a calendar: the days across, the hours down, each appointment in its hour."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from app.api.models import Appointment

FIRST_HOUR, LAST_HOUR = 7, 20  # the rows always shown; an appointment outside them adds its hour


Cells = dict[tuple[int, int], list[str]]


def cells_of(appointments: Sequence[Appointment], monday: date, *, with_provider: bool) -> Cells:
    """(hour, weekday) -> the lines of the appointments starting then, cancelled ones left out."""
    cells: Cells = defaultdict(list)
    for appointment in sorted(appointments, key=lambda a: a.appointment_date):
        start = appointment.appointment_date.astimezone()
        day = (start.date() - monday).days
        if not 0 <= day < 7 or appointment.status == "cancelled":
            continue
        who = f" ({appointment.healthcare_provider_name})" if with_provider else ""
        cells[(start.hour, day)].append(f"{start:%H:%M} {appointment.patient_name}{who}")
    return cells


class WeekGrid(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Week calendar")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setMinimumSectionSize(60)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setMinimumHeight(240)

    def show_week(self, appointments: Sequence[Appointment], monday: date, *, with_provider: bool) -> None:
        cells = cells_of(appointments, monday, with_provider=with_provider)
        hours = sorted({*range(FIRST_HOUR, LAST_HOUR + 1), *(hour for hour, _ in cells)})
        self.setUpdatesEnabled(False)
        self.clear()
        self.setColumnCount(7)
        self.setRowCount(len(hours))
        self.setHorizontalHeaderLabels([f"{monday + timedelta(days=d):%a %d}" for d in range(7)])
        self.setVerticalHeaderLabels([f"{hour:02d}:00" for hour in hours])
        for row, hour in enumerate(hours):
            for day in range(7):
                lines = cells.get((hour, day))
                if lines:
                    self.setItem(row, day, QTableWidgetItem("\n".join(lines)))
        self.setUpdatesEnabled(True)
