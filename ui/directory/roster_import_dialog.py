"""The roster import dialog: read a CSV roster, preview every row with its problems, create, and report.

Importing needs the server: offline, the dialog refuses to start (or to create) and says why.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QHeaderView, QPushButton, QTableView, QWidget

from app.api.client import ApiClient
from app.api.errors import ApiError
from app.transfer.roster_creation import ImportReport, create_rows
from app.transfer.roster_file import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, read_roster
from app.transfer.roster_preview import RowPreview, known_in_cache, preview, server_duplicates
from ui.common.directory_state import DirectoryState
from ui.common.labels import plain_label
from ui.common.notify import words_for
from ui.common.tasks import TaskRunner
from ui.directory.csv_dialog import CsvDialog
from ui.directory.roster_table import RosterTableModel, preview_entry, report_entry

PREVIEW_HEIGHT = 560  # the dialog's height once a roster's rows show
OFFLINE = "Importing a roster needs the server: you are offline. Try again when the connection is back."


class ImportDialog(CsvDialog):
    """Reads a roster, previews every row with its problems, creates the good rows, and reports the rest."""

    def __init__(self, client: ApiClient, directory: DirectoryState, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, "Import providers from CSV", parent)
        self.client = client
        self.directory = directory
        self.previews: list[RowPreview] = []
        self.report: ImportReport | None = None
        required, optional = ", ".join(REQUIRED_COLUMNS), ", ".join(OPTIONAL_COLUMNS)
        self.intro = plain_label(f"Choose a CSV file whose first row names the columns. Required: {required}. "
                                 f"Optional: {optional}. Nothing is created until you confirm.", "muted", wrap=True)
        self.counts = plain_label(wrap=True)
        self.model = RosterTableModel(self)
        self.table = self._roster_table()
        self.detail = plain_label(wrap=True)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.hide()
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.create_button = QPushButton("Create providers")
        self.create_button.setProperty("primary", True)
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.create_button.hide()
        self.save_button = QPushButton("Save report as CSV…")
        self.save_button.clicked.connect(lambda: self.choose_file("Save the import report", save=True,
                                                                  name="import-report.csv"))
        self.save_button.hide()
        self.finish_layout((self.intro, self.notice, self.counts, self.table, self.detail, self.progress_line),
                           (self.choose_button,), (self.close_button, self.save_button, self.create_button),
                           grow=self.table)
        self.make_default(self.choose_button)
        self.resize(900, 0)  # compact while there is nothing to show (the layout's height for its width)

    def _roster_table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName("Roster rows")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(26)  # fixed heights: fast at 10,000 rows
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((50, 170, 120, 210)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        table.hide()
        return table

    def _refused_offline(self) -> bool:
        """True, with the reason in the notice, when the app is offline and an import must not start."""
        if self.directory.online:
            return False
        self.show_notice(OFFLINE, "warning")
        return True

    def _on_choose_button_clicked(self) -> None:
        if not self._refused_offline():
            self.choose_file("Choose a provider roster", save=False)

    def _on_file_dialog_file_selected(self, path: str) -> None:
        if self.report is not None and self.dialog is not None and self.dialog.acceptMode() == \
                QFileDialog.AcceptMode.AcceptSave:
            self.runner.start(asyncio.to_thread(self.report.write_csv, path), busy=[self.save_button],
                              on_done=lambda _: self.show_notice(f"Report saved to {path}.", "success"),
                              on_error=self.failed)
            return
        self.report = None
        self.show_notice("", "info")
        self.working("Reading the file…")
        self.runner.start(self._load(Path(path)), busy=[self.choose_button, self.create_button],
                          on_done=self._show_preview, on_error=self._load_failed)

    async def _load(self, path: Path) -> tuple[list[RowPreview], list[str]]:
        roster = await asyncio.to_thread(read_roster, path)
        notes = list(roster.warnings)
        if roster.ignored:
            notes.append(f"Columns not used: {', '.join(roster.ignored)}.")
        known: dict[str, set[Any]] = {"known_licenses": set(), "known_emails": set(), "known_name_orgs": set()}
        cache = self.directory.cache
        if cache is not None:
            self.progress_text.setText("Comparing with the directory…")
            known = await known_in_cache(cache, roster, progress=self.step)
        previews = await asyncio.to_thread(lambda: preview(roster, **known))
        self.progress_text.setText("Checking licenses and emails with the server…")
        try:
            previews = await server_duplicates(self.client, previews, progress=self.step,
                                               cancel=lambda: self.cancelled)
        except ApiError as error:
            notes.append(f"The server could not be checked for duplicates ({words_for(error)[1]}) It will "
                         "still refuse them when the providers are created.")
        return previews, notes

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.setText(self.model.detail(current.row()) if current.isValid() else "")

    def _load_failed(self, error: Exception) -> bool:
        for widget in (self.table, self.detail, self.counts, self.create_button):
            widget.hide()
        return self.failed(error)

    def _show_preview(self, outcome: tuple[list[RowPreview], list[str]]) -> None:
        self.idle()
        self.previews, notes = outcome
        self.show_notice(" ".join(notes), "warning")
        good = sum(p.ok for p in self.previews)
        likely = sum(bool(p.ok and p.warnings) for p in self.previews)
        rows, bad = len(self.previews), len(self.previews) - good
        self.counts.setText(f"{rows:,} row{'s' * (rows != 1)}: {good:,} will be created ({likely:,} of them "
                            f"{'a likely duplicate' if likely == 1 else 'likely duplicates'}, marked amber), "
                            f"{bad:,} {'has' if bad == 1 else 'have'} problems and will not be created.")
        self.model.set_entries([preview_entry(p) for p in self.previews])
        for widget in (self.counts, self.table, self.detail, self.create_button):
            widget.show()
        self.resize(self.width(), max(self.height(), PREVIEW_HEIGHT))  # room for the rows now
        self.table.selectRow(0)
        self.create_button.setText(f"Create {good:,} provider{'s' * (good != 1)}")
        self.create_button.setEnabled(good > 0)
        self.make_default(self.create_button if good > 0 else self.choose_button)
        self.save_button.hide()

    def _on_create_button_clicked(self) -> None:
        if self._refused_offline():
            return
        self.working("Creating providers…")
        coroutine = create_rows(self.client, self.previews, progress=self.step, cancel=lambda: self.cancelled)
        self.runner.start(coroutine, busy=[self.choose_button, self.create_button],
                          on_done=self._show_report, on_error=self.failed)

    def _show_report(self, report: ImportReport) -> None:
        self.idle()
        self.report = report
        made, rest = len(report.created), len(report.not_created)
        if made:
            self.directory.sync_now()  # the new providers in the directory, the worklist and their counts
        self.counts.setText(f"{made:,} provider{'s' * (made != 1)} created, {rest:,} not created.")
        if rest:
            self.show_notice("Correct the rows that were not created and import them again.", "warning")
        else:
            self.show_notice("Every provider was created.", "success")
        self.model.set_entries([report_entry(r) for r in report.results])
        self.table.selectRow(0)
        self.create_button.hide()
        self.save_button.show()
        self.make_default(self.close_button)
