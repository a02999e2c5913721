"""The credentialing worklist: queues of licenses on the left, the one under review on the right.

The queues (licenses, screening flags, recredentialing: one picker) read the directory cache (so they
answer at once and work offline); the review pane shows the cached record at once, then what
`ReviewLoader` brings: the server's current record, its audit trail and the license document (kept
in the cache once opened). In a screening queue the flag's pane takes its place: the evidence from
the cache, the decisions from the server. Everything works from the keyboard: J/K or the arrows
move, V verifies, R rejects, O opens the document full size, Alt+F / Alt+L confirm or clear a flag.
"""
from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.api.client import ApiClient
from app.api.errors import ValidationError
from app.api.models import Provider, Role, ScreeningFlag, ScreeningFlagDetail, User
from app.credentialing.worklist import ALL_QUEUES, QUEUE_GROUPS, queue_counts
from app.directory.flags import flags_of, store_flag
from contract.choices import FlagDecision
from ui.common.directory_state import DirectoryState, follow_directory
from ui.common.labels import plain_label
from ui.common.tasks import TaskRunner
from ui.credentialing.actions import CredentialingActions
from ui.credentialing.flag_pane import FlagPane
from ui.credentialing.queue_picker import QueuePicker
from ui.credentialing.review import ReviewLoader
from ui.credentialing.review_pane import ReviewPane
from ui.providers.table_model import ProviderTableModel
from ui.providers.table_view import provider_view
from ui.widgets.page import Page, PageKey, page_header
from ui.widgets.state_view import StateView

HIDDEN_COLUMNS = (1, 2, 5, 7)  # role, specialization, status (the queue's own), email: the pane shows them
COLUMN_WIDTHS = {0: 180, 3: 160}  # the least for the name and organization; the others fit their content


