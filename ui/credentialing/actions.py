"""What the credentialing page does with the license under review: decisions (with If-Match and
conflicts), the document full size, CSV exports; the dialogs around the operations of `operations`.

A decision is confirmed in a `DecisionDialog` and sent with the ETag of the record the officer
reviewed; on success `decided` carries the record the server returned (the page writes it into
the cache at once, so the queue and its counts change, and moves on to the next license). A record
changed on the server meanwhile refuses the decision: the difference is shown and the review takes
the current record.
"""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from app.api.client import ApiClient
from app.api.errors import ApiError, AuthenticationError, ConflictError, OfflineError, ValidationError
from app.api.models import Decision, LicenseStatus, Provider, Versioned
from ui.common.dialogs import is_open, open_dialog
from ui.common.tasks import TaskRunner
from ui.credentialing import operations
from ui.credentialing.audit_export_dialog import AuditExportDialog
from ui.credentialing.decision_dialog import DecisionDialog
from ui.credentialing.review import ReviewLoader
from ui.credentialing.review_pane import ReviewPane
from ui.providers.conflict_banner import conflict_lines

CSV_FILTER = "CSV files (*.csv)"


def _label(status: LicenseStatus | None) -> str:
    return status.label if status is not None else "—"


def license_changes(base: Provider, current: Provider) -> list[str]:
    """What changed in the license between the reviewed record and the server's current one."""
    lines = conflict_lines(base, current, {})
    pairs = (("License status", _label(base.license_status), _label(current.license_status)),
             ("License expiry date", str(base.license_expiry_date or "none"),
              str(current.license_expiry_date or "none")),
             ("Credentialing note", base.license_note or "none", current.license_note or "none"),
             ("License document", base.license_document.sha256[:12] if base.license_document else "none",
              current.license_document.sha256[:12] if current.license_document else "none"))
    lines += [f"{name}: now “{now}” (was “{was}”)" for name, was, now in pairs if was != now]
    return lines or ["The record was saved again on the server (no field you see changed)."]


