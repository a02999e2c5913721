"""The directory's write actions for facility administrators: new, edit, deactivate and reactivate.

Each is disabled, with the reason in its tooltip, while offline or while no provider is chosen;
each ends with a sync, so the result shows in the table at once. Deactivate and Reactivate share
one place in the row of buttons: Reactivate shows while a deactivated provider is chosen. Both
ask first and send the `If-Match` of the record the administrator confirmed. New asks the shell for
the registration wizard (another feature's), and hears back through `registered`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QWidget

from app.api.client import ApiClient
from app.api.errors import ConflictError, NotFoundError
from app.api.models import Provider, Role, User, Versioned
from app.directory.query import ProviderRow
from ui.common.dialogs import open_dialog
from ui.common.directory_state import DirectoryState
from ui.common.tasks import TaskRunner
from ui.providers.edit_dialog import ProviderEditDialog

Notify = Callable[[str, str], None]
TIPS = {"new": "Register a new provider on their behalf", "edit": "Edit the chosen provider",
        "deactivate": "Deactivate the chosen provider (the record is kept)",
        "reactivate": "Reactivate the chosen provider: back in the directory, able to sign in again"}
REACTIVATE_TIP = "Reactivate this provider: back in the directory, able to sign in again"


def offline_reason(as_of: str) -> str:
    return f"Not available offline: changes need the server. The directory shown is {as_of}."


class DirectoryActions(QObject):
    """New, Edit, Deactivate and Reactivate buttons, and what they do (facility administrators only).

    Signals:
        register_requested(): New was clicked; the shell opens the registration wizard on behalf
            and tells `registered(email)` when it is done.
    """

    register_requested = Signal()

    def __init__(self, directory: DirectoryState, client: ApiClient, runner: TaskRunner, user: User,
                 parent: QWidget, notify: Notify) -> None:
        super().__init__(parent)
        self.directory = directory
        self.client = client
        self.runner = runner
        self._parent = parent
        self._notify = notify
        self.selected: ProviderRow | None = None
        self.new_button = QPushButton("New provider…")
        self.edit_button = QPushButton("Edit…")
        self.deactivate_button = QPushButton("Deactivate…")
        self.reactivate_button = QPushButton("Reactivate…")
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.deactivate_button.clicked.connect(self._on_deactivate_button_clicked)
        self.reactivate_button.clicked.connect(self._on_reactivate_button_clicked)
        self.dialog: QDialog | None = None  # the editor or a question, while open
        self.allowed = user.role is Role.FACILITY_ADMIN
        for button in self.buttons:
            button.setVisible(self.allowed)
        self.update(online=True, selected=None, reason="")

    @property
    def buttons(self) -> tuple[QPushButton, QPushButton, QPushButton, QPushButton]:
        return self.new_button, self.edit_button, self.deactivate_button, self.reactivate_button

    def update(self, *, online: bool, selected: ProviderRow | None, reason: str) -> None:
        """Enable what may be done now; say why not in the tooltip."""
        self.selected = selected
        inactive = selected is not None and not selected.is_active
        self.deactivate_button.setVisible(self.allowed and not inactive)
        self.reactivate_button.setVisible(self.allowed and inactive)
        for key, button in zip(TIPS, self.buttons, strict=True):
            needs_row = key != "new"
            can = online and (selected is not None or not needs_row)
            if key == "deactivate" and inactive:
                can, why = False, "This provider is already deactivated"
            elif key == "reactivate" and selected is not None and not inactive:
                can, why = False, "This provider is active"
            elif not online:
                why = reason
            elif needs_row and selected is None:
                why = "Choose a provider in the table first"
            else:
                why = TIPS[key]
            button.setEnabled(can)
            button.setToolTip(why)

    def _synced_after(self, text: str) -> None:
        self._notify(text, "success")
        self.directory.sync_now()

    # ---- new and edit ----

    def _on_new_button_clicked(self) -> None:
        self.register_requested.emit()

    def registered(self, email: str) -> None:
        """A provider was registered on behalf (by the wizard the shell opened): say so and sync."""
        self._synced_after(f"{email} is registered.")

    def _on_edit_button_clicked(self) -> None:
        if self.selected is not None:
            self._edit(self.selected.id)

    def _edit(self, provider_id: str, restore: dict[str, object] | None = None) -> None:
        editor = ProviderEditDialog(self.client, self.runner, provider_id, self._parent.window(), restore=restore)
        editor.saved.connect(lambda p: self._synced_after(f"{p.full_name} is saved."))
        self.dialog = open_dialog(editor)

    def unsaved_edits(self) -> dict[str, object]:
        """The open editor's unsaved edits with the provider they are of, or nothing (see restore_edits)."""
        editor = self.dialog
        if not isinstance(editor, ProviderEditDialog) or not shiboken6.isValid(editor) or not editor.isVisible():
            return {}
        edits = editor.unsaved_edits()
        return {"provider_id": editor.provider_id, "fields": edits} if edits else {}

    def restore_edits(self, edits: dict[str, object]) -> None:
        """Open the editor again with the edits `unsaved_edits` gave (the session ended meanwhile)."""
        provider_id, fields = edits.get("provider_id"), edits.get("fields")
        if isinstance(provider_id, str) and isinstance(fields, dict) and fields:
            self._edit(provider_id, fields)

    # ---- deactivate and reactivate ----

    def _on_deactivate_button_clicked(self) -> None:
        if self.selected is None:
            return
        self.runner.start(self.client.provider(self.selected.id), busy=[self.deactivate_button],
                          on_done=self._confirm)

    def _confirm(self, version: Versioned[Provider]) -> None:
        provider = version.value
        box = self._question(self._parent.window(), "Deactivate provider",
                             f"Deactivate {provider.full_name} "
                             f"({provider.organization_facility or '—'})?\n\nThey leave the active directory and can "
                             "no longer sign in. Their record and history are kept.")
        yes = box.addButton("Deactivate", QMessageBox.ButtonRole.DestructiveRole)
        box.finished.connect(lambda _r: self._on_confirm_finished(box, yes, version))
        self.dialog = open_dialog(box)

    @staticmethod
    def _question(parent: QWidget, title: str, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box

    def _on_confirm_finished(self, box: QMessageBox, yes: object, version: Versioned[Provider]) -> None:
        chosen = shiboken6.isValid(box) and box.clickedButton() is yes
        self.dialog = None
        if not chosen:
            return
        name = version.value.full_name
        work = self.client.deactivate_provider(version.value.id, etag=version.etag)
        self.runner.start(work, busy=[self.deactivate_button],
                          on_done=lambda _none: self._synced_after(f"{name} is deactivated."),
                          on_error=lambda error: self._on_change_failed(error, name, "deactivated"))

    def _on_reactivate_button_clicked(self) -> None:
        if self.selected is not None:
            self.reactivate(self.selected.id, self._parent.window(), busy=[self.reactivate_button])

    def reactivate(self, provider_id: str, parent: QWidget, *, busy: Sequence[QWidget] = (),
                   done: Callable[[Provider], None] | None = None) -> None:
        """Ask (over `parent`) whether to reactivate the deactivated provider `provider_id`, then do it
        with the `If-Match` of the record shown in the question; the cache shows the result at once,
        and `done` gets the record the server answered."""
        self.runner.start(self.client.provider(provider_id), busy=list(busy),
                          on_done=lambda version: self._confirm_reactivate(version, parent, busy, done))

    def _confirm_reactivate(self, version: Versioned[Provider], parent: QWidget, busy: Sequence[QWidget],
                            done: Callable[[Provider], None] | None) -> None:
        provider = version.value
        if not shiboken6.isValid(parent):  # the detail it was asked from closed meanwhile
            parent = self._parent.window()
        if provider.is_active:  # reactivated by someone else meanwhile
            self._notify(f"{provider.full_name} is already active.", "info")
            self._show_in_cache(provider, done)
            return
        box = self._question(parent, "Reactivate provider",
                             f"Reactivate {provider.full_name} ({provider.organization_facility or '—'})?\n\n"
                             "They return to the active directory and can sign in again. Their license "
                             f"status stays as it is ({_status_label(provider)}).")
        box.setIcon(QMessageBox.Icon.Question)
        yes = box.addButton("Reactivate", QMessageBox.ButtonRole.AcceptRole)
        box.finished.connect(lambda _r: self._on_reactivate_confirmed(box, yes, version, busy, done))
        self.dialog = open_dialog(box)

    def _on_reactivate_confirmed(self, box: QMessageBox, yes: object, version: Versioned[Provider],
                                 busy: Sequence[QWidget], done: Callable[[Provider], None] | None) -> None:
        chosen = shiboken6.isValid(box) and box.clickedButton() is yes
        self.dialog = None
        if not chosen:
            return
        name = version.value.full_name
        work = self.client.update_provider(version.value.id, {"is_active": True}, etag=version.etag)

        def reactivated(answer: Versioned[Provider]) -> None:
            self._notify(f"{name} is reactivated.", "success")
            self._show_in_cache(answer.value, done)

        self.runner.start(work, busy=[b for b in busy if shiboken6.isValid(b)], on_done=reactivated,
                          on_error=lambda error: self._on_change_failed(error, name, "reactivated"))

    def _show_in_cache(self, provider: Provider, done: Callable[[Provider], None] | None) -> None:
        self.directory.show_own_change(provider)
        if done is not None:
            done(provider)

    def _on_change_failed(self, error: Exception, name: str, what: str) -> bool:
        if isinstance(error, ConflictError):
            self._notify(f"{name} was changed by someone else while you were deciding, and is not {what}. "
                         "Look at the provider again and retry.", "warning")
            self._synced_after_quietly()
            return True
        if isinstance(error, NotFoundError):
            self._notify(f"{name} no longer exists.", "warning")
            self._synced_after_quietly()
            return True
        return False

    def _synced_after_quietly(self) -> None:
        self.directory.sync_now()


def _status_label(provider: Provider) -> str:
    return provider.license_status.label if provider.license_status is not None else "unknown"
