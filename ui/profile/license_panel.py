"""The provider's license at a glance (status, expiry, rejection note, document) and the document upload."""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import LicenseDocumentInfo, LicenseStatus, Provider
from app.documents import SIGNATURES, human_size
from ui.common.dialogs import open_dialog
from ui.common.labels import plain_label
from ui.common.theme import restyle
from ui.providers.license_card import UNKNOWN_STATUS, expiry_words, long_date, status_label

FILE_FILTER = "License documents: PDF, PNG or JPEG (*.pdf *.png *.jpg *.jpeg)"
STATUS_WORDS = {
    LicenseStatus.PENDING: "A credentialing officer will review your license.",
    LicenseStatus.VERIFIED: "Your license is verified.",
    LicenseStatus.REJECTED: "Your license was not accepted. Upload a corrected document to ask for a new review.",
    LicenseStatus.EXPIRED: "Your license has expired. Upload your renewed license to ask for a new review.",
}
BACK_TO_PENDING = ("Uploading a new document sends your verified license back to pending verification until a "
                   "credentialing officer reviews it. Upload?")


def describe_document(info: LicenseDocumentInfo) -> str:
    kind = next((words for _, ct, words in SIGNATURES if ct == info.content_type), info.content_type)
    when = info.uploaded_at.astimezone()
    return f"{kind}, {human_size(info.size)}, uploaded {long_date(when)} at {when:%H:%M}"


class LicensePanel(QFrame):
    """A card with the license of a provider; lets the user pick a new document, asking first when
    the license is verified (a new document sends it back to pending).

    Signals:
        file_chosen(str): the user picked this file in the file dialog (and agreed to lose the verification).
    """

    file_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, not_reviewed: str | None = None) -> None:
        super().__init__(parent)
        self.not_reviewed = not_reviewed  # a server with no credentialing (app/api/capabilities.py)
        self.setProperty("card", True)
        self.setAccessibleName("Your license")
        self.dialog: QDialog | None = None  # the file dialog, then the question before a verified license goes
        self.status: LicenseStatus | None = None
        self.badge = plain_label()
        self.badge.setProperty("badge", "pending_verification")  # styled from the first polish: its padding too
        self.expiry = plain_label(role="muted", wrap=True)
        self.explanation = plain_label(wrap=True)
        self.note = plain_label(wrap=True)
        self.note_box = QFrame()
        self.note_box.setProperty("level", "error")
        note_layout = QVBoxLayout(self.note_box)
        note_layout.setContentsMargins(14, 8, 10, 8)
        note_layout.addWidget(QLabel("Reason given by the credentialing officer:"))
        note_layout.addWidget(self.note)
        self.document = plain_label(wrap=True)
        self.upload_button = QPushButton("Upload license document…")
        self.upload_button.setToolTip("PDF, PNG or JPEG, at most 10 MB")
        self.upload_button.clicked.connect(self._on_upload_button_clicked)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName("Upload progress")
        self.progress.hide()
        self.problem = plain_label(role="error", wrap=True)
        self.problem.hide()
        self._lay_out()

    def _lay_out(self) -> None:
        status_row = QHBoxLayout()
        status_row.addWidget(QLabel("Status"))
        status_row.addWidget(self.badge)
        status_row.addSpacing(12)
        status_row.addWidget(self.expiry, 1)
        upload_row = QHBoxLayout()
        upload_row.addWidget(self.upload_button)
        hint = plain_label(role="muted")
        hint.setText("PDF, PNG or JPEG, at most 10 MB")
        upload_row.addWidget(hint)
        upload_row.addStretch(1)
        heading = QLabel("Your license")
        heading.setProperty("role", "heading")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 16)
        layout.addWidget(heading)
        layout.addLayout(status_row)
        layout.addWidget(self.explanation)
        layout.addWidget(self.note_box)
        layout.addWidget(self.document)
        layout.addLayout(upload_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.problem)

    def show_provider(self, provider: Provider) -> None:
        if provider.license_status is None:  # a server that does not report it
            self._show_unknown()
            return
        status = self.status = provider.license_status
        self.badge.setText(status_label(status, self.not_reviewed))
        self.badge.setAccessibleName(f"License status: {self.badge.text()}")  # a label's name is what is read
        self.badge.setProperty("badge", status.value)
        restyle(self.badge)
        self.expiry.setText(expiry_words(provider.license_status, provider.license_expiry_date, self.not_reviewed))
        reviewed = self.not_reviewed is None or status is LicenseStatus.VERIFIED
        self.explanation.setText(STATUS_WORDS[status] if reviewed else str(self.not_reviewed))
        rejected = status is LicenseStatus.REJECTED and bool(provider.license_note.strip())
        self.note.setText(provider.license_note.strip() if rejected else "")
        self.note_box.setVisible(rejected)
        self.upload_button.setText("Replace license document…" if provider.has_license_document
                                   else "Upload license document…")
        if provider.license_document is not None:
            self.document.setText("Document on file: " + describe_document(provider.license_document))
        else:
            self.document.setText("Document on file." if provider.has_license_document else
                                  "No license document uploaded yet.")

    # ---- the upload ----

    def _show_unknown(self) -> None:
        self.status = None
        self.badge.setText("—")
        self.badge.setAccessibleName("License status: unknown")
        self.expiry.setText("")
        self.explanation.setText(UNKNOWN_STATUS)
        self.note_box.setVisible(False)

    def _on_upload_button_clicked(self) -> None:
        dialog = QFileDialog(self, "Choose your license document")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(FILE_FILTER)
        dialog.fileSelected.connect(self._on_file_dialog_file_selected)
        self.dialog = open_dialog(dialog)

    def _on_file_dialog_file_selected(self, path: str) -> None:
        self.dialog = None
        if not path:
            return
        if self.status is LicenseStatus.VERIFIED:
            self._ask_before_upload(path)
        else:
            self.file_chosen.emit(path)

    def _ask_before_upload(self, path: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Upload a new document? — ProviderDesk", BACK_TO_PENDING,
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        upload = box.addButton("Upload", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # losing the verification is never by Enter alone
        box.finished.connect(lambda _result: self._on_confirm_finished(box, upload, path))
        self.dialog = open_dialog(box)

    def _on_confirm_finished(self, box: QMessageBox, upload: QAbstractButton, path: str) -> None:
        chosen = shiboken6.isValid(box) and box.clickedButton() is upload
        self.dialog = None
        if chosen:
            self.file_chosen.emit(path)

    def show_problem(self, message: str | None) -> None:
        self.problem.setText(message or "")
        self.problem.setVisible(bool(message))

    def upload_started(self) -> None:
        self.show_problem(None)
        self.progress.setValue(0)
        self.progress.show()
        self.upload_button.setEnabled(False)

    def set_progress(self, sent: int, total: int) -> None:
        self.progress.setValue(round(100 * sent / total) if total else 100)

    def upload_ended(self) -> None:
        self.progress.hide()
        self.upload_button.setEnabled(True)
