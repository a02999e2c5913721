"""The Verify dialog's expiry date typed as an officer types it: digit by digit, refused in words when
past or unfinished, and what is confirmed is what the field shows."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDateEdit

from app.api.models import Decision, Provider
from app.validation import field_error
from tests.helpers.factories import create_provider
from ui.credentialing.decision_dialog import EXPIRY_PAST, EXPIRY_UNFINISHED, DecisionDialog


@pytest.fixture
def dialog(loop: asyncio.AbstractEventLoop, admin: httpx.Client, qtbot) -> Iterator[DecisionDialog]:
    """A Verify dialog for a provider just created on the server, shown, its date field focused on the year."""
    provider = Provider.model_validate(create_provider(admin))
    shown = DecisionDialog(Decision.VERIFIED, provider)
    qtbot.addWidget(shown)
    shown.show()
    shown.activateWindow()
    edit = date_edit(shown)
    edit.setFocus()
    edit.setSelectedSection(QDateEdit.Section.YearSection)
    yield shown
    shown.reject()


def date_edit(dialog: DecisionDialog) -> QDateEdit:
    assert dialog.expiry_edit is not None
    return dialog.expiry_edit


def confirmations(dialog: DecisionDialog) -> list[date | None]:
    """The expiry dates the dialog confirms from now on."""
    sent: list[date | None] = []
    dialog.confirmed.connect(lambda: sent.append(dialog.expiry()))
    return sent


def test_a_date_is_typed_digit_by_digit_and_sent_as_shown(dialog: DecisionDialog) -> None:
    edit, sent = date_edit(dialog), confirmations(dialog)
    year = date.today().year + 2
    QTest.keyClicks(edit, f"{year}0305")
    assert edit.text() == f"{year}-03-05"
    assert dialog.expiry() == date(year, 3, 5)
    assert dialog.error.isHidden()
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert sent == [date(year, 3, 5)], "Enter verifies with the date shown"


def test_a_past_year_shows_as_typed_and_is_refused_in_words(dialog: DecisionDialog) -> None:
    edit, sent = date_edit(dialog), confirmations(dialog)
    last_year = date.today().year - 1
    QTest.keyClicks(edit, str(last_year))
    assert edit.text().startswith(f"{last_year}-"), "every digit typed is kept"
    assert dialog.expiry() is not None
    assert dialog.expiry().year == last_year
    assert not dialog.error.isHidden()
    assert dialog.error.text() == EXPIRY_PAST
    assert not dialog.ok_button.isEnabled()
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert sent == [], "a past date is never sent"
    edit.setSelectedSection(QDateEdit.Section.YearSection)
    QTest.keyClicks(edit, str(last_year + 3))
    assert dialog.error.isHidden()
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert [d.year for d in sent if d] == [last_year + 3]


def test_enter_on_an_unfinished_year_says_so_and_keeps_the_digits(dialog: DecisionDialog) -> None:
    edit, sent = date_edit(dialog), confirmations(dialog)
    before = dialog.expiry()
    QTest.keyClicks(edit, str(date.today().year + 1)[:3])
    shown = edit.text()
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert sent == [], "nothing is verified with a date other than the one shown"
    assert dialog.error.text() == EXPIRY_UNFINISHED
    assert not dialog.error.isHidden()
    assert edit.text() == shown, "the digits typed stay to be finished"
    assert dialog.expiry() == before
    QTest.keyClicks(edit, str(date.today().year + 1)[3:])
    assert dialog.error.isHidden()
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert len(sent) == 1
    assert sent[0] is not None
    assert sent[0].year == date.today().year + 1


def test_a_rejection_note_with_an_invisible_character_is_refused_in_the_servers_words(
    loop: asyncio.AbstractEventLoop, admin: httpx.Client, qtbot
) -> None:
    provider = Provider.model_validate(create_provider(admin))
    shown = DecisionDialog(Decision.REJECTED, provider)
    qtbot.addWidget(shown)
    shown.show()
    assert shown.note_edit is not None
    shown.note_edit.setPlainText("The seal\nis cut off\u202e.")
    assert shown.problem() == field_error("note", "The seal\nis cut off\u202e.")
    assert not shown.ok_button.isEnabled()
    shown.note_edit.setPlainText("The seal\nis cut off.")
    assert shown.problem() == ""
    assert shown.ok_button.isEnabled()
    shown.reject()
