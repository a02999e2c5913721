"""A read-only view of one provider, grouped like the registration wizard.

`details_area` and `display_value` are shared with the wizard's summary page, so a provider reads
the same before and after it is registered. Provider-entered text is always shown as plain text.
A provider looking at another provider sees its public fields only: the rows of the private ones
(additional information, license document, credentialing note) are left out, not shown empty. So
are the fields the server does not send (the seed guide's backend has no title, role, organization
or license status in its detail): nothing is said of what is not known, rather than a row of "—".
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.api.models import TITLE_LABELS, AuditEvent, Provider
from app.credentialing.worklist import effective_status
from ui.common.labels import plain_label
from ui.providers.fields import SPECS

NOT_GIVEN = "Not given"
Rows = list[tuple[str, str]]
PRIVATE = frozenset({"additional_information"})  # of the GROUPS' fields; the license rows are below
# The wizard's steps without the account, with the optional extras beside the additional information.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Personal Information", ("professional_title", "first_name", "last_name")),
    ("Contact Information", ("email", "phone_number")),
    ("Professional Details", ("organization_facility", "professional_role", "specialization")),
    ("License Verification", ("license_number", "npi")),
    ("Additional Information", ("additional_information", "years_of_experience", "consultation_fee", "bio")),
)


def display_value(name: str, value: str) -> str:
    """How the value of field `name` reads to a person (a title's full label, "Not given" for nothing)."""
    text = value.strip()
    if not text:
        return NOT_GIVEN
    return TITLE_LABELS.get(text, text) if name == "professional_title" else text


def value_label(text: str, accessible_name: str) -> QLabel:
    """A selectable, wrapping label that never interprets its text as rich text."""
    return plain_label(text, "muted" if text == NOT_GIVEN else None, wrap=True, selectable=True,
                       name=accessible_name)


def _add_group(form: QFormLayout, title: str, rows: Iterable[tuple[str, str]]) -> None:
    heading = QLabel(title)
    heading.setProperty("role", "heading")
    heading.setContentsMargins(0, 12 if form.rowCount() else 0, 0, 2)
    form.addRow(heading)
    for label, value in rows:
        name = QLabel(label)
        name.setProperty("role", "muted")
        name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # beside a long value's first line
        form.addRow(name, value_label(value, label))


def details_body(groups: Iterable[tuple[str, Rows]]) -> QWidget:
    """Headed groups of (label, value) rows in one form, so that every value lines up."""
    form = QFormLayout()
    form.setHorizontalSpacing(16)
    form.setVerticalSpacing(6)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    for title, rows in groups:
        _add_group(form, title, rows)
    body = QWidget()
    column = QVBoxLayout(body)
    column.setContentsMargins(0, 0, 12, 0)
    column.addLayout(form)
    column.addStretch(1)
    return body


def details_area(groups: Iterable[tuple[str, Rows]]) -> QScrollArea:
    """`details_body` in a frameless scroll area."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(details_body(groups))
    return area


def _field_rows(provider: Provider, names: Iterable[str], private_fields: bool = True) -> Rows:
    rows = []
    for name in names:
        if name in PRIVATE and not private_fields:
            continue
        if name not in provider.model_fields_set and name != "npi":  # not sent by this server (an NPI
            continue  # is None when not given: a server without NPIs has none given)
        value = getattr(provider, name)
        if name == "consultation_fee":
            text = f"{value:.2f}" if value else ""
        elif name == "years_of_experience":
            text = str(value) if value else ""
        else:
            text = str(value or "")  # None: sent blank
        rows.append((SPECS[name].label, display_value(name, text)))
    return rows


def _license_rows(provider: Provider, private_fields: bool = True) -> Rows:
    """The license's rows; none of a status, expiry or document the server does not report."""
    status = effective_status(provider)
    if status is None:
        return [("Credentialing note", provider.license_note)] if provider.license_note and private_fields else []
    expiry = provider.license_expiry_date.isoformat() if provider.license_expiry_date else NOT_GIVEN
    rows = [("License status", status.label), ("License expiry date", expiry)]
    if private_fields and "has_license_document" in provider.model_fields_set:
        rows.append(("License document", "Uploaded" if provider.has_license_document else "None uploaded"))
    if provider.license_note and private_fields:
        rows.append(("Credentialing note", provider.license_note))
    return rows


def provider_groups(provider: Provider, *, private_fields: bool = True) -> list[tuple[str, Rows]]:
    """The fields of `provider` in headed groups: the wizard's, credentialing, hospitals; without
    `private_fields` (a provider looking at another), only the public ones."""
    groups = [(title, _field_rows(provider, names, private_fields)) for title, names in GROUPS]
    groups.insert(4, ("Credentialing", _license_rows(provider, private_fields)))
    hospitals = "\n".join(f"{h.name}, {h.city}" for h in provider.hospitals) or "None linked yet"
    groups.append(("Hospitals", [("Works at", hospitals)]))
    return [(title, rows) for title, rows in groups if rows]


ACTION_WORDS = {"registered": "registered", "created": "added the provider", "updated": "updated",
                "document_uploaded": "uploaded a license document", "verified": "verified the license",
                "rejected": "rejected the license", "deactivated": "deactivated the provider",
                "reactivated": "reactivated the provider"}


# fields the trail names that are no field of the form: in words, as the form's are (SPECS)
TRAIL_WORDS = {"is_active": "Active", "license_status": "License status", "license_document": "License document",
               "hospitals": "Hospitals", "hospital_ids": "Hospitals"}


def field_words(name: str) -> str:
    """A field the server names (`first_name`) as the form labels it ("First Name")."""
    spec = SPECS.get(name)
    return spec.label if spec is not None else TRAIL_WORDS.get(name, name.replace("_", " ").capitalize())


def audit_text(events: Sequence[AuditEvent]) -> str:
    """One line per event, newest first, as the server sent them, fields named as the form names them."""
    def line(event: AuditEvent) -> str:
        when = event.at.astimezone().strftime("%d %b %Y %H:%M")
        fields = f" ({', '.join(field_words(f) for f in event.fields)})" if event.fields and \
            event.action == "updated" else ""
        detail = f" — {event.detail}" if event.detail else ""
        return f"{when}  {event.actor}: {ACTION_WORDS.get(event.action, event.action)}{fields}{detail}"
    return "\n".join(line(e) for e in events) or "No changes recorded."


class ProviderDetailDialog(QDialog):
    """Everything about one provider the viewer may see, read-only; opens with `open()`.

    `private_fields`: whether the viewer may see the provider's private fields (staff, and a
    provider looking at its own record). `reactivate_button` is set by `offer_reactivate`.

    Signals:
        hospital_chosen(str): the user asked for the providers of the hospital with this id.
        reactivate_requested(str): the user asked to reactivate this (deactivated) provider.
    """

    hospital_chosen = Signal(str)
    reactivate_requested = Signal(str)

    def __init__(self, provider: Provider, parent: QWidget | None = None, *, browse_hospitals: bool = False,
                 private_fields: bool = True) -> None:
        super().__init__(parent)
        self.provider = provider
        self.setWindowTitle(f"{provider.full_name} — ProviderDesk")
        self.resize(600, 640)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.area = details_area(provider_groups(provider, private_fields=private_fields))
        self.audit: QLabel | None = None
        self.reactivate_button: QPushButton | None = None
        self.subtitle = plain_label(role="muted", wrap=True, name="Role and organization")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addWidget(self._header())
        layout.addWidget(self.area, 1)
        if browse_hospitals and provider.hospitals:
            layout.addLayout(self._hospital_buttons())
        layout.addWidget(self.buttons)

    def offer_reactivate(self) -> QPushButton:
        """Add a "Reactivate…" button (an administrator looking at a deactivated provider); it asks
        through `reactivate_requested`. The caller enables it and says why not in its tooltip."""
        if self.reactivate_button is None:
            button = self.buttons.addButton("Reactivate…", QDialogButtonBox.ButtonRole.ActionRole)
            assert button is not None
            button.setAutoDefault(False)  # Enter closes the detail; it never starts a reactivation
            button.clicked.connect(self._on_reactivate_button_clicked)
            self.reactivate_button = button
        return self.reactivate_button

    def _on_reactivate_button_clicked(self) -> None:
        self.reactivate_requested.emit(self.provider.id)

    def show_reactivated(self, provider: Provider) -> None:
        """The provider is active again (as the server answered): say so, and offer no more reactivation."""
        self.provider = provider
        self.subtitle.setText(self._subtitle_text())
        if self.reactivate_button is not None:
            self.reactivate_button.hide()

    def _hospital_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for hospital in self.provider.hospitals:
            button = QPushButton(f"{hospital.name}: all providers")
            button.setToolTip(f"Show every provider of {hospital.name}, {hospital.city} in the directory")
            button.clicked.connect(lambda _c=False, h=hospital.id: self._on_hospital_clicked(h))
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _on_hospital_clicked(self, hospital_id: str) -> None:
        self.hospital_chosen.emit(hospital_id)
        self.accept()

    def show_audit(self, events: Sequence[AuditEvent] | str) -> None:
        """Add the audit trail (staff only), or a sentence saying why it is not shown."""
        text = events if isinstance(events, str) else audit_text(events)
        if self.audit is None:
            content = self.area.widget()
            body = content.layout() if content is not None else None
            assert isinstance(body, QVBoxLayout)
            heading = QLabel("Audit trail")
            heading.setProperty("role", "heading")
            heading.setContentsMargins(0, 12, 0, 2)
            self.audit = value_label(text, "Audit trail")
            body.insertWidget(1, heading)
            body.insertWidget(2, self.audit)
        self.audit.setText(text)

    def _header(self) -> QWidget:
        provider = self.provider
        header = QWidget()
        column = QVBoxLayout(header)
        column.setContentsMargins(0, 0, 0, 8)
        name = plain_label(provider.full_name, "title", name="Provider name")
        status = effective_status(provider)
        badge = QLabel(status.label if status else "")
        badge.setProperty("badge", status.value if status else "")
        badge.setAccessibleName("License status")
        badge.setVisible(status is not None)  # a server that does not report it: nothing to show
        self.subtitle.setText(self._subtitle_text())
        column.addWidget(name)
        column.addWidget(self.subtitle)
        column.addWidget(badge, 0, Qt.AlignmentFlag.AlignLeft)
        return header

    def _subtitle_text(self) -> str:
        provider = self.provider
        role = " · ".join(p for p in (provider.professional_role or "", provider.specialization,
                                      provider.organization_facility) if p)
        return role + ("" if provider.is_active else " · Deactivated")
