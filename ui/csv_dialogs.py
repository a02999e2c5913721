"""CSV dialogs: export the directory's current result, and import a provider roster with a preview and a report.

Both open with `open()`; the file is chosen with a `QFileDialog` opened the same way, and the work
runs through the desktop's task runner, so nothing blocks the event loop.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import roster_csv
from app.errors import ApiError
from ui.notify import words_for
from ui.theme import current_colors, restyle

if TYPE_CHECKING:
    from ui.desktop import Desktop

DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole
FOREGROUND_ROLE = Qt.ItemDataRole.ForegroundRole
TOOLTIP_ROLE = Qt.ItemDataRole.ToolTipRole
ALIGN_ROLE = Qt.ItemDataRole.TextAlignmentRole
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Row", "Name", "License number", "Email", "Status")
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"
SHORT_OUTCOMES = {"created": "Created", "refused": "Refused", "skipped": "Not sent", "failed": "Failed",
                  "unknown": "Unknown", "not_sent": "Not sent"}


def _label(text: str = "", role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # file and provider text is never markup
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


class RosterTableModel(QAbstractTableModel):
    """Rows of a preview or a report: (row, name, license, email, status, level), level in ok/warning/error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[tuple[str, str, str, str, str, str]] = []

    def set_entries(self, entries: list[tuple[str, str, str, str, str, str]]) -> None:
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


def preview_entry(row: roster_csv.RowPreview) -> tuple[str, str, str, str, str, str]:
    if row.errors:
        status, level = "; ".join(p.text for p in row.problems), "error"
    elif row.warnings:
        status, level = "Will be created. " + "; ".join(p.text for p in row.warnings), "warning"
    else:
        status, level = "Will be created", "ok"
    return str(row.number), row.name, row.license, row.email, status, level


def report_entry(result: roster_csv.RowResult) -> tuple[str, str, str, str, str, str]:
    row = result.preview
    status = SHORT_OUTCOMES[result.outcome] + (": " + "; ".join(result.messages) if result.messages else "")
    return str(row.number), row.name, row.license, row.email, status, "ok" if result.created else "error"


