"""The table of a roster import: an adapter between the rows of a preview or a report and a QTableView."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from app.transfer.roster_creation import RowResult
from app.transfer.roster_preview import RowPreview
from ui.common.theme import current_colors

# Looked up once: the short enum spelling costs microseconds per call in data() (docs/style.md, "Qt pitfalls").
DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole
FOREGROUND_ROLE = Qt.ItemDataRole.ForegroundRole
TOOLTIP_ROLE = Qt.ItemDataRole.ToolTipRole
ALIGN_ROLE = Qt.ItemDataRole.TextAlignmentRole
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Row", "Name", "License number", "Email", "Status")
SHORT_OUTCOMES = {"created": "Created", "refused": "Refused", "skipped": "Not sent", "failed": "Failed",
                  "unknown": "Unknown", "not_sent": "Not sent"}
Entry = tuple[str, str, str, str, str, str]  # row, name, license, email, status, level (ok, warning or error)


class RosterTableModel(QAbstractTableModel):
    """Rows of a preview or a report: (row, name, license, email, status, level), level in ok/warning/error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[Entry] = []

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role in (DISPLAY_ROLE, TOOLTIP_ROLE):
            text = entry[index.column()]
            return text.replace("; ", "\n") if role == TOOLTIP_ROLE and index.column() == 4 else text
        if role == ALIGN_ROLE and index.column() == 0:
            return RIGHT
        if role == FOREGROUND_ROLE and index.column() == 4:
            colors = current_colors()
            return QColor({"ok": colors.success, "warning": colors.warning}.get(entry[5], colors.danger))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE) -> Any:
        if role == DISPLAY_ROLE and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def detail(self, row: int) -> str:
        """The row's whole status, a problem or message a line, for the text under the table."""
        number, name, _license, _email, status, _level = self.entries[row]
        lines = status.replace(": ", ":\n", 1) if status.startswith(tuple(SHORT_OUTCOMES.values())) else status
        return f"Row {number}, {name or 'no name'}:\n" + lines.replace("; ", "\n")


def preview_entry(row: RowPreview) -> Entry:
    """How a row of the preview shows: what will happen to it, and its problems."""
    if row.errors:
        status, level = "; ".join(p.text for p in row.problems), "error"
    elif row.warnings:
        status, level = "Will be created. " + "; ".join(p.text for p in row.warnings), "warning"
    else:
        status, level = "Will be created", "ok"
    return str(row.number), row.name, row.license, row.email, status, level


def report_entry(result: RowResult) -> Entry:
    """How a row of the report shows: its outcome and the server's messages."""
    row = result.preview
    status = SHORT_OUTCOMES[result.outcome] + (": " + "; ".join(result.messages) if result.messages else "")
    return str(row.number), row.name, row.license, row.email, status, "ok" if result.created else "error"
