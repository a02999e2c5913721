"""The provider directory: search as you type, filters, a table of the local cache, detail, editing.

Everything here reads the local cache through `ProviderTableModel` (never the network), so it
answers each keystroke at once and keeps working offline; writing actions need the server. Staff
see every provider; a provider sees the directory of credentialed providers (the cache holds
nothing else) and, of the others, their public fields only.
"""
from __future__ import annotations

from dataclasses import replace

import shiboken6
from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.api.client import ApiClient
from app.api.errors import ApiError, AuthenticationError
from app.api.models import AuditEvent, Provider, User
from app.directory.query import DirectoryQuery, ProviderRow
from ui.common.dialogs import open_dialog
from ui.common.directory_state import DirectoryState, follow_directory
from ui.common.labels import plain_label
from ui.common.tasks import TaskRunner
from ui.directory.actions import REACTIVATE_TIP, DirectoryActions, offline_reason
from ui.directory.filters import FACETS, DirectoryFilters
from ui.providers.detail import ProviderDetailDialog
from ui.providers.table_model import COLUMNS, REGISTERED, ROW_ROLE, ProviderTableModel
from ui.providers.table_view import provider_view
from ui.widgets.page import Page, PageKey, page_header
from ui.widgets.state_view import StateView

DEBOUNCE_MS = 120
COLUMN_WIDTHS = (190, 0, 150, 170, 0, 0, 0, 200)  # the least for free text; the others fit their content
FLEXIBLE = {0: 2, 2: 2, 3: 3, 7: 3}  # who shares the spare width: name, specialization, organization, email
CREDENTIALED = ("Credentialed providers: active, with a verified license that has not expired. "
                "Your own record shows too.")
LISTED = ("Every provider this server lists: it reports no license statuses, so the directory cannot keep to "
          "credentialed providers.")
FILLING = "Syncing the directory from the server…"
NOT_SYNCED_COUNT = "Not synced yet"
NOT_SYNCED_YET = "The directory has not been synced to this computer yet."
NOT_SYNCED_OFFLINE = NOT_SYNCED_YET + "\nIt fills when the server answers again."
EMPTY = "No providers in the directory yet."


def filling_text(done: int) -> str:
    """What the first fill has brought so far (the change feed does not say how many are to come)."""
    if done <= 0:
        return FILLING
    return f"{FILLING} {done:,} provider{'s' * (done != 1)} so far"


