"""The registration wizard: the seed's six steps, a summary, and a draft kept as the user types.

A provider registers their own account; a facility administrator registers a provider on their
behalf (no account step, no password) and sees the new provider afterwards.
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.api import errors
from app.api.client import ApiClient
from app.api.models import not_kept
from app.drafts import DraftStore
from app.validation import PERSONAL_ATTRIBUTES, REGISTRATION_STEPS, password_strength
from ui.common.dialogs import open_dialog
from ui.common.tasks import TaskRunner
from ui.profile.draft_banner import DraftBanner
from ui.profile.wizard_pages import ACCOUNT_STEP, EXTRAS, ON_BEHALF_SUBTITLES, SECRETS, StepPage, SummaryPage
from ui.providers.detail import ProviderDetailDialog
from ui.providers.fields import ProviderFields
from ui.widgets.strength_meter import StrengthMeter

log = logging.getLogger(__name__)
METER_READS = {"password", *PERSONAL_ATTRIBUTES}  # what the strength of a password depends on
SAVE_DELAY_MS = 400
NUMBERS = ("years_of_experience", "consultation_fee")  # left out when blank: the server's default applies
Button = QWizard.WizardButton


def _words(error: Exception) -> str:
    """What went wrong with a submission, in plain words; the input is always kept."""
    if isinstance(error, errors.OfflineError):
        return "The server cannot be reached, so nothing was sent. Check the connection, then press Register again."
    if isinstance(error, errors.RateLimitedError):
        return f"Too many registrations from this computer. Wait {error.retry_after} seconds, then try again."
    if isinstance(error, errors.ValidationError):
        return " ".join([*error.non_field_errors, *(m for ms in error.field_errors.values() for m in ms)])
    if isinstance(error, errors.ApiError):
        return error.message  # permission, an ended session, the server's own trouble: each says it plainly
    return "Registering failed unexpectedly. The details are in the log file; what you entered is kept."


def _changed_signal(widget: QWidget) -> Any:
    """The signal an input sends on every change of its value, typed or set."""
    return widget.currentIndexChanged if isinstance(widget, QComboBox) else widget.textChanged  # type: ignore[attr-defined]


NEXT_HINT = "Some fields on this step are missing or need correcting: press Enter to see which."


class RegistrationWizard(QWizard):
    """Registers a provider in the seed's six steps, keeping a draft as the user types.

    `client` sends the registration: any client for self-registration (no sign-in needed), one
    signed in as a facility administrator `on_behalf` of a provider; the new provider's details
    then open over the wizard's parent. The draft is kept under `data_dir`'s drafts/ folder.

    Signals:
        registered(str): the new provider's email; the wizard then closes.
    """

    registered = Signal(str)

    def __init__(self, client: ApiClient, runner: TaskRunner, data_dir: Path, *, on_behalf: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.runner = runner
        self.on_behalf = on_behalf
        self.busy = False
        self.done_registering = False
        self.not_kept: list[str] = []  # fields the server took and dropped (a field it has no place for)
        self.touched: set[str] = set()
        self.server_errors: dict[str, str] = {}
        self.steps = tuple(s for s in REGISTRATION_STEPS if not (on_behalf and s[0] == ACCOUNT_STEP))
        self.fields = ProviderFields([n for _, _, names in self.steps for n in names] + list(EXTRAS), self)
        self.drafts = DraftStore.for_registration(data_dir, on_behalf=on_behalf)
        self._restoring = False
        self._resume_at = 0  # the step a restored draft was left on: shown when the wizard opens
        self._complete_said: tuple[QWizardPage, bool] | None = None  # the step whose completeness QWizard knows
        self.setWindowTitle("Register a provider" if on_behalf else "Register as a provider")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setButtonText(Button.FinishButton, "Register")
        self.resize(680, 600)
        self.setMinimumSize(580, 520)  # QWizard's own minimum squeezed the fields, their placeholders and errors
        self._build_pages()
        self._connect_inputs()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_draft)
        self.currentIdChanged.connect(self._on_current_id_changed)
        for page in self.step_pages:
            page.completeChanged.connect(self._update_next_hint)
        self._restore_draft()
        self._update_next_hint()

    # ---- building ----

    def _build_pages(self) -> None:
        self.banner = DraftBanner()
        self.banner.start_over.clicked.connect(self._on_banner_start_over_clicked)
        self.step_pages: list[StepPage] = []
        for number, (title, subtitle, names) in enumerate(self.steps, start=1):
            if self.on_behalf:
                subtitle = ON_BEHALF_SUBTITLES.get(title, subtitle)
            page = StepPage(self.fields, title, f"Step {number} of {len(self.steps)} · {subtitle}",
                            problems=self.problems, reveal=self.reveal)
            for name in names:
                page.add_fields([name])
                if name == "password":
                    self.meter = StrengthMeter()
                    page.form.addRow("", self.meter)
            if title == "Additional Information":
                heading = QLabel("Optional extras")
                heading.setProperty("role", "heading")
                heading.setContentsMargins(0, 8, 0, 0)
                page.form.addRow(heading)
                page.add_fields(EXTRAS)
            page.finish()
            self.step_pages.append(page)
            self.addPage(page)
        self.step_pages[0].column.insertWidget(0, self.banner)
        self.step_pages[0].column.insertSpacing(1, 6)
        chain = [self.banner.start_over, *self.fields.inputs.values()]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)  # as it reads: the banner, then the seed's order
        self._align_labels()
        self.summary = SummaryPage(self.fields, self.steps, busy=lambda: self.busy, submit=self.submit)
        self.addPage(self.summary)

    def _align_labels(self) -> None:
        """One label column on every page, each label level with the first line of its input."""
        labels = [label for page in self.step_pages for label in page.findChildren(QLabel) if label.buddy()]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            buddy = label.buddy()
            assert buddy is not None
            lines = 4 if isinstance(buddy, QPlainTextEdit) else buddy.sizeHint().height() - label.sizeHint().height()
            label.setContentsMargins(0, max(0, lines // 2), 0, 0)

    def _connect_inputs(self) -> None:
        for name, widget in self.fields.inputs.items():
            _changed_signal(widget).connect(lambda *_args, n=name: self._on_input_changed(n))
            if isinstance(widget, QLineEdit):
                widget.editingFinished.connect(lambda n=name: self._touch([n]))
        self.fields.edited.connect(self._on_fields_edited)

    # ---- validation ----

    def problems(self, names: Iterable[str]) -> dict[str, str]:
        """The first problem of each of `names`: the rules', then the server's last answer."""
        names = tuple(names)
        found = self.fields.check(names, show=False)
        return {**{n: m for n, m in self.server_errors.items() if n in names}, **found}

    def _refresh(self, changed: Iterable[str] | None = None) -> None:
        """Show the errors of touched fields, update the strength meter (when a field it reads is
        among `changed`; None: all may have), and the Next button of the step shown (QWizard asks a
        step again when it comes up): once per keystroke, a few milliseconds at most (bench keystrokes)."""
        shown = [n for n in self.fields.names if n in self.touched]
        problems = self.problems(shown)
        for name in shown:
            self.fields.show_error(name, problems.get(name))
        if "password" in self.fields.inputs and (changed is None or not METER_READS.isdisjoint(changed)):
            self._update_meter()
        page = self.currentPage()
        if isinstance(page, StepPage) and self._complete_said != (page, complete := page.isComplete()):
            self._complete_said = (page, complete)
            page.completeChanged.emit()  # only on a change: QWizard lays itself out again (38 ms a key)

    def _update_meter(self) -> None:
        values = self.fields.values()
        password = values["password"]
        self.meter.show_strength(password_strength(password, user=values) if password else None)

    def _touch(self, names: Iterable[str]) -> None:
        names = set(names)
        if not self._restoring and not names <= self.touched:  # touched already: the change's refresh shows it
            self.touched.update(names)
            self._refresh(names)

    def reveal(self, names: Iterable[str]) -> bool:
        """Show every problem of `names` (Next was pressed); True when there is none."""
        self._touch(names)
        problems = self.problems(names)
        if problems:
            self.fields.inputs[next(n for n in self.fields.names if n in problems)].setFocus()
        return not problems

    def _on_input_changed(self, name: str) -> None:
        if self._restoring:
            return
        self.server_errors.pop(name, None)
        self._refresh([name])
        self._save_timer.start()

    def _on_fields_edited(self, name: str) -> None:
        if not isinstance(self.fields.inputs[name], QLineEdit):
            self._touch([name])  # a choice or a long text is judged as soon as it changes

    def showEvent(self, event: QShowEvent) -> None:
        """Opened on a restored draft: on through its steps up to where it was left, or to the first
        one that needs something again (the passwords are never kept)."""
        super().showEvent(event)
        resume, self._resume_at = self._resume_at, 0
        while isinstance(page := self.currentPage(), StepPage) and self.step_pages.index(page) < resume \
                and page.isComplete():
            self.next()
        if isinstance(page := self.currentPage(), StepPage) and not self.banner.isHidden():
            page.column.insertWidget(0, self.banner)  # "A draft was restored" where the user is

    def _on_current_id_changed(self, _page_id: int) -> None:
        self._save_timer.start()  # the step is part of the draft
        page = self.currentPage()
        if isinstance(page, StepPage):
            self.fields.inputs[page.names[0]].setFocus()
        self._update_next_hint()

    def _update_next_hint(self) -> None:
        """Next is disabled while the step has problems: its tooltip says why and what Enter does."""
        page = self.currentPage()
        incomplete = isinstance(page, StepPage) and not page.isComplete()
        self.button(Button.NextButton).setToolTip(NEXT_HINT if incomplete else "")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on a step with problems shows them (Next is disabled, so Qt would do nothing)."""
        page = self.currentPage()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(page, StepPage) \
                and not page.isComplete():
            self.next()  # validates the step: every problem shows and the first field takes the focus
            return
        super().keyPressEvent(event)

    # ---- drafts ----

    def _restore_draft(self) -> None:
        draft = self.drafts.load()
        if draft is None:
            return
        self._set_all(draft.values)
        self._resume_at = draft.step
        self.touched = set(draft.values)
        self._refresh()
        saved = draft.saved_at.astimezone().strftime("%d %B %Y at %H:%M")
        self.banner.text.setText(f"A draft from {saved} was restored.")
        self.banner.show()

    def _set_all(self, values: dict[str, str]) -> None:
        self._restoring = True
        try:
            self.fields.set_values({name: values.get(name, "") for name in self.fields.names})
        finally:
            self._restoring = False

    def save_draft(self) -> None:
        """Write the draft now (it is written by itself shortly after each change)."""
        self._save_timer.stop()
        page = self.currentPage()
        step = self.step_pages.index(page) if isinstance(page, StepPage) else len(self.step_pages) - 1
        try:
            self.drafts.save(self.fields.values(), step=max(step, 0))
        except OSError as error:
            log.warning("cannot save the registration draft: %s", error)

    def _on_banner_start_over_clicked(self) -> None:
        self._save_timer.stop()
        self.drafts.clear()
        self._set_all({})
        self.touched.clear()
        self.server_errors.clear()
        for name in self.fields.names:
            self.fields.show_error(name, None)
        self._refresh()
        self.banner.hide()
        self.restart()  # from the first step
        self.fields.inputs[self.fields.names[0]].setFocus()

    # ---- submitting ----

    def form(self) -> dict[str, Any]:
        """What is sent: every field, trimmed (passwords exactly as typed), but no blank optional number."""
        values = {n: v if n in SECRETS else v.strip() for n, v in self.fields.values().items()}
        return {n: v for n, v in values.items() if v or n not in NUMBERS}

    def submit(self) -> bool:
        """Start registering (from the summary's Register button); True once it is done."""
        if self.done_registering:
            return True
        if self.busy:
            return False
        form = self.form()
        call = self.client.create_provider(form) if self.on_behalf else self.client.register(form)
        self._set_busy(True)
        self.runner.start(call, busy=[self.button(Button.BackButton), self.button(Button.CancelButton)],
                          on_done=self._on_submit_done, on_error=self._on_submit_failed)
        return False

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.setButtonText(Button.FinishButton, "Registering…" if busy else "Register")
        self.summary.show_status("Registering…" if busy else "", error=False)
        self.summary.completeChanged.emit()

    def _on_submit_done(self, result: Any) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.done_registering = True
        self._save_timer.stop()
        self.drafts.clear()
        if self.on_behalf:
            provider = result.value
            open_dialog(ProviderDetailDialog(provider, self.parentWidget()))  # the window holds it: this wizard goes
            self.registered.emit(provider.email)
        else:
            # what the server took and dropped (a field it has no place for), said at sign-in
            self.not_kept = not_kept(self.form(), result.profile) if result.profile is not None else []
            self.registered.emit(result.user.email)
        self.accept()

    def _on_submit_failed(self, error: Exception) -> bool:
        if not shiboken6.isValid(self):
            return False
        self._set_busy(False)
        if isinstance(error, errors.ValidationError) and self._show_field_errors(error):
            return True
        self.summary.show_status(_words(error))
        if not isinstance(error, errors.ApiError):
            log.error("registering failed", exc_info=error)
        # An ended session is the presenter's to handle: it signs out (the draft is kept).
        return not isinstance(error, errors.AuthenticationError)

    def _show_field_errors(self, error: errors.ValidationError) -> bool:
        """Put the server's messages beside their fields and go to the first; False when none fit."""
        mine = {n: ms[0] for n, ms in error.field_errors.items() if n in self.fields.inputs and ms}
        if not mine:
            return False
        others = [*error.non_field_errors, *(m for n, ms in error.field_errors.items() if n not in mine for m in ms)]
        self.summary.show_status(" ".join(others))
        self.server_errors.update(mine)
        self.touched.update(mine)
        self._refresh()
        first = next(n for n in self.fields.names if n in mine)
        target = self.step_pages.index(next(p for p in self.step_pages if first in p.names))
        while self.currentPage() is not self.step_pages[target]:
            self.back()  # not setCurrentId(): it would validate, that is submit, the summary again
        self.fields.inputs[first].setFocus()
        return True

    def done(self, result: int) -> None:
        if self.busy:
            return  # a submission is running: its answer decides
        if not self.done_registering and self._save_timer.isActive():
            self.save_draft()
        super().done(result)
