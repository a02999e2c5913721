"""What every page of the main window offers: a key, a title, loading on show, an unsaved-changes guard."""
from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.common.labels import plain_label


class PageKey(Enum):
    """The main window's pages, by what they are: navigation, shortcuts, icons and the remembered last
    page go by this key, never by a page's title or its position in the navigation.

    The value is what the window's settings keep (so never change one); the title is what the user reads,
    the icon a name in resources/icons/, the shortcut the Go menu's (the third page is Credentialing for
    staff and My Profile for a provider: both Ctrl+3).
    """

    title: str
    icon: str
    shortcut: str

    DASHBOARD = ("dashboard", "Dashboard", "dashboard", "Ctrl+1")
    DIRECTORY = ("directory", "Directory", "directory", "Ctrl+2")
    CREDENTIALING = ("credentialing", "Credentialing", "credentialing", "Ctrl+3")
    PROFILE = ("profile", "My Profile", "profile", "Ctrl+3")
    APPOINTMENTS = ("appointments", "Appointments", "appointments", "Ctrl+4")

    def __new__(cls, value: str, title: str, icon: str, shortcut: str) -> PageKey:
        member = object.__new__(cls)
        member._value_ = value
        member.title, member.icon, member.shortcut = title, icon, shortcut
        return member

    @classmethod
    def saved(cls, text: object) -> PageKey | None:
        """The page a setting names: its key, or its title as versions before the key kept it."""
        return next((key for key in cls if text in (key.value, key.title)), None)


class Page(QWidget):
    """A page of the main window. Subclasses say which page they are (`key`) and load their data in `activate`."""

    key: PageKey

    @property
    def title(self) -> str:
        return self.key.title

    def activate(self) -> None:
        """Called each time the page is shown; reload what may have changed."""

    def has_unsaved_changes(self) -> bool:
        return False

    def discard_changes(self) -> None:
        """Forget unsaved edits (the user chose to leave without saving)."""

    def unsaved_edits(self) -> dict[str, object]:
        """The unsaved edits, field by field, to keep while the user signs in again."""
        return {}

    def restore_edits(self, edits: dict[str, object]) -> None:
        """Put back edits `unsaved_edits` gave (of the same account), on top of what the page loads."""

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
