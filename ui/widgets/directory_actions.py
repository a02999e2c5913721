"""The directory's write actions for facility administrators: new, edit and deactivate.

Each is disabled, with the reason in its tooltip, while offline or while no provider is chosen;
each ends with a sync, so the result shows in the table at once.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.errors import ConflictError, NotFoundError
from app.models import Provider, Role, Versioned

if TYPE_CHECKING:
    from app.directory_cache import ProviderRow
    from ui.desktop import Desktop

Notify = Callable[[str, str], None]
TIPS = {"new": "Register a new provider on their behalf", "edit": "Edit the chosen provider",
        "deactivate": "Deactivate the chosen provider (the record is kept)"}


def offline_reason(as_of: str) -> str:
    return f"Not available offline: changes need the server. The directory shown is {as_of}."


class DirectoryActions(QObject):
    """New, Edit and Deactivate buttons, and what they do."""

    def __init__(self, desktop: Desktop, parent: QWidget, notify: Notify) -> None:
        super().__init__(parent)
        self.desktop = desktop
        self._parent = parent
        self._notify = notify
        self.selected: ProviderRow | None = None
        self.new_button = QPushButton("New provider…")
        self.edit_button = QPushButton("Edit…")
        self.deactivate_button = QPushButton("Deactivate…")
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.deactivate_button.clicked.connect(self._on_deactivate_button_clicked)
        self.confirm: QMessageBox | None = None
        allowed = desktop.user is not None and desktop.user.role is Role.FACILITY_ADMIN
        for button in self.buttons:
            button.setVisible(allowed)
        self.update(online=True, selected=None, reason="")

    @property
    def buttons(self) -> tuple[QPushButton, QPushButton, QPushButton]:
        return self.new_button, self.edit_button, self.deactivate_button

    def update(self, *, online: bool, selected: ProviderRow | None, reason: str) -> None:
        """Enable what may be done now; say why not in the tooltip."""
        self.selected = selected
        for key, button in zip(TIPS, self.buttons, strict=True):
            needs_row = key != "new"
            can = online and (selected is not None or not needs_row)
            if key == "deactivate" and selected is not None and not selected.is_active:
                can, why = False, "This provider is already deactivated"
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
        if self.desktop.directory is not None:
            self.desktop.directory.sync_now()

    # ---- new and edit ----

    def _on_new_button_clicked(self) -> None:
        from ui.registration_wizard import RegistrationWizard

        wizard = RegistrationWizard(self.desktop, self._parent.window(), on_behalf=True)
        wizard.registered.connect(lambda email: self._synced_after(f"{email} is registered."))
        wizard.open()

    def _on_edit_button_clicked(self) -> None:
        from ui.provider_edit_dialog import ProviderEditDialog

        if self.selected is None:
            return
        self.editor = ProviderEditDialog(self.desktop, self.selected.id, self._parent.window())
        self.editor.saved.connect(lambda p: self._synced_after(f"{p.full_name} is saved."))
        self.editor.open()

    # ---- deactivate ----

    def _on_deactivate_button_clicked(self) -> None:
        if self.selected is None or self.desktop.client is None:
            return
        self.desktop.runner.start(self.desktop.client.provider(self.selected.id), busy=[self.deactivate_button],
                                  on_done=self._confirm)

    def _confirm(self, version: Versioned[Provider]) -> None:
        provider = version.value
        box = QMessageBox(QMessageBox.Icon.Warning, "Deactivate provider",
                          f"Deactivate {provider.full_name} "
                          f"({provider.organization_facility})?\n\nThey leave the active directory and can no "
                          "longer sign in. Their record and history are kept.",
                          QMessageBox.StandardButton.Cancel, self._parent.window())
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton("Deactivate", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._on_confirm_finished(box, yes, version))
        self.confirm = box
        box.open()

    def _on_confirm_finished(self, box: QMessageBox, yes: object, version: Versioned[Provider]) -> None:
        chosen = shiboken6.isValid(box) and box.clickedButton() is yes
        self.confirm = None
        if not chosen or self.desktop.client is None:
            return
        name = version.value.full_name
        work = self.desktop.client.deactivate_provider(version.value.id, etag=version.etag)
        self.desktop.runner.start(work, busy=[self.deactivate_button],
                                  on_done=lambda _none: self._synced_after(f"{name} is deactivated."),
                                  on_error=lambda error: self._on_deactivate_failed(error, name))

    def _on_deactivate_failed(self, error: Exception, name: str) -> bool:
        if isinstance(error, ConflictError):
            self._notify(f"{name} was changed by someone else while you were deciding, and is not deactivated. "
                         "Look at the provider again and retry.", "warning")
            self._synced_after_quietly()
            return True
        if isinstance(error, NotFoundError):
            self._notify(f"{name} no longer exists.", "warning")
            self._synced_after_quietly()
            return True
        return False

    def _synced_after_quietly(self) -> None:
        if self.desktop.directory is not None:
            self.desktop.directory.sync_now()
