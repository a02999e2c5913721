"""The registration wizard says at once when a field holds a control or direction character, typed
(a keyboard layout or an input method sends those) or pasted, in the words the server answers with."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from app.validation import field_error
from tests.helpers.factories import registration_fields
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import run_ui
from tests.ui.profile.test_wizard import NEXT, error_of, fill_page, not_signed_in, open_wizard
from ui.profile.wizard import RegistrationWizard


def press_character(widget: QWidget, char: str) -> None:
    """A key whose text is `char`, as a keyboard layout or an input method sends it (QTest types ASCII only)."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def paste(widget: QWidget, text: str) -> None:
    """Replace the field's text with `text` through the clipboard, as Ctrl+A, Ctrl+V do."""
    QApplication.clipboard().setText(text)
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def with_wizard(loop: asyncio.AbstractEventLoop, api: str, data_dir: Path,
                check: Callable[[RegistrationWizard], Awaitable[None]]) -> None:
    """Run `check` on a self-registration wizard filled in validly up to step 1's end, then close it."""
    async def body() -> None:
        async with not_signed_in(api) as (client, runner):
            wizard = open_wizard(client, runner, data_dir)
            fill_page(wizard, registration_fields())
            await check(wizard)
            wizard.reject()

    run_ui(loop, body)


def go_to_the_step_of(wizard: RegistrationWizard, name: str) -> None:
    form = registration_fields()
    for _ in wizard.step_pages:
        if name in getattr(wizard.currentPage(), "names", ()):
            return
        fill_page(wizard, form)
        wizard.button(NEXT).click()
    raise AssertionError(f"no step of the wizard has {name}")


def test_a_typed_direction_mark_is_said_and_goes_when_it_is_removed(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def check(wizard: RegistrationWizard) -> None:
        first = wizard.fields.inputs["first_name"]
        assert isinstance(first, QLineEdit)
        for char, words in (("\u202e", "U+202E (right-to-left override)"),
                            ("\u2066", "U+2066 (left-to-right isolate)"), ("\u200b", "U+200B (zero width space)")):
            first.setFocus()
            first.clear()
            QTest.keyClicks(first, "Ro")
            press_character(first, char)
            QTest.keyClicks(first, "salind")
            assert first.text() == f"Ro{char}salind", "Qt keeps what was typed"
            QTest.keyClick(first, Qt.Key.Key_Tab)
            await asyncio.sleep(0)
            assert error_of(wizard, "first_name") == f"First name cannot contain the invisible character {words}"
            assert not wizard.button(NEXT).isEnabled()
            first.setFocus()
            QTest.keyClick(first, Qt.Key.Key_End)
            for _ in range(len("salind") + 1):
                QTest.keyClick(first, Qt.Key.Key_Left)
            QTest.keyClick(first, Qt.Key.Key_Delete)
            assert first.text() == "Rosalind"
            assert error_of(wizard, "first_name") == "", "the message goes as the character does"
            assert wizard.button(NEXT).isEnabled()

    with_wizard(loop, live_server.api, tmp_path, check)


def test_a_pasted_control_character_or_line_break_is_said(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def check(wizard: RegistrationWizard) -> None:
        last = wizard.fields.inputs["last_name"]
        assert isinstance(last, QLineEdit)
        for char in ("\x07", "\x1b", "\x7f", "\x9b", "\n", "\r", "\u2066", "\u200b"):
            paste(last, f"Frank{char}lin")
            assert last.text() == f"Frank{char}lin", "Qt keeps what was pasted"
            QTest.keyClick(last, Qt.Key.Key_Tab)
            expected = field_error("last_name", f"Frank{char}lin")
            assert expected is not None
            assert expected.startswith("Last name cannot contain")
            assert error_of(wizard, "last_name") == expected
            assert not wizard.button(NEXT).isEnabled()
        paste(last, "Franklin")
        assert error_of(wizard, "last_name") == ""

    with_wizard(loop, live_server.api, tmp_path, check)


def test_a_long_text_keeps_its_lines_but_not_an_escape(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def check(wizard: RegistrationWizard) -> None:
        go_to_the_step_of(wizard, "additional_information")
        notes = wizard.fields.inputs["additional_information"]
        paste(notes, "Hours:\tMon-Fri\nNights: on call")
        assert error_of(wizard, "additional_information") == ""
        paste(notes, "Hours:\x1b[31m Mon-Fri")
        assert error_of(wizard, "additional_information") == \
            "Additional information cannot contain the invisible character U+001B", "said as it changes"
        assert not wizard.button(NEXT).isEnabled()

    with_wizard(loop, live_server.api, tmp_path, check)
