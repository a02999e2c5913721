"""The FHIR export dialog: save the directory the account sees as FHIR R4 NDJSON files, from the cache (offline too)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from app.transfer.fhir_export import FILES, export_fhir
from ui.common.dialogs import open_dialog
from ui.common.labels import plain_label
from ui.common.tasks import TaskRunner
from ui.directory.csv_dialog import CsvDialog


class FhirExportDialog(CsvDialog):
    """Exports every provider the account may see, with their organizations and hospitals, into a folder."""

    def __init__(self, cache: Any, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, "Export the directory as FHIR", parent)
        self.cache = cache
        self.folder: Path | None = None
        names = ", ".join(FILES.values())
        self.summary = plain_label(
            f"Every provider you can see in the directory, as HL7 FHIR R4 resources, one file per type "
            f"({names}) in the folder you choose: what payers, health information exchanges and EHRs "
            "read. Files of those names there are replaced.", wrap=True)
        self.choose_button = QPushButton("Choose folder and export…")
        self.choose_button.setProperty("primary", True)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.finish_layout((self.summary, self.notice, self.progress_line), (),
                           (self.close_button, self.choose_button))
        self.make_default(self.choose_button)
        self.resize(560, 240)

    def _on_choose_button_clicked(self) -> None:
        dialog = QFileDialog(self, "Export the directory as FHIR into a folder", str(Path.home()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(self._on_file_dialog_file_selected)
        self.dialog = open_dialog(dialog)

    def _on_file_dialog_file_selected(self, path: str) -> None:
        self.folder = Path(path)
        self.show_notice("", "info")
        self.working(f"Exporting to {self.folder.name or self.folder}…")
        coroutine = export_fhir(self.folder, self.cache, progress=self.step, cancel=lambda: self.cancelled)
        self.runner.start(coroutine, busy=[self.choose_button], on_done=self._exported, on_error=self.failed)

    def _exported(self, counts: dict[str, int]) -> None:
        self.idle()
        providers = counts["Practitioner"]
        self.show_notice(f"Saved {providers:,} provider{'s' * (providers != 1)} "
                         f"and {counts['Organization']:,} organizations as FHIR to {self.folder}.", "success")
        self.choose_button.setText("Export again…")
