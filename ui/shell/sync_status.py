"""The status bar's sync indicator: "Syncing 12,000 of 100,000", a small progress bar and Cancel."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ui.common.directory_state import DirectoryState


def progress_text(done: int, total: int | None) -> str:
    if total is None:
        return f"Syncing {done:,} provider{'s' * (done != 1)}" if done else "Syncing the directory…"
    return f"Syncing {min(done, total):,} of {total:,}"


class SyncStatus(QWidget):
    """Shown while `directory` syncs, with a Cancel that stops the sync; hidden otherwise."""

    def __init__(self, directory: DirectoryState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self.setAccessibleName("Sync progress")
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Sync progress bar")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setFlat(True)
        self.cancel_button.setToolTip("Stop the sync; the next sync continues where it stopped")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()
        directory.sync_running.connect(self.set_running)
        directory.progress.connect(self.set_progress)

    def set_running(self, running: bool) -> None:
        if running:
            self.set_progress(0, None)
            self.cancel_button.setEnabled(True)
        self.setVisible(running)

    def set_progress(self, done: int, total: object) -> None:
        known = total if isinstance(total, int) and total > 0 else None
        self.label.setText(progress_text(done, known))
        if known is None:
            self.bar.setRange(0, 0)  # busy: the total is not known yet
        else:
            self.bar.setRange(0, known)
            self.bar.setValue(min(done, known))

    def _on_cancel_button_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText("Stopping the sync…")
        self.directory.cancel_sync()
