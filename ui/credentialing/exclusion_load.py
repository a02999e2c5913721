"""File → Load exclusion list…: a credentialing officer sends the OIG's LEIE file to the server."""
from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from app.api.client import ApiClient
from app.api.errors import ApiError, AuthenticationError, ValidationError
from app.api.models import LeieLoadResult
from app.credentialing.exclusions import ExclusionFileError, load_exclusion_list, loaded_words
from ui.common.dialogs import open_dialog
from ui.common.tasks import TaskRunner

CSV_FILTER = "CSV files (*.csv);;All files (*)"
NOT_LOADED = "The exclusion list was not loaded; nothing changed. "


class ExclusionListLoad(QObject):
    """Chooses a file and loads it, saying the outcome.

    Signals:
        notice(str, str): words for the user and their level (success, error).
        loaded(): a file was loaded (screening flags changed: views may read again).
    """

    notice = Signal(str, str)
    loaded = Signal()

    def __init__(self, client: ApiClient, runner: TaskRunner, window: QWidget) -> None:
        super().__init__(window)
        self.client, self.runner, self.window = client, runner, window
        self.dialog: QFileDialog | None = None

    def choose(self) -> None:
        """Ask for the file (the OIG's UPDATED.csv), then load it."""
        dialog = QFileDialog(self.window, "Load the exclusion list (LEIE UPDATED.csv)", str(Path.home()), CSV_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.load)
        self.dialog = open_dialog(dialog)

    def load(self, path: str) -> None:
        self.notice.emit(f"Loading {Path(path).name} and screening every provider…", "info")
        self.runner.start(load_exclusion_list(self.client, path), on_done=self._on_loaded, on_error=self._on_failed)

    def _on_loaded(self, result: LeieLoadResult) -> None:
        if shiboken6.isValid(self):
            self.notice.emit(loaded_words(result), "success")
            self.loaded.emit()

    def _on_failed(self, error: Exception) -> bool:
        if not shiboken6.isValid(self):
            return True
        if isinstance(error, ValidationError):
            words = " ".join(m for messages in error.field_errors.values() for m in messages) or error.message
            self.notice.emit(NOT_LOADED + words, "error")
            return True
        if isinstance(error, ExclusionFileError):
            self.notice.emit(NOT_LOADED + str(error), "error")
            return True
        if isinstance(error, OSError):
            self.notice.emit(f"{NOT_LOADED}The file could not be read: {error.strerror or error}.", "error")
            return True
        if isinstance(error, ApiError) and not isinstance(error, AuthenticationError):
            self.notice.emit(NOT_LOADED + error.message, "error")
            return True
        return False
