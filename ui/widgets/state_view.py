"""Loading, empty and error states around a page's content, designed rather than blank."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.common.labels import plain_label


def _centered(*widgets: QWidget) -> QWidget:
    """`widgets` one under the other, centred; a wrapping label as wide as it may be (its maximum),
    narrower in a narrow pane, never a sliver and never wider than the pane."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.addStretch(1)
    for widget in widgets:
        if isinstance(widget, QLabel) and widget.wordWrap():
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(widget, 100)  # grows first, up to its maximum width; the stretches take the rest
            row.addStretch(1)
            layout.addLayout(row)
        else:
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    return holder


def _wrapping(role: str | None = None, width: int = 460) -> QLabel:
    label = plain_label(role=role, wrap=True)  # the empty text may quote what the user typed
    label.setMaximumWidth(width)
    label.setMinimumWidth(160)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class StateView(QStackedWidget):
    """Shows one of: loading, the content, an empty message, or an error with a retry button."""

    def __init__(self, content: QWidget, *, retry: Callable[[], None], empty_text: str = "Nothing here yet.") -> None:
        super().__init__()
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setFixedWidth(220)
        bar.setAccessibleName("Loading")
        self._loading_text = _wrapping("muted")
        self._loading_text.setText("Loading…")
        self._empty = _wrapping("muted")
        self._empty.setText(empty_text)
        self._error = _wrapping()
        self.retry_button = QPushButton("Try again")
        self.retry_button.clicked.connect(retry)
        self.content = content
        for widget in (_centered(self._loading_text, bar), content, _centered(self._empty),
                       _centered(self._error, self.retry_button)):
            self.addWidget(widget)

    @property
    def state(self) -> str:
        return ("loading", "content", "empty", "error")[self.currentIndex()]

    def show_loading(self, text: str = "Loading…") -> None:
        self._loading_text.setText(text)
        self.setCurrentIndex(0)

    def show_content(self) -> None:
        self.setCurrentIndex(1)

    def show_empty(self, text: str | None = None) -> None:
        if text:
            self._empty.setText(text)
        self.setCurrentIndex(2)

    def show_error(self, text: str) -> None:
        self._error.setText(text)
        self.setCurrentIndex(3)

    @property
    def error_text(self) -> str:
        return self._error.text()
