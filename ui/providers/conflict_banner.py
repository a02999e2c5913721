"""The banner that says someone else saved a provider's record while it was being edited, and offers the way out.

The profile page and the administrator's editor both show it: what changed on the server, field by
field, and two choices; the form keeps the user's edits until they choose.
"""
from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.api.models import Provider, Versioned
from app.validation import PROFILE_FIELDS
from ui.common.labels import plain_label
from ui.common.theme import restyle
from ui.providers.fields import SPECS
from ui.providers.form import form_value, normal

NOT_SAVED = "Your changes were not saved. They are still in the form below."
ONLY_THE_LICENSE = "Only the license's status or document changed."


def conflict_lines(base: Provider, current: Provider, mine: Mapping[str, str]) -> list[str]:
    """'Email: now “x” (was “y”; you typed “z”)' for each field the server changed since `base`."""
    lines = []
    for name in PROFILE_FIELDS:
        theirs, before = form_value(current, name), form_value(base, name)
        if normal(name, theirs) == normal(name, before):
            continue
        yours = mine.get(name)
        also = f"; you typed “{yours}”" if yours is not None and normal(name, yours) != normal(name, before) else ""
        lines.append(f"{SPECS[name].label}: now “{theirs or 'empty'}” (was “{before or 'empty'}”{also})")
    return lines


class ConflictBanner(QFrame):
    """A warning banner over the form, holding the server's version until the user chooses.

    Signals:
        theirs_clicked(): take the version now on the server and drop the user's edits.
        mine_clicked(): take it as the base and keep the user's edits on top.
    """

    theirs_clicked = Signal()
    mine_clicked = Signal()

    def __init__(self, subject: str, parent: QWidget | None = None) -> None:
        """`subject`: what was changed, as the heading names it ("your profile", "this provider")."""
        super().__init__(parent)
        self.conflict: Versioned[Provider] | None = None
        self.setProperty("level", "warning")
        self.setAccessibleName("Conflict")
        restyle(self)
        heading = plain_label(f"Someone else changed {subject} meanwhile", "heading")
        self.text = plain_label(wrap=True)
        self.theirs_button = QPushButton("Use theirs (drop my edits)")
        self.theirs_button.setToolTip("Show the version now on the server and drop your unsaved edits")
        self.theirs_button.clicked.connect(self.theirs_clicked)
        self.mine_button = QPushButton("Keep mine on top")
        self.mine_button.setToolTip("Keep your edits on top of the version now on the server; Save then sends them")
        self.mine_button.clicked.connect(self.mine_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.theirs_button)
        buttons.addWidget(self.mine_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 12, 10)
        layout.addWidget(heading)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.hide()

    def show_conflict(self, base: Provider, current: Versioned[Provider], mine: Mapping[str, str]) -> None:
        """Hold `current` and say how it differs from `base`, the version the user edited (`mine`: the
        fields they changed, with what they typed)."""
        self.conflict = current
        lines = conflict_lines(base, current.value, mine) or [ONLY_THE_LICENSE]
        self.text.setText(f"{NOT_SAVED}\nNow on the server:\n" + "\n".join(lines))
        self.show()
        self.mine_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def take(self) -> Versioned[Provider]:
        """The server's version (and its etag) the banner held; the banner hides."""
        conflict, self.conflict = self.conflict, None
        assert conflict is not None, "shown first"
        self.hide()
        return conflict
