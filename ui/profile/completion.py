"""How complete a provider's profile is: a progress bar, "n of m completed" and what is still missing."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QVBoxLayout, QWidget

from app.api.models import Provider
from app.validation import PROFILE_FIELDS
from ui.common.labels import plain_label
from ui.providers.fields import SPECS

DOCUMENT = "License document"


def missing_items(provider: Provider) -> list[str]:
    """Labels of the profile fields (and the license document) not filled in yet.

    Zero years and a zero fee count as not given, as the contract reads them.
    """
    missing = [SPECS[name].label for name in PROFILE_FIELDS if not _filled(getattr(provider, name))]
    if not provider.has_license_document:
        missing.append(DOCUMENT)
    return missing


def item_count() -> int:
    return len(PROFILE_FIELDS) + 1


def _filled(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and value != 0


class CompletionCard(QFrame):
    """A card that shows how much of the profile is filled in and names what is missing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        heading = QLabel("Profile completion")
        heading.setProperty("role", "heading")
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Profile completion")
        self.bar.setTextVisible(True)
        self.count = QLabel()
        self.hint = plain_label(role="muted", wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(heading)
        layout.addWidget(self.bar)
        layout.addWidget(self.count)
        layout.addWidget(self.hint)

    def show_provider(self, provider: Provider) -> None:
        missing = missing_items(provider)
        total = item_count()
        done = total - len(missing)
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.bar.setFormat(f"{round(100 * done / total)}%")
        self.count.setText(f"{done} of {total} completed")
        if missing:
            self.hint.setText("Still missing: " + ", ".join(missing) + ".")
        else:
            self.hint.setText("Your profile is complete.")
