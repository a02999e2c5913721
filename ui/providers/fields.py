"""The provider form's inputs with their labels, placeholders and inline errors, from the seed.

Built once per form and shared by the registration wizard, the profile editor and the
administrator's provider editor, so every form validates and reads the same way.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from app.api.models import TITLE_LABELS, ProfessionalRole
from app.validation import field_error
from ui.common.labels import plain_label
from ui.common.theme import restyle

# the text of a hidden error line: one line high, so the line it keeps free is a message's height
NO_MESSAGE = "\u00a0"


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: str = "text"  # text, email, password, choice, multiline, integer, money
    placeholder: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()


SPECS: dict[str, FieldSpec] = {
    "professional_title": FieldSpec("Professional Title", "choice", required=True,
                                    choices=tuple(TITLE_LABELS.items())),
    "first_name": FieldSpec("First Name", placeholder="Joseph", required=True),
    "last_name": FieldSpec("Last Name", placeholder="Ewool", required=True),
    "email": FieldSpec("Professional Email", "email", "joseph.ewool@hospital.com", required=True),
    "phone_number": FieldSpec("Phone Number", placeholder="+1 (555) 123-4567"),
    "username": FieldSpec("Username", placeholder="Auto-generated from email if left empty"),
    "password": FieldSpec("Password", "password", "Minimum 8 characters", required=True),
    "password_confirm": FieldSpec("Confirm Password", "password", "Re-enter password", required=True),
    "organization_facility": FieldSpec("Organization/Facility", placeholder="General Hospital, Private Practice, "
                                       "Clinic Name", required=True),
    "professional_role": FieldSpec("Professional Role", "choice", required=True,
                                   choices=tuple((r.value, r.value) for r in ProfessionalRole)),
    "specialization": FieldSpec("Specialization", placeholder="Cardiology, Pediatrics, General Practice, etc."),
    "license_number": FieldSpec("Professional License Number", placeholder="Enter your medical license number",
                                required=True),
    "npi": FieldSpec("National Provider Identifier (NPI)", placeholder="10 digits, for example 1234567893"),
    "additional_information": FieldSpec("Additional Information", "multiline",
                                        "Anything you would like the credentialing team to know"),
    "years_of_experience": FieldSpec("Years of Experience", "integer", "0"),
    "consultation_fee": FieldSpec("Consultation Fee", "money", "0.00"),
    "bio": FieldSpec("Professional Biography", "multiline", "Brief description of your background and expertise"),
}


def labels_of(names: Iterable[str]) -> str:
    """The fields' labels as a form shows them, in a sentence ("Phone Number, Specialization")."""
    return ", ".join(SPECS[name].label if name in SPECS else name for name in names)


def _make_input(name: str, spec: FieldSpec) -> QWidget:
    if spec.kind == "choice":
        combo = QComboBox()
        combo.addItem(f"Select {spec.label.lower()}…", "")
        for value, label in spec.choices:
            combo.addItem(label, value)
        return combo
    if spec.kind == "multiline":
        text = QPlainTextEdit()
        text.setPlaceholderText(spec.placeholder)
        text.setTabChangesFocus(True)
        text.setFixedHeight(90)
        return text
    line = QLineEdit()
    line.setPlaceholderText(spec.placeholder)
    if spec.kind == "password":
        line.setEchoMode(QLineEdit.EchoMode.Password)
    return line


class ProviderFields(QObject):
    """Inputs for the named fields; reads, writes and validates them.

    Signals:
        edited(str): the user changed the named field.
    """

    edited = Signal(str)

    def __init__(self, names: Iterable[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names = tuple(names)
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._shown: dict[str, str | None] = {}  # the message each field shows (restyling is costly)
        for name in self.names:
            self._build(name)

    def _build(self, name: str) -> None:
        spec = SPECS[name]
        widget = _make_input(name, spec)
        widget.setObjectName(name)
        widget.setAccessibleName(spec.label)
        if isinstance(widget, (QLineEdit, QComboBox)):
            widget.ensurePolished()  # its height now, so the red frame of an error cannot make it shorter
            widget.setMinimumHeight(widget.sizeHint().height())
        # wraps: a long message takes a second line, never cut ("…at most 2 decima")
        error = plain_label(NO_MESSAGE, "error", wrap=True, name=f"{spec.label} error")
        keep = error.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # its line stays reserved: a message moves nothing under it
        error.setSizePolicy(keep)
        error.hide()
        self.inputs[name], self.errors[name] = widget, error
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i, n=name: self.edited.emit(n))
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(lambda n=name: self.edited.emit(n))
        elif isinstance(widget, QLineEdit):
            widget.textEdited.connect(lambda _t, n=name: self.edited.emit(n))

    def add_rows(self, layout: QFormLayout, names: Iterable[str] | None = None) -> None:
        """Add label, input and error rows for `names` (default: all) to `layout`."""
        for name in names or self.names:
            spec = SPECS[name]
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(self.inputs[name])
            column.addWidget(self.errors[name])
            label = QLabel(spec.label + (" *" if spec.required else ""))
            label.setBuddy(self.inputs[name])
            layout.addRow(label, holder)

    def value(self, name: str) -> str:
        widget = self.inputs[name]
        if isinstance(widget, QComboBox):
            return str(widget.currentData() or "")
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def values(self) -> dict[str, str]:
        return {name: self.value(name) for name in self.names}

    def set_value(self, name: str, value: Any) -> None:
        widget = self.inputs[name]
        text = "" if value is None else str(value)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(text)))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(text)
        elif isinstance(widget, QLineEdit):
            widget.setText(text)

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            if name in self.inputs:
                self.set_value(name, value)

    def show_error(self, name: str, message: str | None) -> None:
        if name in self._shown and self._shown[name] == message:
            return  # each keystroke asks again: a restyle per field per key made typing lag
        self._shown[name] = message
        label, widget = self.errors[name], self.inputs[name]
        label.setText(message or NO_MESSAGE)
        label.setAccessibleName(message or f"{SPECS[name].label} error")
        label.setVisible(bool(message))
        widget.setAccessibleDescription(message or "")
        widget.setProperty("invalid", bool(message))
        widget.setToolTip(message or "")
        restyle(widget)

    def check(self, names: Iterable[str], *, show: bool = True) -> dict[str, str]:
        """Validate `names` with the shared rules; show (or clear) each message; the problems."""
        form = self.values()
        problems: dict[str, str] = {}
        for name in names:
            message = field_error(name, form.get(name), form)
            if message:
                problems[name] = message
            if show:
                self.show_error(name, message)
        return problems
