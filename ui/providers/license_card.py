"""The provider's license at a glance: status badge, expiry, the rejection note, and the next step."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.api.models import LicenseStatus, Provider
from ui.common.labels import plain_label
from ui.common.theme import restyle
from ui.common.unavailable import serve_or_explain

UPLOAD = "Upload your license document"
SOON_DAYS = 30  # an expiry this close is counted down in days
UPDATE = "Update your license"


def call_to_action(status: LicenseStatus, has_document: bool) -> str:
    """The button's words when the provider has something to do about the license, else ""."""
    if status is LicenseStatus.PENDING:
        return "" if has_document else UPLOAD
    return UPDATE if status in (LicenseStatus.REJECTED, LicenseStatus.EXPIRED) else ""


NOT_VERIFIED = "Not verified"  # a pending license where nobody reviews it (a server with no credentialing)


def status_label(status: LicenseStatus, not_reviewed: str | None = None) -> str:
    """The status's label; where nobody reviews licenses (`not_reviewed`), a pending one is not
    "Pending verification", for nothing is pending: it is not verified."""
    return NOT_VERIFIED if not_reviewed is not None and status is LicenseStatus.PENDING else status.label


def explanation(status: LicenseStatus, has_document: bool, not_reviewed: str | None = None) -> str:
    """What the status means for the provider; `not_reviewed` (a server with no credentialing) replaces
    the promise of a review."""
    if status is LicenseStatus.VERIFIED:
        return "Your license is verified."
    if not_reviewed is not None:
        return not_reviewed
    if status is LicenseStatus.PENDING and has_document:
        return "Your license document is waiting for a credentialing officer."
    if status is LicenseStatus.PENDING:
        return "Upload your license document so that a credentialing officer can verify it."
    if status is LicenseStatus.REJECTED:
        return "Your license was not accepted. Correct it and upload a new document."
    return "Your license has expired. Upload your renewed license."


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


UNKNOWN_STATUS = "This server does not report the license's status."


def expiry_words(status: LicenseStatus, expiry: date | None, not_reviewed: str | None = None) -> str:
    """The expiry as a sentence; nothing where no date is known and nobody reviews licenses (no
    verification will set one)."""
    if expiry is None:
        return "" if not_reviewed is not None else "Expiry date: set when the license is verified"
    if status is LicenseStatus.EXPIRED or expiry < date.today():
        return f"Expired on {long_date(expiry)}"
    left = (expiry - date.today()).days
    if left <= SOON_DAYS:
        return f"Expires on {long_date(expiry)} — " + ("today" if left == 0 else f"in {left} day{'s' * (left != 1)}")
    return f"Expires on {long_date(expiry)}"


class LicenseCard(QFrame):
    """The license status card.

    Signals:
        action_requested(): the user chose the call to action (open My Profile).
    """

    action_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, not_reviewed: str | None = None,
                 no_uploads: str | None = None) -> None:
        super().__init__(parent)
        self.not_reviewed = not_reviewed  # a server with no credentialing (app/api/capabilities.py)
        self.no_uploads = no_uploads  # a server that keeps no documents: the call to action cannot be served
        self.setProperty("card", True)
        self.setAccessibleName("License")
        self.badge = plain_label()
        self.badge.setProperty("badge", "pending_verification")
        self.number = plain_label(role="muted")
        self.expiry = plain_label()
        self.explanation = plain_label()
        self.explanation.setWordWrap(True)
        self.note = plain_label()
        self.note.setWordWrap(True)
        self.note.setProperty("role", "error")
        self.note.setAccessibleName("Reason for the rejection")
        self.action_button = QPushButton()
        self.action_button.setProperty("primary", True)
        self.action_button.clicked.connect(self._on_action_button_clicked)
        self._build()

    def _build(self) -> None:
        badge_row = QHBoxLayout()
        badge_row.addWidget(self.badge)
        badge_row.addWidget(self.number)
        badge_row.addStretch(1)
        button_row = QHBoxLayout()
        button_row.addWidget(self.action_button)
        button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(8)
        layout.addWidget(plain_label("License", "heading"))
        layout.addLayout(badge_row)
        for widget in (self.expiry, self.explanation, self.note):
            layout.addWidget(widget)
        layout.addLayout(button_row)
        layout.addStretch(1)

    def set_license(self, profile: Provider, status: LicenseStatus | None) -> None:
        if status is None:  # a server that does not report it
            self.badge.setText("—")
            self.number.setText(f"License {profile.license_number or '—'}")
            self.expiry.setText("")
            self.expiry.setVisible(False)
            self.explanation.setText(UNKNOWN_STATUS)
            self.note.setVisible(False)
            self.action_button.setVisible(False)
            return
        self.badge.setText(status_label(status, self.not_reviewed))
        self.badge.setProperty("badge", status.value)
        restyle(self.badge)
        self.number.setText(f"License {profile.license_number}")
        self.expiry.setText(expiry_words(status, profile.license_expiry_date, self.not_reviewed))
        self.expiry.setVisible(bool(self.expiry.text()))  # no empty line where nothing is said
        self.explanation.setText(explanation(status, profile.has_license_document, self.not_reviewed))
        note = profile.license_note.strip() if status is LicenseStatus.REJECTED else ""
        self.note.setText(f"Reason: {note}")
        self.note.setVisible(bool(note))
        action = call_to_action(status, profile.has_license_document)
        self.action_button.setText(action)
        self.action_button.setVisible(bool(action))
        serve_or_explain(self.action_button, self.no_uploads)
        self.setAccessibleDescription(f"{self.badge.text()}. {self.expiry.text()}. {self.explanation.text()}")

    def _on_action_button_clicked(self) -> None:
        self.action_requested.emit()

