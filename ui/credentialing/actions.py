"""What the credentialing page does: decisions (with If-Match and conflicts), the document full size, CSV exports.

A decision is confirmed in a `DecisionDialog` and sent with the ETag of the record the officer
reviewed; the record the server returns is written into the cache at once (the queue and its
counts change), a sync follows, and the review moves on to the next license. A record changed on
the server meanwhile refuses the decision: the difference is shown and the pane takes the
current record.
"""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.api.errors import ApiError, AuthenticationError, ConflictError, OfflineError, ValidationError
from app.api.models import Decision, Provider, Versioned
from app.credentialing import audit_csv
from ui.credentialing.audit_export_dialog import AuditExportDialog
from ui.credentialing.decision_dialog import DecisionDialog
from ui.providers.edit_dialog import conflict_lines

if TYPE_CHECKING:
    from ui.credentialing.page import CredentialingPage

CSV_FILTER = "CSV files (*.csv)"


def license_changes(base: Provider, current: Provider) -> list[str]:
    """What changed in the license between the reviewed record and the server's current one."""
    lines = conflict_lines(base, current, {})
    pairs = (("License status", base.license_status.label, current.license_status.label),
             ("License expiry date", str(base.license_expiry_date or "none"),
              str(current.license_expiry_date or "none")),
             ("Credentialing note", base.license_note or "none", current.license_note or "none"),
             ("License document", base.license_document.sha256[:12] if base.license_document else "none",
              current.license_document.sha256[:12] if current.license_document else "none"))
    lines += [f"{name}: now “{now}” (was “{was}”)" for name, was, now in pairs if was != now]
    return lines or ["The record was saved again on the server (no field you see changed)."]


