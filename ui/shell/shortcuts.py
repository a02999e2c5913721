"""The main window's keyboard shortcuts: kept working in text fields, and listed for Help (F1).

A text field takes some keys as editing keys before any shortcut sees them: under X11's key
scheme a QLineEdit takes Ctrl+E as "end of line" (it accepts the ShortcutOverride event), so
File → Export did nothing from the directory's search. `ShortcutGuard` lets the window's own
shortcuts through whatever widget of the window has the focus.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

Rows = Sequence[tuple[str, str]]  # (keys, what they do)
HELP_PROPERTY = "help_text"  # an action's words in the list, where its menu text is not enough


def _live(actions: Iterable[QAction]) -> list[QAction]:
    return [a for a in actions if a.isVisible() and not a.shortcut().isEmpty()]


class ShortcutGuard(QObject):
    """Gives the shortcuts of `window`'s actions precedence over the focused widget of that window."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_app_focus_changed)

    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.window() is self.window:
            new.installEventFilter(self)  # at most once per widget: installing again only moves it first

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and self._is_ours(event):
            event.ignore()  # not overridden: the shortcut map goes on to the window's action
            return True
        return False

    def _is_ours(self, event: QKeyEvent) -> bool:
        pressed = QKeySequence(event.keyCombination())
        return any(key == pressed for action in _live(self.window.actions()) if action.isEnabled()
                   for key in action.shortcuts())


def action_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, words) for each visible action with a shortcut, as the user reads them."""
    rows = []
    for action in _live(actions):
        keys = " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        words = action.property(HELP_PROPERTY) or action.text().replace("&&", "\0").replace("&", "")
        rows.append((keys, str(words).replace("\0", "&").rstrip("…")))
    return rows


class ShortcutsDialog(QDialog):
    """Every shortcut in a table of two columns, keys and what they do, under a heading per part."""

    def __init__(self, sections: Sequence[tuple[str, Rows]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Keys", "What they do"])
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        for heading, rows in sections:
            if rows:
                self._add(heading, rows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.table, 1)
        column.addWidget(buttons)
        self.resize(520, min(720, 90 + self.table.rowCount() * self.table.verticalHeader().defaultSectionSize()))

    def _add(self, heading: str, rows: Rows) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        title = QTableWidgetItem(heading)
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        self.table.setItem(row, 0, title)
        self.table.setSpan(row, 0, 1, 2)
        for keys, words in rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(words))

    def rows(self) -> list[tuple[str, str]]:
        """What the table shows, row by row (a heading has no second cell)."""
        def text(row: int, col: int) -> str:
            item = self.table.item(row, col)
            return item.text() if item is not None else ""
        return [(text(r, 0), text(r, 1)) for r in range(self.table.rowCount())]
