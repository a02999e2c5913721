"""The one place the window says it is offline: a bar over every page while the server cannot be reached.

"Offline — directory as of 10:42, 2 hours ago", and what still works. It goes by itself when the
server answers again (the directory's state probes it).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from ui.common.labels import plain_label
from ui.common.theme import restyle

if TYPE_CHECKING:
    from ui.common.directory_state import DirectoryState

WHAT_WORKS = ("You can still search and read the copy kept on this computer. Saving, verifying and registering "
              "need the server: their buttons are off until it answers, then work again without a restart.")


class OfflineBar(QFrame):
    """Shown while `directory` is offline, with the time of its last sync."""

    def __init__(self, directory: DirectoryState | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self.setProperty("level", "warning")
        self.setAccessibleName("Offline")
        self.text = plain_label(wrap=True)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.text, 1)
        restyle(self)
        self.hide()
        if directory is not None:
            directory.online_changed.connect(self.refresh)
            directory.synced.connect(self.refresh)
            directory.opened.connect(self.refresh)

    def refresh(self, *_args: object) -> None:
        directory = self.directory
        offline = directory is not None and not directory.online
        if offline and directory is not None:
            self.text.setText(f"{directory.offline_text()}. {WHAT_WORKS}")
        self.setVisible(offline)