class CredentialingActions(QObject):
    """The decisions, the document window and the exports of the license under review in `review`
    (shown in `pane`); dialogs open over `parent`'s window.

    Signals:
        decided(object): the server took a decision; the Provider it answered.
        refused(object): a decision was refused because the record changed; the Provider as it is now
            (every view shows it at once).
        notice(str, str): a message for the user, and its level ("info", "success", "error").
        dialog_finished(): a decision dialog or the conflict message closed (back to the list).
    """

    decided = Signal(object)
    refused = Signal(object)
    notice = Signal(str, str)
    dialog_finished = Signal()

    def __init__(self, review: ReviewLoader, pane: ReviewPane, client: ApiClient, runner: TaskRunner,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.review = review
        self.pane = pane
        self.client = client
        self.runner = runner
        self._parent = parent
        self.dialog: QDialog | None = None  # a decision, the conflict message, an export's choices or file
        self._tasks: set[asyncio.Task[Any]] = set()

    def _window(self) -> QWidget:
        return self._parent.window()  # looked up each time: the page moves into the main window after it is built

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _notify(self, text: str, level: str) -> None:
        if shiboken6.isValid(self):  # an answer that arrived after the page went (sign-out)
            self.notice.emit(text, level)

    def stop(self) -> None:
        """Cancel exports still running (the page is closing); a decision already sent is not undone."""
        for task in list(self._tasks):
            task.cancel()

    # ---- decisions ----

    def verify(self) -> None:
        self._decide(Decision.VERIFIED)

    def reject(self) -> None:
        self._decide(Decision.REJECTED)

    def _decide(self, decision: Decision) -> None:
        provider = self.review.provider
        if provider is None:
            return
        if not self.pane.verify_button.isEnabled():
            self.notice.emit(self.pane.verify_button.toolTip() or "Decisions are not available now.", "info")
            return
        if is_open(self.dialog):
            return
        dialog = DecisionDialog(decision, provider, self._window())
        dialog.confirmed.connect(lambda: self._send(dialog))
        dialog.finished.connect(lambda _result: self.dialog_finished.emit())
        self.dialog = open_dialog(dialog)
        dialog.activateWindow()

    def _send(self, dialog: DecisionDialog) -> None:
        operations.decide_license(client=self.client, runner=self.runner, reviewed=dialog.provider,
                                  decision=dialog.decision, note=dialog.note(), expiry=dialog.expiry(),
                                  known=self.review.version,
                                  on_done=lambda version: self._on_decided(dialog, version),
                                  on_error=lambda error: self._on_decision_failed(dialog, error))

    def _on_decided(self, dialog: DecisionDialog, version: Versioned[Provider]) -> None:
        if shiboken6.isValid(dialog):
            dialog.accept()
        if not shiboken6.isValid(self):  # signed out meanwhile: the decision stands, nothing to show
            return
        provider = version.value
        words = "verified" if dialog.decision is Decision.VERIFIED else "rejected"
        self.notice.emit(f"License of {provider.full_name} {words}.", "success")
        self.decided.emit(provider)

    def _on_decision_failed(self, dialog: DecisionDialog, error: Exception) -> bool:
        if isinstance(error, AuthenticationError) or not isinstance(error, ApiError):
            return False
        if not shiboken6.isValid(dialog):
            return True
        if isinstance(error, ConflictError) and isinstance(error.current, Provider):
            dialog.reject()
            self._show_conflict(dialog.provider, Versioned(error.current, error.etag))
            self.refused.emit(error.current)
        elif isinstance(error, ValidationError) and error.field_errors:
            dialog.show_server_error(" ".join(m for messages in error.field_errors.values() for m in messages))
        elif isinstance(error, OfflineError):
            dialog.show_server_error("You are offline: the decision was not sent. Try again when the server answers.")
        else:
            dialog.show_server_error(f"The decision was not taken. {error.message}")
        return True

    def _show_conflict(self, reviewed: Provider, current: Versioned[Provider]) -> None:
        self.review.take_current(current)
        text = (f"The record of {reviewed.full_name} changed on the server since you reviewed it, so your decision "
                "was not taken.\n\n" + "\n".join(license_changes(reviewed, current.value)) +
                "\n\nThe review pane now shows the current record. Check it and decide again.")
        box = QMessageBox(QMessageBox.Icon.Warning, "Decision not taken — ProviderDesk", text,
                          QMessageBox.StandardButton.Ok, self._window())
        box.setObjectName("conflict")
        box.finished.connect(lambda _result: self.dialog_finished.emit())
        self.dialog = open_dialog(box)

    # ---- the document ----

    def open_document(self) -> None:
        """The document under review full size (one window: the viewer closes it on the next provider)."""
        provider = self.review.provider
        if provider is None:
            return
        if self.review.document is None:
            self.notice.emit("The license document is not loaded yet." if provider.has_license_document else
                             "This provider has not uploaded a license document.", "info")
            return
        self.pane.viewer.open_full_size_window()

    # ---- exports ----

    def export_trail(self) -> None:
        provider = self.review.provider
        if provider is not None:
            self._choose(f"license-audit-{provider.license_number}.csv", self.export_trail_to)

    def export_trail_to(self, path: str | Path) -> None:
        """Write the audit trail of the provider under review to `path` (fetched again, complete)."""
        provider = self.review.provider
        if provider is None:
            return
        self._keep(operations.export_trail(client=self.client, runner=self.runner, provider=provider, path=path,
                                           on_done=lambda n: self._exported(n, path), on_error=self._export_failed))

    def export_decisions(self) -> None:
        dialog = AuditExportDialog(self._window())
        dialog.chosen.connect(lambda since, until, action: self._choose(
            f"license-decisions-{since}-to-{until}.csv", lambda path: self.export_decisions_to(path, since, until,
                                                                                                action)))
        self.dialog = open_dialog(dialog)

    def export_decisions_to(self, path: str | Path, since: date | None = None, until: date | None = None,
                            action: str | None = None) -> None:
        """Write every decision (or every `action` event) from `since` to `until` to `path`."""
        until = until or date.today()
        since = since or until - timedelta(days=30)
        self._keep(operations.export_decisions(client=self.client, runner=self.runner, path=path, since=since,
                                               until=until, action=action, on_done=lambda n: self._exported(n, path),
                                               on_error=self._export_failed))

    def _choose(self, name: str, then: Any) -> None:
        dialog = QFileDialog(self._window(), "Export as CSV", str(Path.home() / name), CSV_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(then)
        self.dialog = open_dialog(dialog)

    def _exported(self, count: int, path: str | Path) -> None:
        noun = "event" if count == 1 else "events"
        self._notify(f"Exported {count:,} audit {noun} to {Path(path).name}.", "success")

    def _export_failed(self, error: Exception) -> bool:
        if isinstance(error, OSError):
            self._notify(f"The file could not be written: {error.strerror or error}.", "error")
            return True
        if isinstance(error, ApiError) and not isinstance(error, AuthenticationError):
            self._notify(f"The audit trail could not be exported. {error.message}", "error")
            return True
        return False
