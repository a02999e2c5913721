"""What every page of the main window offers: a title, loading on show, an unsaved-changes guard."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ui.shell.desktop import Desktop
    from ui.widgets.state_view import StateView


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


def follow_directory(desktop: Desktop, state: StateView, what: str, *, opened: Callable[[], None],
                     synced: Callable[[], None], online_changed: Callable[[bool], None],
                     sync_running: Callable[[bool], None] | None = None) -> None:
    """Connect a page that reads the directory's cache to its state, and start from where it is now.

    `what` names the page's content in its empty and loading states ("the worklist").
    """
    directory = desktop.directory
    if directory is None:
        state.show_empty(f"{what[0].upper()}{what[1:]} opens after sign-in.")
        return
    directory.opened.connect(opened)
    directory.synced.connect(synced)
    directory.online_changed.connect(online_changed)
    if sync_running is not None:
        directory.sync_running.connect(sync_running)
    if directory.cache is not None:
        opened()
    else:
        state.show_loading(f"Opening {what}…")
    online_changed(directory.online)
