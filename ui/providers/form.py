"""The profile's fields in cards grouped like the registration wizard, and what the user changed in them.

The form keeps the version it was last filled from (the base); a change is a field whose value
differs from the base once both are read the way the server reads them (trimmed text, whole
years, fees with two decimals).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from app.api.models import Provider
from app.validation import PROFILE_FIELDS, REGISTRATION_STEPS
from ui.providers.fields import ProviderFields

DESCRIPTIONS = {
    "Personal Information": "Your name as patients and colleagues see it.",
    "Contact Information": "How patients and colleagues reach you. You also sign in with this email.",
    "Professional Details": "Where you work and what you do.",
    "License Verification": "A new license number or document sends your license back for verification.",
    "Additional Information": "Your experience, your fee, and anything else you would like us to know.",
}
LEGACY_FIELDS = ("years_of_experience", "consultation_fee", "bio")
# The wizard's steps without the account's password step; the seed's legacy fields go last.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (title, names + (LEGACY_FIELDS if title == "Additional Information" else ()))
    for title, _description, names in REGISTRATION_STEPS if title != "Account Security"
)


def form_value(provider: Provider, name: str) -> str:
    """The text an input shows for the provider's field `name`."""
    value = getattr(provider, name)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def normal(name: str, text: str) -> str:
    """`text` as the server will store it, so that "150" and "150.00" are no change."""
    text = text.strip()
    if name == "years_of_experience":
        return str(int(text)) if text.isdigit() else text or "0"
    if name == "consultation_fee":
        try:
            return f"{Decimal(text or '0'):.2f}"
        except InvalidOperation:
            return text
    return text


def changes_of(fields: ProviderFields, names: Iterable[str]) -> dict[str, Any]:
    """The values of `fields`' inputs `names` as the server takes them (whole years as a number)."""
    sent: dict[str, Any] = {}
    for name in names:
        value = normal(name, fields.value(name))
        sent[name] = int(value) if name == "years_of_experience" and value.isdigit() else value
    return sent


def _card(title: str, fields: ProviderFields, names: Iterable[str]) -> tuple[QFrame, QFormLayout]:
    card = QFrame()
    card.setProperty("card", True)
    card.setAccessibleName(title)
    heading = QLabel(title)
    heading.setProperty("role", "heading")
    description = QLabel(DESCRIPTIONS[title])
    description.setProperty("role", "muted")
    description.setWordWrap(True)
    rows = QFormLayout()
    rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    rows.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    fields.add_rows(rows, names)
    column = QVBoxLayout(card)
    column.setContentsMargins(18, 14, 18, 16)
    column.addWidget(heading)
    column.addWidget(description)
    column.addSpacing(6)
    column.addLayout(rows)
    return card, rows


def _labels(rows: QFormLayout) -> list[QWidget]:
    items = (rows.itemAt(row, QFormLayout.ItemRole.LabelRole) for row in range(rows.rowCount()))
    return [w for w in (item.widget() if item is not None else None for item in items) if w is not None]


class ProfileForm(QWidget):
    """Every profile field, validated as the user types; knows the base and the user's changes.

    Signals:
        changed(): the user edited a field (or the base changed): the changes may differ now.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = ProviderFields(PROFILE_FIELDS, self)
        self.fields.edited.connect(self._on_fields_edited)
        self.base: Provider | None = None
        self._base_values: dict[str, str] = dict.fromkeys(PROFILE_FIELDS, "")
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self._labels: list[QWidget] = []
        for title, names in GROUPS:
            card, rows = _card(title, self.fields, names)
            self._labels += _labels(rows)
            layout.addWidget(card)

    def _align_labels(self) -> None:
        """One label column for every card (measured once styled: the style sheet sets the font)."""
        width = max(label.sizeHint().width() for label in self._labels)
        for label in self._labels:
            label.setMinimumWidth(width)

    def showEvent(self, event: QShowEvent) -> None:
        self._align_labels()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._align_labels()
        super().changeEvent(event)

    @property
    def inputs_in_order(self) -> list[QWidget]:
        return [self.fields.inputs[name] for _, names in GROUPS for name in names]

    def _on_fields_edited(self, name: str) -> None:
        if self._filling:
            return
        self.fields.check([name])
        self.changed.emit()

    def edited_names(self, reference: Mapping[str, str] | None = None) -> list[str]:
        """Fields whose value differs from `reference` (default: the base), in form order."""
        values = reference or self._base_values
        return [name for name in PROFILE_FIELDS
                if normal(name, self.fields.value(name)) != normal(name, values[name])]

    def changes(self) -> dict[str, Any]:
        """The edited fields with the values to send."""
        return changes_of(self.fields, self.edited_names())

    def rebase(self, provider: Provider, *, keep: Iterable[str] = ()) -> None:
        """Make `provider` the base; show its values in every field except those in `keep`."""
        kept = set(keep)
        self.base = provider
        self._base_values = {name: form_value(provider, name) for name in PROFILE_FIELDS}
        self._filling = True
        try:
            for name in PROFILE_FIELDS:
                if name not in kept:
                    self.fields.set_value(name, self._base_values[name])
                    self.fields.show_error(name, None)
        finally:
            self._filling = False
        self.changed.emit()

    def values_after(self, sent: Mapping[str, Any]) -> dict[str, str]:
        """The base's values with `sent` applied: what the form holds when nothing changed since."""
        return {**self._base_values, **{name: str(value) for name, value in sent.items()}}

    def show_server_errors(self, field_errors: Mapping[str, list[str]]) -> list[str]:
        """Put a 400 answer's messages under their fields; the names that got one."""
        shown = [name for name in PROFILE_FIELDS if field_errors.get(name)]
        for name in shown:
            self.fields.show_error(name, field_errors[name][0])
        return shown


def differing_fields(old: Provider, new: Provider) -> list[str]:
    """Names of the profile fields whose values differ between two versions."""
    return [n for n in PROFILE_FIELDS if normal(n, form_value(old, n)) != normal(n, form_value(new, n))]

