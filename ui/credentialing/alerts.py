"""Desktop notifications for staff: licenses expiring within 30 days and newly pending ones.

Computed from the directory cache (so they work offline), at start once the cache is open and
then once a day. They show in the system tray when there is one, else they ask for the window's
message bar (`notice`). When staff were last told is kept with the window's state, so "newly
pending" means since then.
"""
from __future__ import annotations

import hashlib
from datetime import date

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.api.models import User
from app.credentialing.worklist import LicenseAlert, license_alert
from ui.common.directory_state import DirectoryState

CHECK_EVERY_MS = 60 * 60 * 1000  # hourly: the first check of a new day alerts
TITLE = "ProviderDesk — licenses"


class LicenseAlerts(QObject):
    """Alerts `user` of the server named `server_key` from `directory`'s cache; remembers in `state`
    when they were last told.

    Signals:
        alerted(str): the text that was shown.
        notice(str, str): the text and its level ("warning"), to show in the window's message bar
            when there is no system tray.
        open_requested(): the user clicked the notification (show the worklist).
        changed(str, str): the counts of the alert shown this run changed (a decision, a sync): its
            text before and now, for a message still on screen to follow.
    """

    alerted = Signal(str)
    changed = Signal(str, str)
    notice = Signal(str, str)
    open_requested = Signal()

    def __init__(self, directory: DirectoryState, user: User, state: QSettings, parent: QObject | None = None, *,
                 server_key: str) -> None:
        super().__init__(parent)
        self.directory = directory
        self.user = user
        self.server_key = server_key
        self.state = state
        self.tray: QSystemTrayIcon | None = None
        self.last: LicenseAlert | None = None
        self._since_last: str | None = None  # the `since` the last alert counted from
        self._shown_this_run = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.check)
        directory.synced.connect(self._on_directory_synced)
        directory.opened.connect(self._on_directory_opened)
        self._timer.start()

    def _key(self, name: str) -> str:
        who = f"{self.server_key}|{self.user.email}"
        return f"license_alerts/{hashlib.sha256(who.encode()).hexdigest()[:16]}/{name}"

    def _on_directory_opened(self) -> None:
        if not self.directory.online:  # offline start: the cache is all there is
            self.check()

    def _on_directory_synced(self) -> None:
        if not self._shown_this_run:  # online: after the first sync, with what happened meanwhile
            self.check()
        else:
            self._recount()

    def _recount(self) -> None:
        """The alert shown, counted again from the same point: its message follows decisions."""
        cache, last = self.directory.cache, self.last
        if cache is None or last is None or last.empty:
            return
        now = license_alert(cache, since=self._since_last)
        if now.text() != last.text():
            self.last = now
            self.changed.emit(last.text(), now.text())

    def check(self, *, force: bool = False) -> LicenseAlert | None:
        """Alert now if this run has not yet, or a new day began since the last alert; what was shown."""
        cache = self.directory.cache
        if cache is None or cache.size() == 0:  # nothing synced yet: wait for the first sync
            return None
        settings = self.state
        today = date.today().isoformat()
        if not force and self._shown_this_run and settings.value(self._key("day")) == today:
            return None
        since = settings.value(self._key("since"))
        self._since_last = str(since) if since else None
        alert = license_alert(cache, since=self._since_last)
        self._shown_this_run = True
        settings.setValue(self._key("day"), today)
        if alert.latest_pending:
            settings.setValue(self._key("since"), alert.latest_pending)
        self.last = alert
        if alert.empty:
            return alert
        self._show(alert.text())
        return alert

    def _show(self, text: str) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            if self.tray is None:
                self.tray = QSystemTrayIcon(QApplication.windowIcon(), self)
                self.tray.setToolTip("ProviderDesk")
                self.tray.messageClicked.connect(self.open_requested)
                self.tray.show()
            self.tray.showMessage(TITLE, text, QSystemTrayIcon.MessageIcon.Information, 15_000)
        else:
            self.notice.emit(text, "warning")  # a warning stays in the message bar until dismissed
        self.alerted.emit(text)

    def stop(self) -> None:
        self._timer.stop()
        if self.tray is not None:
            self.tray.hide()
