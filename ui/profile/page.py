"""The provider's own profile: every field to edit, the license and its document, and how complete it is."""
from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine, Iterable
from datetime import datetime
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QStyle, QVBoxLayout, QWidget

from app.api.capabilities import ALL, Capabilities, Feature
from app.api.client import ApiClient
from app.api.connectivity import ConnectionState
from app.api.errors import ApiError, AuthenticationError, ConflictError, OfflineError, ValidationError
from app.api.models import Provider, Versioned, not_kept
from app.directory.service import as_of
from app.documents import DocumentRefused, prepared_upload
from ui.common.focus import FocusReturn
from ui.common.labels import plain_label
from ui.common.notify import words_for
from ui.common.tasks import TaskRunner
from ui.common.unavailable import serve_or_explain
from ui.profile.completion import CompletionCard
from ui.profile.license_panel import LicensePanel
from ui.providers.conflict_banner import ConflictBanner
from ui.providers.fields import labels_of
from ui.providers.form import ProfileForm, differing_fields
from ui.widgets.page import Page, PageKey, page_header
from ui.widgets.state_view import StateView

PAGE_WIDTH = 900
CARD_GAP = 14  # between the cards and the scroll bar


def _button(text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


SAVE_TIP = "Save your changes (Ctrl+S)"
OFFLINE_COPY = ("Offline: your profile as this computer last had it ({when}). You can edit it; saving waits "
                "for the server.")
OFFLINE_SAVE = "Not available offline: saving needs the server. Your edits stay here until it answers."


class ProfileCopy(Protocol):
    """Where the profile is kept on this computer (the directory's encrypted cache: app/directory)."""

    def keep_profile(self, provider: Provider) -> None: ...

    def kept_profile(self) -> tuple[Provider, datetime] | None: ...

class ProfilePage(Page):
    """Loads the profile on show; saves only what changed, with If-Match; resolves conflicts in a banner.

    Works through `client` (signed in as the provider) and `runner`; messages go to the window's message bar.

    Signals:
        saved(object): the server stored a change (the profile saved, a document uploaded); the
            Provider it answered, for every other view to show at once.
    """

    saved = Signal(object)
    key = PageKey.PROFILE
    shortcuts = (("Ctrl+S", "Save the profile"),)  # the page's own keys, for Help

    def __init__(self, client: ApiClient, runner: TaskRunner, parent: QWidget | None = None, *,
                 capabilities: Capabilities = ALL, copy: ProfileCopy | None = None) -> None:
        """`capabilities`: what the server offers; what it lacks (uploads, conflict detection) is
        disabled or said, with the reason, in the note under the title. `copy` keeps the profile on
        this computer and gives it back while the server cannot be reached."""
        super().__init__(parent)
        self.client = client
        self.copy = copy
        self._from_copy = False  # shown from the copy (offline): loaded again once the server answers
        self.runner = runner
        self.capabilities = capabilities
        self.etag: str | None = None
        self._busy = False
        self._restored: dict[str, object] = {}  # edits kept from an ended session, until the profile loads
        self._choose_when_loaded = False  # the dashboard asked for the file picker before the profile loaded
        self._offline = False  # saving and uploading need the server: off while it is away, with the reason
        if runner.connectivity is not None:
            runner.connectivity.on_change(self._on_connectivity_changed)
            self._offline = runner.connectivity.state is ConnectionState.OFFLINE
        self._tasks: set[asyncio.Task[Any]] = set()
        self.license_panel = LicensePanel(not_reviewed=capabilities.license_review)
        self.license_panel.file_chosen.connect(self._on_license_panel_file_chosen)
        self.completion = CompletionCard()
        self.form = ProfileForm()
        self.form.changed.connect(self._on_form_changed)
        self.banner = ConflictBanner("your profile")
        self.banner.theirs_clicked.connect(self._on_banner_theirs_clicked)
        self.banner.mine_clicked.connect(self._on_banner_mine_clicked)
        self.save_button = _button("Save", SAVE_TIP, self._on_save_button_clicked)
        self.save_button.setProperty("primary", True)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.revert_button = _button("Revert", "Drop your unsaved changes", self._on_revert_button_clicked)
        self.subtitle = plain_label(role="muted")
        reasons = [r for f in (Feature.UPLOADS, Feature.CONFLICTS) if (r := capabilities.reason(f))]
        self.server_note = QLabel(" ".join(reasons))
        self.server_note.setProperty("role", "muted")
        self.server_note.setWordWrap(True)
        self.server_note.setAccessibleName("What this server does not offer")
        self.server_note.setVisible(bool(reasons))
        self.scroll_area = QScrollArea()
        self.state = StateView(self.scroll_area, retry=self._load)
        self._lay_out()
        self._update_buttons()

    # ---- layout ----

    def _lay_out(self) -> None:
        header = page_header(self.title, [self.subtitle], [self.revert_button, self.save_button],
                             align=Qt.AlignmentFlag.AlignVCenter)
        top = QVBoxLayout()  # as wide as the cards beside the scroll bar
        top.setContentsMargins(0, 0, CARD_GAP + self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent), 0)
        top.setSpacing(12)
        top.addLayout(header)
        top.addWidget(self.server_note)
        top.addWidget(self.banner)
        content = QWidget()
        cards = QVBoxLayout(content)
        cards.setContentsMargins(0, 0, CARD_GAP, 16)
        cards.setSpacing(14)
        for widget in (self.completion, self.license_panel, self.form):
            cards.addWidget(widget)
        cards.addStretch(1)
        self.scroll_area.setWidget(content)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()  # header, banner and cards share one width, however wide the window
        page.setMaximumWidth(PAGE_WIDTH)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        column.addLayout(top)
        column.addWidget(self.state, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 16, 8, 0)
        layout.addWidget(page, 1)
        layout.addStretch(0)
        chain = [self.revert_button, self.save_button, self.banner.theirs_button, self.banner.mine_button,
                 self.license_panel.upload_button, *self.form.inputs_in_order]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ---- the Page protocol ----

    def activate(self) -> None:
        if self._busy:
            return
        if self.has_unsaved_changes() or self.banner.conflict is not None:
            self._notify("Save or revert your changes before reloading your profile.", "info")
            return
        self._load()

    def has_unsaved_changes(self) -> bool:
        return self.form.base is not None and bool(self.form.edited_names())

    def discard_changes(self) -> None:
        if self.banner.conflict is not None:
            self._on_banner_theirs_clicked()
        elif self.form.base is not None:
            self.form.rebase(self.form.base)

    def choose_document(self) -> None:
        """Open the file picker of the license document (now, or once the profile has loaded)."""
        if self.license_panel.upload_button.isEnabled():
            self.license_panel.upload_button.click()
        else:
            self._choose_when_loaded = True

    def unsaved_edits(self) -> dict[str, object]:
        if self.form.base is None:
            return dict(self._restored)
        return {name: self.form.fields.value(name) for name in self.form.edited_names()}

    def restore_edits(self, edits: dict[str, object]) -> None:
        self._restored = dict(edits)
        if self.form.base is not None:
            self._apply_restored()

    def _apply_restored(self) -> None:
        """Edits kept from an ended session, on top of the profile as it is now (saved with its etag)."""
        restored, self._restored = self._restored, {}
        for name, value in restored.items():
            self.form.fields.set_value(name, value)
        self._update_buttons()

    def _on_connectivity_changed(self, state: ConnectionState) -> None:
        if shiboken6.isValid(self):
            self._offline = state is ConnectionState.OFFLINE
            self._update_buttons()
            if self._from_copy and state is ConnectionState.ONLINE and not self._busy:
                self._load()

    def shutdown(self) -> None:
        if self.runner.connectivity is not None:
            self.runner.connectivity.off_change(self._on_connectivity_changed)
        for task in list(self._tasks):
            task.cancel()

    # ---- running work ----

    def _start(self, work: Coroutine[Any, Any, Any], done: Callable[[Any], None],
               failed: Callable[[Exception], bool]) -> None:
        """Run `work` through the runner; the page is busy (no second save) until it ends."""
        focus = FocusReturn()

        def on_done(result: Any) -> None:
            if not shiboken6.isValid(self):  # the window closed meanwhile (the session ended)
                return
            self._busy = False
            self._update_buttons()
            focus.restore()
            done(result)
            self._update_buttons()

        def on_error(error: Exception) -> bool:
            if not shiboken6.isValid(self):
                return True
            self._busy = False
            self._update_buttons()
            focus.restore()
            return failed(error)

        self._busy = True
        self._update_buttons()
        focus.disabled()
        task = self.runner.start(work, on_done=on_done, on_error=on_error)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _notify(self, text: str, level: str) -> None:
        bar = getattr(self.window(), "message_bar", None)
        if bar is not None:
            bar.show_message(text, level)

    def _update_buttons(self) -> None:
        ready = not self._busy and self.form.base is not None and self.banner.conflict is None
        changed = ready and bool(self.form.edited_names())
        for button in (self.save_button, self.revert_button):
            button.setVisible(self.form.base is not None)
        self.save_button.setEnabled(changed and not self._offline)
        self.save_button.setToolTip(OFFLINE_SAVE if self._offline else SAVE_TIP)
        self.revert_button.setEnabled(changed)
        serve_or_explain(self.license_panel.upload_button, self.capabilities.reason(Feature.UPLOADS),
                         enabled=ready and not self._offline, tip=self.license_panel.upload_button.toolTip())

    def _on_form_changed(self) -> None:
        self._update_buttons()

    def _adopt(self, version: Versioned[Provider], keep: Iterable[str] = ()) -> None:
        """Make `version` the base (its etag goes in the next If-Match); keep the edits in `keep`."""
        provider = version.value
        self.etag = version.etag
        self.form.rebase(provider, keep=keep)
        self.license_panel.show_provider(provider)
        self.license_panel.document.setVisible(self.capabilities.has(Feature.UPLOADS))  # none kept: nothing to say
        self.completion.show_provider(provider, documents=self.capabilities.has(Feature.UPLOADS))
        self.subtitle.setText(f"{provider.full_name} · {provider.email}")

    def _focus(self, name: str) -> None:
        widget = self.form.fields.inputs[name]
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_area.ensureWidgetVisible(widget)

    # ---- loading ----

    def _load(self) -> None:
        if self.form.base is None:
            self.state.show_loading("Loading your profile…")
        self._start(self.client.profile(), self._on_loaded, self._on_load_failed)

    def _on_loaded(self, version: Versioned[Provider]) -> None:
        self._from_copy = False
        self._adopt(version, keep=self.form.edited_names())  # what was typed while it loaded stays
        self.state.show_content()
        if self.copy is not None:
            self.copy.keep_profile(version.value)
        if self._restored:
            self._apply_restored()
        if self._choose_when_loaded:
            self._choose_when_loaded = False
            self._update_buttons()
            self.choose_document()

    def _on_load_failed(self, error: Exception) -> bool:
        if self.form.base is not None or isinstance(error, AuthenticationError) or not isinstance(error, ApiError):
            return False
        kept = self.copy.kept_profile() if self.copy is not None and isinstance(error, OfflineError) else None
        if kept is None:
            self.state.show_error("Your profile could not be loaded. " + words_for(error)[1])
            return True
        provider, at = kept
        self._from_copy = True
        self._adopt(Versioned(provider, etag=None))
        self.state.show_content()
        self._notify(OFFLINE_COPY.format(when=as_of(at)), "info")
        return True

    # ---- saving ----

    def _on_save_button_clicked(self) -> None:
        changes = self.form.changes()
        if not changes or not self.save_button.isEnabled():
            return
        problems = self.form.fields.check(changes)
        if problems:
            self._focus(next(iter(problems)))
            self._notify("Not saved: some fields need attention.", "error")
            return
        self._start(self._save(changes), lambda saved: self._on_saved(saved, changes), self._on_save_failed)

    async def _save(self, changes: dict[str, Any]) -> Versioned[Provider]:
        try:
            return await self.client.update_profile(changes, etag=self.etag)
        except ConflictError as conflict:
            if conflict.current is not None:
                raise
            latest = await self.client.profile()  # a server that did not say what is current
            raise ConflictError(conflict.message, current=latest.value, etag=latest.etag) from None

    def _on_saved(self, saved: Versioned[Provider], sent: dict[str, Any]) -> None:
        # fields edited again while the request ran stay as they are, still to be saved
        self._adopt(saved, keep=self.form.edited_names(self.form.values_after(sent)))
        self.saved.emit(saved.value)
        pending = " Your license is pending verification again." if "license_number" in sent else ""
        dropped = not_kept(sent, saved.value)
        if dropped:  # never let a value the user gave vanish without a word
            self._notify(f"Your profile is saved, but this server did not keep: {labels_of(dropped)}. It has no "
                         f"place for {'it' if len(dropped) == 1 else 'them'}.{pending}", "warning")
            return
        self._notify("Your profile is saved." + pending, "success")

    def _on_save_failed(self, error: Exception) -> bool:
        if isinstance(error, ConflictError) and error.current is not None:
            self._show_conflict(Versioned(error.current, error.etag))
            return True
        if isinstance(error, ValidationError):
            shown = self.form.show_server_errors(error.field_errors)
            if shown:
                self._focus(shown[0])
            self._notify("Not saved: " + error.message, "error")
            return True
        return False

    def _on_revert_button_clicked(self) -> None:
        if self.form.base is not None:
            self.form.rebase(self.form.base)
            self._notify("Your changes were reverted.", "info")

    # ---- a conflict ----

    def _show_conflict(self, current: Versioned[Provider]) -> None:
        mine = {name: self.form.fields.value(name) for name in self.form.edited_names()}
        self.banner.show_conflict(self.form.base or current.value, current, mine)
        self._update_buttons()

    def _on_banner_theirs_clicked(self) -> None:
        self._adopt(self.banner.take())
        self._update_buttons()
        self._notify("The current version is shown; your edits were dropped.", "info")

    def _on_banner_mine_clicked(self) -> None:
        mine = self.form.edited_names()
        self._adopt(self.banner.take(), keep=mine)
        self._update_buttons()
        self._notify("Your edits are kept on top of the current version. Save to send them.", "info")

    # ---- the license document ----

    def _on_license_panel_file_chosen(self, path: str) -> None:
        if self._busy or self.banner.conflict is not None:
            return
        self._start(self._upload(path), self._on_uploaded, self._on_upload_failed)
        self.license_panel.upload_started()  # after _start, which notes where the focus was

    async def _upload(self, path: str) -> Versioned[Provider]:
        document = await prepared_upload(path)
        # No If-Match: a document overwrites no field; fields changed meanwhile are compared after.
        return await self.client.update_profile({}, etag=None, document=document,
                                                progress=self.license_panel.set_progress)

    def _on_uploaded(self, saved: Versioned[Provider]) -> None:
        self.license_panel.upload_ended()
        mine = self.form.edited_names()
        theirs = differing_fields(self.form.base or saved.value, saved.value)
        if set(theirs) & set(mine):  # changed meanwhile where the user is editing: let the user choose
            self._show_conflict(saved)
        else:
            self._adopt(saved, keep=mine)
        self.license_panel.show_provider(saved.value)
        self.saved.emit(saved.value)
        self._notify("Your license document is uploaded. Your license is pending verification again.", "success")

    def _on_upload_failed(self, error: Exception) -> bool:
        self.license_panel.upload_ended()
        if isinstance(error, DocumentRefused):
            self.license_panel.show_problem(str(error))
            return True
        if isinstance(error, ValidationError):
            self.license_panel.show_problem(error.field_errors.get("license_document", [error.message])[0])
            return True
        self.license_panel.show_problem("The document was not uploaded.")
        return False