class DirectoryPage(Page):
    """Search, filter and browse the providers the user may see; administrators also create, edit,
    deactivate and reactivate.

    Signals:
        register_requested(): an administrator asked to register a new provider; the shell opens the
            registration wizard on behalf, then calls `show_registered(email)`.
    """

    key = PageKey.DIRECTORY
    register_requested = Signal()

    def __init__(self, directory: DirectoryState, client: ApiClient, runner: TaskRunner, user: User,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self.client = client
        self.runner = runner
        self.user = user
        self.staff = user.role.is_staff
        self.dialog: ProviderDetailDialog | None = None  # a provider's detail, while open
        self._synced_so_far = 0  # providers the running sync has brought
        self.model = ProviderTableModel(DirectoryQuery(), self)
        self.model.counted.connect(self._show_state)  # the exact count of a large result came
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search names, emails, license numbers, specializations, organizations (Ctrl+F)")
        self.search.setAccessibleName("Search the directory")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        # Down goes from the search to the first match, as Enter does: then Enter opens it
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search, self._on_search_return_pressed,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_query)
        self.filters = DirectoryFilters(credentialed_only=not self.staff)
        self.filters.changed.connect(self.apply_query)
        self.count_label = plain_label(role="muted", name="Number of matches")
        self.sync_button = QPushButton("Sync now")
        self.sync_button.setToolTip("Fetch the latest changes from the server (F5)")
        self.sync_button.clicked.connect(self._on_sync_button_clicked)
        self.actions_ = DirectoryActions(directory, client, runner, user, self, self._notify)
        self.actions_.register_requested.connect(self.register_requested)
        self.table = self._build_table()
        self.state = StateView(self.table, retry=self.apply_query)
        self._lay_out()
        self._connect_directory()

    # ---- layout ----

    def _build_table(self) -> QTableView:
        table = provider_view(self.model, "Providers", dict(enumerate(COLUMN_WIDTHS)), hidden=(REGISTERED,),
                              flexible=FLEXIBLE)
        table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.activated.connect(self._on_table_activated)
        table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        return table

    def _lay_out(self) -> None:
        under: list[QWidget] = [self.count_label]
        if not self.staff:
            self.scope_label = plain_label(LISTED if self.directory.lists_everyone else CREDENTIALED, "muted",
                                           wrap=True)
            under.append(self.scope_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 8, 12)
        layout.setSpacing(10)
        layout.addLayout(page_header(self.title, under, [self.sync_button, *self.actions_.buttons]))
        layout.addWidget(self.search)
        layout.addWidget(self.filters)
        layout.addWidget(self.state, 1)

    def _connect_directory(self) -> None:
        self.directory.progress.connect(self._on_directory_progress)
        follow_directory(self.directory, self.state, "the directory", opened=self._on_directory_opened,
                         synced=self._on_directory_synced, online_changed=self._on_directory_online_changed,
                         sync_running=self._on_directory_sync_running)

    # ---- the Page protocol ----

    def activate(self) -> None:
        if self.model.cache is not None:
            self.model.refresh()
            self._show_state()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def shutdown(self) -> None:
        self._debounce.stop()
        self.model.set_cache(None)

    def show_registered(self, email: str) -> None:
        """Say that the provider `email` was registered (on behalf, by the wizard the shell opened) and
        sync, so the new provider shows in the table."""
        self.actions_.registered(email)

    # ---- the query ----

    def _on_search_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def apply_query(self) -> None:
        """Show the rows for the search text and filters now (the sort order stays)."""
        self._debounce.stop()
        values = self.filters.values()
        query = DirectoryQuery(text=self.search.text().strip(), order_by=self.model.query.order_by,
                               descending=self.model.query.descending)
        self.model.set_query(replace(query, **values))  # type: ignore[arg-type]
        self._show_state()

    def _show_state(self) -> None:
        count, cache = self.model.count, self.model.cache
        if cache is None:
            return
        size = cache.size()
        if size == 0 and self.directory.syncing:  # a first fill shows nothing until it ends
            self.state.show_loading(filling_text(self._synced_so_far))
        elif size == 0 and self.directory.synced_at is None:  # no sync has ended: nothing says it is empty
            self.state.show_empty(NOT_SYNCED_YET if self.directory.online else NOT_SYNCED_OFFLINE)
        elif size == 0:
            self.state.show_empty(EMPTY)
        elif count == 0:
            self.state.show_empty(self._no_match_text())
        else:
            self.state.show_content()
        self.count_label.setText(self._count_text(count) if size or self.directory.synced_at else NOT_SYNCED_COUNT)
        self._update_actions()

    def _count_text(self, count: int) -> str:
        filtered = bool(self.search.text().strip()) or not self.filters.is_default
        noun = "provider" if count == 1 else "providers"
        kind = "active" if self.staff else "listed" if self.directory.lists_everyone else "credentialed"
        words = self.model.count_words  # "2,000+" while a large count is made
        return (f"{words} {noun} match" + ("es" if count == 1 else "") if filtered
                else f"{words} {kind} {noun}")

    def _no_match_text(self) -> str:
        text = self.search.text().strip()
        what = f"No provider matches “{text}”" if text else "No provider matches"
        return what + (" with these filters." if not self.filters.is_default else ".") + \
            "\nTry fewer words, or clear the filters."

    # ---- the directory's state ----

    def _on_directory_opened(self) -> None:
        self.model.set_cache(self.directory.cache)
        self._refresh_choices()
        self.apply_query()

    def _on_directory_synced(self) -> None:
        if self.model.cache is None:
            return
        self._refresh_choices()
        self.model.refresh()
        self._show_state()

    def _refresh_choices(self) -> None:
        """The filters' choices, and the columns shown: one no provider has a value in is hidden with
        its filter (a server that does not send the field), not left as an empty band."""
        cache = self.model.cache
        if cache is not None:
            unfilled = cache.unfilled({key for _, key in COLUMNS} | {name for name, _ in FACETS})
            self.filters.blockSignals(True)
            self.filters.set_choices(cache.facets(), cache.hospitals(), unfilled)
            self.filters.blockSignals(False)
            for column, (_header, key) in enumerate(COLUMNS):
                self.table.setColumnHidden(column, column == REGISTERED or key in unfilled)
            self.table.column_fitter.fit()  # type: ignore[attr-defined]

    def _on_directory_sync_running(self, running: bool) -> None:
        self._synced_so_far = 0
        self.sync_button.setEnabled(not running and self.directory.online)
        if self.model.cache is not None:
            self._show_state()

    def _on_directory_progress(self, done: int, _total: object) -> None:
        self._synced_so_far = done
        if self.state.state == "loading" and self.model.cache is not None and self.directory.syncing:
            self.state.show_loading(filling_text(done))

    def _on_directory_online_changed(self, online: bool) -> None:
        self.sync_button.setEnabled(online and not self.directory.syncing)
        self.sync_button.setToolTip("Fetch the latest changes from the server (F5)" if online else
                                    "Offline: the directory syncs by itself when the server answers again")
        if self.model.cache is not None:
            self._show_state()  # the never-synced text says when it fills
        else:
            self._update_actions()

    def _update_actions(self) -> None:
        online = self.directory.online
        reason = offline_reason(f"as of {self.directory.offline_text().split('as of ', 1)[-1]}")
        self.actions_.update(online=online, selected=self.selected_row(), reason=reason)
        detail = self.dialog
        if detail is not None and shiboken6.isValid(detail) and detail.reactivate_button is not None:
            detail.reactivate_button.setEnabled(online)
            detail.reactivate_button.setToolTip(REACTIVATE_TIP if online else reason)

    def _on_sync_button_clicked(self) -> None:
        self.directory.sync_now()

    # ---- the table ----

    def selected_row(self) -> ProviderRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _on_table_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_actions()

    def _on_search_return_pressed(self) -> None:
        self.apply_query()
        if self.model.count:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(0)

    def _on_table_activated(self, index: object) -> None:
        row = self.model.row_at(index.row())  # type: ignore[attr-defined]
        if row is not None:
            self.open_detail(row.id)

    def open_detail(self, provider_id: str) -> None:
        """The provider's detail from the cache (and, for staff online, its audit trail)."""
        cache = self.model.cache
        provider = cache.provider(provider_id) if cache is not None else None
        if provider is None:
            self._notify("This provider is not in the directory anymore.", "info")
            return
        own = provider.id == self.user.provider_id
        dialog = ProviderDetailDialog(provider, self.window(), browse_hospitals=True,
                                      private_fields=self.staff or own)
        dialog.hospital_chosen.connect(self.show_hospital)
        self.dialog = dialog  # before the actions update: they follow its Reactivate button
        if self.actions_.allowed and not provider.is_active:
            dialog.offer_reactivate()
            dialog.reactivate_requested.connect(self._on_detail_reactivate_requested)
            self._update_actions()
        open_dialog(dialog)
        if self.staff:
            self._load_audit(dialog, provider)

    def _on_detail_reactivate_requested(self, provider_id: str) -> None:
        dialog = self.dialog
        if dialog is None or not shiboken6.isValid(dialog) or dialog.reactivate_button is None:
            return

        def done(provider: Provider) -> None:
            if shiboken6.isValid(dialog):
                dialog.show_reactivated(provider)

        self.actions_.reactivate(provider_id, dialog, busy=[dialog.reactivate_button], done=done)

    def _load_audit(self, dialog: ProviderDetailDialog, provider: Provider) -> None:
        if not self.directory.online:
            dialog.show_audit("The audit trail is kept on the server: it shows here when you are online.")
            return
        dialog.show_audit("Loading the audit trail…")

        def failed(error: Exception) -> bool:
            if isinstance(error, AuthenticationError) or not isinstance(error, ApiError):
                return False
            if shiboken6.isValid(dialog):
                dialog.show_audit(f"The audit trail could not be loaded. {error.message}")
            return True

        def loaded(events: list[AuditEvent]) -> None:
            if shiboken6.isValid(dialog):
                dialog.show_audit(events)

        self.runner.start(self.client.audit_trail(provider.id), on_error=failed, on_done=loaded)

    def show_hospital(self, hospital_id: str) -> None:
        """The hospital view: every active provider of one hospital (the hospital filter alone, search cleared)."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        if not self.filters.only("hospital_id", hospital_id):
            self._notify("This hospital is not in the directory on this computer yet.", "info")

    def _notify(self, text: str, level: str) -> None:
        bar = getattr(self.window(), "message_bar", None)
        if bar is not None:
            bar.show_message(text, level)