class _CsvDialog(QDialog):
    """What both dialogs share: a heading, a notice, a progress line with Cancel, and the file dialog."""

    def __init__(self, desktop: Desktop, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self.setWindowTitle(title)
        self.cancelled = False
        self.file_dialog: QFileDialog | None = None
        self.heading = _label(title, "heading")
        self.notice = QFrame()
        self.notice_text = _label()
        QVBoxLayout(self.notice).addWidget(self.notice_text)
        self.notice.hide()
        self.progress = QProgressBar()
        self.progress_text = _label(role="muted")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.progress_line = QWidget()
        column = QVBoxLayout(self.progress_line)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.progress_text)
        line = QHBoxLayout()
        line.addWidget(self.progress, 1)
        line.addWidget(self.cancel_button)
        column.addLayout(line)
        self.progress_line.hide()
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.heading)

    def show_notice(self, text: str, level: str) -> None:
        self.notice_text.setText(text)
        self.notice.setProperty("level", level)
        restyle(self.notice)
        self.notice.setVisible(bool(text))

    def choose_file(self, caption: str, *, save: bool, name: str = "") -> None:
        dialog = QFileDialog(self, caption, str(Path.home() / name) if name else "", CSV_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(self._on_file_dialog_file_selected)
        self.file_dialog = dialog
        dialog.open()

    def _on_file_dialog_file_selected(self, path: str) -> None:
        raise NotImplementedError

    def working(self, text: str) -> None:
        self.cancelled = False
        self.progress.setRange(0, 0)
        self.progress_text.setText(text)
        self.cancel_button.setEnabled(True)
        self.progress_line.show()

    def step(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done:,} of {total:,}")

    def idle(self) -> None:
        self.progress_line.hide()

    def _on_cancel_button_clicked(self) -> None:
        self.cancelled = True
        self.cancel_button.setEnabled(False)
        self.progress_text.setText("Stopping…")

    def failed(self, error: Exception) -> bool:
        self.idle()
        if isinstance(error, roster_csv.Cancelled):
            self.show_notice("Stopped.", "info")
        elif isinstance(error, roster_csv.RosterError):
            self.show_notice(error.message, "error")
        elif isinstance(error, ApiError):
            self.show_notice(words_for(error)[1], "error")
        elif isinstance(error, OSError):
            self.show_notice(f"The file cannot be written: {error.strerror or error}.", "error")
        else:
            return False
        return True


class ExportDialog(_CsvDialog):
    """Exports every provider matching `query` from the directory cache to a CSV file."""

    def __init__(self, desktop: Desktop, cache: Any, query: Any, parent: QWidget | None = None) -> None:
        super().__init__(desktop, "Export providers to CSV", parent)
        self.cache, self.query = cache, query
        self.total = int(cache.count(query))
        self.path: Path | None = None
        self.summary = _label(f"{self.total:,} providers match the current search and filters. They will be "
                              "saved with a header row, in UTF-8, ready for Excel or LibreOffice.")
        self.choose_button = QPushButton("Choose file and export…")
        self.choose_button.setProperty("primary", True)
        self.choose_button.clicked.connect(lambda: self.choose_file("Export providers", save=True,
                                                                    name="providers.csv"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.choose_button)
        for widget in (self.summary, self.notice, self.progress_line):
            self.layout_.addWidget(widget)
        self.layout_.addStretch(1)
        self.layout_.addLayout(buttons)
        self.resize(520, 220)

    def _on_file_dialog_file_selected(self, path: str) -> None:
        self.path = Path(path)
        self.show_notice("", "info")
        self.working(f"Exporting to {self.path.name}…")
        coroutine = roster_csv.export_csv(self.path, self.cache, self.query, progress=self.step,
                                          cancel=lambda: self.cancelled)
        self.desktop.runner.start(coroutine, busy=[self.choose_button], on_done=self._exported, on_error=self.failed)

    def _exported(self, count: int) -> None:
        self.idle()
        self.show_notice(f"Saved {count:,} providers to {self.path}.", "success")
        self.choose_button.setText("Export again…")


class ImportDialog(_CsvDialog):
    """Reads a roster, previews every row with its problems, creates the good rows, and reports the rest."""

    def __init__(self, desktop: Desktop, cache: Any, parent: QWidget | None = None) -> None:
        super().__init__(desktop, "Import providers from CSV", parent)
        self.cache = cache
        self.previews: list[roster_csv.RowPreview] = []
        self.report: roster_csv.ImportReport | None = None
        required, optional = ", ".join(roster_csv.REQUIRED_COLUMNS), ", ".join(roster_csv.OPTIONAL_COLUMNS)
        self.intro = _label(f"Choose a CSV file whose first row names the columns. Required: {required}. "
                            f"Optional: {optional}. Nothing is created until you confirm.", "muted")
        self.counts = _label()
        self.model = RosterTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)  # fixed heights: fast at 10,000 rows
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((50, 170, 120, 210)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.hide()
        self.detail = _label()
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.hide()
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.clicked.connect(lambda: self.choose_file("Choose a provider roster", save=False))
        self.create_button = QPushButton("Create providers")
        self.create_button.setProperty("primary", True)
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.create_button.hide()
        self.save_button = QPushButton("Save report as CSV…")
        self.save_button.clicked.connect(lambda: self.choose_file("Save the import report", save=True,
                                                                  name="import-report.csv"))
        self.save_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addStretch(1)
        for button in (self.close_button, self.save_button, self.create_button):
            buttons.addWidget(button)
        for widget in (self.intro, self.notice, self.counts, self.table, self.detail, self.progress_line):
            self.layout_.addWidget(widget, 1 if widget is self.table else 0)
        self.layout_.addLayout(buttons)
        self.resize(900, 560)

    def _on_file_dialog_file_selected(self, path: str) -> None:
        if self.report is not None and self.file_dialog is not None and self.file_dialog.acceptMode() == \
                QFileDialog.AcceptMode.AcceptSave:
            self.desktop.runner.start(asyncio.to_thread(self.report.write_csv, path), busy=[self.save_button],
                                      on_done=lambda _: self.show_notice(f"Report saved to {path}.", "success"),
                                      on_error=self.failed)
            return
        self.report = None
        self.show_notice("", "info")
        self.working("Reading the file…")
        self.desktop.runner.start(self._load(Path(path)), busy=[self.choose_button, self.create_button],
                                  on_done=self._show_preview, on_error=self._load_failed)

    async def _load(self, path: Path) -> tuple[list[roster_csv.RowPreview], list[str]]:
        roster = await asyncio.to_thread(roster_csv.read_roster, path)
        notes = list(roster.warnings)
        if roster.ignored:
            notes.append(f"Columns not used: {', '.join(roster.ignored)}.")
        known: dict[str, set[Any]] = {"known_licenses": set(), "known_emails": set(), "known_name_orgs": set()}
        if self.cache is not None:
            self.progress_text.setText("Comparing with the directory…")
            known = await roster_csv.known_in_cache(self.cache, roster, progress=self.step)
        previews = await asyncio.to_thread(lambda: roster_csv.preview(roster, **known))
        if self.desktop.client is None:
            return previews, [*notes, "Not connected: the server could not be checked for duplicates."]
        self.progress_text.setText("Checking licenses and emails with the server…")
        try:
            previews = await roster_csv.server_duplicates(self.desktop.client, previews, progress=self.step,
                                                          cancel=lambda: self.cancelled)
        except ApiError as error:
            notes.append(f"The server could not be checked for duplicates ({words_for(error)[1]}) It will "
                         "still refuse them when the providers are created.")
        return previews, notes

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.setText("")
            return
        number, name, _license, _email, status, _level = self.model.entries[current.row()]
        lines = status.replace(": ", ":\n", 1) if status.startswith(tuple(SHORT_OUTCOMES.values())) else status
        self.detail.setText(f"Row {number}, {name or 'no name'}:\n" + lines.replace("; ", "\n"))

    def _load_failed(self, error: Exception) -> bool:
        self.table.hide()
        self.detail.hide()
        self.counts.hide()
        self.create_button.hide()
        return self.failed(error)

    def _show_preview(self, outcome: tuple[list[roster_csv.RowPreview], list[str]]) -> None:
        self.idle()
        self.previews, notes = outcome
        self.show_notice(" ".join(notes), "warning")
        good = sum(p.ok for p in self.previews)
        likely = sum(bool(p.ok and p.warnings) for p in self.previews)
        self.counts.setText(f"{len(self.previews):,} rows: {good:,} will be created ({likely:,} of them likely "
                            f"duplicates, marked amber), {len(self.previews) - good:,} have problems and will "
                            "not be created.")
        self.model.set_entries([preview_entry(p) for p in self.previews])
        for widget in (self.counts, self.table, self.detail, self.create_button):
            widget.show()
        self.table.selectRow(0)
        self.create_button.setText(f"Create {good:,} provider{'s' * (good != 1)}")
        self.create_button.setEnabled(good > 0 and self.desktop.client is not None)
        self.save_button.hide()

    def _on_create_button_clicked(self) -> None:
        assert self.desktop.client is not None
        self.working("Creating providers…")
        coroutine = roster_csv.create_rows(self.desktop.client, self.previews, progress=self.step,
                                           cancel=lambda: self.cancelled)
        self.desktop.runner.start(coroutine, busy=[self.choose_button, self.create_button],
                                  on_done=self._show_report, on_error=self.failed)

    def _show_report(self, report: roster_csv.ImportReport) -> None:
        self.idle()
        self.report = report
        made, rest = len(report.created), len(report.not_created)
        self.counts.setText(f"{made:,} provider{'s' * (made != 1)} created, {rest:,} not created.")
        if rest:
            self.show_notice("Correct the rows that were not created and import them again.", "warning")
        else:
            self.show_notice("Every provider was created.", "success")
        self.model.set_entries([report_entry(r) for r in report.results])
        self.table.selectRow(0)
        self.create_button.hide()
        self.save_button.show()
