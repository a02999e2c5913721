"""The credentialing worklist: queues of licenses on the left, the one under review on the right.

The queues read the directory cache (so they answer at once and work offline); the review pane
shows the cached record at once and, online, the server's current record, its audit trail and
the license document (kept in the cache once opened). Everything works from the keyboard:
J/K or the arrows move, V verifies, R rejects, O opens the document full size.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.credentialing import QUEUES, queue_counts
from app.errors import ApiError, AuthenticationError
from app.models import AuditEvent, DocumentFile, Provider, Role, Versioned
from ui.credentialing_actions import CredentialingActions
from ui.models.provider_table import ProviderTableModel
from ui.pages.base import Page
from ui.widgets.review_pane import ReviewPane
from ui.widgets.state_view import StateView

if TYPE_CHECKING:
    from ui.desktop import Desktop

FETCH_DELAY_MS = 150  # holding J through the list fetches only where the officer stops
HIDDEN_COLUMNS = (1, 2, 7)  # role, specialization, email: the pane shows them
COLUMN_WIDTHS = {0: 180, 3: 150, 4: 115, 5: 110, 6: 100}
ROW_HEIGHT = 28
NOT_OPENED = ("This document has not been opened on this computer yet, so it is not available offline. "
              "It shows here when the server answers again.")


class CredentialingPage(Page):
    """Work through license queues; credentialing officers decide, facility administrators look."""

    title = "Credentialing"
    shortcut = "Ctrl+3"

    def __init__(self, desktop: Desktop) -> None:
        super().__init__()
        self.desktop = desktop
        self.queue = QUEUES[0]
        self.version: Versioned[Provider] | None = None  # the server's record under review, with its ETag
        self.audit_events: list[AuditEvent] | None = None
        self.document: DocumentFile | None = None
        self._reviewing: str | None = None
        self.model = ProviderTableModel(self.queue.query, self)
        self.tabs = QTabBar()
        self.tabs.setAccessibleName("Queues")
        self.tabs.setExpanding(False)
        for index, queue in enumerate(QUEUES):
            self.tabs.addTab(queue.tab)
            order = "soonest expiry first" if queue.query.expiring_within else "oldest registration first"
            self.tabs.setTabToolTip(index, f"{queue.label}: {order}")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.table = self._build_table()
        self.state = StateView(self.table, retry=self.reload)
        self.pane = ReviewPane()
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.count_label.setAccessibleName("Number in this queue")
        self.export_button = QPushButton("Export decisions…")
        self.export_button.setToolTip("Every license decision in a date range, as CSV, for an accreditation review")
        self.actions_ = CredentialingActions(self)
        self.export_button.clicked.connect(self.actions_.export_decisions)
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(FETCH_DELAY_MS)
        self._fetch_timer.timeout.connect(self._fetch_review)
        self._lay_out()
        self._keys()
        self._connect_directory()

    # ---- layout ----

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName("Licenses to review")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setHighlightSections(False)
        for column in HIDDEN_COLUMNS:
            table.setColumnHidden(column, True)
        for column, width in COLUMN_WIDTHS.items():
            table.setColumnWidth(column, width)
        table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        table.activated.connect(lambda _index: self.pane.document_requested.emit())
        return table

    def _lay_out(self) -> None:
        title = QLabel(self.title)
        title.setProperty("role", "title")
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(title)
        titles.addWidget(self.count_label)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        header.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignBottom)
        list_side = QWidget()
        holder = QVBoxLayout(list_side)
        holder.setContentsMargins(0, 0, 0, 0)
        holder.setSpacing(4)
        holder.addWidget(self.tabs)
        holder.addWidget(self.state, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(list_side)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 8, 12)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)

    def _keys(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (("J", self.next_item), ("K", self.previous_item), ("V", self.actions_.verify),
                           ("R", self.actions_.reject), ("O", self.actions_.open_document)):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setContext(context)
        self.pane.verify_requested.connect(self.actions_.verify)
        self.pane.reject_requested.connect(self.actions_.reject)
        self.pane.document_requested.connect(self.actions_.open_document)
        self.pane.export_requested.connect(self.actions_.export_trail)

    def _connect_directory(self) -> None:
        directory = self.desktop.directory
        if directory is None:
            self.state.show_empty("The worklist opens after sign-in.")
            return
        directory.opened.connect(self._on_directory_opened)
        directory.synced.connect(self._on_directory_synced)
        directory.online_changed.connect(self._on_directory_online_changed)
        if directory.cache is not None:
            self._on_directory_opened()
        else:
            self.state.show_loading("Opening the worklist…")
        self._on_directory_online_changed(directory.online)

    # ---- the Page protocol ----

    def activate(self) -> None:
        if self.model.cache is not None:
            self.reload()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def shutdown(self) -> None:
        self._fetch_timer.stop()
        self.pane.viewer.clear()
        self.model.set_cache(None)

    # ---- queues ----

    @property
    def online(self) -> bool:
        directory = self.desktop.directory
        return directory is None or directory.online

    @property
    def can_decide(self) -> bool:
        user = self.desktop.user
        return user is not None and user.role is Role.CREDENTIALING_OFFICER

    def _on_directory_opened(self) -> None:
        directory = self.desktop.directory
        assert directory is not None
        self.model.set_cache(directory.cache)
        self.reload()

    def _on_directory_synced(self) -> None:
        if self.model.cache is not None:
            self.reload()

    def _on_tabs_current_changed(self, index: int) -> None:
        self.queue = QUEUES[index]
        self.model.set_query(self.queue.query)
        self._show_counts()
        self.select_row(0)

    def reload(self) -> None:
        """Read the queues again (after a sync or a decision), keeping the provider under review."""
        cache = self.model.cache
        if cache is None:
            return
        current, row = self._reviewing, self.table.currentIndex().row()
        self.model.refresh()
        self._show_counts()
        found = self.model.row_of(current) if current else None
        if found is None and current:
            self.model.row_at(max(row, 0))  # reads the block, then look again
            found = self.model.row_of(current)
        self.select_row(found if found is not None else max(row, 0))

    def _show_counts(self) -> None:
        cache = self.model.cache
        if cache is None:
            return
        counts = queue_counts(cache)
        for index, queue in enumerate(QUEUES):
            self.tabs.setTabText(index, f"{queue.tab} ({counts[queue.key]:,})")
        count = self.model.count
        self.count_label.setText(f"{count:,} in “{self.queue.label}”" + ("" if self.can_decide else
                                                                          " · read-only: decisions are taken by "
                                                                          "credentialing officers"))
        if count:
            self.state.show_content()
        else:
            self.state.show_empty(self.queue.empty_text)

    # ---- moving through the queue ----

    def select_row(self, row: int) -> None:
        """Put `row` (clamped to the queue) under review; an empty queue clears the pane."""
        count = self.model.count
        if not count:
            self._review(None)
            return
        row = min(max(row, 0), count - 1)
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        shown = self.model.row_at(row)
        if shown is not None and shown.id != self._reviewing:
            self._review(shown.id)

    def next_item(self) -> None:
        self.select_row(self.table.currentIndex().row() + 1)

    def previous_item(self) -> None:
        self.select_row(max(self.table.currentIndex().row() - 1, 0))

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None and row.id != self._reviewing:
            self._review(row.id)

    # ---- the provider under review ----

    def _review(self, provider_id: str | None) -> None:
        """Show `provider_id` from the cache now; the server's version follows (online)."""
        self._reviewing = provider_id
        self.version, self.audit_events, self.document = None, None, None
        cache = self.model.cache
        provider = cache.provider(provider_id) if cache is not None and provider_id else None
        self.pane.show_provider(provider, "Choose a license to review." if self.model.count else
                                self.queue.empty_text)
        self._update_decisions()
        if provider is None:
            return
        self._show_cached_document(provider)
        if self.online:
            self.pane.show_audit("Loading the audit trail…")
            self._fetch_timer.start()
        else:
            self.pane.show_audit("The audit trail is kept on the server: it shows here when you are online.")

    def _show_cached_document(self, provider: Provider) -> None:
        info, cache = provider.license_document, self.model.cache
        if not provider.has_license_document or info is None:
            self.pane.viewer.show_empty("No license document uploaded.")
            return
        cached = cache.document(provider.id, info.sha256) if cache is not None else None
        if cached is not None:
            self.document = cached
            self.pane.viewer.show_document(cached, uploaded_at=info.uploaded_at, size=info.size)
        elif self.online:
            self.pane.viewer.show_loading()
        else:
            self.pane.viewer.show_empty(NOT_OPENED)

    def _fetch_review(self) -> None:
        provider_id, client = self._reviewing, self.desktop.client
        if provider_id is None or client is None or not self.online:
            return
        runner = self.desktop.runner
        runner.start(client.provider(provider_id), on_done=lambda v: self._on_version_loaded(provider_id, v),
                     on_error=self._on_review_failed)
        runner.start(client.audit_trail(provider_id), on_done=lambda e: self._on_audit_loaded(provider_id, e),
                     on_error=self._on_review_failed)

    def _on_version_loaded(self, provider_id: str, version: Versioned[Provider]) -> None:
        if provider_id != self._reviewing or not shiboken6.isValid(self):
            return
        shown = self.pane.provider
        self.version = version
        if shown is None or shown != version.value:
            self.pane.show_provider(version.value)
        info = version.value.license_document
        if info is not None and (self.document is None or self.document.sha256 != info.sha256):
            self.pane.viewer.show_loading()
            self.desktop.runner.start(self._load_document(provider_id),
                                      on_done=lambda d: self._on_document_loaded(provider_id, d),
                                      on_error=self._on_document_failed)
        elif info is None:
            self.pane.viewer.show_empty("No license document uploaded.")
        self._update_decisions()

    async def _load_document(self, provider_id: str) -> DocumentFile:
        assert self.desktop.client is not None
        document = await self.desktop.client.license_document(provider_id)
        cache = self.model.cache
        if cache is not None:
            await asyncio.to_thread(cache.store_document, provider_id, document)
        return document

    def _on_document_loaded(self, provider_id: str, document: DocumentFile) -> None:
        if provider_id != self._reviewing or not shiboken6.isValid(self):
            return
        self.document = document
        provider = self.version.value if self.version is not None else self.pane.provider
        info = provider.license_document if provider is not None else None
        self.pane.viewer.show_document(document, uploaded_at=info.uploaded_at if info else None,
                                       size=info.size if info else len(document.content))

    def _on_document_failed(self, error: Exception) -> bool:
        if isinstance(error, AuthenticationError) or not isinstance(error, ApiError):
            return False
        if shiboken6.isValid(self):
            self.pane.viewer.show_error(f"The document could not be loaded. {error.message}")
        return True

    def _on_audit_loaded(self, provider_id: str, events: list[AuditEvent]) -> None:
        if provider_id == self._reviewing and shiboken6.isValid(self):
            self.audit_events = events
            self.pane.show_audit(events)

    def _on_review_failed(self, error: Exception) -> bool:
        if isinstance(error, AuthenticationError) or not isinstance(error, ApiError):
            return False
        if shiboken6.isValid(self):
            self.pane.show_audit(f"The server's record could not be loaded. {error.message}")
        return True

    # ---- online, offline, roles ----

    def _on_directory_online_changed(self, online: bool) -> None:
        self.export_button.setEnabled(online)
        self.export_button.setToolTip("" if online else "Not available offline: the audit trail is on the server.")
        self._update_decisions()
        if online and self._reviewing and self.version is None:
            self._fetch_timer.start()

    def _update_decisions(self) -> None:
        if not self.can_decide:
            self.pane.set_decisions(False, "Read-only: only credentialing officers verify or reject licenses.")
        elif not self.online:
            self.pane.set_decisions(False, "Not available offline: decisions need the server. "
                                           "They come back by themselves when it answers.")
        else:
            self.pane.set_decisions(True)

    def notify(self, text: str, level: str = "info") -> None:
        bar: Any = getattr(self.window(), "message_bar", None)
        if bar is not None:
            bar.show_message(text, level)
