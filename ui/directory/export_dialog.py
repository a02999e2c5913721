"""The export dialog: save the directory's current result as a CSV file."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from app.transfer.csv_export import export_csv
from ui.common.labels import plain_label
from ui.common.tasks import TaskRunner
from ui.directory.csv_dialog import CsvDialog


class ExportDialog(CsvDialog):
    """Exports every provider matching `query` from the directory cache to a CSV file."""

    def __init__(self, cache: Any, query: Any, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, "Export providers to CSV", parent)
        self.cache, self.query = cache, query
        self.total = int(cache.count(query))
        self.path: Path | None = None
        matches = "1 provider matches" if self.total == 1 else f"{self.total:,} providers match"
        self.summary = plain_label(f"{matches} the current search and filters. They will be saved with a header "
                                   "row, in UTF-8, ready for Excel or LibreOffice.", wrap=True)
        self.choose_button = QPushButton("Choose file and export…")
        self.choose_button.setProperty("primary", True)
        self.choose_button.clicked.connect(lambda: self.choose_file("Export providers", save=True,
                                                                    name="providers.csv"))
        self.finish_layout((self.summary, self.notice, self.progress_line), (),
                           (self.close_button, self.choose_button))
        self.make_default(self.choose_button)
        self.resize(520, 220)

    def _on_file_dialog_file_selected(self, path: str) -> None:
        self.path = Path(path)
        self.show_notice("", "info")
        self.working(f"Exporting to {self.path.name}…")
        coroutine = export_csv(self.path, self.cache, self.query, progress=self.step, cancel=lambda: self.cancelled)
        self.runner.start(coroutine, busy=[self.choose_button], on_done=self._exported, on_error=self.failed)

    def _exported(self, count: int) -> None:
        self.idle()
        self.show_notice(f"Saved {count:,} provider{'s' * (count != 1)} to {self.path}.", "success")
        self.choose_button.setText("Export again…")
