"""The provider's dashboard: greeting, appointment numbers and chart, license, activity, notifications."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from app.api.client import ApiClient
from app.api.models import ProviderDashboard, ProviderStats
from ui.common.labels import plain_label
from ui.common.tasks import TaskRunner
from ui.common.theme import current_colors
from ui.dashboards.charts import ChartCard, Slice, show_donut
from ui.dashboards.loaded import LoadedPage, card_row
from ui.dashboards.notification_list import NotificationList
from ui.dashboards.stat_card import StatCard
from ui.providers.license_card import UPLOAD, LicenseCard
from ui.widgets.activity_list import ActivityList
from ui.widgets.page import PageKey, page_header

CHART_TITLE = "Appointments"


def greeting(hour: int) -> str:
    if hour < 12:
        return "Good morning"
    return "Good afternoon" if hour < 18 else "Good evening"


def appointment_slices(stats: ProviderStats) -> list[Slice]:
    """Completed, upcoming and the rest (cancelled, missed, past but not completed): adds up to the total."""
    c = current_colors()
    other = max(0, stats.total_appointments - stats.upcoming_appointments - stats.completed_appointments)
    return [Slice("Completed", stats.completed_appointments, c.success),
            Slice("Upcoming", stats.upcoming_appointments, c.accent),
            Slice("Other", other, c.muted)]


class ProviderDashboardPage(LoadedPage):
    """What a provider sees first: how the practice is going and what needs doing.

    Signals:
        navigate_requested(object): the PageKey of the page to show (My Profile, appointments, the directory).
        upload_requested(): the user asked to upload the license document (My Profile's file picker).
        profile_loaded(object): the dashboard brought the provider's profile (a Provider), to keep for offline.
    """

    key = PageKey.DASHBOARD
    navigate_requested = Signal(object)
    upload_requested = Signal()
    profile_loaded = Signal(object)

    def __init__(self, client: ApiClient, runner: TaskRunner, parent: QWidget | None = None, *,
                 not_reviewed: str | None = None, no_uploads: str | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.greeting = plain_label(role="title", wrap=True)
        self.subtitle = plain_label(role="muted", wrap=True)
        self.cards = {
            "total_appointments": StatCard("Total appointments"),
            "upcoming_appointments": StatCard("Upcoming appointments", "Scheduled or confirmed, from now on"),
            "completed_appointments": StatCard("Completed appointments"),
            "patients_count": StatCard("Patients", "Different patients across all appointments"),
        }
        self.chart = ChartCard("Appointments chart")
        self.license = LicenseCard(not_reviewed=not_reviewed, no_uploads=no_uploads)
        self.license.action_requested.connect(self._on_license_action_requested)
        self.activity = ActivityList()
        self.notifications = NotificationList()
        column = self._set_up(runner, loading_text="Loading your dashboard…",
                              failure="Your dashboard could not be loaded.")
        column.addLayout(self._header())
        column.addLayout(card_row(self.cards.values()))
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.chart, 0, 0)
        grid.addWidget(self.license, 0, 1)
        grid.addWidget(self.activity, 1, 0)
        grid.addWidget(self.notifications, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        column.addStretch(1)

    def _header(self) -> QHBoxLayout:
        self.edit_profile_button = QPushButton("Edit profile")
        self.edit_profile_button.setToolTip(f"Open {PageKey.PROFILE.title} ({PageKey.PROFILE.shortcut})")
        self.edit_profile_button.clicked.connect(self._on_edit_profile_button_clicked)
        self.appointments_button = QPushButton("View appointments")
        self.appointments_button.setToolTip(f"Open {PageKey.APPOINTMENTS.title} ({PageKey.APPOINTMENTS.shortcut})")
        self.appointments_button.clicked.connect(self._on_appointments_button_clicked)
        self.directory_button = QPushButton("Search the directory")
        self.directory_button.setToolTip(f"Open the provider directory ({PageKey.DIRECTORY.shortcut})")
        self.directory_button.clicked.connect(self._on_directory_button_clicked)
        return page_header(self.greeting, [self.subtitle], [self.edit_profile_button, self.appointments_button,
                                                             self.directory_button],
                           align=Qt.AlignmentFlag.AlignTop)

    # ---- loading ----

    async def _fetch(self) -> ProviderDashboard:
        return await self.client.provider_dashboard()

    def _show(self, dashboard: ProviderDashboard) -> None:
        profile = dashboard.provider_profile
        now = datetime.now().astimezone()
        self.greeting.setText(f"{greeting(now.hour)}, {profile.full_name}")
        details = (profile.specialization, profile.professional_role or "", profile.organization_facility)
        self.subtitle.setText(" · ".join(part for part in details if part))
        for key, card in self.cards.items():
            card.set_value(getattr(dashboard.stats, key))
        self._show_chart(dashboard.stats)
        self.license.set_license(profile, dashboard.license_status)
        self.activity.set_activities(dashboard.recent_activities, now)
        self.notifications.set_notifications(dashboard.notifications, now)
        self.profile_loaded.emit(profile)
        self.state.show_content()

    def _show_chart(self, stats: ProviderStats) -> None:
        if stats.total_appointments == 0:
            self.chart.show_empty(CHART_TITLE, "No appointments yet.\nThey will show here once patients book.")
        else:
            show_donut(self.chart, CHART_TITLE, appointment_slices(stats))

    # ---- actions ----

    def _on_license_action_requested(self) -> None:
        if self.license.action_button.text() == UPLOAD:  # the button says it opens the file picker: it does
            self.upload_requested.emit()
        else:
            self.navigate_requested.emit(PageKey.PROFILE)

    def _on_edit_profile_button_clicked(self) -> None:
        self.navigate_requested.emit(PageKey.PROFILE)

    def _on_appointments_button_clicked(self) -> None:
        self.navigate_requested.emit(PageKey.APPOINTMENTS)

    def _on_directory_button_clicked(self) -> None:
        self.navigate_requested.emit(PageKey.DIRECTORY)
