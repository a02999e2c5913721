"""The review pane beside the worklist: one provider's license, its document, record and audit trail.

It only shows what it is given and says what the officer asked for through signals; the
credentialing page loads the data and sends the decisions.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.api.models import AuditEvent, Provider
from app.credentialing.worklist import days_left, effective_status
from ui.common.labels import plain_label
from ui.credentialing.document_viewer import DocumentViewer
from ui.providers.detail import audit_text, details_area, provider_groups
from ui.widgets.vertical_scroll import VerticalScrollArea

DECISIONS = ("verified", "rejected")
# The document under review keeps this height however low the window (900x600 with two pinned
# messages left it a 10-50 px strip): below it, the pane scrolls (issue 22, item 8).
DOCUMENT_MIN_HEIGHT = 200


def expiry_line(provider: Provider, today: date | None = None) -> str:
    """ "Expires 12 Dec 2026 (in 17 days)", "Expired 3 Nov 2026 (22 days ago)" or "No expiry date"."""
    expiry, left = provider.license_expiry_date, days_left(provider.license_expiry_date, today)
    if expiry is None or left is None:
        return "No expiry date yet"
    when = f"{expiry.day} {expiry:%b %Y}"
    if left < 0:
        return f"Expired {when} ({-left} day{'s' * (left != -1)} ago)"
    if left == 0:
        return f"Expires {when} (today)"
    return f"Expires {when} (in {left} day{'s' * (left != 1)})"


def decisions_text(events: Sequence[AuditEvent]) -> str:
    """The earlier decisions with their notes, newest first."""
    lines = [f"{e.at.astimezone():%d %b %Y %H:%M}  {e.action.capitalize()} by {e.actor}"
             + (f": {e.detail}" if e.detail else "") for e in events if e.action in DECISIONS]
    return "\n".join(lines) or "No decision yet."


class ReviewPane(QWidget):
    """One provider under review.

    Signals:
        verify_requested(), reject_requested(): the officer chose a decision (V, R).
        document_requested(): open the document full size (O).
        export_requested(): export this provider's audit trail as CSV.
    """

    verify_requested = Signal()
    reject_requested = Signal()
    document_requested = Signal()
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider: Provider | None = None
        self.name = plain_label(role="title", wrap=True, selectable=True, name="Provider under review")
        self.subtitle = plain_label(role="muted", wrap=True, selectable=True)
        self.badge = QLabel()
        self.badge.setProperty("badge", "pending_verification")  # styled from the first polish: its padding too
        self.badge.setAccessibleName("License status")
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # its padding too, never squeezed
        self.expiry = plain_label(wrap=True, selectable=True, name="License expiry")
        self.note = plain_label(role="muted", wrap=True, selectable=True, name="Credentialing note")
        self.reason = plain_label(role="muted", wrap=True, selectable=True, name="Why decisions are not available")
        self.verify_button = QPushButton("Verify… (V)")
        self.reject_button = QPushButton("Reject… (R)")
        self.document_button = QPushButton("Open document (O)")
        self.export_button = QPushButton("Export audit trail…")
        self.verify_button.clicked.connect(self.verify_requested)
        self.reject_button.clicked.connect(self.reject_requested)
        self.document_button.clicked.connect(self.document_requested)
        self.export_button.clicked.connect(self.export_requested)
        for button in self.buttons:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the keys work from the list; focus stays there
        self.viewer = DocumentViewer()
        self.viewer.stack.setMinimumHeight(DOCUMENT_MIN_HEIGHT)
        self.record = QWidget()
        self.decisions = plain_label(wrap=True, selectable=True, name="Earlier decisions")
        self.audit = plain_label(wrap=True, selectable=True, name="Audit trail")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setAccessibleName("Review of the license")
        self.tabs.tabBar().setUsesScrollButtons(False)  # the pane asks the splitter for room for every tab
        self.tabs.addTab(self.viewer, "License document")
        self.tabs.addTab(self.record, "Record")
        self.tabs.addTab(self._trail(), "Decisions and audit trail")
        self.placeholder = plain_label(role="muted", wrap=True, selectable=True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._lay_out()
        self.show_provider(None)

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return self.verify_button, self.reject_button, self.document_button, self.export_button

    def _trail(self) -> QWidget:
        """The trail's export, over earlier decisions and the audit trail; those scroll, as a long
        trail (or a checksum that cannot wrap) may not fit the pane, while the button stays in sight."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        for title, label in (("Earlier decisions", self.decisions), ("Audit trail", self.audit)):
            heading = QLabel(title)
            heading.setProperty("role", "heading")
            column.addWidget(heading)
            column.addWidget(label)
        column.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(holder)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 6, 0, 0)
        export = QHBoxLayout()
        export.addStretch(1)
        export.addWidget(self.export_button)
        layout.addLayout(export)
        layout.addWidget(area, 1)
        return tab

    def _lay_out(self) -> None:
        actions = QHBoxLayout()  # the decisions and the document; the trail's export is in its tab
        for button in (self.verify_button, self.reject_button, self.document_button):
            actions.addWidget(button)
        actions.addStretch(1)
        status = QHBoxLayout()
        status.addWidget(self.badge)
        status.addWidget(self.expiry, 1)
        self.body = QWidget()
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.name)
        column.addWidget(self.subtitle)
        column.addLayout(status)
        column.addWidget(self.note)
        column.addLayout(actions)
        column.addWidget(self.reason)
        column.addWidget(self.tabs, 1)
        self.body_area = VerticalScrollArea(self.body)  # a low window scrolls the pane, not the document away
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 4, 4)
        layout.addWidget(self.body_area, 1)
        layout.addWidget(self.placeholder, 1)

    # ---- what the page shows ----

    def show_provider(self, provider: Provider | None, empty_text: str = "Choose a license to review.") -> None:
        """Show `provider`'s license and record (None: the placeholder)."""
        self.provider = provider
        self.body_area.setVisible(provider is not None)
        self.placeholder.setVisible(provider is None)
        self.placeholder.setText(empty_text)
        if provider is None:
            self.viewer.clear()
            return
        status = effective_status(provider)
        self.name.setText(provider.full_name)
        self.subtitle.setText(" · ".join(p for p in (f"License {provider.license_number}",
                                                     provider.professional_role or "", provider.specialization,
                                                     provider.organization_facility) if p))
        self.badge.setProperty("badge", status.value if status else "")
        self.badge.style().unpolish(self.badge)
        self.badge.style().polish(self.badge)
        self.badge.setText(status.label if status else "—")
        self.expiry.setText(expiry_line(provider))
        self.note.setText(f"Note to the provider: {provider.license_note}" if provider.license_note else "")
        self.note.setVisible(bool(provider.license_note))
        self.document_button.setEnabled(False)  # until the document shows (set_document_shown)
        index = self.tabs.indexOf(self.record)
        current = self.tabs.currentIndex()
        self.tabs.removeTab(index)
        self.record.deleteLater()
        self.record = details_area(provider_groups(provider))
        self.tabs.insertTab(index, self.record, "Record")
        self.tabs.setCurrentIndex(current)

    def set_document_shown(self, shown: bool) -> None:
        """Offer "Open document" only while a document shows in the pane."""
        self.document_button.setEnabled(shown)

    def show_audit(self, events: Sequence[AuditEvent] | str) -> None:
        """The audit trail (newest first), or a sentence saying why it is not shown."""
        if isinstance(events, str):
            self.decisions.setText(events)
            self.audit.setText("")
            return
        self.decisions.setText(decisions_text(events))
        self.audit.setText(audit_text(events))

    def set_decisions(self, allowed: bool, reason: str = "") -> None:
        """Enable Verify and Reject, or disable them with `reason` (in their tooltips and under them)."""
        for button in (self.verify_button, self.reject_button):
            button.setEnabled(allowed)
            button.setToolTip(reason)
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
