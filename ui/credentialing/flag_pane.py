"""The screening flag under review: its evidence (which file, which line, the row's values), its decisions,
and an officer's Confirm / Clear as false positive with a reason.

The flag comes from the cache (so the evidence reads offline); its history of decisions from the server
when it answers. The pane asks; the page sends (`decide_requested`).
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.api.models import FlagDecisionEvent, ScreeningFlag
from contract.choices import FlagDecision, ReferenceSource
from contract.validation import FLAG_CLEAR_REASON
from ui.common.labels import plain_label
from ui.widgets.vertical_scroll import VerticalScrollArea


def source_words(source: str) -> str:
    """A reference file's source by its name (contract/choices.py), or as the server said it."""
    return next((choice.label for choice in ReferenceSource if choice.value == source), source or "—")


def decision_words(decision: FlagDecision | None, reason: str, by: str, at: object) -> str:
    """A flag's decision in words ("Open: no officer has decided yet." while there is none)."""
    if decision is None:
        return "Open: no officer has decided yet."
    what = decision.label
    when = f" on {at:%Y-%m-%d %H:%M}" if hasattr(at, "strftime") else ""
    return f"{what} by {by or 'an officer'}{when}" + (f": “{reason}”" if reason else ".")


class FlagPane(QWidget):
    """One flag's evidence and decisions; Confirm and Clear for credentialing officers online.

    Signals:
        decide_requested(object, str): the officer's FlagDecision and reason for the flag shown.
    """

    decide_requested = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flag: ScreeningFlag | None = None
        self.title = plain_label(role="title", wrap=True, name="Screening flag")
        self.reason_label = plain_label(wrap=True, name="Why it was flagged", selectable=True)
        # the source, the file's name, its publication date and the line, in one line (the pane fits 600 px)
        self.found_in = plain_label(wrap=True, name="Where the evidence is", selectable=True)
        self.evidence = QTableWidget(0, 2)
        self.evidence.setAccessibleName("Evidence")
        self.evidence.setHorizontalHeaderLabels(["Column", "Value in the file"])
        self.evidence.verticalHeader().hide()
        self.evidence.verticalHeader().setDefaultSectionSize(22)
        self.evidence.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.evidence.horizontalHeader().setStretchLastSection(True)
        self.evidence.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evidence.setMinimumHeight(90)  # a few rows at the smallest window; it scrolls through the 18
        self.history = plain_label(wrap=True, name="Decisions on this flag", selectable=True)
        self.decision_reason = QLineEdit()
        self.decision_reason.setAccessibleName("Reason for the decision")
        self.decision_reason.setPlaceholderText("Reason (required to clear; kept in the audit)")
        self.decision_reason.setMaxLength(2000)
        self.message = plain_label(role="error", wrap=True, name="Decision message")
        self.confirm_button = QPushButton("Con&firm flag")
        self.confirm_button.setToolTip("The evidence is this provider: the flag stays confirmed")
        self.clear_button = QPushButton("C&lear as false positive")
        self.clear_button.setToolTip("The evidence is someone else: say why in the reason")
        self.note = plain_label(role="muted", wrap=True, name="Why decisions are not available")
        self._allowed, self._why = False, ""
        self._tips = {w: w.toolTip() for w in (self.confirm_button, self.clear_button, self.decision_reason)}
        self.confirm_button.clicked.connect(lambda: self._decide(FlagDecision.CONFIRMED))
        self.clear_button.clicked.connect(lambda: self._decide(FlagDecision.CLEARED))
        self._lay_out()
        self.show_flag(None, "Choose a provider to see the flag's evidence.")

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.reason_label)
        column.addWidget(self.found_in)
        column.addWidget(self.evidence, 1)
        column.addWidget(self.history)
        column.addWidget(self.decision_reason)
        column.addWidget(self.message)
        column.addLayout(buttons)
        column.addWidget(self.note)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # a low window (pinned messages, a confirmation below the page) scrolls the pane: squeezed
        # below its minimum, its rows were drawn over one another
        outer.addWidget(VerticalScrollArea(body))

    def show_flag(self, flag: ScreeningFlag | None, empty: str = "") -> None:
        """Show `flag` (None: `empty` in its place) with its last decision until the history comes."""
        self.flag = flag
        self.message.clear()
        self.decision_reason.clear()
        if flag is None:
            self.title.setText(empty)
            for label in (self.reason_label, self.found_in, self.history):
                label.clear()
            self.evidence.setRowCount(0)
            self._enable()
            return
        name = f" · {flag.provider_name}" if flag.provider_name else ""
        self.title.setText(f"{flag.kind.label}{name}")
        self.reason_label.setText(flag.reason)
        file = f"{flag.file.name}, published {flag.file.published}" if flag.file else "a file no longer loaded"
        self.found_in.setText(f"{source_words(flag.source)}: {file}, line {flag.line:,}")
        self.evidence.setRowCount(len(flag.evidence))
        for row, (column, value) in enumerate(flag.evidence.items()):
            self.evidence.setItem(row, 0, QTableWidgetItem(column))
            self.evidence.setItem(row, 1, QTableWidgetItem(value))
        self.history.setText(decision_words(flag.decision, flag.decision_reason, flag.decided_by, flag.decided_at))
        self._enable()

    def show_history(self, flag_id: str, history: tuple[FlagDecisionEvent, ...]) -> None:
        """Every decision on the flag, newest first, once the server sent them (for the flag still shown)."""
        if self.flag is None or self.flag.id != flag_id:
            return
        if not history:
            self.history.setText("Open: no officer has decided yet.")
            return
        lines = [decision_words(event.decision, event.reason, event.actor, event.at) for event in history]
        self.history.setText("Decisions, newest first:\n" + "\n".join(lines))

    def set_decisions(self, allowed: bool, why: str = "") -> None:
        """Whether Confirm and Clear may be used now, and `why` not when they may not."""
        self._allowed, self._why = allowed, why
        self._enable()

    def _enable(self) -> None:
        allowed = self._allowed and self.flag is not None
        for widget, tip in self._tips.items():
            widget.setEnabled(allowed)
            widget.setToolTip(tip if allowed else self._why)
        self.note.setText("" if allowed or self.flag is None else self._why)
        self.note.setVisible(bool(self.note.text()))

    def show_refusal(self, text: str) -> None:
        self.message.setText(text)

    def _decide(self, decision: FlagDecision) -> None:
        if self.flag is None or not self.confirm_button.isEnabled():
            return
        reason = self.decision_reason.text().strip()
        if decision is FlagDecision.CLEARED and not reason:
            self.message.setText(FLAG_CLEAR_REASON)  # the server's words (contract/validation.py)
            self.decision_reason.setFocus()
            return
        self.message.clear()
        self.decide_requested.emit(decision, reason)
