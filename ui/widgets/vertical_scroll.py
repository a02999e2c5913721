"""A scroll area that scrolls only up and down, as wide as its content needs."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class VerticalScrollArea(QScrollArea):
    """`content` scrolled vertically when the window is too low for it, never sideways.

    Its minimum width is the content's (plus the scroll bar's), so a splitter or a layout gives it
    the room for every button and tab of the content; its minimum height is small, so a low window
    scrolls the content instead of squeezing what is in it.
    """

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:
        content = self.widget()
        width = content.minimumSizeHint().width() if content is not None else 0
        return QSize(width + self.verticalScrollBar().sizeHint().width(), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        content = self.widget()
        hint = content.sizeHint() if content is not None else super().sizeHint()
        return QSize(max(hint.width(), self.minimumSizeHint().width()), hint.height())
