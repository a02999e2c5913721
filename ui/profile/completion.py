"""How complete a provider's profile is: a progress bar, "n of m completed" and what is still missing."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QVBoxLayout, QWidget

from app.api.models import Provider
from app.validation import PROFILE_FIELDS
from ui.common.labels import plain_label
from ui.providers.fields import SPECS

DOCUMENT = "License document"


def counted_fields(provider: Provider) -> tuple[str, ...]:
    """The profile's fields that the server holds: those its answer carries (the seed guide's backend
    sends no NPI, having no place for one: completion never asks for what cannot be saved)."""
    return tuple(name for name in PROFILE_FIELDS if name in provider.model_fields_set)


def missing_items(provider: Provider, *, documents: bool = True) -> list[str]:
    """Labels of the counted fields (and the license document, where the server keeps `documents`) not
    filled in yet.

    Zero years and a zero fee count as not given, as the contract reads them.
    """
    missing = [SPECS[name].label for name in counted_fields(provider) if not _filled(getattr(provider, name))]
    if documents and not provider.has_license_document:
        missing.append(DOCUMENT)
    return missing


def item_count(provider: Provider, *, documents: bool = True) -> int:
    """What completion counts: the fields the server holds, and the document where it can hold one."""
    return len(counted_fields(provider)) + documents


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

    def show_provider(self, provider: Provider, *, documents: bool = True) -> None:
        missing = missing_items(provider, documents=documents)
        total = item_count(provider, documents=documents)
        done = total - len(missing)
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.bar.setFormat(f"{round(100 * done / total)}%")
        self.count.setText(f"{done} of {total} completed")
        if missing:
            self.hint.setText("Still missing: " + ", ".join(missing) + ".")
        else:
            self.hint.setText("Your profile is complete.")