class CredentialingPage(Page):
    """Work through license queues; credentialing officers decide, facility administrators look.

    The queues read `directory`'s cache; the review and the decisions go to the server through
    `client`, started on `runner`; `user`'s role says whether decisions are offered.
    """

    key = PageKey.CREDENTIALING
    # the page's own keys (those of _keys, the document's zoom, the decision dialog), as Help lists them
    shortcuts = (("J / K", "Next / previous license"), ("Home / End", "First / last license"),
                 ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous queue"), ("Alt+Q", "Choose a queue"),
                 ("Alt+F / Alt+L", "Confirm / clear the screening flag"),
                 ("V", "Verify the license"), ("R", "Reject the license"), ("O", "Open the document full size"),
                 ("Ctrl++ / Ctrl+-", "Zoom the document in / out"), ("Ctrl+0", "Fit the document to the width"),
                 ("Ctrl+Enter", "Confirm a decision"))

    def __init__(self, directory: DirectoryState, client: ApiClient, runner: TaskRunner, user: User,
                 parent: QWidget | None = None, *, unavailable: str | None = None) -> None:
        """`unavailable`: why the server has no credentialing (capabilities.py); the page says it instead."""
        super().__init__(parent)
        self.unavailable = unavailable
        self.directory = directory
        self.runner = runner
        self.user = user
        self.queue = ALL_QUEUES[0]
        self._counts: tuple[int, str, dict[str, int]] | None = None  # (cache version, day, counts)
        self._counting: tuple[int, str] | None = None  # the (version, day) being counted in a worker thread
        self.model = ProviderTableModel(self.queue.query, self)
        self.model.counted.connect(self._show_counts)  # the exact count of a large queue came
        self.queues = QueuePicker(QUEUE_GROUPS)
        self.queues.queue_changed.connect(self._on_queues_queue_changed)
        self.table = self._build_table()
        self.state = StateView(self.table, retry=self.reload)
        self.pane = ReviewPane()
        self.client = client
        self.flag_pane = FlagPane()  # in place of the license's review in a screening queue
        self.flag_pane.decide_requested.connect(self._on_flag_pane_decide_requested)
        self.review = ReviewLoader(self.pane, directory, client, runner, self)
        # wraps: "· read-only: …" takes a second line in a narrow window
        self.count_label = plain_label(role="muted", wrap=True, name="Number in this queue")
        self.export_button = QPushButton("Export decisions…")
        self.export_button.setToolTip("Every license decision in a date range, as CSV, for an accreditation review")
        self.actions_ = CredentialingActions(self.review, self.pane, client, runner, self)
        self.export_button.clicked.connect(self.actions_.export_decisions)
        if unavailable is not None:
            self.export_button.setEnabled(False)
            self.export_button.setToolTip(unavailable)
        self.actions_.decided.connect(self._on_actions_decided)
        self.actions_.refused.connect(self.directory.show_own_change)  # the current record, in the list too
        self.actions_.notice.connect(self.notify)
        self.actions_.dialog_finished.connect(self.refocus)
        self._lay_out()
        self._keys()
        self._connect_directory()

    # ---- layout ----

    def _build_table(self) -> QTableView:
        table = provider_view(self.model, "Licenses to review", COLUMN_WIDTHS, hidden=HIDDEN_COLUMNS,
                              flexible={0: 1, 3: 1})
        table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        table.activated.connect(lambda _index: self.pane.document_requested.emit())
        return table

    def _lay_out(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.state)
        self.splitter.addWidget(self.pane)
        self.splitter.addWidget(self.flag_pane)  # one of the two shows (a splitter lays out the shown only):
        self.flag_pane.hide()  # in a stack, the flag pane's size hints narrowed the license's review
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([1000, 1000])  # half each at first (the pane asks for its minimum), whatever the hints
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 8, 12)
        layout.setSpacing(10)
        layout.addLayout(page_header(self.title, [], [self.export_button]))
        # the queues over the list and the pane, one combo whatever their number, the count beside it (it wraps:
        # under the title, narrowed by the picker, the administrator's note took four lines of the pane's height)
        row = QHBoxLayout()
        caption = QLabel("&Queue:")
        caption.setBuddy(self.queues)  # Alt+Q goes to the queues
        row.addWidget(caption)
        row.addWidget(self.queues)
        row.addSpacing(8)
        row.addWidget(self.count_label, 1)
        layout.addLayout(row)
        layout.addWidget(self.splitter, 1)

    def _keys(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (("J", self.next_item), ("K", self.previous_item), ("V", self.actions_.verify),
                           ("R", self.actions_.reject), ("O", self.actions_.open_document),
                           ("Ctrl+PgDown", lambda: self._move_queue(1)), ("Ctrl+PgUp", lambda: self._move_queue(-1))):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setContext(context)
        self.pane.viewer.zoom.also_in(self)  # Ctrl+plus/minus/0 from the list too, not only in the document
        self.pane.verify_requested.connect(self.actions_.verify)
        self.pane.reject_requested.connect(self.actions_.reject)
        self.pane.document_requested.connect(self.actions_.open_document)
        self.pane.export_requested.connect(self.actions_.export_trail)

    def _connect_directory(self) -> None:
        follow_directory(self.directory, self.state, "the worklist", opened=self._on_directory_opened,
                         synced=self._on_directory_synced, online_changed=self._on_directory_online_changed)

    # ---- the Page protocol ----

    def activate(self) -> None:
        if self.model.cache is not None:
            self.reload()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def shutdown(self) -> None:
        self.review.stop()
        self.actions_.stop()
        self.pane.viewer.clear()
        self.model.set_cache(None)

    # ---- queues ----

    @property
    def online(self) -> bool:
        return self.directory.online

    @property
    def can_decide(self) -> bool:
        return self.user.role is Role.CREDENTIALING_OFFICER

    def _on_directory_opened(self) -> None:
        if self.unavailable is not None:  # the queues stay empty: nothing to review on this server
            self.state.show_empty(self.unavailable)
            return
        self.model.set_cache(self.directory.cache)
        self.reload()

    def _on_directory_synced(self) -> None:
        if self.model.cache is not None:
            self.reload()

    def _on_queues_queue_changed(self, index: int) -> None:
        self.queue = ALL_QUEUES[index]
        self._show_right(self.flag_pane if self.screening else self.pane)
        self.model.set_query(self.queue.query)
        self._show_counts()
        self.select_row(0)

    def _show_right(self, shown: QWidget) -> None:
        """The license's review or the flag's pane beside the list, in the same width."""
        hidden = self.pane if shown is self.flag_pane else self.flag_pane
        if not hidden.isHidden():
            left, right = self.splitter.sizes()[0], sum(self.splitter.sizes()[1:])
            hidden.hide()
            shown.show()
            self.splitter.setSizes([left, right, right] if left or right else [1000, 1000, 1000])

    def _move_queue(self, step: int) -> None:
        """The next or previous queue (Ctrl+PgDown / Ctrl+PgUp), round the end."""
        self.queues.step(step)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def reload(self) -> None:
        """Read the queues again (after a sync or a decision), keeping the provider under review."""
        cache = self.model.cache
        if cache is None:
            return
        current, row = self.review.provider_id, self.table.currentIndex().row()
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
        count = self.model.count
        self.count_label.setText(f"{self.model.count_words} in “{self.queue.label}”" + ("" if self.can_decide else
                                                                          " · read-only: decisions are taken by "
                                                                          "credentialing officers"))
        if count:
            self.state.show_content()
        else:
            self.state.show_empty(self.queue.empty_text)
        key = (cache.version(), date.today().isoformat())
        if self._counts is not None and self._counts[:2] == key:  # counted again only after a write, or at midnight
            self.queues.set_counts(self._counts[2])
        elif self._counting != key:
            self._counting = key
            self.runner.start(asyncio.to_thread(queue_counts, cache),
                              on_done=lambda counts: self._on_counted(key, counts))

    def _on_counted(self, key: tuple[int, str], counts: dict[str, int] | None) -> None:
        if counts is None or not shiboken6.isValid(self):
            return
        self._counting = None
        self._counts = (*key, counts)
        self.queues.set_counts(counts)

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
        if shown is not None and shown.id != self.review.provider_id:
            self._review(shown.id)

    def next_item(self) -> None:
        self.select_row(self.table.currentIndex().row() + 1)

    def previous_item(self) -> None:
        self.select_row(max(self.table.currentIndex().row() - 1, 0))

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None and row.id != self.review.provider_id:
            self._review(row.id)

    # ---- the provider under review ----

    def _review(self, provider_id: str | None) -> None:
        self.review.review(provider_id, "Choose a license to review." if self.model.count else self.queue.empty_text)
        if self.screening:
            self._show_flag(provider_id)
        self._update_decisions()

    # ---- screening flags ----

    @property
    def screening(self) -> bool:
        """Whether the queue shown is one of screening flags (the flag's pane in place of the license's)."""
        return self.queue.query.screening is not None

    def _show_flag(self, provider_id: str | None) -> None:
        """The provider's first open flag of the queue's kind, from the cache; its decisions from the server."""
        cache = self.model.cache
        flags = flags_of(cache, provider_id, self.queue.query.screening) if cache and provider_id else []
        flag = next((f for f in flags if f.decision is None), flags[0] if flags else None)
        self.flag_pane.show_flag(flag, "Choose a provider to see the flag's evidence." if self.model.count
                                 else self.queue.empty_text)
        if flag is not None and self.online:
            self.runner.start(self.client.screening_flag(flag.id),
                              on_done=lambda detail: self.flag_pane.show_history(detail.id, detail.history),
                              on_error=lambda _error: True)  # the evidence stands; the history waits for online

    def _on_flag_pane_decide_requested(self, decision: FlagDecision, reason: str) -> None:
        flag = self.flag_pane.flag
        if flag is None:
            return
        self.runner.start(self._decide_flag(flag, decision, reason),
                          busy=[self.flag_pane.confirm_button, self.flag_pane.clear_button],
                          on_done=self._on_flag_decided, on_error=self._on_flag_refused)

    async def _decide_flag(self, flag: ScreeningFlag, decision: FlagDecision, reason: str) -> ScreeningFlagDetail:
        """Send the decision; the flag as the server answers it goes into the cache at once (own writes)."""
        detail = await self.client.decide_flag(flag.id, decision, reason)
        cache = self.model.cache
        if cache is not None:
            await asyncio.to_thread(store_flag, cache, detail)
        return detail

    def _on_flag_decided(self, detail: ScreeningFlagDetail) -> None:
        self.notify(f"{detail.kind.label} flag of {detail.provider_name or 'the provider'}: "
                    f"{(detail.decision.label if detail.decision else 'decided').lower()}.", "success")
        self.reload()  # the decided flag leaves its queue, the counts follow
        if self.flag_pane.flag is not None and self.flag_pane.flag.id == detail.id:
            self.flag_pane.show_flag(detail)
            self.flag_pane.show_history(detail.id, detail.history)

    def _on_flag_refused(self, error: Exception) -> bool:
        if isinstance(error, ValidationError):
            self.flag_pane.show_refusal(str(error))
            return True
        return False

    def _on_actions_decided(self, provider: Provider) -> None:
        if self.review.provider is not None and self.review.provider.id == provider.id:
            self.next_item()  # the queue moves on; the sync after the change below takes the decided one out
        self.directory.show_own_change(provider)  # into the cache now: the queue and its counts change at once

    def refocus(self) -> None:
        """Back to the list after a dialog, so the keys work again at once."""
        self.window().activateWindow()
        self.table.setFocus()

    # ---- online, offline, roles ----

    def _on_directory_online_changed(self, online: bool) -> None:
        offline = "Not available offline: the audit trail is on the server."
        for button in (self.export_button, self.pane.export_button):
            button.setEnabled(online and self.unavailable is None)
            button.setToolTip(self.unavailable or ("" if online else offline))
        self._update_decisions()
        if online:
            self.review.fetch_again()

    def _update_decisions(self) -> None:
        if not self.can_decide:
            self.pane.set_decisions(False, "Read-only: only credentialing officers verify or reject licenses.")
        elif not self.online:
            self.pane.set_decisions(False, "Not available offline: decisions need the server. "
                                           "Verify and Reject work again as soon as it answers.")
        else:
            self.pane.set_decisions(True)
        if not self.can_decide:
            self.flag_pane.set_decisions(False, "Read-only: only credentialing officers confirm or clear "
                                                "screening flags.")
        elif not self.online:
            self.flag_pane.set_decisions(False, "Not available offline: decisions need the server. Confirm and "
                                                "Clear work again as soon as it answers.")
        else:
            self.flag_pane.set_decisions(True)

    def notify(self, text: str, level: str = "info") -> None:
        if not shiboken6.isValid(self):  # an answer that arrived after sign-out
            return
        bar: Any = getattr(self.window(), "message_bar", None)
        if bar is not None:
            bar.show_message(text, level)
