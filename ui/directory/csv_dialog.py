"""What the CSV dialogs share: a heading, a notice, a progress line with Cancel, and the file dialog.

The dialogs open with `open()`; the file is chosen with a `QFileDialog` opened the same way, and
the work runs through the task runner the dialog is given, so nothing blocks the event loop.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.errors import ApiError
from app.transfer.csv_format import Cancelled
from app.transfer.roster_file import RosterError
from ui.common.dialogs import open_dialog
from ui.common.labels import plain_label
from ui.common.notify import words_for
from ui.common.tasks import TaskRunner
from ui.common.theme import restyle

CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


class CsvDialog(QDialog):
    """A dialog that works on a CSV file: subclasses add their widgets and handle the chosen file."""

    def __init__(self, runner: TaskRunner, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(title)
        self.cancelled = False
        self.dialog: QFileDialog | None = None  # the file dialog, while open
        self.heading = plain_label(title, "heading", wrap=True)
        self.notice = QFrame()
        self.notice_text = plain_label(wrap=True)
        QVBoxLayout(self.notice).addWidget(self.notice_text)
        self.notice.hide()
        self.progress = QProgressBar()
        self.progress_text = plain_label(role="muted", wrap=True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.progress_line = self._progress_line()
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.heading)

    def _progress_line(self) -> QWidget:
        progress_line = QWidget()
        column = QVBoxLayout(progress_line)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.progress_text)
        line = QHBoxLayout()
        line.addWidget(self.progress, 1)
        line.addWidget(self.cancel_button)
        column.addLayout(line)
        progress_line.hide()
        return progress_line

    def finish_layout(self, widgets: Sequence[QWidget], left: Sequence[QPushButton], right: Sequence[QPushButton],
                      *, grow: QWidget | None = None) -> None:
        """Add `widgets` under the heading (`grow` takes the spare height) and a row of buttons at the bottom."""
        for widget in widgets:
            self.layout_.addWidget(widget, 1 if widget is grow else 0)
        # the spare height below the texts, not between them: all of it while `grow` is hidden (an
        # empty state showed large gaps), none once it shows (it has the stretch)
        self.layout_.addStretch(0 if grow is not None else 1)
        buttons = QHBoxLayout()
        for button in left:
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in right:
            buttons.addWidget(button)
        self.layout_.addLayout(buttons)

    def make_default(self, button: QPushButton) -> None:
        """Enter presses `button`, whichever button has focus (Close and Cancel never take Enter)."""
        for each in self.findChildren(QPushButton):
            each.setAutoDefault(False)
            each.setDefault(each is button)

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
        self.dialog = open_dialog(dialog)

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
        """Show what went wrong in the notice; False for an error this dialog has no words for."""
        self.idle()
        if isinstance(error, Cancelled):
            self.show_notice("Stopped.", "info")
        elif isinstance(error, RosterError):
            self.show_notice(error.message, "error")
        elif isinstance(error, ApiError):
            self.show_notice(words_for(error)[1], "error")
        elif isinstance(error, OSError):
            self.show_notice(f"The file cannot be written: {error.strerror or error}.", "error")
        else:
            return False
        return True
