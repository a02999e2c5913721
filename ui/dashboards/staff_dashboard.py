"""The staff dashboard: providers and licenses at a glance, for administrators and officers."""
from __future__ import annotations

import asyncio
from datetime import date, datetime

from PySide6.QtWidgets import QGridLayout, QWidget

from app.api.client import ApiClient
from app.api.models import LicenseStatus, MonitoringStatus, StaffDashboard
from ui.common.labels import plain_label
from ui.common.tasks import TaskRunner
from ui.common.theme import current_colors, restyle
from ui.dashboards.charts import ChartCard, Slice, show_bars, show_donut, status_color
from ui.dashboards.loaded import LoadedPage, card_row
from ui.dashboards.stat_card import StatCard
from ui.widgets.activity_list import ActivityList
from ui.widgets.page import PageKey, page_header

STATUS_TITLE = "Providers by license status"
EXPIRING_TITLE = "Licenses expiring soon"
WEEKS_TITLE = "Registrations per week"
EXPIRING_DAYS = (30, 60, 90)
OVERDUE = "Monitoring is overdue: no screening run this month. Run one (or load this month's LEIE file)."
NEVER_RUN = "No screening run yet: load the OIG's LEIE file to screen every provider."


def monitoring_text(status: MonitoringStatus) -> str:
    """What the dashboard says of screening's monitoring: the last run's age, and whether it is overdue."""
    run = status.last_run
    if run is None:
        return NEVER_RUN
    age = "today" if status.age_days == 0 else f"{status.age_days} day{'s' * (status.age_days != 1)} ago"
    last = f"Last screening run {age} ({run.started_at.astimezone():%Y-%m-%d %H:%M})."
    return f"{last} {OVERDUE}" if status.overdue else last


def status_slices(dashboard: StaffDashboard) -> list[Slice]:
    """One slice per license status, in the contract's order, coloured like the badges."""
    return [Slice(status.label.split()[0], dashboard.by_license_status.get(status.value, 0),
                  status_color(status.value)) for status in LicenseStatus]


def week_label(week: date) -> str:
    return f"{week.day} {week:%b}"


class StaffDashboardPage(LoadedPage):
    """What a facility administrator or credentialing officer sees first."""

    key = PageKey.DASHBOARD

    def __init__(self, client: ApiClient, runner: TaskRunner, parent: QWidget | None = None, *,
                 unavailable: str | None = None) -> None:
        """`unavailable`: why the server has no staff dashboard; the page says it and loads nothing."""
        super().__init__(parent)
        self.client = client
        self.unavailable = unavailable
        self.cards = {
            "providers_total": StatCard("Active providers"),
            "pending_queue": StatCard("Pending verification", "Licenses waiting in the verification queue"),
        }
        for days in EXPIRING_DAYS:
            self.cards[f"within_{days}"] = StatCard(
                f"Expiring in {days} days", f"Verified licenses that expire within the next {days} days")
        self.screening_cards = {
            "excluded": StatCard("Excluded flags", "Providers the exclusion list (LEIE) names by their NPI"),
            "possible_match": StatCard("Possible matches", "Same name and state as a row of the exclusion list"),
        }
        self.monitoring = plain_label("", "muted", wrap=True, name="Screening monitoring")
        self.status_chart = ChartCard("License status chart")
        self.expiring_chart = ChartCard("Expiring licenses chart")
        self.weeks_chart = ChartCard("Registrations per week chart", min_height=280)
        self.activity = ActivityList()
        column = self._set_up(runner, loading_text="Loading the dashboard…",
                              failure="The dashboard could not be loaded.",
                              empty_text="No providers in the directory yet.")
        column.addLayout(page_header(self.title, [plain_label("Providers and their licenses at a glance.", "muted")]))
        column.addLayout(card_row(self.cards.values()))
        column.addLayout(card_row(self.screening_cards.values()))
        column.addWidget(self.monitoring)
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.status_chart, 0, 0)
        grid.addWidget(self.expiring_chart, 0, 1)
        grid.addWidget(self.weeks_chart, 1, 0, 1, 2)
        grid.addWidget(self.activity, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        column.addStretch(1)

    # ---- loading ----

    async def _fetch(self) -> tuple[StaffDashboard, MonitoringStatus]:
        return await asyncio.gather(self.client.staff_dashboard(), self.client.monitoring_status())

    def _show(self, answers: tuple[StaffDashboard, MonitoringStatus]) -> None:
        dashboard, monitoring = answers
        self._show_monitoring(monitoring)
        if dashboard.providers_total == 0 and not dashboard.recent_activities:
            self.state.show_empty("No providers in the directory yet. Registrations and license decisions "
                                  "will show here.")
            return
        numbers = {"providers_total": dashboard.providers_total, "pending_queue": dashboard.pending_queue,
                   **dashboard.expiring.model_dump()}
        for key, card in self.cards.items():
            card.set_value(numbers[key])
        show_donut(self.status_chart, STATUS_TITLE, status_slices(dashboard))
        self._show_expiring(dashboard)
        self._show_weeks(dashboard)
        self.activity.set_activities(dashboard.recent_activities, datetime.now().astimezone())
        self.state.show_content()

    def _show_monitoring(self, status: MonitoringStatus) -> None:
        for card in self.screening_cards.values():
            card.setVisible(status.available)
        self.monitoring.setVisible(status.available)
        counts = status.last_run.counts if status.last_run is not None else {}
        for kind, card in self.screening_cards.items():
            card.set_value(counts.get(kind, 0) if status.last_run is not None else None)
        self.monitoring.setText(monitoring_text(status))
        self.monitoring.setProperty("role", "error" if status.overdue else "muted")
        restyle(self.monitoring)

    def _show_expiring(self, dashboard: StaffDashboard) -> None:
        values = [getattr(dashboard.expiring, f"within_{days}") for days in EXPIRING_DAYS]
        if not any(values):
            self.expiring_chart.show_empty(EXPIRING_TITLE, "No verified license expires in the next 90 days.")
            return
        show_bars(self.expiring_chart, EXPIRING_TITLE, [str(days) for days in EXPIRING_DAYS], values,
                  color=current_colors().warning, x_title="Expiring within (days)", y_title="Licenses")

    def _show_weeks(self, dashboard: StaffDashboard) -> None:
        weeks = dashboard.registrations_by_week
        if not any(week.count for week in weeks):
            self.weeks_chart.show_empty(WEEKS_TITLE, "No registrations in the last 12 weeks.")
            return
        show_bars(self.weeks_chart, WEEKS_TITLE, [week_label(week.week) for week in weeks],
                  [week.count for week in weeks], color=current_colors().accent,
                  x_title="Week starting", y_title="New providers")
