"""A dashboard card listing the provider's notifications: level icon and colour, unread in bold."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget

from app.api.models import Notification
from ui.common.labels import plain_label
from ui.widgets.activity_list import FeedCard, time_label

ICONS = {
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "success": QStyle.StandardPixmap.SP_DialogApplyButton,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
}
LEVEL_WORDS = {"info": "Information", "success": "Done", "warning": "Warning", "error": "Problem"}


class NotificationRow(QFrame):
    """One notification, coloured by its level (the theme's `level` property)."""

    def __init__(self, item: Notification, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        level = item.level if item.level in ICONS else "info"
        self.setProperty("level", level)
        self.unread = not item.read
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(ICONS[level]).pixmap(18, 18))
        icon.setAccessibleName(LEVEL_WORDS[level])
        self.message = plain_label(item.message)
        self.message.setWordWrap(True)
        if self.unread:
            font = QFont(self.message.font())
            font.setBold(True)
            self.message.setFont(font)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.message)
        text.addWidget(time_label(item.created_at, now))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        state = "Unread" if self.unread else "Read"
        self.setAccessibleName(f"{state} {LEVEL_WORDS[level].lower()} notification")
        self.setAccessibleDescription(item.message)


class NotificationList(FeedCard):
    """The provider's notifications, newest first; the heading counts the unread ones."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Notifications", "No notifications.", parent)
        self.rows: list[NotificationRow] = []

    def set_notifications(self, items: Sequence[Notification], now: datetime) -> None:
        newest_first = sorted(items, key=lambda item: item.created_at, reverse=True)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.rows = [NotificationRow(item, now) for item in newest_first]
        for row in self.rows:
            column.addWidget(row)
        unread = sum(row.unread for row in self.rows)
        self.set_heading(f"Notifications ({unread} unread)" if unread else "Notifications")
        self._replace_rows(holder, len(self.rows))
