"""A page that is not built yet, saying so plainly and which issue brings it."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from ui.pages.base import Page


class PlaceholderPage(Page):
    def __init__(self, title: str, shortcut: str, explanation: str) -> None:
        super().__init__()
        self.title = title
        self.shortcut = shortcut
        heading = QLabel(title)
        heading.setProperty("role", "title")
        body = QLabel(explanation)
        body.setWordWrap(True)
        body.setProperty("role", "muted")
        body.setTextFormat(Qt.TextFormat.PlainText)
        body.setMaximumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.addWidget(heading)
        layout.addSpacing(8)
        layout.addWidget(body)
        layout.addStretch(1)
