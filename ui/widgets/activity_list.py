"""A dashboard card listing recent activity, newest first, with relative times.

Also the card base that the notification list shares: a heading, rows replaced on each load,
and a sentence when there are no rows. Server text is always shown as plain text.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.api.models import Activity
from ui.common.labels import plain_label

UNITS = ((365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"), (86400, "day"), (3600, "hour"),
         (60, "minute"))


def relative_time(at: datetime, now: datetime) -> str:
    """`at` in words relative to `now`: "just now", "2 hours ago", "yesterday", "in 3 days"."""
    seconds = (now - at).total_seconds()
    ahead = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now"
    if 86400 <= seconds < 2 * 86400:
        return "tomorrow" if ahead else "yesterday"
    for size, unit in UNITS:
        if seconds >= size:
            count = int(seconds // size)
            words = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {words}" if ahead else f"{words} ago"
    raise AssertionError("unreachable")


def exact_time(at: datetime) -> str:
    """`at` in the computer's time zone, spelled out, for tooltips."""
    local = at.astimezone()
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({local:%Z})"


def time_label(at: datetime, now: datetime) -> QLabel:
    """A muted relative time; the exact time is in its tooltip."""
    label = plain_label(relative_time(at, now), "muted")
    label.setToolTip(exact_time(at))
    label.setAccessibleDescription(exact_time(at))
    return label


class FeedCard(QFrame):
    """A card with a heading and rows that are replaced as a whole on each load."""

    def __init__(self, heading: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setAccessibleName(heading)
        self._heading = plain_label(heading, "heading")
        self._empty = plain_label(empty_text, "muted")
        self._rows = QWidget()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(16, 12, 16, 14)
        self._layout.setSpacing(8)
        self._layout.addWidget(self._heading)
        self._layout.addWidget(self._empty)
        self._layout.addWidget(self._rows)
        self._layout.addStretch(1)

    def set_heading(self, text: str) -> None:
        self._heading.setText(text)

    @property
    def is_empty(self) -> bool:
        return not self._empty.isHidden()

    def _replace_rows(self, rows: QWidget, count: int) -> None:
        self._layout.replaceWidget(self._rows, rows)
        self._rows.deleteLater()
        self._rows = rows
        self._empty.setVisible(count == 0)


class ActivityList(FeedCard):
    """Recent activity: a relative time (exact in the tooltip) and a message per row."""

    def __init__(self, heading: str = "Recent activity", parent: QWidget | None = None) -> None:
        super().__init__(heading, "No activity yet.", parent)
        self.messages: list[str] = []

    def set_activities(self, activities: Sequence[Activity], now: datetime) -> None:
        newest_first = sorted(activities, key=lambda item: item.at, reverse=True)
        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        for row, item in enumerate(newest_first):
            when = time_label(item.at, now)
            message = plain_label(item.message)
            message.setWordWrap(True)
            grid.addWidget(when, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(message, row, 1, Qt.AlignmentFlag.AlignTop)
        self.messages = [item.message for item in newest_first]
        self._replace_rows(rows, len(newest_first))