class CredentialingActions(QObject):
    """Decisions, the document window and exports for one `CredentialingPage`."""

    def __init__(self, page: CredentialingPage) -> None:
        super().__init__(page)
        self.page = page
        self.dialog: DecisionDialog | None = None
        self.message: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self.export_dialog: AuditExportDialog | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def _start(self, work: Any, **callbacks: Any) -> None:
        task = self.page.desktop.runner.start(work, **callbacks)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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
        page = self.page
        provider = page.pane.provider
        if provider is None:
            return
        if not page.pane.verify_button.isEnabled():
            page.notify(page.pane.verify_button.toolTip() or "Decisions are not available now.", "info")
            return
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            return
        dialog = DecisionDialog(decision, provider, page.window())
        dialog.confirmed.connect(lambda: self._send(dialog))
        dialog.finished.connect(lambda _result: self.refocus())
        self.dialog = dialog
        dialog.open()
        dialog.activateWindow()

    def refocus(self) -> None:
        """Back to the list after a dialog, so the keys work again at once."""
        window = self.page.window()
        window.activateWindow()
        self.page.table.setFocus()

    def _send(self, dialog: DecisionDialog) -> None:
        page = self.page
        client = page.desktop.client
        if client is None:
            dialog.show_server_error("You are signed out: sign in again to decide.")
            return
        work = self._decision(dialog)
        page.desktop.runner.start(work, on_done=lambda version: self._on_decided(dialog, version),
                                  on_error=lambda error: self._on_decision_failed(dialog, error))

    async def _decision(self, dialog: DecisionDialog) -> Versioned[Provider]:
        client, reviewed = self.page.desktop.client, dialog.provider
        assert client is not None
        version = self.page.review.version
        if version is None or version.value.id != reviewed.id:  # the server's copy had not arrived
            version = await client.provider(reviewed.id)
        if version.value.updated_at != reviewed.updated_at:
            # the officer confirmed what the pane showed before the server's newer copy: not that one
            raise ConflictError(current=version.value, etag=version.etag)
        return await client.decide_license(reviewed.id, dialog.decision, note=dialog.note(), expiry=dialog.expiry(),
                                           etag=version.etag)

    def _on_decided(self, dialog: DecisionDialog, version: Versioned[Provider]) -> None:
        if shiboken6.isValid(dialog):
            dialog.accept()
        page = self.page
        if not shiboken6.isValid(page):  # signed out meanwhile: the decision stands, nothing to show
            return
        provider = version.value
        words = "verified" if dialog.decision is Decision.VERIFIED else "rejected"
        page.notify(f"License of {provider.full_name} {words}.", "success")
        if page.pane.provider is not None and page.pane.provider.id == provider.id:
            page.next_item()  # the queue moves on; the sync below takes the decided one out
        directory = page.desktop.directory
        if directory is not None:  # into the cache now: the queue and its counts change at once
            directory.show_own_change(provider)

    def _on_decision_failed(self, dialog: DecisionDialog, error: Exception) -> bool:
        if isinstance(error, AuthenticationError) or not isinstance(error, ApiError):
            return False
        if not shiboken6.isValid(dialog):
            return True
        if isinstance(error, ConflictError) and isinstance(error.current, Provider):
            dialog.reject()
            self._show_conflict(dialog.provider, Versioned(error.current, error.etag))
        elif isinstance(error, ValidationError) and error.field_errors:
            dialog.show_server_error(" ".join(m for messages in error.field_errors.values() for m in messages))
        elif isinstance(error, OfflineError):
            dialog.show_server_error("You are offline: the decision was not sent. Try again when the server answers.")
        else:
            dialog.show_server_error(f"The decision was not taken. {error.message}")
        return True

    def _show_conflict(self, reviewed: Provider, current: Versioned[Provider]) -> None:
        page = self.page
        if page.pane.provider is not None and page.pane.provider.id == reviewed.id:
            page.review.version = current
            page.pane.show_provider(current.value)
        text = (f"The record of {reviewed.full_name} changed on the server since you reviewed it, so your decision "
                "was not taken.\n\n" + "\n".join(license_changes(reviewed, current.value)) +
                "\n\nThe review pane now shows the current record. Check it and decide again.")
        box = QMessageBox(QMessageBox.Icon.Warning, "Decision not taken — ProviderDesk", text,
                          QMessageBox.StandardButton.Ok, page.window())
        box.setObjectName("conflict")
        box.finished.connect(lambda _result: self.refocus())
        self.message = box
        box.open()

    # ---- the document ----

    def open_document(self) -> None:
        """The document under review full size (one window: the viewer closes it on the next provider)."""
        page = self.page
        provider = page.pane.provider
        if provider is None:
            return
        if page.review.document is None:
            page.notify("The license document is not loaded yet." if provider.has_license_document else
                        "This provider has not uploaded a license document.", "info")
            return
        page.pane.viewer.open_full_size_window()

    # ---- exports ----

    def export_trail(self) -> None:
        provider = self.page.pane.provider
        if provider is not None:
            self._choose(f"license-audit-{provider.license_number}.csv", self.export_trail_to)

    def export_trail_to(self, path: str | Path) -> None:
        """Write the audit trail of the provider under review to `path` (fetched again, complete)."""
        page = self.page
        provider, client = page.pane.provider, page.desktop.client
        if provider is None or client is None:
            return

        async def work() -> int:
            assert client is not None
            assert provider is not None
            events = await client.audit_trail(provider.id)
            return await asyncio.to_thread(audit_csv.write_trail, path, provider, events)

        self._start(work(), on_done=lambda n: self._exported(n, path), on_error=self._export_failed)

    def export_decisions(self) -> None:
        dialog = AuditExportDialog(self.page.window())
        dialog.chosen.connect(lambda since, until, action: self._choose(
            f"license-decisions-{since}-to-{until}.csv", lambda path: self.export_decisions_to(path, since, until,
                                                                                                action)))
        self.export_dialog = dialog
        dialog.open()

    def export_decisions_to(self, path: str | Path, since: date | None = None, until: date | None = None,
                            action: str | None = None) -> None:
        """Write every decision (or every `action` event) from `since` to `until` to `path`."""
        client = self.page.desktop.client
        if client is None:
            return
        until = until or date.today()
        since = since or until - timedelta(days=30)

        async def work() -> int:
            assert client is not None
            records = await client.all_audit_events(since=since, until=until, action=action)
            return await asyncio.to_thread(audit_csv.write_records, path, records)

        self._start(work(), on_done=lambda n: self._exported(n, path), on_error=self._export_failed)

    def _choose(self, name: str, then: Any) -> None:
        dialog = QFileDialog(self.page.window(), "Export as CSV", str(Path.home() / name), CSV_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(then)
        self.file_dialog = dialog
        dialog.open()

    def _exported(self, count: int, path: str | Path) -> None:
        noun = "event" if count == 1 else "events"
        self.page.notify(f"Exported {count:,} audit {noun} to {Path(path).name}.", "success")

    def _export_failed(self, error: Exception) -> bool:
        if isinstance(error, OSError):
            self.page.notify(f"The file could not be written: {error.strerror or error}.", "error")
            return True
        if isinstance(error, ApiError) and not isinstance(error, AuthenticationError):
            self.page.notify(f"The audit trail could not be exported. {error.message}", "error")
            return True
        return False
