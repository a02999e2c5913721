"""A dashboard card showing one number with its caption, read out as "caption: number"."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QSizePolicy, QVBoxLayout, QWidget

from ui.common.labels import plain_label


class StatCard(QFrame):
    """One labelled number; `value` is what it shows, None before the first load."""

    def __init__(self, caption: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.caption = caption
        self._value: int | None = None
        self._number = plain_label("-", "big-number")
        title = plain_label(caption, "muted", wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        layout.addWidget(title)
        layout.addWidget(self._number)
        layout.addStretch(1)
        if hint:
            self.setToolTip(hint)
        self.setAccessibleName(caption)

    @property
    def value(self) -> int | None:
        return self._value

    @property
    def text(self) -> str:
        return self._number.text()

    def set_value(self, value: int | None) -> None:
        """Show `value`; None (a server that does not count it) shows "—"."""
        self._value = value
        text = "—" if value is None else f"{value:,}"
        self._number.setText(text)
        self.setAccessibleName(f"{self.caption}: {'unknown' if value is None else text}")
