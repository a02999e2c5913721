"""An administrator's editor for one provider: the shared fields, validation, If-Match and conflicts.

Opens with `open()`, loads the provider and its version tag, sends only what changed with
If-Match, and when someone else saved first (412) shows what is on the server now, field by
field, keeping the administrator's edits until they choose.
"""
from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.api.client import ApiClient
from app.api.errors import ApiError, AuthenticationError, ConflictError, ValidationError
from app.api.models import Provider, Versioned
from app.validation import PROFILE_FIELDS
from ui.common.labels import plain_label
from ui.common.notify import words_for
from ui.common.tasks import TaskRunner
from ui.providers.conflict_banner import ConflictBanner
from ui.providers.fields import ProviderFields
from ui.providers.form import GROUPS, changes_of, form_value, normal

SECTION_GAP = 14  # above each section's heading but the first


class ProviderEditDialog(QDialog):
    """Edit the provider `provider_id` as a facility administrator, through `client` (signed in as one)
    and `runner`.

    Signals:
        saved(object): the Provider as saved on the server.
    """

    saved = Signal(object)

    def __init__(self, client: ApiClient, runner: TaskRunner, provider_id: str, parent: QWidget | None = None,
                 *, restore: dict[str, object] | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.runner = runner
        self.provider_id = provider_id
        self._restored = dict(restore or {})  # edits kept from an ended session, put back once loaded
        self.base: Provider | None = None
        self.etag: str | None = None
        self.setWindowTitle("Edit provider — ProviderDesk")
        self.resize(640, 720)
        self.fields = ProviderFields(PROFILE_FIELDS, self)
        self.fields.edited.connect(self._on_fields_edited)
        self.status = plain_label("Loading…", "muted", wrap=True)
        self.banner = ConflictBanner("this provider")
        self.banner.theirs_clicked.connect(self._on_banner_theirs_clicked)
        self.banner.mine_clicked.connect(self._on_banner_mine_clicked)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.save_button.setToolTip("The provider is still loading.")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addWidget(self.status)
        layout.addWidget(self.banner)
        layout.addWidget(self._form_area(), 1)
        layout.addWidget(self.buttons)
        self._start(self.client.provider(provider_id), self._on_loaded)

    def _form_area(self) -> QScrollArea:
        """Every section in one form layout, headings spanning both columns: one column of inputs."""
        rows = QFormLayout()
        rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for index, (title, names) in enumerate(GROUPS):
            heading = QLabel(title)
            heading.setProperty("role", "heading")
            heading.setContentsMargins(0, 0 if index == 0 else SECTION_GAP, 0, 0)
            rows.addRow(heading)
            self.fields.add_rows(rows, names)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 12, 0)
        column.addLayout(rows)
        column.addStretch(1)  # a tall dialog leaves the space below, not between the rows
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(body)
        return area

    # ---- running work ----

    def _start(self, work: Coroutine[Any, Any, Any], done: Callable[[Any], None]) -> None:
        """Run `work`; an answer that comes once the dialog is gone (closed while it ran) shows nowhere."""
        def on_done(result: Any) -> None:
            if shiboken6.isValid(self):
                done(result)

        def on_error(error: Exception) -> bool:
            return shiboken6.isValid(self) and self._on_failed(error)

        self.runner.start(work, busy=[self.save_button], on_done=on_done, on_error=on_error)

    def _on_failed(self, error: Exception) -> bool:
        if isinstance(error, ConflictError):
            self._start(self.client.provider(self.provider_id), self._on_conflict_loaded)
            return True
        if isinstance(error, ValidationError):
            for name, messages in error.field_errors.items():
                if name in self.fields.inputs and messages:
                    self.fields.show_error(name, messages[0])
        if isinstance(error, AuthenticationError) or not isinstance(error, ApiError):
            return False
        self.status.setText(("Not saved: " if self.base is not None else "Not loaded: ") + words_for(error)[1])
        return True

    # ---- loading and saving ----

    def _adopt(self, version: Versioned[Provider], keep: list[str] | None = None) -> None:
        kept = set(keep or ())
        self.base, self.etag = version.value, version.etag
        for name in PROFILE_FIELDS:
            if name not in kept:
                self.fields.set_value(name, form_value(version.value, name))
                self.fields.show_error(name, None)
        self.status.setText(f"{version.value.full_name} · {version.value.email}")
        self._update()

    def _on_loaded(self, version: Versioned[Provider]) -> None:
        self._adopt(version)
        restored, self._restored = self._restored, {}
        if restored:  # on top of the provider as it is now (saved with its version tag)
            for name, value in restored.items():
                if name in self.fields.inputs:
                    self.fields.set_value(name, value)
            self.fields.check([n for n in restored if n in self.fields.inputs])
            self.status.setText(f"{version.value.full_name} · {version.value.email} · Your unsaved changes are "
                                "back. Save them when ready.")
            self._update()

    def unsaved_edits(self) -> dict[str, object]:
        """The edits not saved yet, field by field (kept while the user signs in again)."""
        if self.base is None:
            return dict(self._restored)
        return {name: self.fields.value(name) for name in self.edited_names()}

    def edited_names(self) -> list[str]:
        if self.base is None:
            return []
        base = self.base
        return [n for n in PROFILE_FIELDS if normal(n, self.fields.value(n)) != normal(n, form_value(base, n))]

    def changes(self) -> dict[str, Any]:
        return changes_of(self.fields, self.edited_names())

    def _update(self) -> None:
        edited = bool(self.edited_names())
        conflict = self.banner.conflict is not None
        self.save_button.setEnabled(self.base is not None and not conflict and edited)
        if self.base is None:
            why = "The provider is still loading."
        elif conflict:
            why = "Someone else changed this provider meanwhile: choose in the banner above what to keep."
        else:
            why = "" if edited else "Nothing to save yet: change a field first."
        self.save_button.setToolTip(why)

    def _on_fields_edited(self, name: str) -> None:
        self.fields.check([name])
        self._update()

    def _on_buttons_accepted(self) -> None:
        changes = self.changes()
        if not changes or self.banner.conflict is not None:
            return
        if self.fields.check(changes):
            self.status.setText("Not saved: some fields need attention.")
            return
        self.status.setText("Saving…")
        work = self.client.update_provider(self.provider_id, changes, etag=self.etag)
        self._start(work, self._on_saved)

    def _on_saved(self, version: Versioned[Provider]) -> None:
        self.saved.emit(version.value)
        self.accept()

    # ---- a conflict ----

    def _on_conflict_loaded(self, current: Versioned[Provider]) -> None:
        assert self.base is not None
        mine = {name: self.fields.value(name) for name in self.edited_names()}
        self.banner.show_conflict(self.base, current, mine)
        self.status.setText("Your edits are still in the form.")
        self._update()

    def _on_banner_theirs_clicked(self) -> None:
        self._adopt(self.banner.take())

    def _on_banner_mine_clicked(self) -> None:
        mine = self.edited_names()
        self._adopt(self.banner.take(), keep=mine)
        self.status.setText("Your edits are kept over the current version. Save to send them.")
