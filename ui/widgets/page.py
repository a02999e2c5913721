"""What every page of the main window offers: a title, loading on show, an unsaved-changes guard."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget


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

