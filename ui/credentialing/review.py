"""Loads the license under review into the review pane: the cached record at once, then (after the
officer stops on it for a moment) the cached document, and online the server's record with its
ETag, the audit trail and the document.

Every answer is checked against the provider still under review, so holding J through the list
never shows one provider's data on another; the loads of a provider left behind are cancelled.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from app.api.client import ApiClient
from app.api.errors import ApiError, AuthenticationError
from app.api.models import AuditEvent, DocumentFile, Provider, Versioned
from ui.common.directory_state import DirectoryState
from ui.common.tasks import TaskRunner
from ui.credentialing.review_pane import ReviewPane

SETTLE_MS = 150  # holding J through the list loads only where the officer stops
NO_DOCUMENT = "No license document uploaded."
NOT_OPENED = ("This document has not been opened on this computer yet, so it is not available offline. "
              "It shows here when the server answers again.")
AUDIT_OFFLINE = "The audit trail is kept on the server: it shows here when you are online."


class ReviewLoader(QObject):
    """What is known of the provider under review, and its loading: the cached record and document
    come from `directory`'s cache, the server's through `client`.

    Signals:
        version_changed(): the server's record (and its ETag) arrived; `version` is set.
    """

    version_changed = Signal()

    def __init__(self, pane: ReviewPane, directory: DirectoryState, client: ApiClient, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pane = pane
        self.directory = directory
        self.client = client
        self.runner = runner
        self.provider_id: str | None = None
        self.version: Versioned[Provider] | None = None  # the server's record, with the ETag decisions carry
        self.audit_events: list[AuditEvent] | None = None
        self.document: DocumentFile | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def online(self) -> bool:
        return self.directory.online

    @property
    def provider(self) -> Provider | None:
        """The record shown (the cache's at first, then the server's), None when nobody is under review."""
        return self.pane.provider

    def review(self, provider_id: str | None, empty_text: str) -> None:
        """Show `provider_id`'s cached record now; the rest follows once the officer stays on it."""
        self.stop()
        self.provider_id = provider_id
        self.version, self.audit_events, self.document = None, None, None
        cache = self.directory.cache
        provider = cache.provider(provider_id) if cache is not None and provider_id else None
        self.pane.show_provider(provider, empty_text)
        if provider is None:
            return
        if provider.has_license_document:
            self.pane.viewer.show_loading()
        else:
            self.pane.viewer.show_empty(NO_DOCUMENT)
        self.pane.show_audit("Loading the audit trail…" if self.online else AUDIT_OFFLINE)
        self._timer.start()

    def stop(self) -> None:
        """Cancel the loads of the provider under review (moving on, or the page closing)."""
        self._timer.stop()
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()

    def take_current(self, current: Versioned[Provider]) -> None:
        """The server's current record (a decision was refused on an older one) replaces the one shown."""
        if self.pane.provider is not None and self.pane.provider.id == current.value.id:
            self.version = current
            self.pane.show_provider(current.value)

    def fetch_again(self) -> None:
        """Online again: load what could not be loaded offline."""
        if self.provider_id is not None and self.version is None:
            self._timer.start()

    # ---- loading ----

    def _on_timer_timeout(self) -> None:
        provider = self.pane.provider
        if provider is None or provider.id != self.provider_id:
            return
        self._show_cached_document(provider)
        if not self.online:
            return
        client = self.client
        self._start(client.provider(provider.id), self._on_version_loaded, "The server's record could not be "
                    "loaded.")
        self._start(client.audit_trail(provider.id), self._on_audit_loaded, "The audit trail could not be loaded.")

    def _start(self, work: Coroutine[Any, Any, Any], done: Callable[[Any], None], failure: str, *,
               in_viewer: bool = False) -> None:
        """Run `work` for the provider under review; its answer or failure shows only if it still is."""
        provider_id = self.provider_id

        def finished(result: Any) -> None:
            if shiboken6.isValid(self) and provider_id == self.provider_id:
                done(result)

        def failed(error: Exception) -> bool:
            if isinstance(error, AuthenticationError) or not isinstance(error, ApiError):
                return False
            if shiboken6.isValid(self) and provider_id == self.provider_id:
                if in_viewer:
                    self.pane.viewer.show_error(f"{failure} {error.message}")
                else:
                    self.pane.show_audit(f"{failure} {error.message}")
            return True

        task = self.runner.start(work, on_done=finished, on_error=failed)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _show_cached_document(self, provider: Provider) -> None:
        info = provider.license_document
        if not provider.has_license_document or info is None:
            self.pane.viewer.show_empty(NO_DOCUMENT)
            return
        cache = self.directory.cache
        cached = cache.document(provider.id, info.sha256) if cache is not None else None
        if cached is not None:
            self._show_document(cached, provider)
        elif not self.online:
            self.pane.viewer.show_empty(NOT_OPENED)

    def _on_version_loaded(self, version: Versioned[Provider]) -> None:
        self.version = version
        if self.pane.provider != version.value:
            self.pane.show_provider(version.value)
        info = version.value.license_document
        if info is None:
            self.pane.viewer.show_empty(NO_DOCUMENT)
        elif self.document is None or self.document.sha256 != info.sha256:
            self._start(self._load_document(version.value.id), self._on_document_loaded,
                        "The document could not be loaded.", in_viewer=True)
        self.version_changed.emit()

    async def _load_document(self, provider_id: str) -> DocumentFile:
        cache = self.directory.cache
        document = await self.client.license_document(provider_id)
        if cache is not None:
            await asyncio.to_thread(cache.store_document, provider_id, document)
        return document

    def _on_document_loaded(self, document: DocumentFile) -> None:
        provider = self.version.value if self.version is not None else self.pane.provider
        if provider is not None:
            self._show_document(document, provider)

    def _show_document(self, document: DocumentFile, provider: Provider) -> None:
        self.document = document
        self.pane.set_document_shown(True)
        info = provider.license_document
        self.pane.viewer.show_document(document, uploaded_at=info.uploaded_at if info else None,
                                       size=info.size if info else len(document.content))

    def _on_audit_loaded(self, events: list[AuditEvent]) -> None:
        self.audit_events = events
        self.pane.show_audit(events)
