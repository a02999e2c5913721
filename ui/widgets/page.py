"""What every page of the main window offers: a title and its header, loading on show, an unsaved-changes guard."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.common.labels import plain_label


class Page(QWidget):
    """A page of the main window. Subclasses load their data in `activate`."""

    title = "Page"
    shortcut = ""

    def activate(self) -> None:
        """Called each time the page is shown; reload what may have changed."""

    def has_unsaved_changes(self) -> bool:
        return False

    def discard_changes(self) -> None:
        """Forget unsaved edits (the user chose to leave without saving)."""

    def shutdown(self) -> None:
        """Called once when the window closes: stop timers, cancel work."""


def page_header(title: str | QLabel, under: Sequence[QWidget], buttons: Sequence[QWidget] = (), *,
                align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignBottom) -> QHBoxLayout:
    """A page's title (a text, or a label the page fills) with the lines `under` it on the left, and its
    `buttons` on the right, aligned to the title's bottom unless `align` says otherwise."""
    titles = QVBoxLayout()
    titles.setSpacing(2)
    titles.addWidget(plain_label(title, "title") if isinstance(title, str) else title)
    for line in under:
        titles.addWidget(line)
    header = QHBoxLayout()
    header.addLayout(titles, 1)
    for button in buttons:
        header.addWidget(button, 0, align)
    return header
