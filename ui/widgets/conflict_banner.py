"""The banner that says someone else changed a record while it was being edited, and offers the way out."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.api.errors import ConflictError
from app.api.models import Provider, Versioned
from ui.common.theme import restyle


class ConflictBanner(QFrame):
    """A warning banner over the form, holding the conflict until the user chooses; the form keeps its edits.

    Signals:
        reload_clicked(): take the other version and drop the user's edits.
        keep_clicked(): take the other version as the base and keep the user's edits on top.
    """

    reload_clicked = Signal()
    keep_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict: ConflictError | None = None
        self.setProperty("level", "warning")
        self.setAccessibleName("Conflict")
        restyle(self)
        heading = QLabel("Someone else changed your profile meanwhile")
        heading.setProperty("role", "heading")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.reload_button = QPushButton("Reload theirs (discard mine)")
        self.reload_button.setToolTip("Show the version now on the server and drop your unsaved edits")
        self.reload_button.clicked.connect(self.reload_clicked)
        self.keep_button = QPushButton("Keep mine")
        self.keep_button.setToolTip("Keep your edits on top of the version now on the server; Save then sends them")
        self.keep_button.clicked.connect(self.keep_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.keep_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 12, 10)
        layout.addWidget(heading)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.hide()

    def show_conflict(self, conflict: ConflictError, theirs: Sequence[str], both: Sequence[str]) -> None:
        """Hold `conflict`; name what changed on the server (`theirs`) and what the user edited too (`both`)."""
        self.conflict = conflict
        lines = ["Your changes were not saved. They are still in the form below."]
        if theirs:
            lines.append("Changed meanwhile: " + ", ".join(theirs) + ".")
        if both:
            lines.append("Changed by both of you: " + ", ".join(both) + ".")
        self.text.setText("\n".join(lines))
        self.show()
        self.keep_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def take(self) -> Versioned[Provider]:
        """The server's current version (and its etag) from the conflict; the banner hides."""
        conflict, self.conflict = self.conflict, None
        assert conflict is not None
        assert conflict.current is not None
        version = Versioned(conflict.current, conflict.etag)
        self.hide()
        return version
