"""The one way to make a label whose text is shown as it is, never read as markup."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain_label(text: str = "", role: str | None = None, *, wrap: bool = False, name: str = "",
                selectable: bool = False) -> QLabel:
    """A label showing `text` as plain text, styled by the theme's `role` ("title", "muted", "error"…).

    A QLabel guesses rich text from its content, so text a provider typed (or a file held) could turn
    into markup (docs/style.md, "Qt pitfalls"). `wrap` breaks long lines, `name` is the accessible
    name, `selectable` lets the mouse select the text for copying.
    """
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if role:
        label.setProperty("role", role)
    if name:
        label.setAccessibleName(name)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
