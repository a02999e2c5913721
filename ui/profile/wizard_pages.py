"""The registration wizard's pages: one per step of the seed, and the summary before submitting.

The pages know nothing of the wizard: they get its fields and the few questions they ask it
(what is wrong, is it busy, register now) as constructor arguments.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWizardPage

from ui.common.labels import plain_label
from ui.common.theme import restyle
from ui.providers.detail import details_area, details_body, display_value
from ui.providers.fields import SPECS, ProviderFields

ACCOUNT_STEP = "Account Security"
SECRETS = ("password", "password_confirm")
EXTRAS = ("years_of_experience", "consultation_fee", "bio")

Step = tuple[str, str, Sequence[str]]  # title, subtitle, field names: as in REGISTRATION_STEPS
# The seed's subtitles speak to the provider; an administrator registering someone else reads these.
ON_BEHALF_SUBTITLES = {
    "Personal Information": "Let's start with the provider's basic details",
    "Contact Information": "How can patients and colleagues reach the provider?",
    "Professional Details": "The provider's professional background",
    "License Verification": "The provider's professional license, for verification",
    "Additional Information": "Anything else to know about the provider? (Optional)",
}


class StepPage(QWizardPage):
    """One of the seed's steps; complete when every field on it passes the rules.

    `problems(names)` answers the first problem of each field (empty when all pass); `reveal(names)`
    shows them all and answers whether there was none (Next was pressed).
    """

    def __init__(self, fields: ProviderFields, title: str, subtitle: str, *,
                 problems: Callable[[Iterable[str]], dict[str, str]], reveal: Callable[[Iterable[str]], bool]) -> None:
        super().__init__()
        self.fields = fields
        self._problems = problems
        self._reveal = reveal
        self.names: tuple[str, ...] = ()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.column = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setVerticalSpacing(10)
        self.column.addLayout(self.form)
        self.column.addStretch(1)

    def add_fields(self, names: Iterable[str]) -> None:
        names = tuple(names)
        self.fields.add_rows(self.form, names)
        self.names += names

    def finish(self) -> None:
        """Add the note on required fields (when there are any) under the rows."""
        if any(SPECS[name].required for name in self.names):
            note = QLabel("Fields marked * are required.")
            note.setProperty("role", "muted")
            self.column.addWidget(note)

    def isComplete(self) -> bool:
        return self._problems(self.names) == {}

    def validatePage(self) -> bool:
        return self._reveal(self.names)


class SummaryPage(QWizardPage):
    """Every value (never a password) to check before registering; submission problems show here.

    `busy()` says whether a submission is running (Register is then disabled); `submit()` starts
    one and answers True once registering is done.
    """

    def __init__(self, fields: ProviderFields, steps: Sequence[Step], *, busy: Callable[[], bool],
                 submit: Callable[[], bool]) -> None:
        super().__init__()
        self.fields = fields
        self.steps = steps
        self._busy = busy
        self._submit = submit
        self.setTitle("Review and register")
        self.setSubTitle("Check the details, then press Register. Use Back to change anything.")
        self.status = plain_label(wrap=True, name="Registration status")
        self.status.hide()
        self.area = details_area(())
        column = QVBoxLayout(self)
        column.addWidget(self.area, 1)
        column.addWidget(self.status)

    def initializePage(self) -> None:
        values = self.fields.values()
        groups = []
        for title, _subtitle, names in self.steps:
            rows = [(SPECS[n].label, "••••••" if n in SECRETS else display_value(n, values[n])) for n in names]
            if title == ACCOUNT_STEP and not values["username"].strip():
                rows[0] = (rows[0][0], "Made from the email address")
            groups.append((title, rows))
        groups.append(("Optional extras", [(SPECS[n].label, display_value(n, values[n])) for n in EXTRAS]))
        self.area.setWidget(details_body(groups))

    def show_status(self, text: str, *, error: bool = True) -> None:
        self.status.setText(text)
        self.status.setProperty("role", "error" if error else "muted")
        restyle(self.status)
        self.status.setVisible(bool(text))

    def isComplete(self) -> bool:
        return not self._busy()

    def validatePage(self) -> bool:
        return self._submit()
