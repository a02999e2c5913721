"""A banner saying that a draft was restored, with a button to start over."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


class DraftBanner(QFrame):
    """Says that a draft was restored, and offers to start over."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("level", "info")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.start_over = QPushButton("Start over")
        self.start_over.setAccessibleName("Start over: discard the restored draft")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 8, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.start_over)
        self.hide()
